"""Server-drawn charts (youthagainstguns/charts.py): Spanish labels and numbers, escaping,
a self-contained SVG, the same figures as the table beside it, and the chart in a PDF."""
import io
import re
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pdfplumber
import pypdfium2
import pytest
from flask import render_template_string
from flask_babel import force_locale
from weasyprint import HTML

from youthagainstguns import charts, pdf
from youthagainstguns.auth.models import Role
from youthagainstguns.reports.figures import Period, workshops_per_month
from youthagainstguns.timeutil import today_lima

SVG_NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script>'
PHONE_CHART_PX = 350  # the chart's width on a 390 px phone, inside the page's margins


def _root(svg) -> ElementTree.Element:
    """The chart's SVG as a tree."""
    return ElementTree.fromstring(str(svg))  # noqa: S314 - the SVG charts.py just drew


def _texts(svg) -> list[str]:
    """The strings the chart draws (its <text> elements), in document order."""
    return ["".join(text.itertext()) for text in _root(svg).iter(f"{SVG_NS}text")]


@pytest.fixture
def spanish(app):
    """A request in Spanish, as most users see the program."""
    with app.test_request_context(), force_locale("es"):
        yield


@pytest.fixture
def english(app):
    """A request in English."""
    with app.test_request_context(), force_locale("en"):
        yield


def _year_chart():
    points = [(charts.month_label(date(2026, month, 1)), n)
              for month, n in [(9, 0), (10, 7), (11, 1234)]]
    return charts.bar_chart("Talleres por mes", points, x_title="Mes", y_title="Talleres")


def test_spanish_chart_writes_months_and_numbers_the_spanish_way(spanish):
    """Are months named in Spanish, thousands grouped with a point and shares written as
    12,5 %, on the bars and on the axis?"""
    texts = _texts(_year_chart())
    assert {"sept 2026", "oct 2026", "nov 2026"} <= set(texts)
    assert "1.234" in texts and "1.500" in texts  # a value and an axis step
    assert {"Talleres por mes", "Mes", "Talleres"} <= set(texts)
    shares = charts.horizontal_bar("Asistencia por colegio", [("IE 1", 0.125), ("IE 2", 0.5)],
                                   x_title="Colegio", y_title="Asistencia", is_percent=True)
    assert {"12,5\xa0%", "50\xa0%", "100\xa0%"} <= set(_texts(shares))


def test_english_chart_writes_months_and_numbers_the_english_way(english):
    """Does the same chart read 1,234 and Nov 2026 for an English user?"""
    texts = _texts(_year_chart())
    assert {"Sep 2026", "Oct 2026", "Nov 2026", "1,234", "1,500"} <= set(texts)
    assert "12.5%" in _texts(charts.bar_chart("Share", [("A", 0.125)], x_title="School",
                                              y_title="Attendance", is_percent=True))


@pytest.mark.parametrize("draw", [charts.bar_chart, charts.line_chart, charts.horizontal_bar])
def test_chart_is_self_contained_and_escapes_labels(spanish, draw):
    """Is a hostile district name drawn as text, never as markup, and does the SVG carry no
    script, no <style> (our CSP would block it), no link and nothing fetched?"""
    svg = str(draw(HOSTILE, [(HOSTILE, 3), ("Comas", 12)], x_title=HOSTILE, y_title="n"))
    assert "<script" not in svg.lower() and "&lt;script&gt;" in svg
    assert any(text.startswith("<script>alert(") for text in _texts(svg))  # drawn as text
    assert not re.search(r"<style|<link|<image|href=|url\(|<!--", svg)
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_chart_is_an_image_named_by_its_title(spanish):
    """Is the SVG an image whose accessible name is its title, also when the title is not
    drawn because a heading above already says it?"""
    for show_title in (True, False):
        svg = charts.bar_chart("Talleres por mes", [("oct 2026", 2)], x_title="Mes",
                               y_title="Talleres", show_title=show_title)
        root = _root(svg)
        name = root.find(f"{SVG_NS}title")
        assert root.get("role") == "img" and root.get("aria-labelledby") == name.get("id")
        assert name.text == "Talleres por mes"
        assert ("Talleres por mes" in _texts(svg)) is show_title


