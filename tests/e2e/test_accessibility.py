"""Do the main pages pass axe-core's accessibility rules (moderate impact and above)?"""
import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import log_in
from youthagainstguns.demo import load_demo_data

BLOCKING = {"moderate", "serious", "critical"}


def _violations(page) -> list[str]:
    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
            for v in results.response["violations"] if v["impact"] in BLOCKING]


@pytest.fixture
def demo(db):
    """The demo data set, so pages show realistic content."""
    load_demo_data()
    db.session.commit()


@pytest.mark.parametrize("email,paths", [
    ("coordinacion@example.org", ["/workshops/", "/workshops/calendar", "/workshops/1",
                                  "/mentoring/", "/schools/", "/speakers/", "/users",
                                  "/reports", "/reports/program"]),
    ("colegio@example.org", ["/workshops/", "/certificates"]),
    ("mentor@example.org", ["/mentoring/mine"]),
    ("ponente@example.org", ["/workshops/my-schedule"]),
])
def test_pages_have_no_serious_accessibility_violations(page, live_server, demo, email, paths):
    """Can people using screen readers and keyboards use each role's main pages?"""
    page.goto(f"{live_server}/login")
    assert not _violations(page), "login"
    log_in(page, live_server, email)
    failures = {}
    for path in paths:
        page.goto(f"{live_server}{path}")
        found = _violations(page)
        if found:
            failures[path] = found
    assert not failures, failures
