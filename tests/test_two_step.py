"""Two-step login: TOTP codes computed with pyotp, recovery codes, enrolment, reset."""
import time

import pyotp
import pytest
import sqlalchemy as sa

from tests.conftest import AuthActions, secret_on_setup_page
from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import FailureKind, LoginFailure, RecoveryCode, Role, User
from youthagainstguns.demo import DEMO_PASSWORD
from youthagainstguns.timeutil import utcnow


@pytest.fixture
def english(client):
    """Ask for English pages: the Spanish of the new messages is compiled later."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _actions(db, user: User | None = None) -> list[str]:
    query = sa.select(AuditEvent.action).order_by(AuditEvent.id)
    if user is not None:
        query = query.where(AuditEvent.object_id == user.id)
    return list(db.session.scalars(query))


def _code(user: User, seconds_ahead: int = 0) -> str:
    """Return the code the user's app shows now (or that many seconds from now)."""
    return pyotp.TOTP(user.totp_secret).at(time.time() + seconds_ahead)


def test_staff_need_a_code_after_the_password(client, auth, make, db):
    """Does the right password alone leave a coordinator logged out until the code?"""
    user = make.user(Role.COORDINATOR)
    response = auth.login(user.email, two_step=False)
    assert response.headers["Location"] == "/login/two-step"
    assert "/login" in client.get("/users").headers["Location"]
    response = auth.two_step(_code(user))
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/users").status_code == 200
    assert _actions(db, user) == ["auth.login"]
    assert db.session.scalar(sa.select(AuditEvent.summary)) == "totp"


def test_the_login_link_target_survives_the_second_step(client, auth, make):
    """Does a login started from /schools land on /schools after the code?"""
    user = make.user(Role.COORDINATOR)
    client.post("/login?next=/schools", data={
        "email": user.email, "password": DEMO_PASSWORD, "csrf_token": auth.csrf_token()})
    assert auth.two_step(_code(user)).headers["Location"] == "/schools"


def test_a_wrong_code_is_refused_counted_and_audited(english, auth, make, db):
    """Is a wrong code refused next to its field, counted for throttling and audited?"""
    user = make.user(Role.ADMIN)
    auth.login(user.email, two_step=False)
    response = auth.two_step("000000" if _code(user) != "000000" else "111111")
    assert response.status_code == 200
    assert "This code is not right, or it was already used." in response.get_data(as_text=True)
    assert "/login" in english.get("/users").headers["Location"]
    failure = db.session.scalar(sa.select(LoginFailure))
    assert (failure.email, failure.kind) == (user.email, FailureKind.TWO_STEP)
    assert _actions(db, user) == ["auth.login_failed"]


def test_a_code_works_only_once(client, auth, make, db):
    """Can a code seen over someone's shoulder be replayed in the same 30 seconds?"""
    user = make.user(Role.COORDINATOR)
    code = _code(user)
    auth.login(user.email, two_step=False)
    assert auth.two_step(code).status_code == 302
    auth.logout()
    auth.login(user.email, two_step=False)
    assert auth.two_step(code).status_code == 200
    assert "/login" in client.get("/users").headers["Location"]


def test_a_code_one_step_away_is_accepted_for_clock_drift(client, auth, make):
    """Is a phone whose clock is a few seconds off still accepted?"""
    user = make.user(Role.COORDINATOR)
    auth.login(user.email, two_step=False)
    assert auth.two_step(_code(user, 30)).status_code == 302


def test_second_step_attempts_are_throttled(client, auth, make, app, db):
    """After five wrong codes, is even the right code refused for a while?"""
    user = make.user(Role.COORDINATOR)
    auth.login(user.email, two_step=False)
    for _ in range(app.config["LOGIN_MAX_TWO_STEP_FAILURES"]):
        auth.two_step("abc")
    assert auth.two_step(_code(user)).status_code == 429
    assert "/login" in client.get("/users").headers["Location"]


def test_the_code_page_waits_only_a_few_minutes(client, auth, make, app, monkeypatch):
    """Does a password step left waiting too long have to start again?"""
    user = make.user(Role.COORDINATOR)
    auth.login(user.email, two_step=False)
    monkeypatch.setitem(app.config, "TWO_STEP_PENDING_SECONDS", -1)
    response = auth.two_step(_code(user))
    assert response.headers["Location"] == "/login"
    assert "/login" in client.get("/users").headers["Location"]


