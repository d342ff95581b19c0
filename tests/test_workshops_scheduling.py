"""Scheduling workshops: conflicts (hard and soft), transitions, stale edits, lists, calendar."""
import re
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from youthagainstguns.auth.models import Role
from youthagainstguns.schools.models import BlackoutDate
from youthagainstguns.speakers.models import (
    SpeakerExcludedDistrict,
    SpeakerUnavailability,
    VettingDecision,
)
from youthagainstguns.timeutil import lima_to_utc, utcnow
from youthagainstguns.workshops.conflicts import Proposal, find_conflicts
from youthagainstguns.workshops.models import (
    ConflictAcknowledgement,
    Workshop,
    WorkshopStatus,
)


@pytest.fixture
def coordinator(login_as):
    """A logged-in coordinator."""
    return login_as(Role.COORDINATOR)


def post_workshop(client, auth, venue, speakers, day, start="10:00", end="12:00",
                  url="/workshops/new", **extra):
    """Post the scheduling form with sensible values."""
    data = {"title": "Taller nuevo", "topic": "Prevención", "venue_id": venue.id,
            "day": day.isoformat(), "start_time": start, "end_time": end, "capacity": 30,
            "speaker_ids": [s.id for s in speakers], "target_grades": "4.º",
            "csrf_token": auth.csrf_token("/workshops/new")} | extra
    return client.post(url, data=data)


def count_workshops(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(Workshop.id)))


def kinds(html: str) -> set[str]:
    return set(re.findall(r'data-kind="([a-z_]+)"', html))


def test_new_workshop_is_a_draft_stored_in_utc(client, auth, make, coordinator, db, tomorrow):
    """Are times typed in Lima stored as UTC, the workshop saved as a draft?"""
    venue, speaker = make.school(), make.speaker()
    response = post_workshop(client, auth, venue, [speaker], tomorrow)
    assert response.status_code == 302
    workshop = db.session.scalar(sa.select(Workshop))
    assert response.headers["Location"].endswith(f"/workshops/{workshop.id}")
    assert workshop.status == WorkshopStatus.DRAFT
    assert workshop.starts_at == lima_to_utc(tomorrow, time(10))
    assert workshop.starts_at.hour == 15  # Lima is UTC-5
    assert [s.id for s in workshop.speakers] == [speaker.id]
    assert workshop.created_by_id == coordinator.id


def test_end_before_start_is_refused(client, auth, make, coordinator, db, tomorrow):
    """Does an end time before the start get a message instead of a saved workshop?"""
    response = post_workshop(client, auth, make.school(), [make.speaker()], tomorrow,
                             start="12:00", end="10:00")
    assert response.status_code == 200
    assert 'id="end_time-error"' in response.get_data(as_text=True)
    assert count_workshops(db) == 0


HARD_CASES = ["double_booked", "excluded_district", "vetting_missing", "vetting_lapsed",
              "unavailable", "venue_in_use"]


@pytest.mark.parametrize("kind", HARD_CASES)
def test_hard_conflicts_block_saving(client, auth, make, coordinator, db, tomorrow, kind):
    """Is each hard conflict shown, naming the other record, and does it block saving?"""
    venue, speaker = make.school(district="Comas"), make.speaker(alias="El Flaco")
    expected_text = {"double_booked": "Taller ocupado", "venue_in_use": "Taller en la sede",
                     "excluded_district": "Comas", "unavailable": "viaje"}.get(kind, "El Flaco")
    if kind == "double_booked":
        make.workshop(speakers=[speaker], day=tomorrow, start=time(11), end=time(13),
                    title="Taller ocupado")
    elif kind == "venue_in_use":
        make.workshop(venue=venue, day=tomorrow, start=time(9), end=time(10, 30),
                    title="Taller en la sede")
    elif kind == "excluded_district":
        db.session.add(SpeakerExcludedDistrict(speaker_id=speaker.id, district="Comas"))
    elif kind == "vetting_missing":
        speaker.vetting_decision = VettingDecision.PENDING
    elif kind == "vetting_lapsed":
        speaker.vetting_renewal_on = tomorrow - timedelta(days=1)
    elif kind == "unavailable":
        db.session.add(SpeakerUnavailability(
            speaker_id=speaker.id, starts_at=lima_to_utc(tomorrow, time(8)),
            ends_at=lima_to_utc(tomorrow, time(18)), reason="viaje"))
    db.session.commit()
    before = count_workshops(db)
    response = post_workshop(client, auth, venue, [speaker], tomorrow,
                             acknowledge="y", ack_reason="lo intento igual")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert kinds(html) == {"vetting" if kind.startswith("vetting") else kind}
    assert expected_text in html
    assert count_workshops(db) == before


