"""Class lists from CSV or Excel: read, validate every row, and match students already known.

Between the preview and the confirmation the parsed rows travel in a signed, expiring token
(HMAC with the app's secret key, bound to the workshop and the user): the server keeps no copy
of children's names on disk or in a table, works the same with several workers, and a token
that was altered, belongs to another workshop or user, or is older than an hour is refused.
The confirmation re-matches the rows against the database, which may have changed meanwhile.
"""
from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from openpyxl import Workbook, load_workbook

from ..extensions import db
from ..text import CONTROL_CHARACTERS, normalise
from .models import RosterEntry, Student

MAX_ROWS = 2000
# A workbook is a zip: its parts, unpacked, may be far larger than the upload. Real class
# lists of 2,000 students unpack to about 1 MB; a zip bomb is refused before it is opened.
MAX_XLSX_UNPACKED = 30 * 1024 * 1024
MAX_XLSX_COLUMNS = 50  # cells further right are not read
CONTENT_MAX_LENGTH = 200  # of a bad row, as shown in the error table
TOKEN_MAX_AGE = 3600
# Canonical field → header spellings accepted (compared after normalising: no accents,
# lower case, spaces and dashes as underscores).
HEADER_ALIASES = {
    "first_name": ("nombres", "nombre", "first_name", "first_names", "firstname", "given_name"),
    "last_names": ("apellidos", "apellido", "last_names", "last_name", "lastname", "surname",
                   "surnames"),
    "grade": ("grado", "grade", "year"),
    "section": ("seccion", "section", "aula", "class"),
    "code": ("codigo", "code", "student_code", "codigo_estudiante", "codigo_del_estudiante"),
}
REQUIRED = ("first_name", "last_names")
MAX_LENGTHS = {"first_name": 80, "last_names": 120, "grade": 30, "section": 10, "code": 30}
FIELD_LABELS = {
    "first_name": _l("First name"), "last_names": _l("Last names"), "grade": _l("Grade"),
    "section": _l("Section"), "code": _l("Student code"), "file": _l("File"),
}
TEMPLATE_HEADER = ("nombres", "apellidos", "grado", "seccion", "codigo")
TEMPLATE_EXAMPLE = ("María José", "Quispe Huamán", "4.º secundaria", "B", "")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class RosterRow:
    """One valid student line of an uploaded file."""

    line: int
    first_name: str
    last_names: str
    grade: str = ""
    section: str = ""
    code: str = ""

    @property
    def identity(self) -> tuple[str, str, str, str]:
        """Return what makes two lines the same student at one school."""
        return student_identity(self.first_name, self.last_names, self.grade, self.section)


@dataclass(frozen=True)
class RowError:
    """What is wrong with one line (line 0: with the file as a whole), and what it holds."""

    line: int
    field: str
    problem: str
    content: str = ""

    @property
    def field_label(self) -> str:
        """Return the field's name in the user's language."""
        return str(FIELD_LABELS.get(self.field, self.field))


@dataclass
class ParsedRoster:
    """The result of reading a file: the good rows and every error."""

    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether the file can be imported as a whole."""
        return not self.errors and bool(self.rows)


@dataclass(frozen=True)
class PlannedRow:
    """A row and what importing it will do."""

    row: RosterRow
    student_id: int | None = None  # an existing student this row is
    skip_reason: str = ""  # non-empty: the row adds nobody

    @property
    def adds_entry(self) -> bool:
        """Tell whether the row puts someone on the roster."""
        return not self.skip_reason


def student_identity(first_name: str, last_names: str, grade: str, section: str) -> tuple:
    """Return the normalised names, grade and section that identify a student at a school."""
    return tuple(normalise(v) for v in (first_name, last_names, grade, section))


def decode(data: bytes) -> str | None:
    """Decode UTF-8 (with or without BOM) or else Windows-1252; None if neither fits."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def parse(data: bytes) -> ParsedRoster:
    """Read a CSV class list and validate every row; nothing touches the database."""
    text = decode(data)
    if text is None:
        return _file_error(_("The file is neither UTF-8 nor Windows-1252 text. Save it as CSV."))
    header_line = next((ln for ln in text.splitlines() if ln.strip()), "")
    if not header_line:
        return _file_error(_("The file is empty."))
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    # strict: a quotation mark left open is an error, not a cell that swallows the file.
    return _validate(_records(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter,
                                         strict=True)))


