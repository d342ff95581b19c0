"""Accounts: login, logout that really ends sessions, throttling, password links and rules."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth import services
from youthagainstguns.auth.models import FailureKind, LoginFailure, PasswordLink, Role, User
from youthagainstguns.demo import DEMO_PASSWORD
from youthagainstguns.timeutil import utcnow


def test_login_page_is_spanish_by_default(client):
    """Does a visitor whose browser asks for Spanish get the login page in Spanish?"""
    html = client.get("/login").get_data(as_text=True)
    assert "Iniciar sesión" in html
    assert '<html lang="es"' in html


def test_browser_language_english_is_honoured(client):
    """Does a browser that prefers English get English?"""
    html = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(
        as_text=True)
    assert "Log in" in html


def test_unknown_browser_language_falls_back_to_spanish(client):
    """Does a browser in a language we do not have get Spanish?"""
    html = client.get("/login", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert "Iniciar sesión" in html


def test_language_switch_is_remembered(client, auth):
    """Does choosing English stick for the following pages of the session?"""
    token = auth.csrf_token("/login")
    response = client.post("/language", data={"csrf_token": token, "locale": "en",
                                              "next": "/login"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert "Log in" in client.get("/login").get_data(as_text=True)


def test_login_with_good_credentials_redirects_home(client, auth, make):
    """Does a user with the right password land on the home page?"""
    user = make.user(Role.COORDINATOR)
    response = auth.login(user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/users").status_code == 200


@pytest.mark.parametrize("target", [
    "//evil.example/x", "/%09/evil.example", "/%0d/evil.example", "/%0a/evil.example",
    "/%5Cevil.example", "%5C%5Cevil.example", "/%5C/evil.example", "/%09%0a/evil.example",
    "https://evil.example/", "%09//evil.example", "javascript:alert(1)", "/%00/evil.example",
])
def test_login_never_redirects_off_site(client, auth, make, target):
    """Can a login link (tab, CR, LF, backslash tricks included) send the user to another site?"""
    user = make.user(Role.MENTOR)
    token = auth.csrf_token("/login")
    response = client.post(f"/login?next={target}", data={
        "email": user.email, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_follows_a_path_on_this_site(client, auth, make):
    """Does a login link to a page of this site land there, with its query string?"""
    user = make.user(Role.MENTOR)
    token = auth.csrf_token("/login")
    response = client.post("/login?next=/account/password%3Fx%3D1", data={
        "email": user.email, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/account/password?x=1"


@pytest.mark.parametrize("email,password", [
    ("nobody@example.org", DEMO_PASSWORD),
    ("KNOWN", "wrong-password-xyz"),
])
def test_failed_login_message_is_generic(client, auth, make, email, password):
    """Does a wrong password look exactly like an unknown email?"""
    user = make.user(Role.MENTOR)
    response = auth.login(user.email if email == "KNOWN" else email, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "El correo o la contraseña no son correctos." in html
    assert "no existe" not in html


def test_login_without_csrf_token_is_refused(client, make):
    """Is a login form posted from another site (no CSRF token) refused?"""
    user = make.user(Role.COORDINATOR)
    response = client.post("/login", data={"email": user.email, "password": DEMO_PASSWORD})
    assert response.status_code == 400


def test_failed_logins_are_throttled_per_account(client, auth, make, app, db):
    """After five failures, does even the right password wait?"""
    user = make.user(Role.COORDINATOR)
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        auth.login(user.email, "wrong-password-xyz")
    response = auth.login(user.email)
    assert response.status_code == 429
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginFailure)) == 5


def test_failures_older_than_the_window_do_not_count(client, auth, make, app, db):
    """Do failures from long ago stop counting?"""
    user = make.user(Role.COORDINATOR)
    old = utcnow() - timedelta(minutes=app.config["LOGIN_FAILURE_WINDOW_MINUTES"] + 1)
    for _ in range(10):
        db.session.add(LoginFailure(email=user.email, address="127.0.0.1", at=old))
    db.session.commit()
    assert auth.login(user.email).status_code == 302


def test_failed_logins_are_throttled_per_address(client, auth, make, app, db):
    """Does one address trying many accounts get stopped?"""
    user = make.user(Role.COORDINATOR)
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        db.session.add(LoginFailure(email=f"guess{n}@example.org", address="127.0.0.1"))
    db.session.commit()
    assert auth.login(user.email).status_code == 429


def _failures(db, email, address, n, ago=timedelta(0), kind=FailureKind.PASSWORD):
    at = utcnow() - ago
    db.session.add_all(LoginFailure(email=email, address=address, kind=kind, at=at)
                       for _ in range(n))
    db.session.commit()


def test_failures_from_elsewhere_do_not_lock_the_owner_out(client, auth, make, app, db):
    """Can strangers' wrong passwords keep the owner, at an address of their own, out?"""
    user = make.user(Role.MENTOR)
    for n in range(40):
        _failures(db, user.email, f"198.51.100.{n}", app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"])
    assert auth.login(user.email).status_code == 302


def test_an_address_that_failed_waits_while_the_account_is_under_attack(client, auth, make,
                                                                        app, db):
    """Does an address with a failure on an attacked account wait, even with the right
    password, and get its turn once the growing delay has passed?"""
    user = make.user(Role.MENTOR)
    _failures(db, user.email, "198.51.100.7", 12, ago=timedelta(seconds=5))
    _failures(db, user.email, "127.0.0.1", 1)
    assert auth.login(user.email).status_code == 429
    db.session.execute(sa.update(LoginFailure).values(at=utcnow() - timedelta(minutes=14)))
    db.session.commit()
    assert auth.login(user.email).status_code == 302


def test_the_delay_doubles_with_each_failure_past_the_threshold(app, make, db):
    """Does each failure past LOGIN_SLOWDOWN_AFTER double the wait, within the window?"""
    user = make.user(Role.MENTOR)
    after = app.config["LOGIN_SLOWDOWN_AFTER"]
    _failures(db, user.email, "198.51.100.1", after - 1)
    assert services.account_next_attempt_at(user.email) is None
    waits = []
    for _ in range(4):
        _failures(db, user.email, "198.51.100.1", 1)
        latest = db.session.scalar(sa.select(sa.func.max(LoginFailure.at)))
        waits.append((services.account_next_attempt_at(user.email) - latest).total_seconds())
    assert waits == [1, 2, 4, 8]
    _failures(db, user.email, "198.51.100.1", 40)
    latest = db.session.scalar(sa.select(sa.func.max(LoginFailure.at)))
    assert (services.account_next_attempt_at(user.email) - latest
            == timedelta(minutes=app.config["LOGIN_FAILURE_WINDOW_MINUTES"]))


def test_a_clean_address_gets_the_right_password_in_during_an_attack(client, auth, make, db):
    """While the account waits out a delay, is the owner at a new address still let in,
    and is a wrong password from that new address counted like any other?"""
    user = make.user(Role.MENTOR)
    _failures(db, user.email, "198.51.100.7", 30)
    assert auth.login(user.email, "wrong-password-xyz").status_code == 200
    assert auth.login(user.email).status_code == 429  # this address failed during the attack
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.address == "127.0.0.1"))
    db.session.commit()
    assert auth.login(user.email).status_code == 302


