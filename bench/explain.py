"""The query plans of the key pages (issue 11): every SELECT a page runs, explained on the
largest bench database, with the full scans of big tables picked out.

SQLite gives `EXPLAIN QUERY PLAN`; PostgreSQL `EXPLAIN ANALYZE`, so its plans carry the time
each statement took in the server. The plans go to bench/out/explain-<engine>.txt; the summary
table to stdout and bench/RESULTS.md.
"""
from __future__ import annotations

import re

import sqlalchemy as sa

from bench.pages import PAGES, Visitor

BIG_TABLE_ROWS = 10_000  # a full scan of a table this big grows with the program's history
_PG_TIME = re.compile(r"Execution Time: ([\d.]+) ms")


def _capture(visitor: Visitor, page) -> list[tuple[str, object]]:
    """Open `page` once (after a warm visit) and return the SELECTs it ran, with parameters."""
    visitor.visit(page)
    seen: list[tuple[str, object]] = []

    def keep(_conn, _cursor, statement, parameters, _context, executemany) -> None:
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append((statement, parameters))

    sa.event.listen(visitor.engine, "before_cursor_execute", keep)
    try:
        visitor.visit(page)
    finally:
        sa.event.remove(visitor.engine, "before_cursor_execute", keep)
    return seen


def _plan(connection: sa.Connection, statement: str, parameters) -> list[str]:
    """The plan of one statement, a line per step."""
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
        return [row[3] for row in rows]
    rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
    return [row[0] for row in rows]


def _big_tables(connection: sa.Connection) -> set[str]:
    """The application's tables holding more than BIG_TABLE_ROWS rows."""
    names = sa.inspect(connection).get_table_names()
    return {name for name in names if name != "alembic_version" and connection.scalar(
        sa.text(f'SELECT count(*) FROM "{name}"')) > BIG_TABLE_ROWS}  # noqa: S608 (own names)


def _full_scans(lines: list[str], big: set[str]) -> set[str]:
    """The big tables these plan lines walk rather than seek (SQLite `SCAN t`, with the index
    it walks in order if any, which a LIMIT may stop early; PostgreSQL `Seq Scan on t`)."""
    found = set()
    for line in lines:
        match = (re.search(r"\bSCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?", line)
                 or re.search(r"Seq Scan on (\w+)()", line))
        if match and match.group(1) in big:
            found.add(match.group(1) + (f" (in {match.group(2)} order)" if match.group(2)
                                        else ""))
    return found


def explain_pages(visitor: Visitor, out_path) -> str:
    """Explain every key page's SELECTs; write the plans to `out_path`, return the summary."""
    timed = visitor.engine.dialect.name != "sqlite"
    head = ["page", "SELECTs", "big tables read whole"] + (["server ms"] if timed else [])
    table = ["| " + " | ".join(head) + " |", "|---|---:|---|" + ("---:|" if timed else "")]
    report = []
    with visitor.engine.connect() as connection:
        big = _big_tables(connection)
        for page in PAGES:
            scans, server_ms = set(), 0.0
            statements = _capture(visitor, page)
            report.append(f"## {page.name}\n")
            for statement, parameters in statements:
                lines = _plan(connection, statement, parameters)
                scans |= _full_scans(lines, big)
                server_ms += sum(float(t) for t in _PG_TIME.findall("\n".join(lines)))
                report.append(" ".join(statement.split())[:600] + "\n  "
                              + "\n  ".join(lines) + "\n")
            cells = [page.name, str(len(statements)), ", ".join(sorted(scans)) or "-"]
            table.append("| " + " | ".join(cells + ([f"{server_ms:,.1f}"] if timed else []))
                         + " |")
        connection.rollback()
    out_path.write_text("\n".join(report))
    return "\n".join(table)
