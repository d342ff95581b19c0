"""The access gaps of issue 10: a host venue and other schools' pupils, mentors and closed
matches, speaker accounts without a speaker."""
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from youthagainstguns.auth.models import Role
from youthagainstguns.certificates.models import Certificate, CertificateKind
from youthagainstguns.mentoring.enums import ClosureReason, ClosureType
from youthagainstguns.mentoring.models import MentoringSession
from youthagainstguns.schools.models import VenueKind
from youthagainstguns.speakers.models import Speaker
from youthagainstguns.speakers.services import SpeakerTaken, link_speaker
from youthagainstguns.workshops.models import AttendanceStatus, RosterEntry

# A host venue and another school's pupils ------------------------------------------------

@pytest.fixture
def hosted(make):
    """A workshop happening now at a community centre: one pupil of the centre's own, two of
    a visiting school. Returns (workshop, own entry, the visitors' entries)."""
    centre = make.school(name="Centro Comunal Arriba", kind=VenueKind.COMMUNITY_CENTRE)
    workshop = make.happening_now(venue=centre)
    own, = make.roster(workshop, 1)
    visitors = make.roster(workshop, 2, school=make.school(name="I.E. Visitante"))
    return workshop, own, visitors


def _names(entry: RosterEntry) -> tuple[str, str]:
    return entry.student.first_name, entry.student.last_names


def _shows_only_own(text: str, own: RosterEntry, visitors) -> bool:
    return (all(name in text for name in _names(own))
            and not any(name in text for v in visitors for name in _names(v)))


@pytest.mark.parametrize("page", ["", "/roster.csv", "/attendance"])
def test_host_venue_pages_show_only_its_own_pupils(client, login_as, hosted, page):
    """Does the host venue's contact see its own pupils, and never the visiting school's?"""
    workshop, own, visitors = hosted
    login_as(Role.SCHOOL, school=workshop.venue)
    response = client.get(f"/workshops/{workshop.id}{page}")
    assert response.status_code == 200
    assert _shows_only_own(response.get_data(as_text=True), own, visitors)


def test_host_venue_sign_in_sheet_lists_only_its_own_pupils(client, login_as, hosted):
    """Does the printed sheet leave the visiting school's pupils out for the host venue?"""
    workshop, own, visitors = hosted
    login_as(Role.SCHOOL, school=workshop.venue)
    response = client.get(f"/workshops/{workshop.id}/sign-in-sheet.pdf")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert _shows_only_own(text, own, visitors)


def test_host_venue_page_keeps_the_counts(client, login_as, hosted):
    """Does the host venue still see how many take part, and that others are not shown?"""
    workshop, _own, _visitors = hosted
    login_as(Role.SCHOOL, school=workshop.venue)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # the Spanish is not compiled yet
    html = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    assert "3 of 40 seats taken" in html
    assert "2 students from other schools take part" in html


def test_host_venue_cannot_mark_other_schools_pupils(client, auth, login_as, hosted, db):
    """Can the host venue's contact mark a visiting pupil, even with "all present"? No."""
    workshop, own, visitors = hosted
    login_as(Role.SCHOOL, school=workshop.venue)
    url = f"/workshops/{workshop.id}/attendance"
    token = auth.csrf_token(url)
    client.post(url, data={"csrf_token": token, f"e{visitors[0].id}": "absent"})
    # "All present" only ticks the form's lines; saving them is a second step.
    ticked = client.post(url, data={"csrf_token": token, "all_present": "1"}).get_data(as_text=True)
    assert f'name="e{own.id}"' in ticked
    assert not any(f'name="e{v.id}"' in ticked for v in visitors)
    client.post(url, data={"csrf_token": token, f"e{own.id}": "present",
                           **{f"e{v.id}": "present" for v in visitors}})
    for entry in (own, *visitors):
        db.session.refresh(entry)
    assert own.status == AttendanceStatus.PRESENT
    assert [v.status for v in visitors] == [None, None]


