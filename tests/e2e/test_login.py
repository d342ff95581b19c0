"""Can people log in and out in a real browser, in Spanish?"""
import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from youthagainstguns.auth.models import Role


def test_coordinator_logs_in_sees_navigation_and_logs_out(page, live_server, make, screenshot):
    """Does a coordinator land on their navigation in Spanish, and does logout end it?"""
    user = make.user(Role.COORDINATOR, full_name="Carla Coordinadora")
    page.goto(f"{live_server}/login")
    expect(page.locator("h1")).to_have_text("Iniciar sesión")
    screenshot(page, "login")
    log_in(page, live_server, user.email)
    expect(page.locator("nav.sections")).to_contain_text("Usuarios")
    screenshot(page, "coordinator-home")
    page.locator("details.dropdown summary").click()
    page.get_by_role("button", name="Cerrar sesión").click()
    expect(page).to_have_url(re.compile(r"/login"))
    page.goto(f"{live_server}/users")
    expect(page).to_have_url(re.compile(r"/login"))


def test_wrong_password_shows_generic_message(page, live_server, make):
    """Does a wrong password get the same message as an unknown email?"""
    user = make.user(Role.MENTOR)
    log_in(page, live_server, user.email, "wrong-password-123")
    expect(page.locator(".flash-error")).to_have_text("El correo o la contraseña no son correctos.")


def test_navigation_fits_a_phone(phone, live_server, make, screenshot):
    """On a phone, can a coordinator reach every section without sideways scrolling?"""
    user = make.user(Role.COORDINATOR, full_name="Carla Coordinadora")
    log_in(phone, live_server, user.email)
    audit_link = phone.get_by_role("link", name="Registro de auditoría")
    expect(audit_link).to_be_hidden()
    screenshot(phone, "coordinator-home-phone-menu-closed")
    phone.get_by_text("Menú").click()
    expect(audit_link).to_be_visible()
    overflow = phone.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    screenshot(phone, "coordinator-home-phone")
    assert not overflow
