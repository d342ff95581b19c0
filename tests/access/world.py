"""The access matrix's shared world: every rules module's records, the role users, the
routes and how to address them. The matrix, the marker crawl and the property tests walk it."""
import importlib
import pkgutil

import tests.access as access_pkg
from youthagainstguns.auth.models import Role

RULE_MODULES = [
    importlib.import_module(f"tests.access.{info.name}")
    for info in pkgutil.iter_modules(access_pkg.__path__) if info.name.startswith("rules_")
]
RULES = {endpoint: rule for module in RULE_MODULES for endpoint, rule in module.RULES.items()}
FOREIGN = {endpoint: records for module in RULE_MODULES
           for endpoint, records in getattr(module, "FOREIGN", {}).items()}


def routes(app):
    """Yield (endpoint, rule, method) for every route and method the app serves."""
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, rule, method


def build_world(make):
    """Build the shared world: the role users, each area's records and someone else's."""
    school = make.school(name="I.E. Propia")
    speaker = make.speaker(alias="Ponente Propio")
    other_school = make.school(name="I.E. Ajena")
    world = {"_school": school, "_speaker": speaker, "_other_school": other_school,
             "_other_speaker": make.speaker(alias="Ponente Ajeno"),
             "other_school_id": other_school.id}
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


def url_for_rule(app, rule, world, query: str = ""):
    """Return the rule's URL with the world's values for its arguments (and a query)."""
    # Arguments a route fixes itself (its `defaults`) are not in the URL.
    values = {name: world[name] for name in rule.arguments - set(rule.defaults or {})}
    with app.test_request_context():
        from flask import url_for

        url = url_for(rule.endpoint, **values)
    return f"{url}?{query}" if query else url


def asks_to_log_in(rule, response) -> bool:
    """Tell whether a refusal asks to log in: the login page, or on the JSON API (which
    never redirects) a 401 problem."""
    if rule.rule.startswith("/api/v1/"):
        return response.status_code == 401 and response.mimetype == "application/problem+json"
    return response.status_code == 302 and "/login" in response.headers.get("Location", "")


class BrowserSession:
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
