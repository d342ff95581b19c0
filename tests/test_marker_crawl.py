"""Sensitive values never reach someone who may not see them: unique markers are planted in a
speaker's legal name, a guardian's phone, a session's notes and a date of birth, then every
page, PDF, CSV and feed is fetched as each role that may not see them, and every mail is read."""
import io
from datetime import date, timedelta

import openpyxl
import pytest
from pypdf import PdfReader

from tests.access import ROLES
from tests.access.world import build_world, routes, url_for_rule
from youthagainstguns.auth.models import Role
from youthagainstguns.extensions import db
from youthagainstguns.mail_models import MailKind, OutboxAttachment, OutboxMessage
from youthagainstguns.mentoring.digest import send_digest
from youthagainstguns.mentoring.models import Mentee, MentoringSession
from youthagainstguns.timeutil import utcnow
from youthagainstguns.workshops import reminders
from youthagainstguns.workshops.roster_import import XLSX_MIMETYPE

LEGAL_NAME = "Zqxlegalmark Uno"
GUARDIAN_PHONE = "987650321"
SESSION_NOTES = "zqxnotesmark dos"
BIRTH = date(2011, 2, 27)
BIRTH_TEXTS = ("27/02/2011", "2011-02-27", "02/27/2011", "27 feb")

# Who may see each marker: everyone else must never meet it.
MAY_SEE = {
    "legal name": {"admin", "coordinator"},
    "guardian phone": {"admin", "coordinator"},
    "session notes": {"admin", "coordinator", "mentor"},  # the world's mentor wrote them
    "date of birth": {"admin", "coordinator"},
}
MARKERS = {"legal name": (LEGAL_NAME.lower(),), "guardian phone": (GUARDIAN_PHONE,),
           "session notes": (SESSION_NOTES,), "date of birth": BIRTH_TEXTS}


def _plant(world) -> None:
    speaker = world["_speaker"]
    speaker.legal_name = LEGAL_NAME
    mentee = db.session.get(Mentee, world["mentee_id"])
    mentee.guardian_phone, mentee.date_of_birth = GUARDIAN_PHONE, BIRTH
    db.session.get(MentoringSession, world["session_id"]).notes = SESSION_NOTES
    db.session.commit()


def _text(response) -> str:
    """What a person receives, as text: PDFs and workbooks are read back, the rest decoded."""
    if response.mimetype == "application/pdf":
        reader = PdfReader(io.BytesIO(response.data))
        return " ".join(page.extract_text() or "" for page in reader.pages)
    if response.mimetype == XLSX_MIMETYPE:
        book = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True)
        return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True)
                        for cell in row if cell is not None)
    return response.get_data(as_text=True)


def _leaks(text: str, role: str) -> list[str]:
    lowered = text.lower()
    return [name for name, needles in MARKERS.items()
            if role not in MAY_SEE[name] and any(needle in lowered for needle in needles)]


def _crawl(app, client, world) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for endpoint, rule, method in routes(app):
        if method != "GET" or endpoint in {"auth.logout", "static"}:
            continue
        response = client.get(url_for_rule(app, rule, world))
        if response.status_code == 200:
            found[f"{endpoint} {rule.rule}"] = _text(response)
    return found


@pytest.mark.parametrize("role", [r for r in ROLES if r not in {"admin", "coordinator"}]
                         + ["other mentor"])
def test_no_marker_reaches_a_role_that_may_not_see_it(app, make, auth, client, role):
    """Does any page, file or feed show a marker to a role outside its audience?"""
    world, users = build_world(make)
    _plant(world)
    if role == "other mentor":
        users[role] = make.mentor(user=make.user(Role.MENTOR)).user
    audience = "mentor-other" if role == "other mentor" else role
    if role != "anonymous":
        assert auth.login(users[role].email).status_code == 302
    pages = _crawl(app, client, world)
    assert len(pages) > 3, "the crawl reached almost nothing: is the login working?"
    if role in {"school", "speaker"}:  # the JSON API answers them too (session login)
        assert any(page.startswith("api.") for page in pages), "the crawl missed the API"
    leaks = {page: hit for page, text in pages.items() if (hit := _leaks(text, audience))}
    assert not leaks, f"{role} sees: {leaks}"


def test_the_crawl_finds_every_marker_where_it_may_be_seen(app, make, auth, client):
    """Control: a coordinator's crawl meets every marker, so their absence elsewhere means
    something."""
    world, users = build_world(make)
    _plant(world)
    assert auth.login(users["coordinator"].email).status_code == 302
    seen = set()
    for text in _crawl(app, client, world).values():
        seen |= set(_leaks(text, "nobody"))
    assert seen == set(MARKERS)


def _post(client, auth, url, data):
    response = client.post(url, data={**data, "csrf_token": auth.csrf_token(url)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def test_no_marker_in_any_mail(app, make, auth, client, today):
    """Do the mails of a concern, a withdrawn consent, the digest and a workshop reminder (its
    .ics included) carry no marker?"""
    world, users = build_world(make)
    _plant(world)
    match_url = f"/mentoring/matches/{world['match_id']}/sessions/new"
    auth.login(users["mentor"].email)
    _post(client, auth, match_url, {
        "held_on": today.isoformat(), "duration_minutes": "45", "kind": "in_person",
        "activity": "Fútbol", "notes": SESSION_NOTES, "safeguarding_concern": "y",
        "concern_details": f"{SESSION_NOTES} {GUARDIAN_PHONE}"})
    auth.login(users["coordinator"].email)
    _post(client, auth, f"/mentoring/consents/{world['consent_id']}/withdraw",
          {"withdrawn_on": today.isoformat(), "reason": "La familia se muda"})
    send_digest(today)
    soon = utcnow().replace(second=0, microsecond=0) + timedelta(hours=6)
    workshop = make.workshop(speakers=[world["_speaker"]], venue=world["_school"],
                             created_at=utcnow() - timedelta(hours=2))
    workshop.starts_at, workshop.ends_at = soon, soon + timedelta(hours=2)
    db.session.commit()
    assert reminders.send_reminders.func() > 0
    db.session.commit()
    messages = db.session.scalars(db.select(OutboxMessage)).all()
    assert {m.kind for m in messages} >= {
        MailKind.SAFEGUARDING_CONCERN, MailKind.CONSENT_WITHDRAWN, MailKind.DAILY_DIGEST,
        MailKind.WORKSHOP_REMINDER}
    attachments = {a.message_id: a.content.decode() for a in
                   db.session.scalars(db.select(OutboxAttachment))}
    leaks = [(m.kind, hit) for m in messages
             if (hit := _leaks(f"{m.subject} {m.body_text} {m.body_html} "
                               f"{attachments.get(m.id, '')}", "mail"))]
    assert not leaks
