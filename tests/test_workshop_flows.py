"""Workshop flows: conflicts while the form is filled, past dates, the attendance search and
walk-ins past capacity."""
import re
from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from tests.test_workshops_scheduling import kinds, post_workshop
from youthagainstguns.auth.models import Role
from youthagainstguns.workshops.models import ConflictAcknowledgement, RosterEntry, Workshop


@pytest.fixture
def coordinator(login_as):
    """A logged-in coordinator."""
    return login_as(Role.COORDINATOR)


def live(client, venue, day, speakers=(), start="10:00", end="12:00", url="/workshops/conflicts"):
    """Ask for the conflicts of the form's values, as the page's script does."""
    response = client.get(url, query_string={
        "venue_id": venue.id, "day": day.isoformat(), "start_time": start, "end_time": end,
        "speaker_ids": [s.id for s in speakers]})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def summary(html: str) -> str:
    return re.search(r'data-summary="([^"]*)"', html).group(1)


# Conflicts while the form is filled ---------------------------------------------------------

def test_live_conflicts_use_the_saving_rules(client, make, coordinator, tomorrow):
    """Are a double booking and a busy venue shown for the values typed, before saving?"""
    venue, speaker = make.school(), make.speaker(alias="El Flaco")
    make.workshop(speakers=[speaker], day=tomorrow, start=time(11), end=time(13),
                  title="Taller ocupado")
    make.workshop(venue=venue, day=tomorrow, start=time(9), end=time(10, 30))
    html = live(client, venue, tomorrow, [speaker])
    assert kinds(html) == {"double_booked", "venue_in_use"}
    assert "Taller ocupado" in html
    assert summary(html).startswith("2 ")  # "2 conflicts block saving."
    assert 'role="alert"' not in html  # the short summary is announced, not the list
    assert kinds(live(client, venue, tomorrow, [speaker], start="14:00", end="15:00")) == set()


def test_live_conflicts_say_none_only_once_the_values_are_complete(client, make, coordinator,
                                                                  tomorrow):
    """Is "no conflicts" said for complete values, and nothing for a half-filled form?"""
    venue = make.school()
    assert summary(live(client, venue, tomorrow))  # "No conflicts with this date, ..."
    html = client.get("/workshops/conflicts", query_string={
        "venue_id": venue.id, "day": tomorrow.isoformat()}).get_data(as_text=True)
    assert summary(html) == "" and kinds(html) == set()


def test_live_conflicts_of_an_edit_leave_out_the_workshop_itself(client, make, coordinator,
                                                                 tomorrow):
    """When editing, is the workshop not reported as clashing with itself?"""
    workshop = make.workshop(day=tomorrow)
    url = f"/workshops/{workshop.id}/conflicts"
    assert kinds(live(client, workshop.venue, tomorrow, workshop.speakers, url=url)) == set()
    assert kinds(live(client, workshop.venue, tomorrow, workshop.speakers)) == {
        "double_booked", "venue_in_use"}


def test_the_form_asks_its_conflicts_from_the_live_endpoint(client, make, coordinator):
    """Does the new and the edit form name the URL its script asks, and the live status?"""
    workshop = make.workshop()
    new = client.get("/workshops/new").get_data(as_text=True)
    edit = client.get(f"/workshops/{workshop.id}/edit").get_data(as_text=True)
    assert 'data-conflicts-url="/workshops/conflicts"' in new
    assert f'data-conflicts-url="/workshops/{workshop.id}/conflicts"' in edit
    assert 'aria-live="polite" data-conflicts-status' in new


# A workshop dated in the past ---------------------------------------------------------------

def test_a_past_date_is_warned_live_and_on_saving(client, auth, make, coordinator, db, today):
    """Is a past date a warning, live and on saving, that saves only once accepted?"""
    venue, speaker = make.school(), make.speaker()
    yesterday = today - timedelta(days=1)
    assert "past" in kinds(live(client, venue, yesterday, [speaker]))
    response = post_workshop(client, auth, venue, [speaker], yesterday)
    assert response.status_code == 200 and "past" in kinds(response.get_data(as_text=True))
    assert db.session.scalar(sa.select(sa.func.count(Workshop.id))) == 0
    ack_keys = re.search(r'name="ack_keys" type="hidden" value="([^"]*)"',
                         response.get_data(as_text=True)).group(1)
    response = post_workshop(client, auth, venue, [speaker], yesterday, ack_keys=ack_keys,
                             acknowledge="y", ack_reason="Se registra un taller ya realizado")
    assert response.status_code == 302
    ack = db.session.scalar(sa.select(ConflictAcknowledgement))
    assert (ack.kind, ack.reason) == ("past", "Se registra un taller ya realizado")


def test_a_future_date_is_not_warned(client, make, coordinator, tomorrow):
    """Is a workshop tomorrow free of the past-date warning?"""
    assert "past" not in kinds(live(client, make.school(), tomorrow, [make.speaker()]))


