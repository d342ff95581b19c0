"""Fast pages: per-page text drawn with ReportLab over backgrounds rendered once by WeasyPrint.

WeasyPrint lays out every page of a document from scratch (~22 ms for a certificate page, ~6 ms
for a table row). Packs and long reports repeat one design with a few changing values, so the
design is rendered once (by pdf.py, the only WeasyPrint caller), turned into a PDF form XObject,
and every page of a ReportLab overlay draws that form first and its own text on top. The text
stays real text in the shipped font, so pypdf still extracts names and codes.
"""
import io
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import segno
from flask import current_app
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject
from reportlab import rl_config
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

REGULAR = "YAGSans"
BOLD = "YAGSans-Bold"
_BACKGROUND = NameObject("/YAGBackground")
QR_MASK = 4
# ASCII85 on top of zlib only makes binary-safe streams 25% bigger, at a cost per page.
rl_config.useA85 = 0


@cache
def register_fonts(static_folder: str) -> None:
    """Register the shipped DejaVu files with ReportLab once per process."""
    fonts = Path(static_folder) / "fonts"
    pdfmetrics.registerFont(TTFont(REGULAR, str(fonts / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(fonts / "DejaVuSans-Bold.ttf")))


def _fonts() -> None:
    register_fonts(current_app.static_folder)


def new_canvas(buffer: io.BytesIO, page_size: tuple[float, float], title: str) -> Canvas:
    """Return a ReportLab canvas with our fonts, writing compressed pages into `buffer`."""
    _fonts()
    canvas = Canvas(buffer, pagesize=page_size, pageCompression=1, invariant=1)
    canvas.setTitle(title)
    canvas.setAuthor("Youth Against Guns")
    return canvas


def text_width(text: str, font: str, size: float) -> float:
    """Return the width of `text` in points."""
    _fonts()
    return pdfmetrics.stringWidth(text, font, size)


def fit_font_size(text: str, font: str, size: float, max_width: float, min_size: float) -> float:
    """Return the largest size up to `size` (not below `min_size`) at which `text` fits."""
    width = text_width(text, font, size)
    if width <= max_width:
        return size
    return max(min_size, size * max_width / width)


def clip_text(text: str, font: str, size: float, max_width: float) -> str:
    """Shorten `text` with an ellipsis so that it fits `max_width`."""
    if text_width(text, font, size) <= max_width:
        return text
    while text and text_width(text + "…", font, size) > max_width:
        text = text[:-1]
    return text.rstrip() + "…"


def qr_code(data: str) -> segno.QRCode:
    """Return the QR code for `data`, medium error correction.

    The mask is fixed: letting segno score all eight masks cost ~15 ms per code, more than the
    rest of a pack page, and every mask yields a valid code that scanners read.
    """
    return segno.make(data, error="m", mask=QR_MASK, micro=False)


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """Draw a QR code for `data` as one filled path, lower-left corner at (x, y)."""
    rows = qr_code(data).matrix
    count = len(rows)
    runs = []
    for r, row in enumerate(rows):
        c = 0
        while c < count:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < count and row[c]:
                c += 1
            # One rectangle per run of dark modules, in module units: short, fast operators.
            runs.append(f"{start} {count - 1 - r} {c - start} 1 re")
    canvas.saveState()
    canvas.transform(size / count, 0, 0, size / count, x, y)
    canvas.addLiteral("\n".join(runs) + "\nf")
    canvas.restoreState()


def _as_form(page, writer: PdfWriter) -> StreamObject:
    """Turn a background page into a form XObject owned by `writer`."""
    form = StreamObject()
    form.set_data(page.get_contents().get_data())
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(page.mediabox),
        NameObject("/Resources"): page["/Resources"].clone(writer),
    })
    return form.flate_encode()


def compose(backgrounds: Sequence[bytes], overlay: bytes,
            background_of: Callable[[int], int]) -> bytes:
    """Lay page i of `overlay` over background page `background_of(i)`.

    :param backgrounds: PDFs whose pages, in order, are the background pages 0, 1, ...
    """
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(overlay)))
    forms = []
    for pdf in backgrounds:
        for page in PdfReader(io.BytesIO(pdf)).pages:
            forms.append(writer._add_object(_as_form(page, writer)))
    # One tiny shared stream draws the background; each page lists it before its own content.
    draw = StreamObject()
    draw.set_data(b"q " + _BACKGROUND.encode() + b" Do Q\n")
    draw_ref = writer._add_object(draw)
    for i, page in enumerate(writer.pages):
        # Copies, because ReportLab may share one resource dictionary between pages.
        resources = DictionaryObject(page["/Resources"].get_object())
        xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
        xobjects[_BACKGROUND] = forms[background_of(i)]
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents = page.get(NameObject("/Contents"))
        own = list(contents.get_object()) if isinstance(contents.get_object(), list) else [
            contents]
        page[NameObject("/Contents")] = ArrayObject([draw_ref, *own])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def points(value_mm: float) -> float:
    """Convert millimetres to PDF points."""
    return value_mm * mm
