"""Does the audit log read well in a browser, on a phone as on a desk?"""
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from youthagainstguns.auth.models import Role


@pytest.mark.parametrize("width", [390, 1280])
def test_audit_log_fits_the_screen(signed_in, live_server, make, screenshot, width):
    """Is the log in Spanish with its filters, and does only the table scroll sideways?"""
    officer = make.user(Role.COORDINATOR, full_name="Daniela Protección de Datos")
    mentor = make.mentor()
    match = make.match(mentor, make.mentee())
    session = make.session(match)
    start = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    for n, (action, object_type, object_id) in enumerate([
        ("session.view", "MentoringSession", session.id), ("match.view", "Match", match.id),
        ("mentor.view", "MentorProfile", mentor.id), ("board.view", "Board", None),
        ("report.export", "School", 999), ("auth.login_failed", "-", None),
    ]):
        make.audit_event(action, at=start + timedelta(minutes=7 * n), actor=officer,
                         object_type=object_type, object_id=object_id,
                         summary=f"match={match.id} session={session.id} detalle {n}")
    page = signed_in(officer.email, width)
    page.goto(f"{live_server}/audit/")
    expect(page.locator("h1")).to_have_text("Registro de auditoría")
    expect(page.get_by_role("link", name=f"Sesión de mentoría {session.id}")).to_be_visible()
    expect(page.get_by_label("Persona")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"audit-log-{width}")
