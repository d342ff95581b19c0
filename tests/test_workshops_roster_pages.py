"""The workshop page and the attendance page with a long roster: one removal form for the
whole table, statements that do not grow with the roster, choices checked from the post."""
import re

import sqlalchemy as sa

from youthagainstguns.auth.models import Role
from youthagainstguns.workshops.models import AttendanceStatus, RosterEntry


def _statements(db, client, path: str) -> tuple[int, str]:
    seen = []

    def count(*args) -> None:
        seen.append(1)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        html = client.get(path).get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    return len(seen), html


def test_attendance_runs_as_many_statements_for_thirty_students_as_for_two(client, make,
                                                                          login_as, db):
    """Does the attendance page load the roster once, whatever its length? (The workshop
    page: test_workshops_roster.)"""
    login_as(Role.COORDINATOR)
    small, big = make.workshop(), make.workshop(capacity=60)
    make.roster(small, 2)
    make.roster(big, 30, status=AttendanceStatus.LATE)
    counts = [_statements(db, client, f"/workshops/{w.id}/attendance")[0] for w in (small, big)]
    assert counts[0] == counts[1]


def test_workshop_page_shows_the_roster_a_hundred_at_a_time(client, make, login_as, db):
    """Does a 120-student roster show 100 lines, then the other 20 numbered on, with the
    counts of all 120 on both pages and the attendance page still listing everyone?"""
    login_as(Role.COORDINATOR)
    workshop = make.workshop(capacity=150)
    entries = make.roster(workshop, 120, status=AttendanceStatus.PRESENT)
    first = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    second = client.get(f"/workshops/{workshop.id}?page=2").get_data(as_text=True)
    line = '<tr><td data-label="#">'
    assert first.count(line) == 100 and second.count(line) == 20
    assert f"{line}100</td>" in first and f"{line}101</td>" in second
    assert entries[100].student.last_names in second
    assert entries[100].student.last_names not in first
    assert "Presente: 120" in first and "Presente: 120" in second
    assert "Página 1 de 2" in first and "?page=2" in first
    attendance = client.get(f"/workshops/{workshop.id}/attendance").get_data(as_text=True)
    assert attendance.count('class="att-row"') == 120


def test_detail_counts_and_labels_every_line(client, make, login_as):
    """Does the page show each line's mark and the roster's counts per status?"""
    login_as(Role.COORDINATOR)
    workshop = make.workshop()
    make.roster(workshop, 2, status=AttendanceStatus.EXCUSED)
    make.roster(workshop, 1)
    html = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    marks = '<td data-label="Asistencia">'
    assert html.count(f"{marks}Justificado</td>") == 2 and html.count(f"{marks}—</td>") == 1
    assert "Justificado: 2" in html and "Sin marcar: 1" in html


def test_each_remove_button_takes_off_its_own_line(client, make, login_as, db):
    """Does a row's button, through the one removal form and its token, remove that line?"""
    login_as(Role.COORDINATOR)
    workshop = make.workshop()
    first, second, third = make.roster(workshop, 3)
    html = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    form = re.search(r'<form method="post" id="remove-entry"[^>]*data-confirm="([^"]+)">'
                     r'<input type="hidden" name="csrf_token" value="([^"]+)">', html)
    assert form and "lista" in form.group(1)
    actions = re.findall(r'<button form="remove-entry" formaction="([^"]+)"', html)
    assert actions == [f"/workshops/{workshop.id}/roster/{e.id}/remove"
                       for e in (first, second, third)]
    response = client.post(actions[1], data={"csrf_token": form.group(2)})
    assert response.status_code == 302
    left = db.session.scalars(sa.select(RosterEntry.id).where(
        RosterEntry.workshop_id == workshop.id)).all()
    assert sorted(left) == sorted([first.id, third.id])


def test_attendance_radios_are_labelled_and_show_the_current_mark(client, make, login_as):
    """Is every radio inside its label, grouped per student, with the saved mark checked?"""
    login_as(Role.COORDINATOR)
    workshop = make.workshop()
    late, unmarked = make.roster(workshop, 1, status=AttendanceStatus.LATE) + make.roster(
        workshop, 1)
    html = client.get(f"/workshops/{workshop.id}/attendance").get_data(as_text=True)
    radios = re.findall(r'<label class="att-(\w+)"><input type="radio" name="e(\d+)" '
                        r'value="(\w+)"( checked)?><span>[^<]+</span></label>', html)
    assert len(radios) == 8 == html.count('type="radio"')
    assert {(int(entry), value) for _c, entry, value, checked in radios if checked} == {
        (late.id, "late")}
    assert html.count("<fieldset><legend>") == 2


def test_an_unknown_choice_is_refused_next_to_the_line(client, auth, make, login_as, db):
    """Is a tampered choice answered with the page and a message, and nothing saved?"""
    login_as(Role.COORDINATOR)
    workshop = make.workshop()
    good, bad = make.roster(workshop, 2)
    response = client.post(f"/workshops/{workshop.id}/attendance", data={
        "csrf_token": auth.csrf_token("/workshops/"), f"e{good.id}": "present",
        f"e{bad.id}": "sideways", "submit": "1"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('role="alert"') == 1
    row = html[html.index(f'id="entry-{bad.id}"'):]
    assert row.index('role="alert"') < row.index("</li>")
    assert f'name="e{good.id}" value="present" checked' in html
    db.session.refresh(good)
    assert good.status is None
