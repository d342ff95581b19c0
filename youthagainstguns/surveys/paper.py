"""The printable survey: one numbered sheet per student with the items of the online form,
boxes to tick, and the pairing code's questions, for workshops where phones are no option."""
from __future__ import annotations

import io
from dataclasses import dataclass
from itertools import groupby

from flask_babel import force_locale
from flask_babel import gettext as _
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from .. import pdf, pdf_fast
from ..i18n import format_date
from ..workshops.models import Workshop
from .forms import PAPER_COPIES_MAX, item_choices
from .models import ItemKind, SurveyItem, WorkshopSurvey

TEMPLATE = "surveys/paper_sheet.html"
# Where the template leaves room for each copy's number (mm from the page's top and right
# edges; the foot's baseline from its bottom edge).
SLOTS = {"top": 13, "right": 14, "box_width": 32, "box_height": 11, "foot": 6.5}


@dataclass(frozen=True)
class PrintedQuestion:
    """One item as printed: its number on the sheet and its wording."""

    number: int
    text: str


@dataclass(frozen=True)
class Block:
    """Consecutive items of one kind, printed together: choice items as one grid under a
    single row of choice labels, the free-text item with lines to write on."""

    kind: str  # an ItemKind value
    choices: tuple[str, ...]  # the column labels; none for free text
    questions: tuple[PrintedQuestion, ...]


def default_copies(workshop: Workshop) -> int:
    """Return how many sheets to print by default: one per student on the roster (its
    capacity while nobody is on it), within 1 and PAPER_COPIES_MAX."""
    return clamp_copies(workshop.seats_taken or workshop.capacity)


def clamp_copies(copies: int) -> int:
    """Return `copies` brought within 1 and PAPER_COPIES_MAX."""
    return max(1, min(copies, PAPER_COPIES_MAX))


def blocks(items: list[SurveyItem], language: str) -> list[Block]:
    """Group the items as printed, keeping their order and their numbers."""
    numbered = list(enumerate(items, start=1))
    return [Block(kind.value, _labels(kind),
                  tuple(PrintedQuestion(number, item.text(language)) for number, item in run))
            for kind, run in groupby(numbered, key=lambda pair: pair[1].kind)]


def _labels(kind: ItemKind) -> tuple[str, ...]:
    if kind == ItemKind.TEXT:
        return ()
    return tuple(str(choice.label) for choice in item_choices(kind))


def render_sheets(survey: WorkshopSurvey, language: str, copies: int) -> bytes:
    """Render `copies` numbered sheets of the survey in `language` ("es" or "en") as a PDF.

    The sheet is laid out once by WeasyPrint (it takes a tenth of a second a page, too long
    for a class of 200) and each copy stamps its number over it. The context is plain values:
    the workshop's title and day only (the sheet goes to students), the phase, the items.
    """
    workshop, version = survey.workshop, survey.version
    with force_locale(language):
        design = pdf.render_pdf(
            TEMPLATE, lang=language, title=workshop.title, day=format_date(workshop.starts_at),
            phase=str(survey.phase.label), survey_id=survey.id, version=version.number,
            reference=version.wording_stamp()[:6], blocks=blocks(version.items, language),
            slots=SLOTS)
        label = _("Sheet")
    pages = len(PdfReader(io.BytesIO(design)).pages)
    buffer = io.BytesIO()
    canvas = pdf_fast.new_canvas(buffer, A4, workshop.title)
    for sheet in range(1, clamp_copies(copies) + 1):
        for page in range(pages):
            _stamp(canvas, sheet, label, first_page=page == 0)
    canvas.save()
    return pdf_fast.compose([design], buffer.getvalue(), lambda i: i % pages)


def _stamp(canvas, sheet: int, label: str, *, first_page: bool) -> None:
    """Draw the sheet's number into the box on its first page, and at the foot of each."""
    right = A4[0] - pdf_fast.points(SLOTS["right"])
    canvas.setFillColorRGB(0.11, 0.16, 0.2)
    if first_page:
        canvas.setFont(pdf_fast.BOLD, 15)
        canvas.drawRightString(right - pdf_fast.points(3), A4[1] - pdf_fast.points(
            SLOTS["top"] + SLOTS["box_height"] / 2 + 2), str(sheet))
    canvas.setFont(pdf_fast.BOLD, 11)
    canvas.drawRightString(right, pdf_fast.points(SLOTS["foot"]), f"{label} {sheet}")
    canvas.showPage()
