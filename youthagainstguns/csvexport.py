"""CSV that Excel opens with accents intact (UTF-8 with BOM) and never runs as formulas."""
import csv
import io
from collections.abc import Iterable, Iterator

# A spreadsheet treats a cell starting with these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """Return the cell as text, prefixed with ' when a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_chunks(header: Iterable, rows: Iterable[Iterable], batch: int = 500) -> Iterator[str]:
    """Yield the CSV text, BOM and header first, `batch` rows at a time (for streaming)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([safe_cell(cell) for cell in header])
    for n, row in enumerate(rows, 1):
        writer.writerow([safe_cell(cell) for cell in row])
        if n % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def to_csv(header: Iterable, rows: Iterable[Iterable]) -> str:
    """Return a whole (small) CSV document as one string."""
    return "".join(csv_chunks(header, rows))