def test_double_booking_message_names_other_workshop_and_time(client, auth, make, coordinator,
                                                              tomorrow):
    """Does the warning name the other workshop, its date and its Lima time?"""
    speaker = make.speaker(alias="La Negra")
    other = make.workshop(speakers=[speaker], day=tomorrow, start=time(11), end=time(13),
                        title="Taller de Comas")
    html = post_workshop(client, auth, make.school(), [speaker], tomorrow).get_data(as_text=True)
    assert f"n.º {other.id})" in html and "Taller de Comas" in html
    assert tomorrow.strftime("%d/%m/%Y") in html and "11:00" in html and "13:00" in html


def test_cancelled_workshops_do_not_conflict(client, auth, make, coordinator, db, tomorrow):
    """Can a speaker be booked where their cancelled workshop was?"""
    speaker, venue = make.speaker(), make.school()
    cancelled = make.workshop(speakers=[speaker], day=tomorrow,
                            status=WorkshopStatus.CANCELLED)
    response = post_workshop(client, auth, venue, [speaker], tomorrow)
    assert response.status_code == 302
    saved = db.session.scalar(sa.select(Workshop).where(Workshop.id != cancelled.id))
    assert response.headers["Location"].endswith(f"/workshops/{saved.id}")
    assert (saved.status, saved.venue_id, saved.starts_at) == (
        WorkshopStatus.DRAFT, venue.id, lima_to_utc(tomorrow, time(10)))
    assert [s.id for s in saved.speakers] == [speaker.id]
    assert db.session.scalar(sa.select(sa.func.count(ConflictAcknowledgement.id))) == 0


def _soft_setup(make, db, kind, tomorrow):
    """Create the record behind one soft conflict; return venue and speaker."""
    venue, speaker = make.school(district="Ate"), make.speaker()
    if kind == "travel_buffer":
        make.workshop(venue=make.school(district="Callao"), speakers=[speaker], day=tomorrow,
                    start=time(12, 30), end=time(13, 30), title="Taller lejano")
    else:
        db.session.add(BlackoutDate(school_id=venue.id, starts_on=tomorrow - timedelta(days=1),
                                    ends_on=tomorrow + timedelta(days=1), reason="Exámenes"))
        db.session.commit()
    return venue, speaker


@pytest.mark.parametrize("kind", ["travel_buffer", "blackout"])
def test_soft_conflict_needs_acknowledgement_with_reason(client, auth, make, coordinator, db,
                                                         tomorrow, kind):
    """Is a soft conflict shown first, then saved only when accepted with a reason, kept?"""
    venue, speaker = _soft_setup(make, db, kind, tomorrow)
    before = count_workshops(db)
    first = post_workshop(client, auth, venue, [speaker], tomorrow)
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and kinds(html) == {kind}
    keys = re.search(r'name="ack_keys" type="hidden" value="([^"]+)"', html).group(1)
    no_reason = post_workshop(client, auth, venue, [speaker], tomorrow, ack_keys=keys,
                              acknowledge="y")
    assert no_reason.status_code == 200 and count_workshops(db) == before
    accepted = post_workshop(client, auth, venue, [speaker], tomorrow, ack_keys=keys,
                             acknowledge="y", ack_reason="Taxi pagado por el colegio")
    assert accepted.status_code == 302
    ack = db.session.scalar(sa.select(ConflictAcknowledgement))
    assert (ack.kind, ack.reason, ack.by_id) == (kind, "Taxi pagado por el colegio", coordinator.id)
    assert ack.key == keys


