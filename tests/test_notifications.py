"""Who is told what by mail: safeguarding concerns, withdrawn consent, certificates ready,
and each person's opt-outs. Real SMTP server on loopback, real jobs, no mocks."""
import re

import pytest
import sqlalchemy as sa

from tests.mail_fixtures import PUBLIC_BASE_URL
from youthagainstguns.auth.models import MailOptOut, Role
from youthagainstguns.auth.notifications import (
    OPTIONAL_KINDS_BY_ROLE,
    optional_kinds,
    set_opt_outs,
)
from youthagainstguns.mail_models import OPTIONAL_KINDS, MailKind
from youthagainstguns.mentoring.models import SafeguardingAlert
from youthagainstguns.timeutil import to_lima
from youthagainstguns.workshops.models import AttendanceStatus

NOTES = "Habló de un arma en casa del tío"
DETAILS = "Tiene miedo de volver a casa"


def _post(client, auth, url, data, page=None):
    return client.post(url, data={**data, "csrf_token": auth.csrf_token(page or url)})


def _parts(message) -> dict[str, str]:
    return {"subject": message["Subject"],
            "text": message.get_body(("plain",)).get_content(),
            "html": message.get_body(("html",)).get_content()}


def _by_recipient(smtp) -> dict:
    return {message["To"]: message for message in smtp.messages}