def _median_seconds(*calls, runs=9) -> list[float]:
    """Time each call `runs` times, the calls interleaved so that a machine busy with other
    work slows them alike (one after the other, a CI run once measured 0.09 s against 0.18 s);
    return each call's median."""
    import statistics
    import time

    times = [[] for _call in calls]
    for _ in range(runs):
        for call, measured in zip(calls, times, strict=True):
            start = time.perf_counter()
            call()
            measured.append(time.perf_counter() - start)
    return [statistics.median(measured) for measured in times]


def test_unknown_email_costs_as_much_time_as_a_wrong_password(app, make, db, monkeypatch):
    """Does timing tell an attacker which emails have accounts?"""
    method = "pbkdf2:sha256:200000"  # slow enough to measure; production uses 1,000,000
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", method)
    user = make.user(Role.MENTOR)
    assert user.password_hash.startswith(method)
    with app.test_request_context():
        services.authenticate("warm-up@example.org", "x", "192.0.2.1")  # the dummy hash, once
        known, unknown = _median_seconds(
            lambda: services.authenticate(user.email, "wrong", "192.0.2.1"),
            lambda: services.authenticate("nobody@example.org", "wrong", "192.0.2.1"))
        db.session.rollback()
    assert 0.5 < unknown / known < 2, (known, unknown)


def test_login_failures_stay_in_the_audit_trail(client, auth, make, db):
    """Are a failed login, the next successful one and the logout all in the audit trail,
    the failure not wiped by the success?"""
    user = make.user(Role.MENTOR)
    auth.login(user.email, "wrong-password-xyz")
    auth.login("nobody@example.org", "wrong-password-xyz")
    assert auth.login(user.email).status_code == 302
    auth.logout()
    events = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.object_id, AuditEvent.actor_id,
                  AuditEvent.summary).order_by(AuditEvent.id)).all()
    assert [tuple(e) for e in events] == [
        ("auth.login_failed", user.id, None, "password"),
        ("auth.login_failed", None, None, "unknown account"),
        ("auth.login", user.id, user.id, "password"),
        ("auth.logout", user.id, user.id, ""),
    ]
    assert "nobody@example.org" not in str(events)


