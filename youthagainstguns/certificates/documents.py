"""Certificate PDFs from plain values: one page through WeasyPrint, packs stamped fast.

A pack repeats one design per language and issue date: that background is rendered once by
WeasyPrint and only the holder's name, the code and the QR code are drawn on each page, at the
positions the single-page template uses (`SLOTS`, millimetres from the top-left corner).
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date

from babel.lists import format_list
from flask_babel import force_locale
from flask_babel import format_date as babel_format_date
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4, landscape

from .. import pdf, pdf_fast
from ..i18n import format_date
from ..urls import absolute_url
from .models import CertificateKind

TEMPLATE = "certificates/certificate.html"
PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
NAME_COLOUR = (11 / 255, 93 / 255, 80 / 255)
# DejaVu Sans with line-height 1: the baseline sits 0.846 em below the top of the line box.
BASELINE_EM = 0.846
PT_IN_MM = 0.352778
SLOTS = {
    # A name shrinks on one line from name_pt to name_line_min_pt, then takes two lines from
    # name_lines_pt down to name_min_pt, the floor (see `name_lines`).
    "name_baseline": 84.0, "name_pt": 28.0, "name_line_min_pt": 20.0, "name_lines_pt": 20.0,
    "name_min_pt": 9.0, "name_width": 230.0, "name_leading": 1.15,
    "rule_y": 88.0,
    # The workshop, venue and speaker lines: smaller type once they would take 3 lines or more.
    "body_width": 237.0, "body_long_lines": 1.6, "workshop_pt": 16.0, "workshop_long_pt": 12.0,
    "body_pt": 12.0, "body_long_pt": 10.0,
    "qr_left": 247.0, "qr_top": 148.0, "qr_size": 30.0,
    "code_right": 242.0, "code_baseline": 159.0, "code_pt": 8.5,
    "label_top": 149.5, "how_top": 162.5,
}


@dataclass(frozen=True)
class WorkshopFacts:
    """What a certificate says about the workshop, as plain values."""

    title: str
    held_on: date
    venue: str
    speaker_aliases: tuple[str, ...]


@dataclass(frozen=True)
class CertificateItem:
    """One certificate to print: who, which code, in which language, issued when."""

    kind: CertificateKind
    holder_name: str
    code: str
    language: str
    issued_on: date


@dataclass(frozen=True)
class NameLines:
    """A holder's name as printed: its lines (nearly always one) and their size in points."""

    lines: tuple[str, ...]
    size: float

    def baselines(self) -> list[float]:
        """Return each line's baseline in mm from the top: the last line sits where a one-line
        name does, just above the rule; the others stack above it."""
        pitch = SLOTS["name_leading"] * self.size * PT_IN_MM
        count = len(self.lines)
        return [SLOTS["name_baseline"] - (count - 1 - i) * pitch for i in range(count)]


def _down(size: float) -> float:
    """Round a font size down to 0.01 pt, so that both renderers get one that still fits."""
    return math.floor(size * 100) / 100


def name_lines(name: str) -> NameLines:
    """Fit a holder's name into its slot: one line, shrunk down to name_line_min_pt; else two
    balanced lines, shrunk down to the floor; at the floor, as many lines as it takes (only
    names of ~100 wide letters or of unbroken runs that long need three)."""
    width = pdf_fast.points(SLOTS["name_width"])
    # One measurement at 1 pt scales to every size; the common short name stops here.
    per_pt = pdf_fast.text_width(name, pdf_fast.BOLD, 1)
    if per_pt * SLOTS["name_pt"] <= width:
        return NameLines((name,), SLOTS["name_pt"])
    if per_pt * SLOTS["name_line_min_pt"] <= width:
        return NameLines((name,), _down(width / per_pt))
    lines = pdf_fast.two_lines(name, pdf_fast.BOLD)
    longest = max(pdf_fast.text_width(line, pdf_fast.BOLD, 1) for line in lines)
    size = min(SLOTS["name_lines_pt"], _down(width / longest))
    if size >= SLOTS["name_min_pt"]:
        return NameLines(lines, size)
    floor = SLOTS["name_min_pt"]
    return NameLines(tuple(pdf_fast.wrap_text(name, pdf_fast.BOLD, floor, width)), floor)


def draw_name(canvas, name: str) -> None:
    """Draw a holder's name centred in its slot, laid out by `name_lines`."""
    layout = name_lines(name)
    canvas.setFillColorRGB(*NAME_COLOUR)
    canvas.setFont(pdf_fast.BOLD, layout.size)
    for line, baseline in zip(layout.lines, layout.baselines(), strict=True):
        canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - pdf_fast.points(baseline), line)


def _long_lines(text: dict) -> list[str]:
    """Name the body lines long enough to need 3 lines or more at their usual size."""
    width = pdf_fast.points(SLOTS["body_width"]) * SLOTS["body_long_lines"]
    sizes = {"workshop_title": (pdf_fast.BOLD, SLOTS["workshop_pt"]),
             "details": (pdf_fast.REGULAR, SLOTS["body_pt"]),
             "given_by": (pdf_fast.REGULAR, SLOTS["body_pt"])}
    return [key for key, (font, size) in sizes.items()
            if pdf_fast.text_width(text[key], font, size) > width]


