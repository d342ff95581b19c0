"""CSV that Excel opens with accents intact (UTF-8 with BOM) and never runs as formulas.

Excel splits a line at "," or at ";" depending on the computer's regional settings, so a
cell is quoted whenever it holds either, a quote, a tab or a line break. Quoting is not enough
when Excel splits at ";": it then reads the comma-separated line `1,"x;=1+1"` as the cells
`1,"x` and `=1+1"`, the second a formula. So the guard also defuses a formula that starts
after a ";" or a line break inside a cell, not only at its start.
"""
import re
from collections.abc import Iterable, Iterator

# A spreadsheet treats a cell starting with these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A formula start after a ";" or a line break, past any spaces and quotes.
FORMULA_INSIDE = re.compile(r'(?:^|[;\r\n])[\s"]*(?=[=+\-@])')
# Whatever any spreadsheet may take as the end of a cell or of a line.
NEEDS_QUOTES = re.compile(r'[,;"\t\r\n]')


def safe_cell(value) -> str:
    """Return the cell as text, with ' before whatever a spreadsheet would run."""
    text = "" if value is None else str(value)
    text = FORMULA_INSIDE.sub(lambda start: start.group(0) + "'", text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def quoted_cell(value) -> str:
    """Return the cell ready for a line: formula-safe, and quoted if it holds a separator."""
    text = safe_cell(value)
    return '"' + text.replace('"', '""') + '"' if NEEDS_QUOTES.search(text) else text


def csv_line(cells: Iterable) -> str:
    """Return one CSV line, comma-separated and ending in CRLF as RFC 4180 says."""
    return ",".join(quoted_cell(cell) for cell in cells) + "\r\n"


def csv_chunks(header: Iterable, rows: Iterable[Iterable], batch: int = 500) -> Iterator[str]:
    """Yield the CSV text, BOM and header first, `batch` rows at a time (for streaming)."""
    lines = ["\ufeff" + csv_line(header)]
    for n, row in enumerate(rows, 1):
        lines.append(csv_line(row))
        if n % batch == 0:
            yield "".join(lines)
            lines = []
    yield "".join(lines)


def to_csv(header: Iterable, rows: Iterable[Iterable]) -> str:
    """Return a whole (small) CSV document as one string."""
    return "".join(csv_chunks(header, rows))
