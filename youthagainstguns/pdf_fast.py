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
from itertools import accumulate, groupby
from pathlib import Path

import segno
from flask import current_app
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, StreamObject
from reportlab import rl_config
from reportlab.lib.rl_accel import escapePDF
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
# A byte of a font subset's string as it goes between ( and ) in a PDF content stream.
_PDF_ESCAPES = {code: escapePDF(bytes([code])) for code in range(256)}


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


def two_lines(text: str, font: str) -> tuple[str, str]:
    """Split `text` where the longer of its two lines is shortest: at a space, or, for one
    unbroken word, between two letters."""
    words = text.split()
    units, gap = (list(text), "") if len(words) == 1 else (words, " ")
    widths = [text_width(unit, font, 1) for unit in units]
    gap_width = text_width(gap, font, 1)
    total = sum(widths) + gap_width * (len(units) - 1)

    def longer(cut: int) -> float:
        left = sum(widths[:cut]) + gap_width * (cut - 1)
        return max(left, total - left - gap_width)

    cut = min(range(1, len(units)), key=longer)
    return gap.join(units[:cut]), gap.join(units[cut:])


def wrap_text(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Break `text` into lines no wider than `max_width`: between words, and inside a word
    only when the word alone is wider than a line."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        joined = f"{line} {word}" if line else word
        if text_width(joined, font, size) <= max_width:
            line = joined
            continue
        if line:
            lines.append(line)
        line = word
        while text_width(line, font, size) > max_width:
            cut = 1
            while text_width(line[:cut + 1], font, size) <= max_width:
                cut += 1
            lines.append(line[:cut])
            line = line[cut:]
    return [*lines, line] if line else lines


class TextBlock:
    """Many short strings in one font and size, written as raw PDF text operators.

    ReportLab's drawString builds a text object, re-measures the string, re-encodes it and
    formats each number with a slow pure-Python routine on every call: at 60,000 cells that
    was most of a 10,000-row report's time. Here each character is measured and given its
    code in the font subset once, each distinct cell is clipped and encoded once, and all the
    strings of a page go out as one text block.
    """

    def __init__(self, canvas: Canvas, font_name: str, size: float):
        _fonts()
        self._canvas, self._size = canvas, size
        self._font = pdfmetrics.getFont(font_name)
        self._known: set[str] = set()
        self._points: dict[str, float] = {}  # a character's advance
        self._subset_of: dict[str, str] = {}  # the font subset that holds it
        self._escaped: dict[int, str] = {}  # its byte in that subset, ready for ( )
        self._subsets: set[str] = set()
        self._cells: dict[tuple[str, float, bool], tuple[float, list[tuple[str, str]]]] = {}
        self._ops: list[str] = []
        self._subset: str | None = None
        self._ellipsis = self.width("…")

    def _learn(self, text: str) -> None:
        """Measure and encode the characters of `text` not seen before, in order of first
        appearance (so that the same document always gets the same codes)."""
        if self._known.issuperset(text):
            return
        face, doc = self._font.face, self._canvas._doc  # subsets are numbered per document
        for char in dict.fromkeys(text):
            if char in self._known:
                continue
            [(subset, code)] = self._font.splitString(char, doc)
            name = self._font.getSubsetInternalName(subset, doc)
            self._points[char] = 0.001 * self._size * face.charWidths.get(
                ord(char), face.defaultWidth)
            self._subset_of[char], self._escaped[ord(char)] = name, _PDF_ESCAPES[code[0]]
            self._subsets.add(name)
            self._known.add(char)

    def width(self, text: str) -> float:
        """Return the width of `text` in points, as ReportLab's stringWidth measures it."""
        self._learn(text)
        return sum(map(self._points.__getitem__, text))

    def clip(self, text: str, room: float) -> str:
        """Return `text`, shortened with an ellipsis if it is wider than `room` points."""
        if self.width(text) <= room:
            return text
        left = room - self._ellipsis
        ends = accumulate(map(self._points.__getitem__, text))
        return text[:next(n for n, end in enumerate(ends) if end > left)].rstrip() + "…"

    def _shown(self, text: str) -> list[tuple[str, str]]:
        """(font subset name, show operator) for each run of `text` in one subset."""
        self._learn(text)
        if len(self._subsets) == 1:  # the usual case: fewer than 256 distinct characters
            return [(next(iter(self._subsets)), f"({text.translate(self._escaped)}) Tj")]
        return [(subset, f"({''.join(run).translate(self._escaped)}) Tj")
                for subset, run in groupby(text, key=self._subset_of.__getitem__)]

    def add(self, x: float, y: float, text: str, room: float, right: bool = False) -> None:
        """Queue `text`, clipped to `room` points, starting at (x, y) or ending there if
        `right`; each distinct text of a column is clipped, measured and encoded once."""
        key = (text, room, right)
        cell = self._cells.get(key)
        if cell is None:
            shown = self.clip(text, room)
            cell = self._cells[key] = (self.width(shown) if right else 0.0, self._shown(shown))
        runs = []
        for subset, show in cell[1]:
            if subset != self._subset:
                runs.append(f"{subset} {self._size:g} Tf")
                self._subset = subset
            runs.append(show)
        self._ops.append(f"1 0 0 1 {x - cell[0]:.2f} {y:.2f} Tm {' '.join(runs)}")

    def flush(self, rgb: tuple[float, float, float]) -> None:
        """Draw the queued strings on the canvas's current page in colour `rgb`."""
        if self._ops:
            color = " ".join(f"{part:.3f}" for part in rgb)
            # q/Q: the canvas keeps its own idea of the current font and colour.
            self._canvas.addLiteral(f"q {color} rg BT\n" + "\n".join(self._ops) + "\nET Q")
        self._ops, self._subset = [], None


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
