"""Charts drawn on the server as SVG with pygal: one chart serves the page and the PDF.

Every chart is a plain, self-contained SVG: no JavaScript, no <style> (pygal's CSS becomes
attributes), no external font or link, so it works offline, inside WeasyPrint and under our
Content-Security-Policy. A value given as None (a suppressed count) draws no bar. Titles and
labels come in already translated; numbers and months are written by Babel in the user's
language (1.234 and 12,5 % in Spanish). The viewBox is narrow (400 units) and the type large,
so that a chart scaled down to a phone's 350 px still draws its smallest text at 12 px or more.

The SVG is role="img" named by its title; the table that every chart is shown with (see
templates/_macros/charts.html) is the accessible alternative that holds the figures. Under a
heading that already says the title, pass show_title=False: the title then only names the SVG.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import date
from functools import partial
from math import ceil, log10

import cssselect2
import pygal
import tinycss2
from flask_babel import format_date, format_decimal, format_percent, get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from pygal.style import Style

# pygal adds to sys.meta_path a finder for its map plug-ins that has only the legacy
# find_module(): every failed import that reaches it (an optional `import colorama`) then
# raises ImportWarning, an error under our tests' filterwarnings. We draw no maps.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

Point = tuple[str, float | None]  # None: a suppressed value, drawn as no bar

WIDTH = 400
HEIGHT = 340
ROW_HEIGHT = 30  # a horizontal bar per row: 14-unit labels need ~2x their size to breathe
MAX_TICKS = 5
LABEL_CHARS = 22  # longer category names are cut with "…"; the table beside holds them whole

BRAND = "#0b5d50"  # the program's green (static/css/app.css --pico-primary)
INK = "#1d2a33"
SUBTLE = "#4a5660"

STYLE = Style(
    # "inherit": the page's font on screen, the PDF's embedded font in print.
    font_family="inherit",
    background="transparent",
    plot_background="transparent",
    foreground=INK,
    foreground_strong=INK,
    foreground_subtle=SUBTLE,
    colors=(BRAND,),
    opacity="1",
    opacity_hover="1",
    guide_stroke_color="#b9c4cc",
    major_guide_stroke_color="#b9c4cc",
    title_font_size=16,
    label_font_size=14,
    major_label_font_size=14,
    value_font_size=14,
    no_data_font_size=16,
)
PRESENTATION = frozenset((
    "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity", "stroke-dasharray",
    "font-family", "font-size", "text-anchor", "opacity", "visibility"))
CSS = ("file://style.css", "file://graph.css")  # pygal's own, inlined into the SVG
# A value is written after its bar's end, not centred on it.
HORIZONTAL_VALUES = ".pygal-chart .horizontal .text-overlay text.value { text-anchor: start }"


def month_label(month: date) -> str:
    """Name a month short, in the user's language: "nov 2026"."""
    return format_date(month, "MMM y")


def percent(value: float) -> str:
    """Write a share (0.125) as a percentage with at most one decimal: "12,5 %"."""
    pattern = get_locale().percent_formats[None].pattern.replace("0", "0.#", 1)
    return format_percent(value, pattern)


def _ticks(top: float, is_percent: bool, count: int) -> list[float]:
    """Return up to `count` round axis steps from 0 past `top`: whole counts, or shares of 1."""
    if is_percent:
        return [i / (count - 1) for i in range(count)]
    raw = max(top, 1) / (count - 1)
    magnitude = 10 ** int(log10(raw)) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(ceil(max(top, 1) / step) + 1)]


def _cut(label: str) -> str:
    """Shorten a long category name with "…" so the bars keep their room."""
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _inline_css(root) -> None:
    """Turn pygal's <style> into presentation attributes (fill="…") on the elements it styles.

    Our Content-Security-Policy (style-src 'self') blocks a <style> inside the page, and
    WeasyPrint applies no page style sheet inside an SVG; attributes work in both. Rules are
    applied in cascade order (!important last, then specificity, then source order);
    properties an SVG attribute cannot carry (transitions) and :hover rules are dropped.
    """
    style = next(el for el in root.iter() if _tag(el) == "style")  # pygal's one, in <defs>
    matcher = cssselect2.Matcher()
    for order, rule in enumerate(tinycss2.parse_stylesheet(
            style.text, skip_whitespace=True, skip_comments=True)):
        declarations = [
            d for d in tinycss2.parse_declaration_list(
                rule.content, skip_whitespace=True, skip_comments=True)
            if d.type == "declaration" and d.lower_name in PRESENTATION]
        if declarations:
            for selector in cssselect2.compile_selector_list(rule.prelude):
                matcher.add_selector(selector, (order, declarations))
    for wrapper in cssselect2.ElementWrapper.from_xml_root(root).iter_subtree():
        cascade = sorted(
            (d.important, specificity, order, d.lower_name, tinycss2.serialize(d.value).strip())
            for specificity, _order, _pseudo, (order, declarations) in matcher.match(wrapper)
            for d in declarations)
        for *_rank, name, value in cascade:
            wrapper.etree_element.set(name, value)
    defs = next(el for el in root if _tag(el) == "defs")
    defs.remove(style)
    if not len(defs):
        root.remove(defs)


