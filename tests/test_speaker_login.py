"""A coordinator gives a speaker a login from the speaker's page: a speaker-role account (new,
or an unlinked speaker account with that email) and a one-time password link to hand over,
which the speaker uses to set a password and log in to their own schedule."""
import re

import pytest
import sqlalchemy as sa

from tests.conftest import AuthActions
from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role, User
from youthagainstguns.mail_models import MailKind, OutboxMessage

PASSWORD = "una frase larga del ponente"  # noqa: S105 (a test account's)


@pytest.fixture
def coordinator(login_as):
    return login_as(Role.COORDINATOR)


def give_login(client, auth, speaker, email: str | None):
    data = {"csrf_token": auth.csrf_token(f"/speakers/{speaker.id}")}
    if email is not None:
        data["email"] = email
    return client.post(f"/speakers/{speaker.id}/account", data=data)


def shown_link(response) -> str:
    """Return the path of the set-password link shown on the page."""
    link = re.search(r'value="https?://[^/"]+(/set-password/[^"]+)"',
                     response.get_data(as_text=True))
    assert link, "no link on the page"
    return link.group(1)


def test_coordinator_gives_a_speaker_a_login_that_works(app, client, auth, make, coordinator,
                                                        db):
    """Does the speaker page create a speaker account, show its link once and mail it, and
    can the speaker set a password through it, log in and see their own schedule?"""
    speaker = make.speaker(alias="El Flaco", legal_name="Juan Pérez Secreto",
                           email="flaco@example.org")
    page = client.get(f"/speakers/{speaker.id}").get_data(as_text=True)
    assert f'action="/speakers/{speaker.id}/account"' in page
    assert 'value="flaco@example.org"' in page  # the speaker's contact email, as a default
    response = give_login(client, auth, speaker, "Flaco@Example.org")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    path = shown_link(response)
    user = db.session.scalar(sa.select(User).where(User.email == "flaco@example.org"))
    assert user.role == Role.SPEAKER and user.speaker.id == speaker.id
    assert user.full_name == "El Flaco" and user.password_hash is None
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.user_id == user.id))
    assert mail.kind == MailKind.ACCOUNT_CREATED
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"speaker.account", "user.create", "user.password_link"} <= actions

    speaker_client = app.test_client()
    speaker_auth = AuthActions(speaker_client)
    done = speaker_client.post(path, data={"password": PASSWORD, "confirm": PASSWORD,
                                           "csrf_token": speaker_auth.csrf_token(path)})
    assert done.status_code == 302
    assert speaker_auth.login("flaco@example.org", PASSWORD).status_code == 302
    schedule = speaker_client.get("/workshops/my-schedule").get_data(as_text=True)
    assert "Próximos talleres" in schedule and "Juan Pérez Secreto" not in schedule
    assert speaker_client.get(path).status_code == 404  # the link worked once


def test_an_unlinked_speaker_account_with_that_email_is_linked(client, auth, make, coordinator,
                                                               db):
    """Is an existing speaker account that no speaker holds linked, not duplicated?"""
    speaker = make.speaker()
    existing = make.user(Role.SPEAKER, email="voz@example.org")
    response = give_login(client, auth, speaker, "voz@example.org")
    assert response.status_code == 200
    db.session.expire_all()
    assert existing.speaker.id == speaker.id
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2  # coordinator + speaker
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.user_id == existing.id))
    assert mail.kind == MailKind.PASSWORD_LINK


@pytest.mark.parametrize("owner", ["mentor", "linked_speaker"])
def test_an_email_of_another_account_is_refused_beside_the_field(client, auth, make,
                                                                 coordinator, db, owner):
    """Can a coordinator turn a mentor's account, or another speaker's login, into this
    speaker's? (No: the form says so next to the email, nothing changes.)"""
    speaker = make.speaker()
    if owner == "mentor":
        other = make.user(Role.MENTOR, email="otra@example.org")
    else:
        other = make.user(Role.SPEAKER, email="otra@example.org")
        make.speaker(user=other)
    response = give_login(client, auth, speaker, "otra@example.org")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'<small class="field-error" id="email-error" role="alert">', html)
    assert "<details class=\"add-panel\" id=\"account\" open>" in html
    db.session.expire_all()
    assert speaker.user is None and other.role.value == owner.split("_")[-1]
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_a_speaker_with_a_login_gets_a_fresh_link(client, auth, make, coordinator, db):
    """Does the button on a linked speaker's page issue a new link for that same account?"""
    user = make.user(Role.SPEAKER, email="ya@example.org")
    speaker = make.speaker(user=user)
    page = client.get(f"/speakers/{speaker.id}").get_data(as_text=True)
    assert 'name="email"' not in page and f'action="/speakers/{speaker.id}/account"' in page
    response = give_login(client, auth, speaker, None)
    assert response.status_code == 200 and shown_link(response)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 2


def test_the_form_needs_its_token(client, make, coordinator, db):
    """Is a post without the CSRF token refused and nothing created?"""
    speaker = make.speaker()
    response = client.post(f"/speakers/{speaker.id}/account", data={"email": "x@example.org"})
    assert response.status_code in (400, 422)
    assert db.session.scalar(sa.select(User).where(User.email == "x@example.org")) is None