def test_travel_buffer_only_between_districts_and_configurable(app, make, db, tomorrow):
    """Is the buffer skipped in the same district and shortened by the setting?"""
    speaker = make.speaker()
    near = make.school(district="Ate")
    make.workshop(venue=near, speakers=[speaker], day=tomorrow, start=time(12, 30),
                end=time(13, 30))
    start, end = lima_to_utc(tomorrow, time(10)), lima_to_utc(tomorrow, time(12))
    same_district = Proposal(make.school(district="Ate"), start, end, [speaker])
    other_district = Proposal(make.school(district="Comas"), start, end, [speaker])
    with app.test_request_context():
        assert find_conflicts(same_district) == []
        assert [c.kind for c in find_conflicts(other_district)] == ["travel_buffer"]
        app.config["TRAVEL_BUFFER_MINUTES"] = 20
        try:
            assert find_conflicts(other_district) == []
        finally:
            app.config["TRAVEL_BUFFER_MINUTES"] = 90


def test_acknowledged_conflict_is_not_asked_again_on_edit(client, auth, make, coordinator, db,
                                                          tomorrow):
    """After accepting a blackout once, can the coordinator edit the title without re-accepting?"""
    venue, speaker = _soft_setup(make, db, "blackout", tomorrow)
    html = post_workshop(client, auth, venue, [speaker], tomorrow).get_data(as_text=True)
    keys = re.search(r'name="ack_keys" type="hidden" value="([^"]+)"', html).group(1)
    post_workshop(client, auth, venue, [speaker], tomorrow, ack_keys=keys, acknowledge="y",
                  ack_reason="Acordado con la directora")
    workshop = db.session.scalar(sa.select(Workshop))
    response = post_workshop(client, auth, venue, [speaker], tomorrow, title="Nuevo título",
                             url=f"/workshops/{workshop.id}/edit",
                             version_id=str(workshop.version_id))
    assert response.status_code == 302
    db.session.refresh(workshop)
    assert workshop.title == "Nuevo título"


def test_conflict_checks_do_not_grow_with_workshop_count(app, make, db, count_queries, tomorrow):
    """Does checking stay at one query per kind with thousands of workshops?"""
    speaker, venues = make.speaker(), [make.school(district=d) for d in ("Ate", "Comas")]
    proposal = Proposal(venues[0], lima_to_utc(tomorrow, time(10)),
                        lima_to_utc(tomorrow, time(12)), [speaker])
    with app.test_request_context():
        make.bulk_workshops(venues, speaker, 10, tomorrow)
        db.session.refresh(speaker), db.session.refresh(venues[0])
        with count_queries() as few:
            find_conflicts(proposal)
        make.bulk_workshops(venues, speaker, 3000, tomorrow)
        db.session.refresh(speaker), db.session.refresh(venues[0])
        with count_queries() as many:
            conflicts = find_conflicts(proposal)
    assert many["n"] == few["n"] <= 6
    assert conflicts == []  # the bulk workshops run 14:00–15:00, four hours later


# Transitions -----------------------------------------------------------------------------

def _post(client, auth, url):
    return client.post(url, data={"csrf_token": auth.csrf_token("/workshops/")})


def test_legal_transitions_draft_to_closed(client, auth, make, coordinator, db, today):
    """Can a workshop go draft → scheduled → held → closed, one step at a time?"""
    workshop = make.workshop(day=today, start=time(0, 0), end=time(23, 59),
                           status=WorkshopStatus.DRAFT)
    for action, status in (("schedule", "scheduled"), ("held", "held"), ("close", "closed")):
        response = _post(client, auth, f"/workshops/{workshop.id}/{action}")
        assert response.status_code == 302
        db.session.refresh(workshop)
        assert workshop.status == status


@pytest.mark.parametrize("status, action", [
    (WorkshopStatus.DRAFT, "close"), (WorkshopStatus.SCHEDULED, "close"),
    (WorkshopStatus.CLOSED, "schedule"), (WorkshopStatus.CANCELLED, "held"),
    (WorkshopStatus.HELD, "schedule"),
])
def test_illegal_transitions_are_refused_with_a_message(client, auth, make, coordinator, db,
                                                        status, action):
    """Is an illegal status change refused with a message, never a 500?"""
    workshop = make.workshop(status=status)
    response = _post(client, auth, f"/workshops/{workshop.id}/{action}")
    assert response.status_code == 302
    db.session.refresh(workshop)
    assert workshop.status == status
    page = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    assert "flash-error" in page