def _switch_on(page: str, name: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    return " checked" in tag


def _link(text: str) -> str:
    found = re.search(rf"({re.escape(PUBLIC_BASE_URL)}/\S+)", text)
    assert found, text
    return found.group(1)


@pytest.fixture
def concern_world(make):
    """An active match with a named mentor and mentee, and staff of every kind."""
    mentor_user = make.user(Role.MENTOR, full_name="Carlos Ríos Mendoza",
                            email="carlos@example.org")
    mentee = make.mentee(first_name="Valentina", last_names="Huamán Torres")
    match = make.match(make.mentor(user=mentor_user), mentee)
    staff = {
        "coord_es": make.user(Role.COORDINATOR, email="coord.es@example.org"),
        "coord_en": make.user(Role.COORDINATOR, email="coord.en@example.org", locale="en"),
        "admin": make.user(Role.ADMIN, email="admin@example.org"),
        "gone": make.user(Role.COORDINATOR, email="gone@example.org", active=False),
        "other_mentor": make.user(Role.MENTOR, email="otro@example.org"),
    }
    return mentor_user, mentee, match, staff


def _log_concern(client, auth, match, mentor_user, today):
    auth.login(mentor_user.email)
    data = {"held_on": today.isoformat(), "duration_minutes": "45", "kind": "in_person",
            "activity": "Fútbol", "notes": NOTES, "safeguarding_concern": "y",
            "concern_details": DETAILS}
    response = _post(client, auth, f"/mentoring/matches/{match.id}/sessions/new", data)
    assert response.status_code == 302


def test_safeguarding_concern_reaches_every_active_coordinator_and_admin_and_no_names(
        client, auth, make, db, smtp, run_jobs, today, concern_world):
    """Does a concern mail every active coordinator and admin at once, in their language, with
    a link home and without the notes or anyone's name, even for those who opted out?"""
    mentor_user, mentee, match, staff = concern_world
    set_opt_outs(staff["admin"], optional_kinds(staff["admin"]))  # everything that can be off
    db.session.commit()

    _log_concern(client, auth, match, mentor_user, today)
    assert run_jobs.run_all() == 3  # the commit queued them: the worker sends them at once

    received = _by_recipient(smtp)
    assert set(received) == {"coord.es@example.org", "coord.en@example.org", "admin@example.org"}
    alert = db.session.scalar(sa.select(SafeguardingAlert))
    alert_link = f"{PUBLIC_BASE_URL}/mentoring/alerts/{alert.id}"
    spanish = _parts(received["coord.es@example.org"])
    assert spanish["subject"] == f"Preocupación de protección en el emparejamiento {match.id}"
    assert f"en el emparejamiento {match.id}." in spanish["text"]
    assert received["coord.es@example.org"]["Content-Language"] == "es"
    english = _parts(received["coord.en@example.org"])
    assert english["subject"] == f"Safeguarding concern raised on match {match.id}"
    assert received["coord.en@example.org"]["Content-Language"] == "en"

    forbidden = ["Valentina", "Huamán", "Huam&aacute;n", "Torres", "Carlos", "Ríos", "Mendoza",
                 NOTES, DETAILS, "arma", "miedo", mentee.guardian_name]
    for message in received.values():
        parts = _parts(message)
        assert _link(parts["text"]) == alert_link
        assert f'href="{alert_link}"' in parts["html"]
        for part, body in parts.items():
            for word in forbidden:
                assert word not in body, (message["To"], part, word)


def test_the_alert_link_in_the_mail_opens_the_alert_for_the_coordinator(
        app, client, auth, make, db, smtp, run_jobs, today, concern_world):
    """Does the mailed link lead a coordinator to the alert page?"""
    mentor_user, _mentee, match, staff = concern_world
    _log_concern(client, auth, match, mentor_user, today)
    run_jobs.run_all()
    link = _link(_parts(_by_recipient(smtp)["coord.es@example.org"])["text"])
    auth.login(staff["coord_es"].email)
    page = client.get(link.removeprefix(PUBLIC_BASE_URL))
    assert page.status_code == 200 and DETAILS in page.get_data(as_text=True)


def test_safeguarding_mail_cannot_be_turned_off(make, db):
    """Is a request to opt out of safeguarding or account mail refused?"""
    user = make.user(Role.COORDINATOR)
    for kind in (MailKind.SAFEGUARDING_CONCERN, MailKind.PASSWORD_RESET):
        with pytest.raises(ValueError):
            set_opt_outs(user, [kind])
    assert db.session.scalars(sa.select(MailOptOut)).all() == []


def test_consent_withdrawn_mails_staff_with_numbers_only_and_respects_opt_outs(
        client, auth, login_as, make, db, smtp, run_jobs, today):
    """Does withdrawing consent tell active staff the record and match numbers, without names,
    and skip whoever turned that mail off?"""
    mentee = make.mentee(first_name="Valentina", last_names="Huamán Torres")
    match = make.match(make.mentor(), mentee)
    wants = make.user(Role.ADMIN, email="admin@example.org", locale="en")
    refuses = make.user(Role.COORDINATOR, email="no@example.org")
    set_opt_outs(refuses, [MailKind.CONSENT_WITHDRAWN])
    make.user(Role.MENTOR, email="mentor@example.org")
    db.session.commit()

    coordinator = login_as(Role.COORDINATOR, email="coord@example.org")
    url = f"/mentoring/consents/{mentee.consents[0].id}/withdraw"
    response = _post(client, auth, url, {"withdrawn_on": today.isoformat(),
                                         "reason": "La familia se muda a Arequipa"})
    assert response.status_code == 302
    run_jobs.run_all()

    received = _by_recipient(smtp)
    assert set(received) == {wants.email, coordinator.email}
    english = _parts(received[wants.email])
    assert english["subject"] == f"Consent withdrawn for mentee record {mentee.id}"
    assert f"mentee record {mentee.id}" in english["text"]
    assert f"Match {match.id} was paused." in english["text"]
    spanish = _parts(received[coordinator.email])
    assert f"Se pausó el emparejamiento {match.id}." in spanish["text"]
    assert _link(spanish["text"]) == f"{PUBLIC_BASE_URL}/mentoring/mentees/{mentee.id}"
    for message in received.values():
        for body in _parts(message).values():
            for word in ("Valentina", "Huamán", "Torres", mentee.guardian_name, "Arequipa"):
                assert word not in body


def test_certificates_ready_mails_the_venue_contacts_and_respects_opt_outs(
        client, auth, login_as, make, db, smtp, run_jobs):
    """Does issuing a pack tell the venue's active school contacts (not other schools', not
    those who opted out) the workshop, date, count and link, with no pupil's name?"""
    school = make.school()
    present = AttendanceStatus.PRESENT
    workshop, students = make.class_of(school, [present, present, AttendanceStatus.ABSENT],
                                       title="Decisiones que salvan vidas")
    contact = make.user(Role.SCHOOL, school_id=school.id, email="direccion@example.org")
    make.user(Role.SCHOOL, school_id=school.id, email="exdirector@example.org", active=False)
    refuses = make.user(Role.SCHOOL, school_id=school.id, email="no@example.org")
    set_opt_outs(refuses, [MailKind.CERTIFICATES_READY])
    make.user(Role.SCHOOL, email="otra.escuela@example.org")
    db.session.commit()

    login_as(Role.COORDINATOR)
    token = auth.csrf_token(f"/workshops/{workshop.id}/certificates")
    response = client.post(f"/workshops/{workshop.id}/certificates/issue",
                           data={"csrf_token": token, "language": "es"})
    assert response.status_code == 302
    run_jobs.run_all()

    message = smtp.only()
    assert message["To"] == contact.email
    parts = _parts(message)
    assert parts["subject"] == "Constancias listas: Decisiones que salvan vidas"
    day = to_lima(workshop.starts_at).strftime("%d/%m/%Y")
    assert "2 constancias" in parts["text"] and day in parts["text"]
    link = f"{PUBLIC_BASE_URL}/workshops/{workshop.id}/certificates"
    assert _link(parts["text"]) == link and f'href="{link}"' in parts["html"]
    for body in parts.values():
        for student in students:
            assert student.first_name not in body and student.last_names not in body

    # Issued again: nothing new, so nobody is told again.
    token = auth.csrf_token(f"/workshops/{workshop.id}/certificates")
    client.post(f"/workshops/{workshop.id}/certificates/issue",
                data={"csrf_token": token, "language": "es"})
    assert run_jobs.run_all() == 0


def _switches(page: str) -> set[str]:
    """Return the names of the kinds the page offers a switch for."""
    tags = [tag for tag in re.findall(r"<input[^>]*>", page) if 'role="switch"' in tag]
    return {re.search(r'name="([^"]+)"', tag).group(1) for tag in tags}


def test_notifications_page_saves_choices_and_offers_no_safeguarding_switch(
        client, auth, login_as, db):
    """Does the page store what a person turns off, show it back, and ignore an attempt to
    turn off safeguarding mail?"""
    user = login_as(Role.COORDINATOR)
    page = client.get("/account/notifications").get_data(as_text=True)
    assert "Mis avisos por correo" in page
    assert _switches(page) == {"consent_withdrawn", "daily_digest"}
    assert 'href="/account/notifications"' in client.get("/account/password").get_data(
        as_text=True)

    response = _post(client, auth, "/account/notifications",
                     {"daily_digest": "y", "safeguarding_concern": ""})
    assert response.status_code == 302
    stored = set(db.session.scalars(sa.select(MailOptOut.kind)
                                    .where(MailOptOut.user_id == user.id)))
    assert stored == {MailKind.CONSENT_WITHDRAWN}

    page = client.get("/account/notifications").get_data(as_text=True)
    assert _switch_on(page, "daily_digest") and not _switch_on(page, "consent_withdrawn")

    assert _post(client, auth, "/account/notifications",
                 {"daily_digest": "y", "consent_withdrawn": "y"}).status_code == 302
    assert db.session.scalars(sa.select(MailOptOut)).all() == []


@pytest.mark.parametrize(("role", "offered"), [
    # Staff get the digest and consent mail, never a workshop's reminder or certificates.
    (Role.ADMIN, {"consent_withdrawn", "daily_digest"}),
    (Role.COORDINATOR, {"consent_withdrawn", "daily_digest"}),
    # A mentor receives no optional mail at all: nothing to switch.
    (Role.MENTOR, set()),
    # The venue's contacts get the reminder and "certificates ready".
    (Role.SCHOOL, {"workshop_reminder", "certificates_ready"}),
    # A speaker gets the reminder only.
    (Role.SPEAKER, {"workshop_reminder"}),
])
def test_notifications_page_lists_only_the_kinds_the_role_receives(client, login_as, role,
                                                                   offered):
    """Does each role see a switch for exactly the optional mails it can receive?"""
    login_as(role, locale="en")
    page = client.get("/account/notifications").get_data(as_text=True)
    assert _switches(page) == offered
    assert ("Save my choices" in page) == bool(offered)
    assert ("None of the mails your account receives can be turned off." in page) != bool(
        offered)


def test_saving_cannot_turn_off_a_kind_the_role_does_not_receive(client, auth, login_as, db):
    """Does a speaker's forged post turning off "certificates ready" or the digest store only
    the reminder choice, and does the service refuse those kinds outright?"""
    user = login_as(Role.SPEAKER)
    response = _post(client, auth, "/account/notifications",
                     {"certificates_ready": "", "daily_digest": ""})
    assert response.status_code == 302
    stored = set(db.session.scalars(sa.select(MailOptOut.kind)))
    assert stored == {MailKind.WORKSHOP_REMINDER}
    with pytest.raises(ValueError, match="certificates_ready"):
        set_opt_outs(user, [MailKind.CERTIFICATES_READY])


def test_every_optional_kind_is_offered_to_some_role_and_nothing_else_is():
    """Is the role rule made only of optional kinds, and does every optional kind have a role
    that can turn it off?"""
    assert set().union(*OPTIONAL_KINDS_BY_ROLE.values()) == OPTIONAL_KINDS
    assert set(OPTIONAL_KINDS_BY_ROLE) == set(Role)


def test_notifications_page_refuses_a_post_without_csrf(client, login_as, db):
    """Is a forged post without the CSRF token refused and nothing stored?"""
    login_as(Role.SCHOOL)
    response = client.post("/account/notifications", data={"certificates_ready": ""})
    assert response.status_code in (200, 400)
    assert db.session.scalars(sa.select(MailOptOut)).all() == []


def test_a_concern_added_when_editing_a_log_mails_staff_once(client, auth, make, db, smtp,
                                                             run_jobs, today, concern_world):
    """Does ticking the concern on an existing log alert staff, and saving it again not?"""
    mentor_user, _mentee, match, _staff = concern_world
    session = make.session(match, notes=NOTES)
    auth.login(mentor_user.email)
    url = f"/mentoring/sessions/{session.id}/edit"
    data = {"held_on": today.isoformat(), "duration_minutes": "60", "kind": "in_person",
            "activity": "Paseo", "notes": NOTES, "safeguarding_concern": "y",
            "concern_details": DETAILS}
    assert _post(client, auth, url, data).status_code == 302
    assert run_jobs.run_all() == 3
    assert _post(client, auth, url, data).status_code == 302
    assert run_jobs.run_all() == 0
    assert len(smtp.messages) == 3
    assert all(m["Subject"] == f"Preocupación de protección en el emparejamiento {match.id}"
               or m["Content-Language"] == "en" for m in smtp.messages)
