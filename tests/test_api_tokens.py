"""Personal API tokens: made by staff for an account, shown once, kept as a hash, scoped,
revocable, last use noted; a token request never gets or writes a session."""
import hashlib
import re
from datetime import timedelta

import pytest

from youthagainstguns.api import tokens
from youthagainstguns.api.models import ApiToken, Scope
from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.timeutil import utcnow

SECRET_ON_PAGE = re.compile(r'<code class="secret" id="token-secret">(yag_[\w-]+)</code>')


def bearer(secret: str) -> dict:
    """Return the header a program sends its token in."""
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def token_for(make, db):
    """Make a token for `user` with `scopes` (read by default) and return its secret."""

    def _make(user, *scopes: Scope) -> str:
        _token, secret = tokens.create_token(user, "prueba", scopes or (Scope.READ,),
                                             by=make.user(Role.ADMIN))
        db.session.commit()
        return secret

    return _make


def _create_on_page(client, auth, user_id: int, scopes=("read",)):
    url = f"/users/{user_id}/api-tokens"
    return client.post(url, data={"name": "App de la UGEL", "scopes": list(scopes),
                                  "csrf_token": auth.csrf_token(url)})


def test_a_coordinator_creates_a_token_shown_once_and_stored_hashed(client, auth, login_as,
                                                                    make, db):
    """Is the secret on the creation page only, and is only its SHA-256 kept and audited?"""
    login_as(Role.COORDINATOR)
    school_user = make.user(Role.SCHOOL)
    response = _create_on_page(client, auth, school_user.id, ("read", "attendance-write"))
    assert response.status_code == 200
    secret = SECRET_ON_PAGE.search(response.get_data(as_text=True)).group(1)
    token = db.session.scalar(db.select(ApiToken))
    assert token.user_id == school_user.id
    assert token.scope_set == {Scope.READ, Scope.ATTENDANCE_WRITE}
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(token.__dict__)
    page = client.get(f"/users/{school_user.id}/api-tokens").get_data(as_text=True)
    assert secret not in page and f'data-token-id="{token.id}"' in page
    event = db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "api_token.create"))
    assert (event.object_type, event.object_id) == ("User", school_user.id)
    assert secret not in event.summary


def test_a_coordinator_may_not_make_tokens_for_an_admin(client, auth, login_as, make):
    """Does the account rule of the user pages (User.can_manage) hold for tokens too?"""
    login_as(Role.COORDINATOR)
    admin = make.user(Role.ADMIN)
    assert client.get(f"/users/{admin.id}/api-tokens").status_code == 403
    assert _create_on_page(client, auth, admin.id).status_code in (400, 403)


def test_a_token_needs_a_scope_and_a_name(client, auth, login_as, make, db):
    """Is a form without a scope refused, with nothing made?"""
    login_as(Role.ADMIN)
    response = _create_on_page(client, auth, make.user(Role.SCHOOL).id, scopes=())
    assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0


def test_a_revoked_token_is_refused(client, auth, login_as, make, db, token_for):
    """Does revoking on the page refuse the token on the next request, as problem+json?"""
    school_user = make.user(Role.SCHOOL)
    secret = token_for(school_user)
    assert client.get("/api/v1/schools", headers=bearer(secret)).status_code == 200
    login_as(Role.ADMIN)
    token = db.session.scalar(db.select(ApiToken))
    url = f"/users/{school_user.id}/api-tokens"
    response = client.post(f"/api-tokens/{token.id}/revoke",
                           data={"csrf_token": auth.csrf_token(url)})
    assert response.status_code == 302
    client.delete_cookie("session")
    refused = client.get("/api/v1/schools", headers=bearer(secret))
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    assert refused.json["status"] == 401


@pytest.mark.parametrize("header", ["Bearer yag_not-a-token", "Bearer ", "Basic abc",
                                    "Bearer not-our-prefix"])