# Attendance: search -------------------------------------------------------------------------

def _roster(make, workshop, *names):
    entries = make.roster(workshop, len(names))
    for entry, (first, last) in zip(entries, names, strict=True):
        entry.student.first_name, entry.student.last_names = first, last
    make.db.session.commit()
    return entries


def _shown(html: str) -> set[int]:
    """Return the ids of the roster lines the page shows (not hidden)."""
    return {int(n) for n in re.findall(r'<li class="att-row" id="entry-(\d+)">', html)}


def test_search_shows_the_students_found_ignoring_accents(client, make, coordinator):
    """Does ?q= show only the lines found, accents and case aside, keeping the others hidden?"""
    workshop = make.workshop()
    rojas, quispe, ccori = _roster(make, workshop, ("Luis", "Rojas Huamán"),
                                   ("Ana Lucía", "Quispe Mamani"), ("María", "Ccori Flores"))
    html = client.get(f"/workshops/{workshop.id}/attendance?q=huaman").get_data(as_text=True)
    assert _shown(html) == {rojas.id}
    assert f'id="entry-{quispe.id}" hidden' in html and f'id="entry-{ccori.id}" hidden' in html
    html = client.get(f"/workshops/{workshop.id}/attendance?q=zzz").get_data(as_text=True)
    assert _shown(html) == set() and "data-search-empty hidden" not in html


def test_search_without_javascript_keeps_unsaved_marks(client, auth, make, coordinator, db):
    """Does searching with marks not yet saved show them again, unsaved, found or not?"""
    workshop = make.workshop()
    rojas, quispe = _roster(make, workshop, ("Luis", "Rojas Huamán"), ("Ana", "Quispe Mamani"))
    response = client.post(f"/workshops/{workshop.id}/attendance", data={
        "csrf_token": auth.csrf_token("/workshops/"), "q": "quispe", "search": "1",
        f"e{rojas.id}": "absent", f"e{quispe.id}": "late"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _shown(html) == {quispe.id}
    assert 'value="absent" checked' in html and 'value="late" checked' in html
    assert "data-unsaved" in html
    db.session.expire_all()
    assert (rojas.status, quispe.status) == (None, None)


# Walk-ins past capacity ---------------------------------------------------------------------

def walk_in(client, auth, workshop, **extra):
    return client.post(f"/workshops/{workshop.id}/attendance/walk-in", data={
        "csrf_token": auth.csrf_token("/workshops/"), "walkin-first_name": "Kevin",
        "walkin-last_names": "Mamani Soto"} | extra)


def _full(make):
    workshop = make.happening_now(capacity=2)
    make.roster(workshop, 2)
    return workshop


def _walk_ins(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(RosterEntry.id)).where(
        RosterEntry.walk_in.is_(True)))


def test_coordinator_adds_a_walk_in_past_capacity_with_a_reason(client, auth, make, coordinator,
                                                                db):
    """Is the walk-in added, the capacity raised by one and the reason kept and shown?"""
    workshop = _full(make)
    page = client.get(f"/workshops/{workshop.id}/attendance").get_data(as_text=True)
    assert 'name="walkin-capacity_reason"' in page
    response = walk_in(client, auth, workshop, **{
        "walkin-capacity_reason": "Llegó con su hermano, del mismo salón"})
    assert response.status_code == 302
    db.session.refresh(workshop)
    assert (workshop.capacity, workshop.seats_taken, _walk_ins(db)) == (3, 3, 1)
    ack = db.session.scalar(sa.select(ConflictAcknowledgement))
    assert (ack.kind, ack.reason) == ("capacity", "Llegó con su hermano, del mismo salón")
    detail = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    assert "Llegó con su hermano, del mismo salón" in detail


def test_a_walk_in_past_capacity_needs_a_reason(client, auth, make, coordinator, db):
    """Without a reason, is the coordinator asked for one and nothing added?"""
    workshop = _full(make)
    response = walk_in(client, auth, workshop)
    assert response.status_code == 422
    assert 'id="walkin-capacity_reason-error"' in response.get_data(as_text=True)
    db.session.refresh(workshop)
    assert (workshop.capacity, _walk_ins(db)) == (2, 0)
    assert db.session.scalar(sa.select(ConflictAcknowledgement)) is None


def test_school_contact_cannot_go_past_capacity(client, auth, make, login_as, db):
    """Is the school contact refused a walk-in past capacity, even with a reason posted?"""
    workshop = _full(make)
    login_as(Role.SCHOOL, school=workshop.venue)
    page = client.get(f"/workshops/{workshop.id}/attendance").get_data(as_text=True)
    assert "capacity_reason" not in page
    response = walk_in(client, auth, workshop, **{"walkin-capacity_reason": "Vino igual"})
    assert response.status_code == 422
    assert 'id="walkin-first_name-error"' in response.get_data(as_text=True)
    db.session.refresh(workshop)
    assert (workshop.capacity, _walk_ins(db)) == (2, 0)