def parse_upload(filename: str, data: bytes) -> ParsedRoster:
    """Read an uploaded class list as Excel (.xlsx) or else CSV, by its name."""
    if (filename or "").lower().endswith(".xlsx"):
        return parse_xlsx(data)
    return parse(data)


def template_xlsx() -> bytes:
    """Return the empty class list as a workbook, every column stored as text."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Class list")[:31]  # Excel's limit for a sheet name
    sheet.append(TEMPLATE_HEADER)
    sheet.append(TEMPLATE_EXAMPLE)
    for row in sheet.iter_rows():
        for cell in row:
            cell.number_format = "@"
    for letter in "ABCDE":
        # Text columns: Excel keeps a code "05" as typed and never turns "4-5" into a date.
        sheet.column_dimensions[letter].number_format = "@"
        sheet.column_dimensions[letter].width = 22
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class NotAWorkbook(ValueError):
    """The upload is not an Excel workbook that can be read; the message is for people."""


def parse_xlsx(data: bytes) -> ParsedRoster:
    """Read the first sheet of an Excel workbook (.xlsx) and validate every row.

    Raise NotAWorkbook if the file is not a readable workbook. Formulas count by their last
    computed value; dates come out as dd/mm/yyyy and whole numbers (a grade, a code) as "4".
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise NotAWorkbook(_("This file is not an Excel workbook (.xlsx). Save it from Excel "
                             "as “Excel Workbook” or as CSV.")) from error
    if unpacked > MAX_XLSX_UNPACKED:
        raise NotAWorkbook(_("This workbook is too large. Keep only the class list in it."))
    try:
        # openpyxl warns about workbook features it drops (data validation, extensions);
        # only cell values are read, so those warnings say nothing to anyone here.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                return _validate(_sheet_records(book.worksheets[0]))
            finally:
                book.close()
    except Exception as error:  # a damaged part fails in any of openpyxl's parsers
        raise NotAWorkbook(_("This workbook cannot be read. Open it in Excel, save it again "
                             "and upload it, or save it as CSV.")) from error


def _sheet_records(sheet) -> Iterator[tuple[int, list[str]]]:
    """Yield each row of a sheet as text cells with its row number, as Excel shows it."""
    for number, values in enumerate(sheet.iter_rows(max_col=MAX_XLSX_COLUMNS,
                                                    values_only=True), start=1):
        yield number, [cell_text(value) for value in values]


def cell_text(value) -> str:
    """Return a spreadsheet cell as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == time() \
            else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a grade typed as 4 is stored as 4.0
    return str(value)


def _validate(records: Iterator[tuple[int, list[str]]]) -> ParsedRoster:
    """Map the header, then validate each non-empty record (at most MAX_ROWS)."""
    result, count = ParsedRoster(), 0
    try:
        first = next((r for r in records if any(c.strip() for c in r[1])), None)
        if first is None:
            return _file_error(_("The file is empty."))
        columns, header_errors = _columns(first[1])
        if header_errors:
            return ParsedRoster(errors=header_errors)
        for line, cells in records:
            if not any(c.strip() for c in cells):
                continue
            count += 1
            if count > MAX_ROWS:
                return _file_error(_("The file has more than %(n)d students. Split it in parts.",
                                     n=MAX_ROWS))
            _read_row(line, cells, columns, result)
    except UnreadableLine as error:
        result.errors.append(RowError(error.line, "file", _(
            "This line cannot be read: a quotation mark is left open or a cell is far too long. "
            "Correct it in the spreadsheet and save it as CSV again.")))
    if not result.rows and not result.errors:
        result.errors.append(RowError(0, "file", _("The file has no students.")))
    return result


class UnreadableLine(Exception):
    """A record the CSV reader cannot split into cells; `line` is where it starts."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def _records(reader) -> Iterator[tuple[int, list[str]]]:
    """Yield each record with the line it starts on; raise UnreadableLine on a broken one."""
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # an open quotation mark, or a cell over the size limit
            raise UnreadableLine(line) from error
        yield line, cells