def test_an_unknown_token_is_refused(client, header):
    """Is any other credential a 401, never the anonymous answer?"""
    response = client.get("/api/v1/workshops", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_a_token_of_a_deactivated_account_is_refused(client, make, db, token_for):
    """Does deactivating the account stop its tokens too?"""
    user = make.user(Role.SCHOOL)
    secret = token_for(user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/schools", headers=bearer(secret)).status_code == 401


def test_scopes_are_checked(client, make, token_for):
    """Does a read-only token fail to write (403), and a write-only token fail to read?"""
    user = make.user(Role.SCHOOL)
    workshop = make.happening_now(venue=user.school)
    reader, writer = token_for(user, Scope.READ), token_for(user, Scope.ATTENDANCE_WRITE)
    url = f"/api/v1/workshops/{workshop.id}/attendance/batches"
    body = {"batch_id": "lote-00001", "marks": []}
    refused = client.post(url, json=body, headers=bearer(reader))
    assert refused.status_code == 403 and refused.mimetype == "application/problem+json"
    assert client.get("/api/v1/schools", headers=bearer(writer)).status_code == 403
    assert client.post(url, json=body, headers=bearer(writer)).status_code == 200


def test_last_use_is_noted_at_most_once_a_minute(client, make, db, token_for):
    """Is last_used_at set on use, and left alone by a second request within the minute?"""
    secret = token_for(make.user(Role.SCHOOL))
    client.get("/api/v1/schools", headers=bearer(secret))
    token = db.session.scalar(db.select(ApiToken))
    first = token.last_used_at
    assert first is not None and utcnow() - first < timedelta(seconds=30)
    client.get("/api/v1/schools", headers=bearer(secret))
    db.session.refresh(token)
    assert token.last_used_at == first
    token.last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    client.get("/api/v1/schools", headers=bearer(secret))
    db.session.refresh(token)
    assert token.last_used_at > first


def test_a_token_request_sets_no_cookie_and_needs_no_csrf(client, make, token_for):
    """Does a token request, even a write, answer without Set-Cookie and without CSRF?"""
    user = make.user(Role.COORDINATOR)
    workshop = make.happening_now()
    secret = token_for(user, Scope.READ, Scope.ATTENDANCE_WRITE)
    for response in (
        client.get("/api/v1/workshops", headers=bearer(secret)),
        client.post(f"/api/v1/workshops/{workshop.id}/attendance/batches",
                    json={"batch_id": "lote-00002", "marks": []}, headers=bearer(secret)),
    ):
        assert response.status_code == 200, response.json
        assert "Set-Cookie" not in response.headers
    assert client.get_cookie("session") is None


def test_a_token_does_not_carry_over_to_the_next_request(client, make, token_for):
    """Is the token's account the user of that request only?"""
    secret = token_for(make.user(Role.COORDINATOR))
    assert client.get("/api/v1/workshops", headers=bearer(secret)).status_code == 200
    assert client.get("/api/v1/workshops").status_code == 401


def test_a_session_reads_and_writes_only_with_the_csrf_header(client, auth, login_as, make):
    """Does the logged-in page's session read freely, and write only with X-CSRFToken?"""
    login_as(Role.COORDINATOR)
    workshop = make.happening_now()
    assert client.get("/api/v1/workshops").status_code == 200
    url = f"/api/v1/workshops/{workshop.id}/attendance/batches"
    body = {"batch_id": "lote-00003", "marks": []}
    refused = client.post(url, json=body)
    assert refused.status_code == 400 and refused.mimetype == "application/problem+json"
    token = auth.csrf_token("/account/password")
    assert client.post(url, json=body, headers={"X-CSRFToken": token}).status_code == 200


def test_requests_past_the_limit_get_429_with_retry_after(app, client, make, token_for):
    """Is a token limited per minute, with Retry-After, as problem+json?"""
    secret = token_for(make.user(Role.SCHOOL))
    app.config["API_RATE_LIMIT_PER_MINUTE"] = 3
    try:
        answers = [client.get("/api/v1/schools", headers=bearer(secret)) for _ in range(4)]
    finally:
        app.config["API_RATE_LIMIT_PER_MINUTE"] = 600
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].headers["Retry-After"] == "60"
    assert answers[-1].mimetype == "application/problem+json"
