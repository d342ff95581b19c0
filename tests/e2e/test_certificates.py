"""Certificates in a real browser: a coordinator issues them, anyone verifies one on a phone."""
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from youthagainstguns.auth.models import Role
from youthagainstguns.certificates.models import Certificate
from youthagainstguns.workshops.models import AttendanceStatus


def test_issue_then_verify_on_a_phone(page, phone, live_server, make, db, screenshot):
    """Can a coordinator issue English certificates and can a phone verify one by typing it?"""
    school = make.school(name="I.E. Micaela Bastidas")
    speaker = make.speaker(alias="El Profe")
    workshop, students = make.class_of(
        school, [AttendanceStatus.PRESENT, AttendanceStatus.ABSENT], speakers=[speaker],
        title="Cultura de paz")
    user = make.user(Role.COORDINATOR)
    log_in(page, live_server, user.email)
    page.goto(f"{live_server}/workshops/{workshop.id}/certificates")
    page.select_option("select[name=language]", "en")
    page.get_by_role("button", name="Emitir constancias faltantes").click()
    expect(page.locator(".flash-success")).to_contain_text("1 para estudiantes, 1 para ponentes")
    expect(page.locator("table")).to_contain_text(students[0].full_name)
    expect(page.locator("table")).not_to_contain_text(students[1].full_name)
    screenshot(page, "certificates-workshop")

    code = db.session.scalar(sa.select(Certificate.code).where(
        Certificate.student_id == students[0].id))
    phone.goto("/verify")
    phone.fill("input[name=code]", code.replace("-", " ").lower())
    phone.get_by_role("button", name="Verificar").click()
    expect(phone.locator(".verification")).to_contain_text("Válida")
    expect(phone.locator(".verification")).to_contain_text(
        f"{students[0].first_name} {students[0].last_names[0]}.")
    expect(phone.locator(".verification")).not_to_contain_text(students[0].last_names)
    screenshot(phone, "certificate-verify-phone")