def _file_error(problem: str) -> ParsedRoster:
    return ParsedRoster(errors=[RowError(0, "file", problem)])


def _header_key(cell: str) -> str:
    return re.sub(r"[\s\-.]+", "_", normalise(cell)).strip("_")


def _columns(header: list[str]) -> tuple[dict[str, int], list[RowError]]:
    """Map canonical fields to column positions from a Spanish or English header."""
    lookup = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = lookup.get(_header_key(cell))
        if name and name not in columns:
            columns[name] = index
    missing = [str(FIELD_LABELS[n]) for n in REQUIRED if n not in columns]
    if missing:
        return columns, [RowError(1, "file", _(
            "The first line must name the columns; missing: %(names)s. Download the template.",
            names=", ".join(missing)))]
    return columns, []


def _read_row(line: int, cells: list[str], columns: dict[str, int],
              result: ParsedRoster) -> None:
    values, errors = {}, []
    for name, index in columns.items():
        value = " ".join((cells[index] if index < len(cells) else "").split())
        if name in REQUIRED and not value:
            problem = _("This field is required.")
        elif len(value) > MAX_LENGTHS[name]:
            problem = _("Longer than %(n)d characters.", n=MAX_LENGTHS[name])
        elif CONTROL_CHARACTERS.search(value):
            problem = _("Contains characters that are not allowed.")
        else:
            values[name] = value
            continue
        errors.append(RowError(line, name, problem, row_content(cells)))
    if errors:
        result.errors.extend(errors)
    else:
        result.rows.append(RosterRow(line=line, **values))


def row_content(cells: list[str]) -> str:
    """Return a bad row's cells as one short line to show beside its error."""
    text = CONTROL_CHARACTERS.sub("\N{REPLACEMENT CHARACTER}",
                                  " · ".join(" ".join(c.split()) for c in cells if c.strip()))
    if len(text) > CONTENT_MAX_LENGTH:
        return text[:CONTENT_MAX_LENGTH - 1] + "…"
    return text


def plan(rows: Iterable[RosterRow], school_id: int, workshop_id: int) -> list[PlannedRow]:
    """Match rows to students already at the school and mark those already on the roster.

    Two queries whatever the size: the school's students, and the roster's student ids.
    """
    known = db.session.execute(
        sa.select(Student.id, Student.first_name, Student.last_names, Student.grade,
                  Student.section, Student.student_code).where(Student.school_id == school_id)
    ).all()
    by_identity = {student_identity(s.first_name, s.last_names, s.grade, s.section): s.id
                   for s in known}
    by_code = {normalise(s.student_code): s.id for s in known if s.student_code}
    on_roster = set(db.session.scalars(
        sa.select(RosterEntry.student_id).where(RosterEntry.workshop_id == workshop_id)))
    planned, seen = [], {}
    for row in rows:
        student_id = (by_code.get(normalise(row.code)) if row.code else None) \
            or by_identity.get(row.identity)
        if row.identity in seen:
            skip = _("Same student as line %(line)d.", line=seen[row.identity])
        elif student_id in on_roster:
            skip = _("Already on the roster.")
        else:
            skip = ""
        seen.setdefault(row.identity, row.line)
        planned.append(PlannedRow(row, student_id, skip))
    return planned


def _serializer(workshop_id: int, user_id: int) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"],
                                  salt=f"roster-import:{workshop_id}:{user_id}")


def sign_rows(rows: list[RosterRow], workshop_id: int, user_id: int) -> str:
    """Return a token carrying the parsed rows to the confirmation step."""
    return _serializer(workshop_id, user_id).dumps([asdict(r) for r in rows])


def unsign_rows(token: str, workshop_id: int, user_id: int) -> list[RosterRow] | None:
    """Return the rows from a token, or None if it was altered, is foreign or expired."""
    try:
        data = _serializer(workshop_id, user_id).loads(token or "", max_age=TOKEN_MAX_AGE)
        return [RosterRow(**item) for item in data]
    except (BadSignature, TypeError, ValueError):
        return None