def test_host_venue_cannot_remove_other_schools_pupils(client, auth, login_as, hosted, db):
    """Can the host venue's contact take a visiting pupil off the roster? No: 404."""
    workshop, _own, visitors = hosted
    workshop.starts_at += timedelta(days=1)  # before the day, when the roster is open to it
    workshop.ends_at += timedelta(days=1)
    db.session.commit()
    login_as(Role.SCHOOL, school=workshop.venue)
    response = client.post(f"/workshops/{workshop.id}/roster/{visitors[0].id}/remove",
                           data={"csrf_token": auth.csrf_token("/workshops/")})
    assert response.status_code == 404
    assert db.session.get(RosterEntry, visitors[0].id) is not None


@pytest.mark.parametrize("page", ["", "/roster.csv", "/attendance"])
def test_staff_see_every_pupil_of_a_hosted_workshop(client, login_as, hosted, page):
    """Do coordinators still see the whole roster, whichever school the pupils are from?"""
    workshop, own, visitors = hosted
    login_as(Role.COORDINATOR)
    text = client.get(f"/workshops/{workshop.id}{page}").get_data(as_text=True)
    assert all(name in text for e in (own, *visitors) for name in _names(e))


# Mentors and closed matches ------------------------------------------------------------------

@pytest.fixture
def closed_match(make, closer, today):
    """A match closed 10 days ago, with one session note; the mentee's record changed since:
    another first name, school and date of birth. Returns (match, session)."""
    match = make.match(make.mentor(), make.mentee(first_name="Lucía"),
                       start_date=today - timedelta(days=100))
    session = make.session(match, held_on=today - timedelta(days=20),
                           notes="Nota propia del mentor")
    match.close(closed_on=today - timedelta(days=10), closure_type=ClosureType.PLANNED,
                reason=ClosureReason.COMPLETED_TERM, exit_notes="", rematch=False,
                by=closer)
    mentee = match.mentee
    mentee.first_name, mentee.last_names = "Luciana", "Apellido Nuevo"
    mentee.school = make.school(name="I.E. Nueva Escuela")
    mentee.date_of_birth = today.replace(year=today.year - 12)
    make.db.session.commit()
    return match, session


@pytest.fixture
def closer(make):
    """A coordinator who closes matches (not logged in)."""
    return make.user(Role.COORDINATOR)


LATER_DATA = ("Luciana", "Apellido Nuevo", "Quispe", "I.E. Nueva Escuela", "12 años", "15 años")