def test_chart_type_stays_readable_on_a_phone(spanish):
    """Scaled down to a phone's width, is every text at least 12 px, and does the SVG
    scale (a viewBox, no fixed layout size beyond its natural one)?"""
    for svg in (_year_chart(), charts.horizontal_bar(
            "Estudiantes por distrito", [("San Juan de Lurigancho", 48)], x_title="Distrito",
            y_title="Estudiantes")):
        root = _root(svg)
        scale = PHONE_CHART_PX / float(root.get("viewBox").split()[2])
        sizes = [float(el.get("font-size").removesuffix("px"))
                 for el in root.iter() if el.get("font-size")]
        assert sizes and min(sizes) * scale >= 12, sizes


def test_brand_colour_is_an_attribute_of_the_bars(spanish):
    """Are the bars filled with the program's green by an attribute, the only styling that
    both the browser (under our CSP) and WeasyPrint apply inside an SVG?"""
    svg = str(_year_chart())
    assert 'fill="#0b5d50"' in svg


def test_a_suppressed_value_draws_no_bar(spanish):
    """Is a count given as None (suppressed, shown as <5 in the table) left off the chart,
    so the chart cannot give away what the table hides?"""
    svg = charts.horizontal_bar("Estudiantes por distrito", [("Ancón", None), ("Comas", 12)],
                                x_title="Distrito", y_title="Estudiantes")
    root = _root(svg)
    bars = [el for el in root.iter(f"{SVG_NS}rect") if "rect" in el.get("class", "").split()]
    assert len(bars) == 1
    assert "Ancón" in _texts(svg) and "12" in _texts(svg)


def _page_cells(html: str) -> list[tuple[str, str]]:
    """The (month, workshops) rows of the months table on the program page."""
    section = html.split('aria-labelledby="months-heading"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]
    return [(month, workshops) for month, workshops, _students in rows]


def test_program_page_chart_and_table_show_the_same_figures(make, client, login_as, app):
    """Does the program page (this month by default, drawn in the twelve months ending with
    it) draw the Spanish months with the workshops held in each, and does the table beside
    the chart hold exactly the same figures?"""
    for days_ago in (3, 4, 40, 200):
        make.held_workshop(days_ago=days_ago)
    login_as(Role.COORDINATOR)
    html = client.get("/reports/program").get_data(as_text=True)
    svg = re.search(r"<svg [^>]*class=\"pygal-chart chart\".*?</svg>", html, re.S).group(0)
    with app.test_request_context(), force_locale("es"):
        expected = [(charts.month_label(month), str(n))
                    for month, n in workshops_per_month(Period.last_months(today_lima()))]
    assert sum(int(n) for _month, n in expected) == 4
    assert _page_cells(html) == expected
    texts = _texts(svg)
    months = [month for month, _n in expected]
    assert [text for text in texts if text in months] == months
    values = texts[texts.index(months[-1]) + 1:]  # after the axis labels: one value per bar
    assert [value for value in values if value.isdigit()] == [n for _month, n in expected]


def _chart_pdf(svg) -> bytes:
    """A PDF of the chart through the project's base PDF template, fetcher and fonts."""
    html = render_template_string(
        '{% extends "pdf/_base.html" %}{% block body %}<div>{{ chart }}</div>{% endblock %}',
        chart=svg)
    root = Path(pdf.current_app.static_folder).resolve()
    document = HTML(string=html, base_url=pdf.STATIC_SCHEME,
                    url_fetcher=pdf.StaticOnlyFetcher(root))
    return document.write_pdf(font_config=pdf.font_config())


def test_chart_in_a_pdf_keeps_its_text_and_colour(spanish):
    """Does WeasyPrint draw the same SVG: its title and figures as text in the PDF, and its
    bars in the program's green?"""
    body = _chart_pdf(_year_chart())
    with pdfplumber.open(io.BytesIO(body)) as document:
        text = " ".join(document.pages[0].extract_text().split())
    assert "Talleres por mes" in text and "1.234" in text and "1.500" in text
    rendered = pypdfium2.PdfDocument(body)
    image = rendered[0].render(scale=1).to_pil().convert("RGB")
    rendered.close()
    green = sum(count for count, (r, g, b) in image.getcolors(image.width * image.height)
                if abs(r - 11) + abs(g - 93) + abs(b - 80) < 30)
    assert green > 500, green