def test_purge_removes_old_ledger_rows_and_bounds_the_table(app, make, db, monkeypatch):
    """Does the periodic purge drop failures older than the window and cap the table size?"""
    from youthagainstguns.jobs import _JOBS

    window = timedelta(minutes=app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    _failures(db, "old@example.org", "192.0.2.1", 3, ago=window + timedelta(minutes=1))
    _failures(db, "", "192.0.2.2", 2, ago=window * 10, kind=FailureKind.RESET)
    _failures(db, "new@example.org", "192.0.2.3", 4)
    assert _JOBS["auth.purge_ledgers"].func() == 5
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginFailure)) == 4
    monkeypatch.setitem(app.config, "LEDGER_MAX_ROWS", 3)
    newest = db.session.scalars(sa.select(LoginFailure.id).order_by(LoginFailure.id.desc())
                                .limit(3)).all()
    assert _JOBS["auth.purge_ledgers"].func() == 1
    assert sorted(db.session.scalars(sa.select(LoginFailure.id))) == sorted(newest)


def test_the_purge_is_on_the_workers_schedule_every_quarter_hour(app):
    """Does `flask worker` run the purge every 15 minutes?"""
    from datetime import datetime

    from tests.mail_fixtures import minutes_due

    due = minutes_due(app, "auth.purge_ledgers", datetime(2026, 12, 2))
    assert len(due) == 96 and {m.minute for m in due} == {0, 15, 30, 45}


def test_successful_login_clears_account_failures(auth, make, db):
    """Does a good login forgive the account's earlier typos?"""
    user = make.user(Role.COORDINATOR)
    auth.login(user.email, "wrong-password-xyz")
    assert auth.login(user.email).status_code == 302
    assert db.session.scalar(
        sa.select(sa.func.count()).select_from(LoginFailure)
        .where(LoginFailure.email == user.email)) == 0


def test_logout_ends_a_captured_session_cookie(client, auth, make):
    """Does a session cookie copied before logout stop working after it?"""
    user = make.user(Role.COORDINATOR)
    auth.login(user.email)
    captured = client.get_cookie("session").value
    assert client.get("/users").status_code == 200
    assert auth.logout().status_code == 302
    client.set_cookie("session", captured)
    response = client.get("/users")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_logout_is_post_only(client, auth, make):
    """Can a link (GET) log someone out?"""
    user = make.user(Role.COORDINATOR)
    auth.login(user.email)
    assert client.get("/logout").status_code == 405


def test_password_change_ends_other_sessions(app, client, auth, make):
    """After a password change, does a session on another device end while this one lives?"""
    user = make.user(Role.MENTOR, email="cambio@example.org")
    other_device = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other_device).login(user.email)
    auth.login(user.email)
    response = client.post("/account/password", data={
        "current": DEMO_PASSWORD, "password": "una frase larga y segura",
        "confirm": "una frase larga y segura", "csrf_token": auth.csrf_token("/account/password"),
    })
    assert response.status_code == 302
    assert client.get("/account/password").status_code == 200
    assert other_device.get("/account/password").status_code == 302
    assert auth.login(user.email, "una frase larga y segura").status_code == 302


def test_password_change_checks_current_password(client, auth, login_as, db):
    """Is a wrong current password reported next to its field, and nothing changed?"""
    user = login_as(Role.MENTOR)
    old_hash = user.password_hash
    html = client.post("/account/password", data={
        "current": "not-my-password", "password": "una frase larga y segura",
        "confirm": "una frase larga y segura", "csrf_token": auth.csrf_token("/account/password"),
    }).get_data(as_text=True)
    assert 'id="current-error"' in html
    assert "La contraseña actual no es correcta." in html
    db.session.refresh(user)
    assert user.password_hash == old_hash


@pytest.mark.parametrize("password,message", [
    ("corta123", "Use al menos 12 caracteres."),
    ("password1234", "Esta contraseña es demasiado común; elija otra."),
    ("aaaaaaaaaaaaaaa", "Esta contraseña es demasiado común; elija otra."),
    ("contraseña2024!", "Esta contraseña es demasiado común; elija otra."),
])
def test_weak_passwords_are_refused_with_a_reason(app, password, message):
    """Are short and common passwords refused, saying why in Spanish?"""
    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert message in services.password_problems(password)