@pytest.mark.parametrize("page", ["match", "session"])
def test_mentor_reads_closed_match_with_name_as_at_closure(client, auth, closed_match, page):
    """Does a closed match's mentor still read their notes, and never the mentee's later data?"""
    match, session = closed_match
    auth.login(match.mentor.user.email)
    url = (f"/mentoring/matches/{match.id}" if page == "match"
           else f"/mentoring/sessions/{session.id}")
    response = client.get(url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Lucía" in html
    assert not [text for text in LATER_DATA if text in html]
    if page == "session":
        assert "Nota propia del mentor" in html


def test_mentor_cannot_edit_notes_once_the_match_closed(client, auth, db, today, closed_match):
    """Can a mentor still change a log, written days ago, after the match closed? No."""
    match, session = closed_match
    auth.login(match.mentor.user.email)
    url = f"/mentoring/sessions/{session.id}/edit"
    response = client.post(url, data={
        "csrf_token": auth.csrf_token("/mentoring/mine"), "held_on": session.held_on.isoformat(),
        "duration_minutes": "60", "kind": "in_person", "activity": "Paseo", "notes": "Cambiada"})
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.notes == "Nota propia del mentor"


@pytest.mark.parametrize("days, status", [(30, 200), (31, 404)])
def test_closed_match_is_gone_for_its_mentor_after_the_closure_period(
        client, auth, db, today, closed_match, days, status):
    """Is a closed match readable by its mentor for 30 days, then gone (404)?"""
    match, session = closed_match
    match.closed_on = today - timedelta(days=days)
    db.session.commit()
    auth.login(match.mentor.user.email)
    assert client.get(f"/mentoring/matches/{match.id}").status_code == status
    assert client.get(f"/mentoring/sessions/{session.id}").status_code == status
    mine = client.get("/mentoring/mine").get_data(as_text=True)
    linked = f"/mentoring/matches/{match.id}\"" in mine
    assert linked == (status == 200)


def test_closure_period_follows_the_setting(client, auth, app, monkeypatch, closed_match):
    """Does MATCH_CLOSURE_ACCESS_DAYS set how long a mentor may read a closed match?"""
    match, _session = closed_match
    monkeypatch.setitem(app.config, "MATCH_CLOSURE_ACCESS_DAYS", 5)
    auth.login(match.mentor.user.email)
    assert client.get(f"/mentoring/matches/{match.id}").status_code == 404


def test_staff_still_read_a_long_closed_match_in_full(client, login_as, db, today, closed_match):
    """Do coordinators keep the whole record of a match closed long ago?"""
    match, _session = closed_match
    match.closed_on = today - timedelta(days=400)
    db.session.commit()
    login_as(Role.COORDINATOR)
    html = client.get(f"/mentoring/matches/{match.id}").get_data(as_text=True)
    assert "Luciana Apellido Nuevo" in html and "I.E. Nueva Escuela" in html


@pytest.fixture
def inactive_mentor_match(make, db, today):
    """An active match whose mentor a coordinator stood down yesterday."""
    match = make.match(make.mentor(), make.mentee())
    match.mentor.inactive_since = today - timedelta(days=1)
    db.session.commit()
    return match


def test_inactive_mentor_cannot_log_a_session(client, auth, db, today, inactive_mentor_match):
    """Can a mentor marked inactive still log a session of their active match? No."""
    match = inactive_mentor_match
    auth.login(match.mentor.user.email)
    url = f"/mentoring/matches/{match.id}/sessions/new"
    response = client.post(url, data={
        "csrf_token": auth.csrf_token("/mentoring/mine"), "held_on": today.isoformat(),
        "duration_minutes": "60", "kind": "in_person", "activity": "Paseo"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(MentoringSession.id))) == 0


@pytest.mark.parametrize("page", ["/mentoring/mine", "/mentoring/matches/{id}"])
def test_inactive_mentor_is_not_offered_to_log(client, auth, inactive_mentor_match, page):
    """Do the mentor's pages leave out "Log a session" once they are inactive?"""
    match = inactive_mentor_match
    auth.login(match.mentor.user.email)
    html = client.get(page.format(id=match.id)).get_data(as_text=True)
    assert f"/mentoring/matches/{match.id}/sessions/new" not in html


# Speaker accounts ------------------------------------------------------------------------

def test_unlinked_speaker_account_lists_no_certificates(client, login_as, make, db):
    """Is a speaker account with no speaker shown pupils' certificates? No, none at all."""
    workshop, (student,) = make.class_of(make.school(), [AttendanceStatus.PRESENT])
    db.session.add(Certificate(kind=CertificateKind.STUDENT, workshop=workshop, student=student,
                               issued_on=workshop.starts_at.date()))
    db.session.commit()
    login_as(Role.SPEAKER)
    response = client.get("/certificates")
    assert response.status_code == 200
    assert student.last_names not in response.get_data(as_text=True)
    assert "/certificates/" not in response.get_data(as_text=True).replace(
        'href="/certificates"', "")


@pytest.mark.parametrize("editing", [False, True])
def test_linking_a_taken_speaker_is_refused_next_to_the_field(
        client, auth, login_as, make, db, editing):
    """Does linking a second account to a speaker say so on the field, leaving the first?"""
    first = make.user(Role.SPEAKER, email="primera@example.org")
    speaker = make.speaker(user_id=first.id)
    login_as(Role.COORDINATOR)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"  # the Spanish is not compiled yet
    url = f"/users/{make.user(Role.MENTOR).id}/edit" if editing else "/users/new"
    response = client.post(url, data={
        "full_name": "Segunda Cuenta", "email": "segunda@example.org", "role": "speaker",
        "school_id": "0", "speaker_id": str(speaker.id), "csrf_token": auth.csrf_token(url)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="speaker_id-error"' in html
    assert "This speaker already has an account (primera@example.org)" in html
    db.session.refresh(speaker)
    assert speaker.user_id == first.id


def test_link_service_refuses_a_taken_speaker(make, db):
    """Does the link itself refuse to move a speaker from one account to another?"""
    first, second = make.user(Role.SPEAKER), make.user(Role.SPEAKER)
    speaker = make.speaker(user_id=first.id)
    with pytest.raises(SpeakerTaken):
        link_speaker(second, speaker.id)
    db.session.rollback()
    assert db.session.get(Speaker, speaker.id).user_id == first.id