def test_cannot_mark_held_before_it_starts(client, auth, make, coordinator, db):
    """Can a workshop tomorrow be marked as held today? It must not."""
    workshop = make.workshop()
    _post(client, auth, f"/workshops/{workshop.id}/held")
    db.session.refresh(workshop)
    assert workshop.status == WorkshopStatus.SCHEDULED


def test_schedule_refused_when_vetting_lapsed_since_saving(client, auth, make, coordinator, db):
    """Is a draft whose speaker's vetting lapsed since saving kept as a draft?"""
    speaker = make.speaker()
    workshop = make.workshop(speakers=[speaker], status=WorkshopStatus.DRAFT)
    speaker.vetting_renewal_on = date.today() - timedelta(days=400)
    db.session.commit()
    _post(client, auth, f"/workshops/{workshop.id}/schedule")
    db.session.refresh(workshop)
    assert workshop.status == WorkshopStatus.DRAFT


def test_cancel_needs_reason_and_keeps_it(client, auth, make, coordinator, db):
    """Does cancelling ask for a reason, keep it, and refuse a held workshop?"""
    workshop = make.workshop()
    token = auth.csrf_token(f"/workshops/{workshop.id}/cancel")
    empty = client.post(f"/workshops/{workshop.id}/cancel", data={"csrf_token": token,
                                                                  "reason": " "})
    assert empty.status_code == 200
    done = client.post(f"/workshops/{workshop.id}/cancel",
                       data={"csrf_token": token, "reason": "Paro de transportistas"})
    assert done.status_code == 302
    db.session.refresh(workshop)
    assert (workshop.status, workshop.cancel_reason) == ("cancelled", "Paro de transportistas")
    held = make.workshop(status=WorkshopStatus.HELD)
    client.post(f"/workshops/{held.id}/cancel", data={"csrf_token": token, "reason": "x"})
    db.session.refresh(held)
    assert held.status == WorkshopStatus.HELD


