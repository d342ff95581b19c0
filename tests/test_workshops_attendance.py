"""Attendance: who may take it and when, all present, walk-ins, closed workshops, sign-in sheet."""
import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.workshops.models import AttendanceStatus, Student, WorkshopStatus


def save(client, auth, workshop, marks: dict, **extra):
    url = f"/workshops/{workshop.id}/attendance"
    data = {"csrf_token": auth.csrf_token("/workshops/")} | {
        f"e{entry.id}": status for entry, status in marks.items()} | extra
    return client.post(url, data=data)


def test_coordinator_marks_attendance_with_who_and_when(client, auth, make, login_as, db):
    """Does saving record each status, who took it and when?"""
    coordinator = login_as(Role.COORDINATOR)
    workshop = make.workshop()
    a, b, c = make.roster(workshop, 3)
    response = save(client, auth, workshop, {a: "present", b: "late", c: "absent"})
    assert response.status_code == 302
    for entry, status in ((a, "present"), (b, "late"), (c, "absent")):
        db.session.refresh(entry)
        assert entry.status == status and entry.marked_by_id == coordinator.id
        assert entry.marked_at is not None


def test_all_present_without_javascript_ticks_everyone_and_waits_for_save(client, auth, make,
                                                                         login_as, db):
    """Without JS, does "all present" show everybody ticked present, unsaved, like with JS?"""
    login_as(Role.COORDINATOR)
    workshop = make.workshop()
    entries = make.roster(workshop, 4)
    response = save(client, auth, workshop, {entries[0]: "absent"}, all_present="1")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('value="present" checked') == 4
    assert "data-unsaved" in html and "data-all-present-notice hidden" not in html
    for entry in entries:
        db.session.refresh(entry)
        assert entry.status is None
    assert save(client, auth, workshop, {entry: "present" for entry in entries},
                submit="1").status_code == 302
    db.session.expire_all()
    assert {entry.status for entry in entries} == {AttendanceStatus.PRESENT}


def test_page_lists_roster_in_order_with_four_choices(client, make, login_as):
    """Does the phone page show every student, numbered, with four choices each?"""
    login_as(Role.COORDINATOR)
    workshop = make.workshop()
    entries = make.roster(workshop, 3)
    html = client.get(f"/workshops/{workshop.id}/attendance").get_data(as_text=True)
    assert html.count('type="radio"') == 12
    positions = [html.index(f'id="entry-{e.id}"') for e in entries]
    assert positions == sorted(positions)


def test_school_contact_takes_attendance_while_it_happens(client, auth, make, login_as, db):
    """Can the school's contact take attendance during their own workshop?"""
    workshop = make.happening_now()
    entry, = make.roster(workshop, 1)
    contact = login_as(Role.SCHOOL, school=workshop.venue)
    assert save(client, auth, workshop, {entry: "excused"}).status_code == 302
    db.session.refresh(entry)
    assert (entry.status, entry.marked_by_id) == ("excused", contact.id)


@pytest.mark.parametrize("case", ["tomorrow", "closed", "other_school"])
def test_school_contact_refused_outside_their_window(client, auth, make, login_as, db, case):
    """Is a school contact refused before the workshop, after closing, or at another school?"""
    workshop = make.workshop() if case == "tomorrow" else make.happening_now()
    entry, = make.roster(workshop, 1)
    if case == "closed":
        workshop.status = WorkshopStatus.CLOSED
        db.session.commit()
    school = make.school() if case == "other_school" else workshop.venue
    login_as(Role.SCHOOL, school=school)
    assert client.get(f"/workshops/{workshop.id}/attendance").status_code == 403
    assert save(client, auth, workshop, {entry: "present"}).status_code == 403
    db.session.refresh(entry)
    assert entry.status is None


@pytest.mark.parametrize("role", [Role.SPEAKER, Role.MENTOR])
def test_speakers_and_mentors_never_take_attendance(client, make, login_as, role):
    """Are speakers and mentors refused the attendance and roster pages?"""
    workshop = make.happening_now()
    user = login_as(role)
    if role == Role.SPEAKER:
        workshop.speakers[0].user_id = user.id
        make.db.session.commit()
    for path in ("attendance", "roster/upload", "sign-in-sheet.pdf", "roster.csv", ""):
        assert client.get(f"/workshops/{workshop.id}/{path}".rstrip("/")).status_code == 403


def test_after_close_only_staff_change_attendance_and_it_is_audited(client, auth, make, login_as,
                                                                    db):
    """After closing, is a coordinator's change recorded old → new in the audit log?"""
    workshop = make.workshop(status=WorkshopStatus.CLOSED)
    entry, other = make.roster(workshop, 2, status=AttendanceStatus.PRESENT)
    login_as(Role.COORDINATOR)
    save(client, auth, workshop, {entry: "absent", other: "present"})
    db.session.refresh(entry)
    assert entry.status == AttendanceStatus.ABSENT
    summaries = db.session.scalars(sa.select(AuditEvent.summary).where(
        AuditEvent.action == "attendance.change_after_close")).all()
    assert summaries == [f"workshop {workshop.id}, entry {entry.id}: present -> absent"]


def test_walk_in_is_added_present_and_takes_a_seat(client, auth, make, login_as, db):
    """Is a walk-in added to the roster, marked present, and counted in the seats?"""
    workshop = make.happening_now()
    login_as(Role.SCHOOL, school=workshop.venue)
    response = client.post(f"/workshops/{workshop.id}/attendance/walk-in", data={
        "csrf_token": auth.csrf_token("/workshops/"), "walkin-first_name": "Kevin",
        "walkin-last_names": "Mamani Soto", "walkin-grade": "3.º", "walkin-section": "C"})
    assert response.status_code == 302
    db.session.refresh(workshop)
    entry, = workshop.roster
    assert (entry.walk_in, entry.status, workshop.seats_taken) == (True, "present", 1)
    assert entry.student.school_id == workshop.venue_id


def test_walk_in_with_missing_name_shows_error(client, auth, make, login_as, db):
    """Does a walk-in without last names get a message and save nothing?"""
    workshop = make.happening_now()
    login_as(Role.COORDINATOR)
    response = client.post(f"/workshops/{workshop.id}/attendance/walk-in", data={
        "csrf_token": auth.csrf_token("/workshops/"), "walkin-first_name": "Kevin"})
    assert response.status_code == 422
    assert 'id="walkin-last_names-error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Student.id))) == 0


def test_sign_in_sheet_lists_roster_in_order(client, make, login_as, db):
    """Is the sign-in sheet a PDF with every student in roster order, and audited?"""
    login_as(Role.COORDINATOR)
    workshop = make.workshop(title="Taller de Ñaña")
    entries = make.roster(workshop, 3)
    response = client.get(f"/workshops/{workshop.id}/sign-in-sheet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    names = [db.session.get(Student, e.student_id).last_names for e in entries]
    assert "Taller de Ñaña" in text
    assert [text.index(n) for n in names] == sorted(text.index(n) for n in names)
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.action == "roster.sign_in_sheet"))
