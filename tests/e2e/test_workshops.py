"""A coordinator schedules a workshop past its conflicts, loads the roster, and takes
attendance on a phone."""
import re
from datetime import time

from playwright.sync_api import expect

from tests.e2e.conftest import choose_in_combobox, log_in
from youthagainstguns.auth.models import Role
from youthagainstguns.workshops.models import AttendanceStatus, Workshop

ROSTER_CSV = ("nombres;apellidos;grado;seccion\nAna Lucía;Quispe Mamani;4.º;A\n"
              "Luis;Rojas Huamán;4.º;A\nMaría;Ccori Flores;4.º;B\n")


def test_schedule_roster_and_attendance_on_a_phone(page, phone, live_server, make, db, screenshot,
                                                   tmp_path, tomorrow):
    """Does a coordinator see the conflict, get past it, load a roster, then take attendance
    on a phone with "all present" and one exception?"""
    coordinator = make.user(Role.COORDINATOR, full_name="Carla Coordinadora")
    speaker = make.speaker(alias="El Flaco")
    make.workshop(venue=make.school(name="I.E. Lejana", district="Callao"),
                speakers=[speaker], day=tomorrow, start=time(10), end=time(12),
                title="Taller en Callao")
    make.school(name="I.E. José Olaya", district="Comas")

    page.set_default_timeout(10_000)
    phone.set_default_timeout(10_000)
    log_in(page, live_server, coordinator.email)
    page.goto(f"{live_server}/workshops/new")
    page.fill("#title", "Salir de la pandilla")
    page.fill("#topic", "Prevención de la violencia")
    choose_in_combobox(page, "venue_id", "olaya", "I.E. José Olaya — Comas")
    page.fill("#day", tomorrow.isoformat())
    page.fill("#start_time", "11:00")
    page.fill("#end_time", "13:00")
    page.fill("#capacity", "35")
    page.check(f"input[name=speaker_ids][value='{speaker.id}']")
    page.click("form.workshop-form button[type=submit]")
    hard = page.locator(".conflicts-hard")
    expect(hard).to_contain_text("El Flaco ya está reservado")
    expect(hard).to_contain_text("Taller en Callao")
    screenshot(page, "workshops-form-conflicts")

    # Moved after the other workshop: the travel time to Callao is now the only warning.
    page.fill("#start_time", "13:00")
    page.fill("#end_time", "14:30")
    page.click("form.workshop-form button[type=submit]")
    expect(page.locator(".conflicts-hard")).to_have_count(0)
    expect(page.locator(".conflicts-soft")).to_contain_text("menos de 90 minutos")
    screenshot(page, "workshops-form-soft-conflict")
    page.check("#acknowledge")
    page.fill("#ack_reason", "La coordinación lo lleva en movilidad")
    page.click("form.workshop-form button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("El taller se guardó")
    page.get_by_role("button", name="Programar").click()
    expect(page.locator("h1 .badge")).to_have_text("Programado")
    workshop_id = int(re.search(r"/workshops/(\d+)", page.url).group(1))

    page.get_by_role("button", name="Subir lista de clase").click()
    csv_file = tmp_path / "lista.csv"
    csv_file.write_bytes(ROSTER_CSV.encode("cp1252"))
    page.set_input_files("#file", str(csv_file))
    page.get_by_role("button", name="Vista previa").click()
    expect(page.locator("table.preview tbody tr")).to_have_count(3)
    expect(page.locator("table.preview")).to_contain_text("Rojas Huamán")
    screenshot(page, "workshops-roster-preview")
    page.get_by_role("button", name="Importar estos estudiantes").click()
    expect(page.locator("table.roster tbody tr")).to_have_count(3)
    expect(page.locator("section", has_text="Advertencias aceptadas")).to_contain_text(
        "La coordinación lo lleva en movilidad")
    screenshot(page, "workshops-detail")

    page.goto(f"{live_server}/workshops/calendar?date={tomorrow.isoformat()}")
    expect(page.locator(".cal-item", has_text="Salir de la pandilla")).to_be_visible()
    screenshot(page, "workshops-calendar-month")

    log_in(phone, live_server, coordinator.email)
    phone.goto(f"/workshops/{workshop_id}/attendance")
    phone.get_by_role("button", name="Todos presentes").tap()
    expect(phone.locator(".att-count")).to_have_text("3 de 3 marcados")
    phone.locator(".att-row", has_text="Rojas Huamán").locator("label.att-absent").tap()
    screenshot(phone, "workshops-attendance-phone")
    phone.get_by_role("button", name="Guardar asistencia").tap()
    expect(phone.locator(".flash-success")).to_contain_text("Asistencia guardada (3 cambios)")
    phone.fill("#walkin-first_name", "Kevin")
    phone.fill("#walkin-last_names", "Mamani Soto")
    phone.get_by_role("button", name="Agregar estudiante").tap()
    expect(phone.locator(".att-row")).to_have_count(4)

    db.session.expire_all()
    statuses = {e.student.last_names: e.status for e in db.session.get(
        Workshop, workshop_id).roster}
    assert statuses == {"Quispe Mamani": AttendanceStatus.PRESENT,
                        "Rojas Huamán": AttendanceStatus.ABSENT,
                        "Ccori Flores": AttendanceStatus.PRESENT,
                        "Mamani Soto": AttendanceStatus.PRESENT}
