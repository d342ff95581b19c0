"""Can people log in and out in a real browser, in Spanish?"""
import io
import re
from urllib.parse import unquote

import pyotp
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.conftest import current_code, secret_on_setup_page
from tests.e2e.conftest import axe_violations, log_in
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


def _shoot_both_widths(page, screenshot, name: str) -> None:
    """Screenshot the page on a phone and a desktop; it must not scroll sideways, and pass axe."""
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"{name}-{width}")
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not axe_violations(page), name


def test_staff_enrol_then_log_in_with_a_code(page, live_server, make, screenshot, db):
    """Does a new coordinator scan a QR code, confirm it, see recovery codes, and at the next
    login get asked for the phone's code?"""
    user = make.user(Role.COORDINATOR, two_step=False, full_name="Carla Coordinadora")
    log_in(page, live_server, user.email, second_step=False)
    expect(page).to_have_url(re.compile(r"/account/two-step/setup$"))
    expect(page.locator("figure.qr-code svg")).to_be_visible()
    _shoot_both_widths(page, screenshot, "two-step-setup")
    secret = secret_on_setup_page(page.content())
    scanned = page.locator("figure.qr-code svg").screenshot()
    [uri] = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(scanned)))]
    assert pyotp.parse_uri(uri).secret == secret and user.email in unquote(uri)
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("main button[type=submit]")
    expect(page.locator("ol.recovery-codes li")).to_have_count(10)
    _shoot_both_widths(page, screenshot, "two-step-recovery-codes")
    page.locator("main a[role=button]").click()
    expect(page.locator("nav.sections")).to_contain_text("Usuarios")
    page.locator("details.dropdown summary").click()
    page.get_by_role("button", name="Cerrar sesión").click()
    log_in(page, live_server, user.email, second_step=False)
    expect(page).to_have_url(re.compile(r"/login/two-step$"))
    _shoot_both_widths(page, screenshot, "two-step-login")
    page.fill("input[name=code]", current_code(user.email))
    page.click("main button[type=submit]")
    expect(page.locator("nav.sections")).to_contain_text("Usuarios")