def test_password_hash_meets_owasp_iterations(app, make):
    """Does production hashing use PBKDF2-SHA256 with at least 600,000 iterations?"""
    from config import Config

    method, iterations = Config.PASSWORD_HASH_METHOD.rsplit(":", 1)
    assert method == "pbkdf2:sha256" and int(iterations) >= 600_000


def test_deactivation_ends_sessions_and_blocks_login(app, client, auth, make, login_as):
    """Does deactivating an account throw its live session out and stop new logins?"""
    victim = make.user(Role.MENTOR, email="baja@example.org")
    victim_client = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(victim_client).login(victim.email)
    assert victim_client.get("/account/password").status_code == 200
    login_as(Role.COORDINATOR)
    response = client.post(f"/users/{victim.id}/deactivate",
                           data={"csrf_token": auth.csrf_token("/users")})
    assert response.status_code == 302
    assert victim_client.get("/account/password").status_code == 302
    assert AuthActions(app.test_client()).login(victim.email).status_code == 200


def _create_account(client, auth, **fields):
    data = {"full_name": "Rosa Quispe", "email": "rosa@example.org", "role": "mentor",
            "school_id": "0", "speaker_id": "0", "csrf_token": auth.csrf_token("/users/new")}
    return client.post("/users/new", data=data | fields)


def test_coordinator_creates_account_and_link_works_once(client, auth, login_as, db, app):
    """Can a new user set a password through the link exactly once, then log in?"""
    login_as(Role.COORDINATOR)
    response = _create_account(client, auth)
    assert response.status_code == 200
    link = re.search(r'value="(http[^"]+/set-password/[^"]+)"', response.get_data(as_text=True))
    path = "/" + link.group(1).split("/", 3)[3]
    user = db.session.scalar(sa.select(User).where(User.email == "rosa@example.org"))
    assert user.password_hash is None
    fresh = app.test_client()
    from tests.conftest import AuthActions

    fresh_auth = AuthActions(fresh)
    response = fresh.post(path, data={"password": "mi frase secreta larga",
                                      "confirm": "mi frase secreta larga",
                                      "csrf_token": fresh_auth.csrf_token(path)})
    assert response.status_code == 302
    assert fresh_auth.login("rosa@example.org", "mi frase secreta larga").status_code == 302
    assert app.test_client().get(path).status_code == 404


def test_expired_link_is_refused(client, make, db, app):
    """Does a password link stop working once it expires?"""
    user = make.user(Role.MENTOR)
    with app.test_request_context():
        token = services.create_password_link(user, None)
    db.session.commit()
    link = db.session.scalar(sa.select(PasswordLink))
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert client.get(f"/set-password/{token}").status_code == 404


def test_own_password_change_ends_staff_issued_links(client, auth, make, db, app):
    """After the owner changes their password, does a link a coordinator issued earlier
    stop working?"""
    user = make.user(Role.MENTOR)
    coordinator = make.user(Role.COORDINATOR)
    with app.test_request_context():
        token = services.create_password_link(user, coordinator)
    db.session.commit()
    assert client.get(f"/set-password/{token}").status_code == 200
    auth.login(user.email)
    response = client.post("/account/password", data={
        "current": DEMO_PASSWORD, "password": "una frase larga y segura",
        "confirm": "una frase larga y segura", "csrf_token": auth.csrf_token("/account/password"),
    })
    assert response.status_code == 302
    assert app.test_client().get(f"/set-password/{token}").status_code == 404


def test_duplicate_email_is_reported_next_to_the_field(client, auth, login_as, make, db):
    """Is a second account with the same email refused with a message on the field?"""
    make.user(Role.MENTOR, email="rosa@example.org")
    login_as(Role.COORDINATOR)
    html = _create_account(client, auth, email="ROSA@example.org").get_data(as_text=True)
    assert 'id="email-error"' in html
    assert "Ya existe una cuenta con este correo." in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 2


def test_school_contact_needs_a_school(client, auth, login_as, db):
    """Is a school-contact account without a school refused, nothing saved?"""
    login_as(Role.COORDINATOR)
    html = _create_account(client, auth, role="school").get_data(as_text=True)
    assert "Elija el colegio al que pertenece este contacto." in html
    assert db.session.scalar(sa.select(User).where(User.email == "rosa@example.org")) is None


def test_coordinator_cannot_create_or_edit_admins(client, auth, login_as, make, db):
    """Can a coordinator give out the admin role or edit an admin?"""
    login_as(Role.COORDINATOR)
    response = _create_account(client, auth, role="admin")
    assert response.status_code == 200
    assert 'id="role-error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "rosa@example.org")) is None
    admin = make.user(Role.ADMIN)
    assert client.get(f"/users/{admin.id}/edit").status_code == 403