def test_a_password_change_voids_a_waiting_second_step(client, auth, make, db, app):
    """If the password changes between the two steps, does the old password step still count?"""
    from youthagainstguns.auth.services import set_password

    user = make.user(Role.COORDINATOR)
    auth.login(user.email, two_step=False)
    with app.test_request_context():
        set_password(user, "otra frase larga y segura")
    db.session.commit()
    assert auth.two_step(_code(user)).headers["Location"] == "/login"


def test_the_code_page_offers_no_remember_this_device(client, auth, make):
    """Is there no way for staff to skip the second step on this device later?"""
    user = make.user(Role.COORDINATOR)
    auth.login(user.email, two_step=False)
    html = client.get("/login/two-step").get_data(as_text=True)
    assert 'name="code"' in html
    assert 'type="checkbox"' not in html and "remember" not in html.lower()


def test_staff_without_a_second_step_must_enrol_first(client, auth, make, db, app):
    """Is a coordinator without a second step kept on the enrolment page until it is set up,
    and then let in everywhere with ten recovery codes shown once, stored hashed?"""
    user = make.user(Role.COORDINATOR, two_step=False)
    other_device = AuthActions(app.test_client())
    assert other_device.login(user.email, two_step=False).status_code == 302
    assert auth.login(user.email, two_step=False).status_code == 302
    for path in ("/", "/users", "/schools", "/account/password"):
        assert client.get(path).headers["Location"] == "/account/two-step/setup", path
    html = client.get("/account/two-step/setup").get_data(as_text=True)
    assert "<svg" in html and "style=" not in html.split("<svg", 1)[1].split("</svg>")[0]
    secret = secret_on_setup_page(html)
    codes = auth.enrol()
    assert len(set(codes)) == 10
    db.session.refresh(user)
    assert user.totp_secret == secret and user.two_step_enabled_at is not None
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(stored) & {c.replace("-", "") for c in codes}
    assert client.get("/users").status_code == 200
    assert "/login" in other_device._client.get("/users").headers["Location"]
    assert _actions(db, user)[-1] == "auth.2fa_enrolled"
    assert client.get("/account/two-step/setup").headers["Location"] == "/account/two-step"


def test_a_wrong_code_does_not_turn_the_second_step_on(english, auth, make, db):
    """Is a mistyped confirmation code refused, the second step left off?"""
    user = make.user(Role.ADMIN, two_step=False)
    auth.login(user.email, two_step=False)
    english.get("/account/two-step/setup")
    response = english.post("/account/two-step/setup", data={
        "code": "12345", "csrf_token": auth.csrf_token("/account/two-step/setup")})
    assert 'id="code-error"' in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.totp_secret is None
    assert english.get("/users").headers["Location"] == "/account/two-step/setup"


def test_a_recovery_code_works_once(client, auth, make, db):
    """Can a recovery code stand in for the phone exactly once, and is its use audited?"""
    user = make.user(Role.COORDINATOR, two_step=False)
    auth.login(user.email, two_step=False)
    codes = auth.enrol()
    auth.logout()
    auth.login(user.email, two_step=False)
    assert auth.two_step(codes[3].upper().replace("-", " ")).status_code == 302
    assert client.get("/users").status_code == 200
    auth.logout()
    auth.login(user.email, two_step=False)
    assert auth.two_step(codes[3]).status_code == 200
    assert _actions(db, user).count("auth.2fa_recovery_used") == 1
    assert db.session.scalar(sa.select(AuditEvent.summary).where(
        AuditEvent.action == "auth.2fa_recovery_used")) == "9 left"


def test_others_may_turn_the_second_step_on_and_off(client, auth, make, db):
    """Does a mentor log in with the password alone, turn two steps on, get asked for a code,
    and turn it off again with a code?"""
    user = make.user(Role.MENTOR)
    assert auth.login(user.email, two_step=False).headers["Location"] == "/"
    assert client.get("/account/two-step").status_code == 200
    codes = auth.enrol()
    auth.logout()
    assert auth.login(user.email, two_step=False).headers["Location"] == "/login/two-step"
    db.session.refresh(user)
    response = auth.two_step(_code(user, 30))  # the current code went on enrolling
    assert response.status_code == 302
    response = client.post("/account/two-step/disable", data={
        "code": codes[0],
        "csrf_token": auth.csrf_token("/account/two-step")})
    assert response.headers["Location"] == "/account/two-step"
    db.session.refresh(user)
    assert user.totp_secret is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0
    assert _actions(db, user)[-1] == "auth.2fa_disabled"
    assert auth.login(user.email, two_step=False).headers["Location"] == "/"


