"""Small-cell suppression: the one rule for hiding counts that could identify a child.

**Primary suppression.** A count of children from 1 to 4 (under `SUPPRESS_BELOW`) is shown as
"<5": so few children in a school, district or month could be recognised. 0 is shown, since it
identifies nobody. A total from 1 to 4 is hidden the same way.

**Complementary suppression.** Hiding one cell is not enough where a total is shown beside it:
in a column of 3, 10 and 12 with a total of 25, the reader works out 25 − 10 − 12 = 3 (the
subtraction attack). So in every row and every column that has a shown total, either no cell or
at least two are hidden; where only one is, the smallest other non-zero cell is hidden too (a
total only when nothing else can be). A cell hidden in a row may leave its column with one
hidden cell, so this repeats until no row or column needs another. The margins take part like
any other line: the row totals add up to the grand total, and so do the column totals.

A cell hidden only to protect another is shown as "*", not "<5": it is not small, and saying so
would misstate the table (two "<5" cells that add up to 15).

Rates computed from a hidden count are hidden too (`rate`).

What this does not do: it does not solve the table as a system of equations to find how
narrowly a hidden value can still be bounded, and it cannot know of totals published elsewhere;
give each breakdown the totals shown beside it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SUPPRESS_BELOW = 5
SHOWN_SMALL = f"<{SUPPRESS_BELOW}"
SHOWN_COMPLEMENT = "*"

_Position = tuple[int, int]


@dataclass(frozen=True)
class Cell:
    """A count with what to show for it: the number, "<5" or "*". Show `shown` (or format
    `value` only when not `suppressed`); `value` is kept for computing, never for display."""

    value: int
    shown: str
    suppressed: bool


@dataclass(frozen=True)
class Table:
    """A table of counts after suppression, with the totals given to `suppress`."""

    cells: list[list[Cell]]
    row_totals: list[Cell] | None = None
    column_totals: list[Cell] | None = None
    grand_total: Cell | None = None


def is_small(count: int) -> bool:
    """Return whether a count is too small to show (1 to 4)."""
    return 0 < count < SUPPRESS_BELOW


def _cell(value: int, hidden: bool) -> Cell:
    if not hidden:
        return Cell(value, str(value), False)
    return Cell(value, SHOWN_SMALL if is_small(value) else SHOWN_COMPLEMENT, True)


def _lines(rows: int, columns: int, by_row: bool, by_column: bool,
           grand: bool) -> list[list[_Position]]:
    """Each group of positions that adds up to a shown total, the total last. Row totals sit
    in column `columns`, column totals in row `rows`, the grand total at (rows, columns)."""
    lines = []
    if by_row:
        lines += [[(i, j) for j in range(columns)] + [(i, columns)] for i in range(rows)]
    if by_column:
        lines += [[(i, j) for i in range(rows)] + [(rows, j)] for j in range(columns)]
    if grand and by_row:
        lines.append([(i, columns) for i in range(rows)] + [(rows, columns)])
    if grand and by_column:
        lines.append([(rows, j) for j in range(columns)] + [(rows, columns)])
    if grand and not (by_row or by_column):
        lines.append([(i, j) for i in range(rows) for j in range(columns)] + [(rows, columns)])
    return lines


def _complements(values: dict[_Position, int], lines: list[list[_Position]]) -> set[_Position]:
    """The positions to hide: the small ones, then complements until every line hides none or
    at least two."""
    hidden = {position for position, value in values.items() if is_small(value)}
    changed = True
    while changed:
        changed = False
        for line in lines:
            shown = [position for position in line if position not in hidden]
            if len(line) - len(shown) != 1 or not shown:
                continue
            total = line[-1]
            # Smallest non-zero cell first; the total only if no cell is non-zero; a zero last.
            hidden.add(min(shown, key=lambda p: (values[p] == 0, p == total, values[p], p)))
            changed = True
    return hidden


def single(count: int) -> Cell:
    """Return a count shown with no total beside it (a headline figure): "<5" when 1 to 4."""
    return _cell(count, is_small(count))


def share_rate(numerator: int, denominator: int) -> float | None:
    """Return numerator / denominator, or None when either count is 1 to 4 or there is no
    denominator: the rate would give the small count away."""
    return rate(single(numerator), single(denominator))


def suppress(counts: Sequence[Sequence[int]], *, row_totals: Sequence[int] | None = None,
             column_totals: Sequence[int] | None = None,
             grand_total: int | None = None) -> Table:
    """Return the table with small counts and their complements hidden.

    :param counts: rows of counts, all rows the same length.
    :param row_totals: the total shown at the end of each row, if any (it need not be the
        row's sum: a student reached in two columns may count once in it).
    :param column_totals: the total shown under each column, if any.
    :param grand_total: the total of the whole table, if shown.
    """
    rows = len(counts)
    columns = len(counts[0]) if counts else len(column_totals or ())
    if any(len(row) != columns for row in counts):
        raise ValueError("every row needs the same number of counts")
    if row_totals is not None and len(row_totals) != rows:
        raise ValueError("one row total per row")
    if column_totals is not None and len(column_totals) != columns:
        raise ValueError("one column total per column")
    values = {(i, j): n for i, row in enumerate(counts) for j, n in enumerate(row)}
    values |= {(i, columns): n for i, n in enumerate(row_totals or ())}
    values |= {(rows, j): n for j, n in enumerate(column_totals or ())}
    if grand_total is not None:
        values[(rows, columns)] = grand_total
    hidden = _complements(values, _lines(rows, columns, row_totals is not None,
                                         column_totals is not None, grand_total is not None))

    def cell(position: _Position) -> Cell:
        return _cell(values[position], position in hidden)

    return Table(
        cells=[[cell((i, j)) for j in range(columns)] for i in range(rows)],
        row_totals=None if row_totals is None else [cell((i, columns)) for i in range(rows)],
        column_totals=(None if column_totals is None
                       else [cell((rows, j)) for j in range(columns)]),
        grand_total=None if grand_total is None else cell((rows, columns)))


def suppress_column(counts: Sequence[int],
                    total: int | None = None) -> tuple[list[Cell], Cell | None]:
    """Return one column's cells and its total (None if none is shown), suppressed."""
    table = suppress([[n] for n in counts], column_totals=None if total is None else [total])
    cells = [row[0] for row in table.cells]
    return cells, None if table.column_totals is None else table.column_totals[0]


def rate(part: Cell, whole: Cell) -> float | None:
    """Return part / whole, or None when either count is hidden or there is no whole: a rate
    from a hidden count would give the count away."""
    if part.suppressed or whole.suppressed or not whole.value:
        return None
    return part.value / whole.value
