"""Exported CSV read back as Excel would, with "," and with ";" as the separator."""
import csv
import io

import pytest

from youthagainstguns.auth.models import Role
from youthagainstguns.csvexport import to_csv
from youthagainstguns.workshops.models import AttendanceStatus

HOSTILE = ["x;=1+1", 'dice "hola";=2+2', "a,=3+3", "uno\n=4+4", "tab\t=5+5", "=6+6", "Ana"]


def _cells(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""),
                           delimiter=delimiter))


def _no_formula(rows: list[list[str]]) -> None:
    formulas = [cell for row in rows for cell in row if cell.startswith(("=", "+", "-", "@"))]
    assert not formulas, formulas


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_no_cell_becomes_a_formula_whatever_the_separator(delimiter):
    rows = _cells(to_csv(["nombre"], [[value] for value in HOSTILE]), delimiter)
    _no_formula(rows)
    assert [row for row in rows[1:] if len(row) != 1] == []  # nothing split into two cells


def test_cells_come_back_whole_with_commas_formulas_defused():
    rows = _cells(to_csv(["a", "b"], [["x;=1+1", 'dice "hola"'], ["", None]]), ",")
    assert rows == [["a", "b"], ["x;'=1+1", 'dice "hola"'], ["", ""]]


def test_plain_cells_are_left_unquoted():
    assert to_csv(["a", "b"], [["Ana", 3]]) == "\ufeffa,b\r\nAna,3\r\n"


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_roster_export_with_hostile_names(client, login_as, make, delimiter):
    school = make.school()
    workshop = make.workshop(venue=school)
    students = [make.student(school, first_name=name, last_names=name) for name in HOSTILE]
    make.enrol(workshop, [(s, AttendanceStatus.PRESENT) for s in students])
    login_as(Role.COORDINATOR)
    response = client.get(f"/workshops/{workshop.id}/roster.csv")
    assert response.status_code == 200
    rows = _cells(response.get_data(as_text=True), delimiter)
    _no_formula(rows)
    if delimiter == ",":  # read with ";", the quoted line break splits a row: harmless
        assert len(rows) == len(HOSTILE) + 1
        assert [row[1] for row in rows[1:]] == [
            "x;'=1+1", 'dice "hola";\'=2+2', "a,=3+3", "uno\n'=4+4", "tab\t=5+5", "'=6+6", "Ana"]
