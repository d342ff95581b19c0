"""Behind a reverse proxy: whose address the app sees, for throttling, rate limits and audit.

The test client connects from 127.0.0.1, the default PROXY_ADDRESSES, so it stands for nginx;
`peer` in a row says it connected from elsewhere (straight to gunicorn).
"""

import pytest
import sqlalchemy as sa

from tests.conftest import AuthActions
from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import LoginFailure, Role
from youthagainstguns.demo import DEMO_PASSWORD

PROXY = "127.0.0.1"
CLIENT_A, CLIENT_B = "203.0.113.9", "203.0.113.10"


@pytest.fixture
def behind_proxy(app, monkeypatch):
    """The app as configured with PROXY_HOPS=1, for one test."""
    from youthagainstguns import register_proxy

    monkeypatch.setitem(app.config, "PROXY_HOPS", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)
    register_proxy(app)
    return app


def _failed_login(client, auth, headers=None, peer=PROXY, email="nadie@example.org"):
    token = auth.csrf_token("/login")
    return client.post("/login", headers=headers or {}, environ_overrides={"REMOTE_ADDR": peer},
                       data={"email": email, "password": "no es la clave", "csrf_token": token})


def _failure_addresses(db) -> list[str]:
    return list(db.session.scalars(sa.select(LoginFailure.address).order_by(LoginFailure.id)))


@pytest.mark.parametrize("hops, peer, forwarded_for, seen", [
    # No proxy configured: anyone can send the header, so it is ignored.
    (0, PROXY, CLIENT_A, PROXY),
    # One proxy: its word about the client is taken.
    (1, PROXY, CLIENT_A, CLIENT_A),
    # The client's own X-Forwarded-For comes first; only the entry nginx appended counts.
    (1, PROXY, f"198.51.100.1, {CLIENT_A}", CLIENT_A),
    # Straight to gunicorn, not from the proxy: a forged header changes nothing.
    (1, "192.0.2.50", CLIENT_A, "192.0.2.50"),
    # A proxy that forwards something that is not an address: keep the proxy's own.
    (1, PROXY, "not-an-address", PROXY),
])
def test_login_failures_are_counted_against_the_address_the_proxy_vouches_for(request, client,
                                                                              auth, db, hops,
                                                                              peer, forwarded_for,
                                                                              seen):
    """Which address does a failed login through (or around) the proxy record?"""
    if hops:
        request.getfixturevalue("behind_proxy")
    response = _failed_login(client, auth, {"X-Forwarded-For": forwarded_for}, peer)
    assert response.status_code == 200
    assert _failure_addresses(db) == [seen]


def test_many_failures_from_one_client_do_not_lock_out_another(behind_proxy, client, auth, make,
                                                               db, monkeypatch):
    """With a proxy in front, does one client's run of bad guesses stop someone else?"""
    monkeypatch.setitem(behind_proxy.config, "LOGIN_MAX_FAILURES_PER_ADDRESS", 3)
    user = make.user(Role.COORDINATOR)
    for n in range(3):
        _failed_login(client, auth, {"X-Forwarded-For": CLIENT_A}, email=f"azar{n}@example.org")
    assert _failed_login(client, auth, {"X-Forwarded-For": CLIENT_A}).status_code == 429

    other = behind_proxy.test_client()
    response = other.post("/login", headers={"X-Forwarded-For": CLIENT_B}, data={
        "email": user.email, "password": DEMO_PASSWORD,
        "csrf_token": AuthActions(other).csrf_token("/login")})
    assert response.status_code == 302
    assert set(_failure_addresses(db)) == {CLIENT_A}


@pytest.mark.parametrize("hops, seen", [(0, PROXY), (1, CLIENT_A)])
def test_audit_rows_record_the_client_address(request, client, auth, login_as, db, hops, seen):
    """Does the audit trail name the client, not the proxy, once the proxy is configured?"""
    if hops:
        request.getfixturevalue("behind_proxy")
    login_as(Role.COORDINATOR)
    token = auth.csrf_token("/workshops/feed")
    response = client.post("/workshops/feed/regenerate", headers={"X-Forwarded-For": CLIENT_A},
                           data={"csrf_token": token})
    assert response.status_code == 200  # the page showing the new address, once
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "calendar_feed.regenerate"))
    assert event.address == seen


def test_verification_limit_is_per_client_behind_the_proxy(behind_proxy, client, monkeypatch):
    """Does one client using up its verification lookups leave the rest of the world some?"""
    monkeypatch.setitem(behind_proxy.config, "VERIFY_MAX_LOOKUPS_PER_ADDRESS", 2)
    for address in (CLIENT_A, CLIENT_B):  # B gets its own two, not what A left
        assert [client.get("/verify/ABCD-EFGH-JKLM", headers={"X-Forwarded-For": address})
                .status_code for _ in range(3)] == [404, 404, 429]


def test_a_forged_header_from_outside_the_proxy_still_meets_the_limit(behind_proxy, client,
                                                                      monkeypatch):
    """Can a client that reaches gunicorn directly dodge the limit by inventing addresses?"""
    monkeypatch.setitem(behind_proxy.config, "VERIFY_MAX_LOOKUPS_PER_ADDRESS", 2)
    statuses = [client.get("/verify/ABCD-EFGH-JKLM",
                           headers={"X-Forwarded-For": f"198.51.100.{n}"},
                           environ_overrides={"REMOTE_ADDR": "192.0.2.50"}).status_code
                for n in range(3)]
    assert statuses == [404, 404, 429]


@pytest.mark.parametrize("hops, host, referrer, status", [
    # nginx terminates TLS and passes Host on: Flask-WTF's HTTPS referrer check passes.
    (1, "yag.example.org", "https://yag.example.org/login", 302),
    # Without `proxy_set_header Host $host` gunicorn sees nginx's upstream name: refused.
    (1, "127.0.0.1:8000", "https://yag.example.org/login", 400),
    # No proxy configured: X-Forwarded-Proto is ignored, the request is plain HTTP.
    (0, "127.0.0.1:8000", None, 302),
])
def test_https_at_the_proxy_is_believed_only_from_the_proxy(request, client, auth, make, hops,
                                                            host, referrer, status):
    """Is a request that reached nginx over HTTPS treated as HTTPS, and only then?"""
    if hops:
        request.getfixturevalue("behind_proxy")
    user = make.user(Role.COORDINATOR)
    headers = {"Host": host, "X-Forwarded-Proto": "https"}
    if referrer:
        headers["Referer"] = referrer
    token = auth.csrf_token("/login")
    # The test client keeps cookies per host name; the browser would have one for this host.
    client.set_cookie("session", client.get_cookie("session").value, domain=host.split(":")[0])
    response = client.post("/login", headers=headers, data={
        "email": user.email, "password": DEMO_PASSWORD, "csrf_token": token})
    assert response.status_code == status


def test_negative_proxy_hops_refuse_to_start():
    """Is a nonsensical PROXY_HOPS caught at start-up rather than ignored?"""
    from config import TestingConfig
    from youthagainstguns import create_app

    class Negative(TestingConfig):
        PROXY_HOPS = -1

    with pytest.raises(RuntimeError, match="PROXY_HOPS"):
        create_app(Negative)
