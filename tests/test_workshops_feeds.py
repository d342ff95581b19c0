"""Calendar feeds and the speaker's own schedule: venue and time, never students."""
import hashlib
import re
from datetime import time, timedelta

import icalendar
import sqlalchemy as sa

from youthagainstguns.auth.models import Role
from youthagainstguns.demo import DEMO_PASSWORD
from youthagainstguns.workshops.models import CalendarFeed, WorkshopStatus


def make_feed(client, auth, path="/workshops/feed") -> str:
    """Press "create my feed" and return the feed's path, shown in that response only."""
    response = client.post("/workshops/feed/regenerate",
                           data={"csrf_token": auth.csrf_token(path)})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    return re.search(r'value="https?://[^/"]+(/feeds/[^"]+\.ics)"', html).group(1)


def token_of(path: str) -> str:
    return path.removeprefix("/feeds/").removesuffix(".ics")


def events(body: bytes) -> dict:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_speaker_feed_parses_with_uid_tz_and_cancellations(client, auth, make, login_as, tomorrow):
    """Is the speaker's feed valid iCalendar: UID, DTSTAMP, Lima TZID, CANCELLED, no students?"""
    user = login_as(Role.SPEAKER)
    speaker = make.speaker(user_id=user.id)
    venue = make.school(name="I.E. San Martín", address="Jr. Lampa 123")
    held = make.workshop(venue=venue, speakers=[speaker], day=tomorrow, start=time(9),
                       end=time(11), title="Mi historia")
    cancelled = make.workshop(speakers=[speaker], status=WorkshopStatus.CANCELLED,
                            cancel_reason="Paro")
    make.workshop(speakers=[speaker], status=WorkshopStatus.DRAFT, title="Borrador oculto")
    make.workshop(title="De otro ponente")
    pupils = make.roster(held, 2)
    path = make_feed(client, auth, "/workshops/my-schedule")
    client.delete_cookie("session")  # calendar apps carry no session
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    body = response.data
    found = events(body)
    assert set(found) == {f"workshop-{held.id}@youthagainstguns",
                          f"workshop-{cancelled.id}@youthagainstguns"}
    event = found[f"workshop-{held.id}@youthagainstguns"]
    assert event["DTSTART"].params["TZID"] == "America/Lima"
    assert event.decoded("DTSTART").hour == 9 and event.decoded("DTSTART").date() == tomorrow
    assert "DTSTAMP" in event and "I.E. San Martín" in str(event["LOCATION"])
    assert "Jr. Lampa 123" in str(event["LOCATION"])
    assert int(event["SEQUENCE"]) == held.version_id
    assert str(found[f"workshop-{cancelled.id}@youthagainstguns"]["STATUS"]) == "CANCELLED"
    assert b"BEGIN:VTIMEZONE" in body and b"TZID:America/Lima" in body
    text = body.decode()
    for entry in pupils:
        student = make.db.session.get(type(entry.student), entry.student_id)
        assert student.first_name not in text and student.last_names not in text


def test_school_and_coordinator_feeds_list_their_own(client, auth, make, login_as):
    """Does a school's feed list its workshops, and a coordinator's the ones they created?"""
    school = make.school()
    own = make.workshop(venue=school)
    other = make.workshop()
    login_as(Role.SCHOOL, school=school)
    assert set(events(client.get(make_feed(client, auth)).data)) == {
        f"workshop-{own.id}@youthagainstguns"}
    coordinator = login_as(Role.COORDINATOR)
    other.created_by_id = coordinator.id
    make.db.session.commit()
    assert set(events(client.get(make_feed(client, auth)).data)) == {
        f"workshop-{other.id}@youthagainstguns"}


def test_regenerated_or_unknown_token_is_404(client, auth, make, login_as, db):
    """Does replacing the feed URL revoke the old one, and an unknown token get a 404?"""
    login_as(Role.COORDINATOR)
    old = make_feed(client, auth)
    new = make_feed(client, auth)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert client.get("/feeds/no-such-token.ics").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(CalendarFeed.id)).where(
        CalendarFeed.revoked_at.is_(None))) == 1