def test_turning_off_needs_a_right_code(client, auth, make, db):
    """Can someone at an unlocked screen turn the second step off without a code?"""
    user = make.user(Role.MENTOR, two_step=True)
    auth.login(user.email)
    client.post("/account/two-step/disable", data={
        "code": "999999" if _code(user) != "999999" else "888888",
        "csrf_token": auth.csrf_token("/account/two-step")})
    db.session.refresh(user)
    assert user.totp_secret is not None


def test_staff_cannot_turn_the_second_step_off(client, auth, make, db):
    """Is the second step compulsory for an admin, even with a right code?"""
    user = make.user(Role.ADMIN)
    auth.login(user.email)
    response = client.post("/account/two-step/disable", data={
        "code": _code(user, 30),
        "csrf_token": auth.csrf_token("/account/two-step")})
    assert response.status_code == 403
    db.session.refresh(user)
    assert user.totp_secret is not None


def test_an_admin_resets_a_lost_second_step(app, client, auth, make, db):
    """Does an admin's reset remove the person's second step and recovery codes, end their
    sessions, get audited, and make them enrol at the next login?"""
    person = make.user(Role.COORDINATOR)
    db.session.add(RecoveryCode(user_id=person.id, code_hash="0" * 64))
    db.session.commit()
    person_client = app.test_client()
    AuthActions(person_client).login(person.email)
    assert person_client.get("/users").status_code == 200
    admin = make.user(Role.ADMIN)
    auth.login(admin.email)
    page = f"/users/{person.id}/edit"
    assert f"/users/{person.id}/two-step/reset" in client.get(page).get_data(as_text=True)
    response = client.post(f"/users/{person.id}/two-step/reset",
                           data={"csrf_token": auth.csrf_token(page)})
    assert response.headers["Location"] == page
    db.session.refresh(person)
    assert person.totp_secret is None and person.two_step_enabled_at is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode)) == 0
    assert "/login" in person_client.get("/users").headers["Location"]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "auth.2fa_reset"))
    assert (event.object_id, event.actor_id) == (person.id, admin.id)
    assert AuthActions(person_client).login(person.email, two_step=False).headers[
        "Location"] == "/"
    assert person_client.get("/users").headers["Location"] == "/account/two-step/setup"


def test_only_admins_reset_and_only_with_a_csrf_token(client, auth, make, db):
    """Can a coordinator reset someone's second step, or a forged form do it?"""
    person = make.user(Role.MENTOR, two_step=True)
    auth.login(make.user(Role.ADMIN).email)
    assert client.post(f"/users/{person.id}/two-step/reset").status_code == 400
    auth.login(make.user(Role.COORDINATOR).email)
    assert "two-step/reset" not in client.get(f"/users/{person.id}/edit").get_data(as_text=True)
    response = client.post(f"/users/{person.id}/two-step/reset",
                           data={"csrf_token": auth.csrf_token(f"/users/{person.id}/edit")})
    assert response.status_code == 403
    db.session.refresh(person)
    assert person.totp_secret is not None


def test_the_account_page_counts_unused_recovery_codes(english, auth, make, db):
    """Does the account page say how many recovery codes are left?"""
    user = make.user(Role.MENTOR, two_step=True)
    db.session.add_all([RecoveryCode(user_id=user.id, code_hash=f"{n:064d}") for n in range(3)])
    db.session.commit()
    db.session.execute(sa.update(RecoveryCode).where(RecoveryCode.code_hash == f"{0:064d}")
                       .values(used_at=utcnow()))
    db.session.commit()
    auth.login(user.email)
    html = english.get("/account/two-step").get_data(as_text=True)
    assert "You have 2 unused recovery codes." in html
    assert 'action="/account/two-step/disable"' in html