def test_stale_edit_is_refused_not_overwritten(client, auth, make, coordinator, db, tomorrow):
    """When someone saved the workshop after I opened the form, is my save refused?"""
    workshop = make.workshop(title="Original", day=tomorrow)
    html = client.get(f"/workshops/{workshop.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version_id" type="hidden" value="(\d+)"', html).group(1)
    workshop.title = "Cambio de otra persona"
    db.session.commit()
    response = post_workshop(client, auth, workshop.venue, workshop.speakers, tomorrow,
                             url=f"/workshops/{workshop.id}/edit", version_id=version,
                             title="Mi cambio")
    assert response.status_code == 409
    db.session.refresh(workshop)
    assert workshop.title == "Cambio de otra persona"


def test_roster_changes_do_not_make_the_edit_form_stale(client, auth, make, coordinator, db,
                                                        tomorrow):
    """Does a student joining the roster leave the coordinator's open edit form valid?"""
    from youthagainstguns.workshops.services import take_seats

    workshop = make.workshop(title="Original", day=tomorrow)
    html = client.get(f"/workshops/{workshop.id}/edit").get_data(as_text=True)
    version = re.search(r'name="version_id" type="hidden" value="(\d+)"', html).group(1)
    assert take_seats(workshop, 3)
    db.session.commit()
    response = post_workshop(client, auth, workshop.venue, workshop.speakers, tomorrow,
                             url=f"/workshops/{workshop.id}/edit", version_id=version,
                             title="Mi cambio")
    assert response.status_code == 302
    db.session.refresh(workshop)
    assert (workshop.title, workshop.seats_taken) == ("Mi cambio", 3)


# Lists, calendar, access ------------------------------------------------------------------

def test_school_contact_lists_only_own_school(client, make, login_as):
    """Does a school contact's list show their school's workshops and no other's?"""
    own, other = make.school(), make.school()
    make.workshop(venue=own, title="Taller propio")
    make.workshop(venue=other, title="Taller ajeno")
    login_as(Role.SCHOOL, school=own)
    html = client.get("/workshops/").get_data(as_text=True)
    assert "Taller propio" in html and "Taller ajeno" not in html


def test_school_contact_cannot_open_another_schools_workshop(client, make, login_as):
    """Is another school's workshop page, roster and attendance closed to a school contact?"""
    theirs = make.workshop(venue=make.school())
    login_as(Role.SCHOOL)
    for path in ("", "/roster/upload", "/attendance", "/roster.csv", "/sign-in-sheet.pdf",
                 "/roster/add"):
        assert client.get(f"/workshops/{theirs.id}{path}").status_code == 403, path


def test_list_filters(client, make, coordinator, tomorrow):
    """Do the district, speaker, status and date filters narrow the list?"""
    speaker = make.speaker()
    make.workshop(venue=make.school(district="Comas"), title="En Comas", day=tomorrow)
    make.workshop(speakers=[speaker], title="Con ponente", day=tomorrow + timedelta(days=9))
    make.workshop(title="Provisional", status=WorkshopStatus.DRAFT, day=tomorrow)

    def titles(query):
        html = client.get(f"/workshops/?{query}").get_data(as_text=True)
        return {t for t in ("En Comas", "Con ponente", "Provisional") if t in html}

    assert titles("district=Comas") == {"En Comas"}
    assert titles(f"speaker={speaker.id}") == {"Con ponente"}
    assert titles("status=draft") == {"Provisional"}
    end = tomorrow + timedelta(days=1)
    assert titles(f"date_from={tomorrow}&date_to={end}") == {"En Comas", "Provisional"}


def test_list_and_calendar_queries_are_bounded(client, make, coordinator, count_queries, tomorrow):
    """Do the list and the calendar run as many queries with 300 workshops as with 3?"""
    speaker, venues = make.speaker(), [make.school() for _ in range(5)]
    first = tomorrow.replace(day=1)
    make.bulk_workshops(venues, speaker, 3, first)
    month = f"/workshops/calendar?date={first.isoformat()}"
    with count_queries() as list_few:
        client.get("/workshops/")
    with count_queries() as cal_few:
        assert client.get(month).status_code == 200
    make.bulk_workshops(venues, speaker, 300, first)
    with count_queries() as list_many:
        assert client.get("/workshops/").status_code == 200
    with count_queries() as cal_many:
        html = client.get(month).get_data(as_text=True)
    assert list_many["n"] == list_few["n"]
    assert cal_many["n"] == cal_few["n"]
    # 303 workshops over 28 days: three shown per day, the rest counted.
    more = sum(int(n) for n in re.findall(r'class="cal-more"[^>]*>\+(\d+)', html))
    assert html.count('class="cal-item') == 3 * 28 and more == 303 - 3 * 28


def test_calendar_week_view_and_speaker_filter(client, make, coordinator, tomorrow):
    """Does the week view show the week's workshops and the speaker filter narrow them?"""
    speaker = make.speaker()
    make.workshop(speakers=[speaker], title="Semana uno", day=tomorrow)
    make.workshop(title="Otro ponente", day=tomorrow)
    make.workshop(speakers=[speaker], title="Mes siguiente", day=tomorrow + timedelta(40))
    html = client.get(f"/workshops/calendar?view=week&date={tomorrow}&speaker={speaker.id}"
                      ).get_data(as_text=True)
    assert "Semana uno" in html and "Otro ponente" not in html and "Mes siguiente" not in html


def test_detail_shows_speakers_roster_and_acknowledgements(client, make, coordinator, db):
    """Does the workshop page show the speakers' aliases, the roster and accepted warnings?"""
    workshop = make.workshop(speakers=[make.speaker(alias="El Profe")])
    make.roster(workshop, 2)
    db.session.add(ConflictAcknowledgement(workshop_id=workshop.id, kind="blackout", key="b:1",
                                           detail="Feriado escolar", reason="Acordado",
                                           by_id=coordinator.id, at=utcnow()))
    db.session.commit()
    html = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    assert "El Profe" in html and "Feriado escolar" in html and "Acordado" in html
    assert html.count('data-label="Nombre"><bdi>Alumno') == 2