def test_feed_of_a_deactivated_account_is_404(client, auth, make, login_as):
    """Does a feed stop when its owner's account is deactivated?"""
    user = login_as(Role.COORDINATOR)
    path = make_feed(client, auth)
    user.active = False
    make.db.session.commit()
    assert client.get(path).status_code == 404


def test_speaker_schedule_shows_venue_contact_and_never_students(client, make, login_as, tomorrow):
    """Does a speaker see venue, time, group size and contact, and no student's name?"""
    user = login_as(Role.SPEAKER)
    speaker = make.speaker(user_id=user.id)
    venue = make.school(name="I.E. Los Andes", phone="01 555 1234")
    make.user(Role.SCHOOL, school=venue, full_name="Profesora Carmen")
    upcoming = make.workshop(venue=venue, speakers=[speaker], day=tomorrow,
                           start=time(8, 30), end=time(10), title="Charla próxima")
    past = make.workshop(speakers=[speaker], day=tomorrow - timedelta(days=30),
                       status=WorkshopStatus.CLOSED, title="Charla pasada")
    pupils = make.roster(upcoming, 2) + make.roster(past, 1)
    html = client.get("/workshops/my-schedule").get_data(as_text=True)
    for expected in ("Charla próxima", "Charla pasada", "I.E. Los Andes", "08:30",
                     "Profesora Carmen", "01 555 1234"):
        assert expected in html
    assert "2 estudiantes" in html
    for entry in pupils:
        student = make.db.session.get(type(entry.student), entry.student_id)
        assert student.first_name not in html and student.last_names not in html


def test_feed_token_is_kept_only_as_a_hash_and_shown_once(client, auth, login_as, db):
    """Is the feed's token stored only hashed, and absent from the feed page afterwards?"""
    login_as(Role.SPEAKER)
    path = make_feed(client, auth, "/workshops/my-schedule")
    token = token_of(path)
    stored = db.session.execute(sa.text("SELECT * FROM calendar_feeds")).one()
    assert token not in " ".join(str(value) for value in stored)
    assert db.session.scalar(sa.select(CalendarFeed.token_hash)) == \
        hashlib.sha256(token.encode()).hexdigest()
    for page in ("/workshops/feed", "/workshops/my-schedule"):
        html = client.get(page).get_data(as_text=True)
        assert token not in html and 'id="feed-url"' not in html
    assert client.get(path).status_code == 200


def test_feed_stops_when_its_owner_changes_password(client, auth, login_as):
    """Does a feed made before the owner's password change stop, and a new one work?"""
    login_as(Role.COORDINATOR)
    old = make_feed(client, auth)
    response = client.post("/account/password", data={
        "csrf_token": auth.csrf_token("/account/password"), "current": DEMO_PASSWORD,
        "password": "otra frase bastante larga", "confirm": "otra frase bastante larga"})
    assert response.status_code == 302
    assert client.get(old).status_code == 404
    html = client.get("/workshops/feed").get_data(as_text=True)
    assert "Crear mi calendario" in html  # as if there were none
    new = make_feed(client, auth)
    assert client.get(new).status_code == 200 and client.get(old).status_code == 404


def test_new_feed_offers_a_webcal_link_and_a_copy_button(client, auth, login_as):
    """Does the page that shows a new feed link it as webcal:// with the same token, and offer
    a copy button that stays hidden without JavaScript, the address still selectable?"""
    login_as(Role.SPEAKER)
    response = client.post("/workshops/feed/regenerate",
                           data={"csrf_token": auth.csrf_token("/workshops/my-schedule")})
    html = response.get_data(as_text=True)
    https = re.search(r'id="feed-url" value="(https?)://([^"]+\.ics)"', html)
    webcal = re.search(r'<a href="webcal://([^"]+)"', html)
    assert https and webcal and webcal.group(1) == https.group(2)
    assert client.get("/" + https.group(2).split("/", 1)[1]).status_code == 200
    button = re.search(r'<button type="button"[^>]*data-copy="feed-url"[^>]*>', html)
    assert button and " hidden" in button.group(0)
    assert 'id="feed-url" value=' in html and "readonly" in html
    assert 'src="/static/js/copy.js"' in html