def test_role_change_ends_the_users_sessions(client, auth, login_as, make, db):
    """When a coordinator is demoted to mentor, does their open session end?"""
    target = make.user(Role.COORDINATOR)
    old_token = target.session_token
    login_as(Role.ADMIN)
    response = client.post(f"/users/{target.id}/edit", data={
        "full_name": target.full_name, "email": target.email, "role": "mentor",
        "school_id": "0", "speaker_id": "0",
        "csrf_token": auth.csrf_token(f"/users/{target.id}/edit")})
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.role == Role.MENTOR
    assert target.session_token != old_token


def test_speaker_account_links_to_its_speaker(client, auth, login_as, make, db):
    """Does creating a speaker account link it to the chosen speaker record?"""
    speaker = make.speaker()
    login_as(Role.COORDINATOR)
    _create_account(client, auth, role="speaker", speaker_id=str(speaker.id))
    db.session.refresh(speaker)
    assert speaker.user is not None and speaker.user.email == "rosa@example.org"


def _speaker_labels(html: str) -> list[str]:
    select = re.search(r'<select[^>]* name="speaker_id"[^>]*>.*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_account_form_lists_only_the_chosen_speaker(client, auth, login_as, make, db):
    """Does the account form list no speaker but the linked one, however many there are, and
    does the options endpoint find inactive speakers too, but never archived ones?"""
    for n in range(25):
        make.speaker(alias=f"Voz {n:02d}")
    resting = make.speaker(alias="Voz en Pausa", active=False)
    make.speaker(alias="Voz Archivada", archived_at=utcnow())
    login_as(Role.COORDINATOR)
    assert _speaker_labels(client.get("/users/new").get_data(as_text=True)) == ["—"]
    answer = client.get("/speakers/options/any", query_string={"q": "pausa"}).get_json()
    assert answer == {"options": [{"value": resting.id, "label": "Voz en Pausa"}]}
    found = client.get("/speakers/options/any", query_string={"q": "voz"}).get_json()["options"]
    assert len(found) == 20 and "Voz Archivada" not in {o["label"] for o in found}
    assert client.get("/speakers/options/active?q=voz").status_code == 404
    _create_account(client, auth, role="speaker", speaker_id=str(resting.id))
    user = db.session.scalar(sa.select(User).where(User.email == "rosa@example.org"))
    assert user.speaker.id == resting.id
    edit = client.get(f"/users/{user.id}/edit").get_data(as_text=True)
    assert _speaker_labels(edit) == ["—", "Voz en Pausa"]


def test_account_form_finds_the_speaker_without_javascript(client, auth, login_as, make, db):
    """Without JavaScript, does a typed alias come back as choices, with a message and no
    account saved, until one is chosen?"""
    make.speaker(alias="La Voz del Cerro")
    login_as(Role.COORDINATOR)
    html = _create_account(client, auth, role="speaker", speaker_id="0",
                           speaker_id_q="cerro").get_data(as_text=True)
    assert 'id="speaker_id-error"' in html and "La Voz del Cerro" in _speaker_labels(html)
    assert db.session.scalar(sa.select(User).where(User.email == "rosa@example.org")) is None


@pytest.mark.parametrize("role", [Role.MENTOR, Role.SPEAKER, Role.SCHOOL])
def test_speaker_options_are_for_staff_only(client, login_as, make, role):
    make.speaker(alias="La Voz")
    login_as(role)
    assert client.get("/speakers/options/any?q=voz").status_code == 403


def test_user_management_is_audited(client, auth, login_as, db):
    """Is account creation written to the audit log?"""
    login_as(Role.COORDINATOR)
    _create_account(client, auth)
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "user.create" in actions and "user.password_link" in actions


def test_no_open_sign_up(app):
    """Is there any route that lets a stranger create an account?"""
    rules = [str(rule) for rule in app.url_map.iter_rules()]
    assert not [r for r in rules if "register" in r or "signup" in r or "sign-up" in r]


def test_users_list_is_paginated_with_bounded_queries(client, login_as, make, count_queries):
    """Does the users page cost the same number of queries with 5 or 60 accounts?"""
    login_as(Role.ADMIN)
    client.get("/users")
    with count_queries() as few:
        client.get("/users")
    for _ in range(60):
        make.user(Role.MENTOR)
    with count_queries() as many:
        html = client.get("/users").get_data(as_text=True)
    assert many["n"] == few["n"]
    assert "Página 1 de 3" in html
