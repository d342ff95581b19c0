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
    # Arguments a route fixes itself (its `defaults`) are not in the URL.
    values = {name: world[name] for name in rule.arguments - set(rule.defaults or {})}
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **values)


class _Session:
    """A logged-in (or anonymous) browser session that each route starts from afresh."""

    def __init__(self, client, auth, user):
        self.client, self.auth, self.user = client, auth, user
        self.start()

    def start(self) -> None:
        """Log in (or not) and remember the session cookie and its CSRF token."""
        self.client.delete_cookie("session")
        if self.user is not None:
            assert self.auth.login(self.user.email).status_code == 302
        self.csrf = self.auth.csrf_token("/login")
        self.cookie = self.client.get_cookie("session").value

    def restore(self) -> None:
        """Put the remembered cookie back, undoing whatever the last route did to it."""
        self.client.set_cookie("session", self.cookie)


# Routes after which the remembered session is no longer valid and a fresh login is needed.
SESSION_ENDING = {"auth.logout", "auth.change_password", "auth.set_password", "auth.login"}


@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(app, make, auth, client, role):
    """Does each role get exactly the routes its rule allows?"""
    world, users = _world(make)
    session = _Session(client, auth, users.get(role))
    failures = []
    for endpoint, rule, method in _routes(app):
        allowed = role in RULES[endpoint].roles
        url = _url(app, rule, world)
        session.restore()
        data = {"csrf_token": session.csrf} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        if endpoint in SESSION_ENDING:
            session.start()
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
