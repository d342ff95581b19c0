"""Every route against every role: allowed, 403 for a logged-in user without the right,
or the login page for anonymous visitors."""
import importlib
import pkgutil

import pytest

import tests.access as access_pkg
from tests.access import ROLES
from youthagainstguns.auth.models import Role

RULE_MODULES = [
    importlib.import_module(f"tests.access.{info.name}")
    for info in pkgutil.iter_modules(access_pkg.__path__) if info.name.startswith("rules_")
]
RULES = {endpoint: rule for module in RULE_MODULES for endpoint, rule in module.RULES.items()}


def _routes(app):
    """Yield (endpoint, rule, method) for every route and method the app serves."""
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, rule, method


def test_every_route_has_an_access_rule(app):
    """Is there a route that nobody decided who may use?"""
    missing = sorted({endpoint for endpoint, _, _ in _routes(app)} - set(RULES))
    assert not missing, f"add these endpoints to a tests/access/rules_*.py: {missing}"


def _world(make):
    """Build the shared world: the role users and each area's records."""
    school = make.school(name="I.E. Propia")
    speaker = make.speaker(alias="Ponente Propio")
    world = {"_school": school, "_speaker": speaker}
    for module in RULE_MODULES:
        module.build(make, world)
    users = {
        "admin": make.user(Role.ADMIN),
        "coordinator": make.user(Role.COORDINATOR),
        "mentor": world.get("_mentor_user") or make.user(Role.MENTOR),
        "school": make.user(Role.SCHOOL, school=school),
        "speaker": make.user(Role.SPEAKER),
    }
    speaker.user_id = users["speaker"].id
    make.db.session.commit()
    return world, users


def _url(app, rule, world):
    values = {name: world[name] for name in rule.arguments}
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, make, auth, client, role):
    """Does each role get exactly the routes its rule allows?"""
    world, users = _world(make)
    failures = []
    for endpoint, rule, method in _routes(app):
        allowed = role in RULES[endpoint].roles
        url = _url(app, rule, world)
        client.delete_cookie("session")
        if role != "anonymous":
            assert auth.login(users[role].email).status_code == 302
        data = {"csrf_token": auth.csrf_token("/login")} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        status = response.status_code
        to_login = status == 302 and "/login" in response.headers.get("Location", "")
        if allowed:
            ok = status != 403 and not (to_login and endpoint != "auth.logout") and status < 500
        elif role == "anonymous":
            ok = to_login
        else:
            ok = status == 403
        if not ok:
            failures.append(f"{method} {url} ({endpoint}): {status} "
                            f"{response.headers.get('Location', '')}")
    assert not failures, f"{role}:\n" + "\n".join(failures)