def verify_url(code: str) -> str:
    """Return the public address that verifies `code` (what the QR code holds)."""
    return absolute_url("certificates.verify", code=code)


def _long_date(day: date, language: str) -> str:
    """Spanish certificates read 12/03/2026; English ones March 12, 2026."""
    return format_date(day) if language == "es" else babel_format_date(day, "long")


def certificate_text(facts: WorkshopFacts, kind: CertificateKind, language: str,
                     issued_on: date) -> dict:
    """Return the fixed wording of a certificate in `language`."""
    with force_locale(language):
        speaker = kind == CertificateKind.SPEAKER
        when, venue = _long_date(facts.held_on, language), facts.venue
        given_by = ""
        if facts.speaker_aliases:
            speakers = format_list(list(facts.speaker_aliases), locale=language)
            given_by = _("Given by %(speakers)s.", speakers=speakers)
        text = {
            "language": language,
            "tagline": _("Violence prevention program · Lima, Peru"),
            "title": (_("CERTIFICATE OF PARTICIPATION AS A SPEAKER") if speaker
                      else _("CERTIFICATE OF ATTENDANCE")),
            "lead": _("This certifies that"),
            "reason": (_("took part as a speaker in the workshop") if speaker
                       else _("attended the workshop")),
            "workshop_title": facts.title,
            "details": _("Held on %(date)s at %(venue)s.", date=when, venue=venue),
            "given_by": given_by,
            "issued": _("Issued in Lima on %(date)s", date=_long_date(issued_on, language)),
            "signer": _("Program coordination"),
            "code_label": _("Verification code"),
            "verify_how": _("Scan the QR code or enter the code at"),
            "verify_base": absolute_url("certificates.verify_form"),
        }
    return {**text, "long": _long_lines(text)}


def _page(item: CertificateItem) -> dict:
    """Return the per-person values of one page, sized and placed as the stamp places them."""
    name = name_lines(item.holder_name)
    url = verify_url(item.code)
    return {
        "name_pt": name.size,
        "name_lines": [{"text": line, "top": round(baseline - BASELINE_EM * name.size * PT_IN_MM,
                                                  2)}
                       for line, baseline in zip(name.lines, name.baselines(), strict=True)],
        "code": item.code,
        "code_top": round(SLOTS["code_baseline"] - BASELINE_EM * SLOTS["code_pt"] * PT_IN_MM, 2),
        "verify_url": url,
        "qr_uri": pdf_fast.qr_code(url).svg_data_uri(border=0),
    }


def render_certificates(facts: WorkshopFacts, items: list[CertificateItem]) -> bytes:
    """Render every certificate as a full WeasyPrint page (one language and issue date).

    This is the straightforward way: used for single downloads, and by the benchmark as the
    baseline that packs must beat.
    """
    first = items[0]
    text = certificate_text(facts, first.kind, first.language, first.issued_on)
    return pdf.render_pdf(TEMPLATE, text=text, pages=[_page(i) for i in items], slots=SLOTS,
                          background=False, lang=first.language)


def _background_key(item: CertificateItem) -> tuple:
    return item.kind, item.language, item.issued_on


def _stamp(canvas, item: CertificateItem) -> None:
    """Draw one page's name, code and QR code where the template would have put them."""
    top = PAGE_HEIGHT
    draw_name(canvas, item.holder_name)
    canvas.setFillColorRGB(0, 0, 0)
    canvas.setFont(pdf_fast.BOLD, SLOTS["code_pt"])
    canvas.drawRightString(pdf_fast.points(SLOTS["code_right"]),
                           top - pdf_fast.points(SLOTS["code_baseline"]), item.code)
    qr_size = pdf_fast.points(SLOTS["qr_size"])
    pdf_fast.draw_qr(canvas, verify_url(item.code), pdf_fast.points(SLOTS["qr_left"]),
                     top - pdf_fast.points(SLOTS["qr_top"]) - qr_size, qr_size)
    canvas.showPage()


def render_pack(facts: WorkshopFacts, items: list[CertificateItem]) -> bytes:
    """Render one page per item, in order, fast: shared backgrounds plus stamped text."""
    keys = sorted({_background_key(i) for i in items}, key=str)
    backgrounds = []
    for kind, language, issued_on in keys:
        text = certificate_text(facts, kind, language, issued_on)
        backgrounds.append(pdf.render_pdf(TEMPLATE, text=text, pages=[{}], slots=SLOTS,
                                          background=True, lang=language))
    buffer = io.BytesIO()
    canvas = pdf_fast.new_canvas(buffer, (PAGE_WIDTH, PAGE_HEIGHT), facts.title)
    for item in items:
        _stamp(canvas, item)
    canvas.save()
    which = [keys.index(_background_key(i)) for i in items]
    return pdf_fast.compose(backgrounds, buffer.getvalue(), which.__getitem__)

