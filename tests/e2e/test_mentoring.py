"""Does a mentor's session log with a concern reach the coordinators' board, in a real browser?"""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from youthagainstguns.auth.models import Role


def test_mentor_logs_a_session_with_a_concern_on_a_phone_and_coordinator_sees_it(phone, page,
                                                                                 live_server,
                                                                                 make, screenshot):
    """Can a mentor log a session with a concern on a phone, and does the coordinator then see
    the session and the open alert on the board?"""
    mentor_user = make.user(Role.MENTOR, full_name="Mario Mentor")
    mentee = make.mentee(first_name="Jhon", last_names="Huamán Rojas")
    match = make.match(make.mentor(user=mentor_user), mentee)
    coordinator = make.user(Role.COORDINATOR, full_name="Carla Coordinadora")

    log_in(phone, live_server, mentor_user.email)
    phone.goto(f"{live_server}/mentoring/mine")
    expect(phone.locator("h1")).to_have_text("Mi mentoría")
    expect(phone.locator(".match-card")).to_contain_text("Jhon Huamán Rojas")
    screenshot(phone, "mentoring-mine-phone")

    phone.get_by_role("button", name="Registrar una sesión").click()
    expect(phone.locator("h1")).to_have_text("Registrar una sesión")
    expect(phone.locator("#concern_details")).to_be_hidden()
    phone.fill("#duration_minutes", "50")
    phone.select_option("#kind", "in_person")
    phone.fill("#activity", "Partido de fútbol y conversación")
    phone.fill("#notes", "Hablamos de sus metas en el colegio.")
    phone.locator("label[for=safeguarding_concern]").click()
    expect(phone.locator("#concern_details")).to_be_visible()
    phone.fill("#concern_details", "Contó que un grupo lo amenaza a la salida.")
    screenshot(phone, "mentoring-session-form-phone")
    phone.get_by_role("button", name="Guardar sesión").click()
    expect(phone).to_have_url(re.compile(rf"/mentoring/matches/{match.id}$"))
    expect(phone.locator(".flash-warning")).to_contain_text("Se alertó al equipo de coordinación")
    expect(phone.locator(".session-list")).to_contain_text("Partido de fútbol")
    screenshot(phone, "mentoring-match-phone")

    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, coordinator.email)
    page.goto(f"{live_server}/mentoring/")
    alerts = page.locator(".board-alerts")
    expect(alerts).to_contain_text("Alerta de protección: Jhon Huamán Rojas")
    expect(alerts).to_contain_text("Mario Mentor")
    expect(page.locator("#recent-h + ul")).to_contain_text("Partido de fútbol")
    screenshot(page, "mentoring-board")

    alerts.get_by_role("link").first.click()
    expect(page.locator("dl.facts")).to_contain_text("Contó que un grupo lo amenaza")
    page.fill("#notes", "Llamé a la madre y a la tutora; derivado a DEMUNA.")
    page.get_by_role("button", name="Registrar seguimiento").click()
    expect(page.locator(".board-alerts")).to_contain_text("No hay alertas abiertas.")