def _tag(element) -> str:
    """Return an element's local name; "" for a comment (its tag is a factory)."""
    return "" if callable(element.tag) else element.tag.rsplit("}", 1)[-1]


def _accessible(root, *, title: str):
    """Drop pygal's script, comments and tooltips, inline its CSS, name the SVG `title`."""
    for parent in list(root.iter()):
        for child in list(parent):
            # Comments carry pygal's URLs; <desc> holds raw coordinates (17.346…) for tooltips
            # only its JavaScript shows; a label's <title> repeats it, or a bar's position.
            if _tag(child) in ("", "script", "desc") or (
                    _tag(child) == "title" and parent is not root):
                parent.remove(child)
    _inline_css(root)
    name = next(el for el in root if _tag(el) == "title")  # "Pygal" when none is drawn
    name.text = title
    name.set("id", f"{root.get('id')}-title")
    root.set("role", "img")
    root.set("aria-labelledby", name.get("id"))
    root.set("class", f"{root.get('class')} chart")
    return root


def _render(kind: Callable, title: str, points: Sequence[Point], *, x_title: str,
            y_title: str, is_percent: bool, show_title: bool, ticks: int = MAX_TICKS,
            **config) -> Markup:
    """Draw one series of labelled values with the program's look; return inline SVG."""
    values = [value for _label, value in points]
    options = {
        "style": STYLE, "js": [], "width": WIDTH, "height": HEIGHT, "explicit_size": True,
        "disable_xml_declaration": True, "margin": 8, "spacing": 8, "show_legend": False,
        "title": title if show_title else None, "x_title": x_title, "y_title": y_title,
        "no_data_text": _("No data yet."),
        "value_formatter": percent if is_percent else format_decimal,
        "y_labels": _ticks(max(filter(None, values), default=0), is_percent, ticks),
        "print_values": True, "print_values_position": "top",
        "x_label_rotation": -45, "truncate_label": -1,
    }
    # pygal takes unknown options silently: a misspelt key here would simply do nothing.
    chart = kind(**(options | config))
    chart.add_xml_filter(partial(_accessible, title=title))
    chart.x_labels = [label for label, _value in points]
    chart.add(y_title, values)
    # pygal builds the SVG with ElementTree, which escapes every label and title it was given.
    return Markup(chart.render())  # noqa: S704


def bar_chart(title: str, points: Sequence[Point], *, x_title: str, y_title: str,
              is_percent: bool = False, show_title: bool = True) -> Markup:
    """Draw vertical bars, one per point, e.g. workshops held per month."""
    return _render(pygal.Bar, title, points, x_title=x_title, y_title=y_title,
                   is_percent=is_percent, show_title=show_title)


def line_chart(title: str, points: Sequence[Point], *, x_title: str, y_title: str,
               is_percent: bool = False, show_title: bool = True) -> Markup:
    """Draw a line through the points, e.g. mentoring hours per month.

    Values are not written beside the dots (they collide on a phone); the table has them.
    """
    return _render(pygal.Line, title, points, x_title=x_title, y_title=y_title,
                   is_percent=is_percent, show_title=show_title, print_values=False, dots_size=4)


def horizontal_bar(title: str, points: Sequence[Point], *, x_title: str, y_title: str,
                   is_percent: bool = False, show_title: bool = True) -> Markup:
    """Draw one horizontal bar per category, first at the top, e.g. students by district.

    `x_title` names the categories (drawn down the left side), `y_title` the values (drawn
    along the bottom), as in `bar_chart`.
    """
    rows = [(_cut(label), value) for label, value in reversed(points)]
    return _render(pygal.HorizontalBar, title, rows, x_title=y_title, y_title=x_title,
                   is_percent=is_percent, show_title=show_title, ticks=3, x_label_rotation=0,
                   height=max(HEIGHT // 2, 110 + ROW_HEIGHT * len(points)),
                   # room on the right for the value written after the longest bar
                   margin_right=48, css=[*CSS, "inline:" + HORIZONTAL_VALUES])
