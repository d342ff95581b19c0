"""Every route against every role: allowed, 403 for a logged-in user without the right,
or the login page for anonymous visitors; and every route that takes an id against
someone else's record: refused (403 or 404) unless its foreign rule allows the role."""
import pytest

from tests.access import LOGGED_IN, ROLES, STAFF
from tests.access.world import (
    FOREIGN,
    RULES,
    SESSION_ENDING,
    BrowserSession,
    asks_to_log_in,
    build_world,
    routes,
    url_for_rule,
)


def test_every_route_has_an_access_rule(app):
    """Is there a route that nobody decided who may use?"""
    missing = sorted({endpoint for endpoint, _, _ in routes(app)} - set(RULES))
    assert not missing, f"add these endpoints to a tests/access/rules_*.py: {missing}"


def _takes_id(rule) -> bool:
    """Tell whether the URL names a record (or a token): any value the route does not fix."""
    return bool(rule.arguments - set(rule.defaults or {}))


def test_every_route_with_an_id_has_a_foreign_record_rule(app):
    """Is there a route taking an id, open to more than staff, never tried with someone
    else's record?"""
    missing = sorted({endpoint for endpoint, rule, _ in routes(app)
                      if _takes_id(rule) and RULES[endpoint].roles - STAFF
                      and endpoint not in FOREIGN})
    assert not missing, f"add FOREIGN records for these endpoints to their rules: {missing}"


def _open(client, session: BrowserSession, endpoint: str, url: str, method: str):
    """Request `url` from the session's remembered state; return the response."""
    session.restore()
    data = {"csrf_token": session.csrf} if method == "POST" else None
    response = client.open(url, method=method, data=data)
    if endpoint in SESSION_ENDING:
        session.start()
    return response


def _failure(method: str, url: str, endpoint: str, response) -> str:
    return (f"{method} {url} ({endpoint}): {response.status_code} "
            f"{response.headers.get('Location', '')}")


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, make, auth, client, role):
    """Does each role get exactly the routes its rule allows?"""
    world, users = build_world(make)
    session = BrowserSession(client, auth, users.get(role))
    failures = []
    for endpoint, rule, method in routes(app):
        allowed = role in RULES[endpoint].roles
        url = url_for_rule(app, rule, world)
        response = _open(client, session, endpoint, url, method)
        status = response.status_code
        to_login = asks_to_log_in(rule, response)
        if allowed:
            ok = status != 403 and not (to_login and endpoint != "auth.logout") and status < 500
        elif role == "anonymous":
            ok = to_login
        else:
            ok = status == 403
        if not ok:
            failures.append(_failure(method, url, endpoint, response))
    assert not failures, f"{role}:\n" + "\n".join(failures)


@pytest.mark.parametrize("role", sorted(LOGGED_IN))
def test_someone_elses_record(app, make, auth, client, role):
    """Does each role get someone else's record only where the foreign rule allows it, and
    otherwise a 403 or 404?"""
    world, users = build_world(make)
    session = BrowserSession(client, auth, users[role])
    failures = []
    for endpoint, rule, method in routes(app):
        for record in FOREIGN.get(endpoint, ()):
            url = url_for_rule(app, rule, record.url_values(world), record.query_string(world))
            response = _open(client, session, endpoint, url, method)
            status = response.status_code
            refused = status in (403, 404)
            if refused == (role in record.allowed) or status >= 500:
                failures.append(f"{record.label}: " + _failure(method, url, endpoint, response))
    assert not failures, f"{role}:\n" + "\n".join(failures)
