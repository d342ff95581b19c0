"""In the browser: conflicts shown while the scheduling form is filled, and the attendance
page's "all present", search and warning before leaving with unsaved marks."""
import re
from datetime import time

from playwright.sync_api import expect

from tests.e2e.conftest import choose_in_combobox, log_in
from youthagainstguns.auth.models import Role
from youthagainstguns.workshops.models import AttendanceStatus, RosterEntry


def test_conflicts_show_while_the_form_is_filled(page, live_server, make, tomorrow, screenshot):
    """Does the form show a double booking as soon as the speaker is ticked, without saving,
    and the travel warning instead once the time moves?"""
    coordinator = make.user(Role.COORDINATOR)
    speaker = make.speaker(alias="El Flaco")
    make.workshop(venue=make.school(name="I.E. Lejana", district="Callao"), speakers=[speaker],
                  day=tomorrow, start=time(10), end=time(12), title="Taller en Callao")
    make.school(name="I.E. José Olaya", district="Comas")
    page.set_default_timeout(10_000)
    log_in(page, live_server, coordinator.email)
    page.goto(f"{live_server}/workshops/new")
    choose_in_combobox(page, "venue_id", "olaya", "I.E. José Olaya — Comas")
    page.fill("#day", tomorrow.isoformat())
    page.fill("#start_time", "11:00")
    page.fill("#end_time", "13:00")
    status = page.locator("[data-conflicts-status]")
    expect(status).not_to_be_empty()  # "No conflicts with this date, venue and speakers."
    page.check(f"input[name=speaker_ids][value='{speaker.id}']")
    expect(page.locator("#conflicts .conflicts-hard")).to_contain_text("Taller en Callao")
    expect(status).to_have_text(re.compile(r"^1 \w"))  # "1 conflict blocks saving."
    assert page.url.endswith("/workshops/new")  # nothing was posted
    screenshot(page, "workshops-form-live-conflict")
    page.fill("#start_time", "13:00")
    page.fill("#end_time", "14:30")
    page.locator("#end_time").dispatch_event("change")
    expect(page.locator("#conflicts .conflicts-hard")).to_have_count(0)
    expect(page.locator("#conflicts .conflicts-soft")).to_contain_text("menos de 90 minutos")


def _attendance(page, live_server, make):
    coordinator = make.user(Role.COORDINATOR)
    workshop = make.happening_now()
    entries = make.roster(workshop, 3)
    entries[0].student.last_names = "Rojas Huamán"
    make.db.session.commit()
    page.set_default_timeout(10_000)
    log_in(page, live_server, coordinator.email)
    page.goto(f"{live_server}/workshops/{workshop.id}/attendance")
    return workshop, entries


def test_leaving_with_unsaved_marks_warns(page, live_server, make):
    """Is leaving the page warned about only once a mark changed, and not after saving?"""
    workshop, entries = _attendance(page, live_server, make)
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", stay)
    page.locator(f"#entry-{entries[0].id} label.att-absent").click()
    page.locator(".att-meta a").click()
    expect(page.locator(".att-row")).to_have_count(3)
    assert dialogs == ["beforeunload"] and page.url.endswith("/attendance")
    page.get_by_role("button", name="Guardar asistencia").click()
    expect(page.locator(".flash-success")).to_contain_text("Asistencia guardada (1 cambios)")
    page.locator(".att-meta a").click()
    expect(page).to_have_url(f"{live_server}/workshops/{workshop.id}")
    assert dialogs == ["beforeunload"]


def test_all_present_ticks_everyone_and_waits_for_save(page, live_server, make, db):
    """Does "all present" tick every row, say it is unsaved, and save only with Save?"""
    workshop, entries = _attendance(page, live_server, make)
    page.get_by_role("button", name="Todos presentes").click()
    expect(page.locator(".att-present input:checked")).to_have_count(3)
    expect(page.locator("[data-all-present-notice]")).to_be_visible()
    expect(page.locator(".att-count")).to_have_text("3 de 3 marcados")
    db.session.expire_all()
    assert {e.status for e in db.session.scalars(db.select(RosterEntry))} == {None}
    page.once("dialog", lambda dialog: dialog.accept())  # none expected: saving is leaving
    page.get_by_role("button", name="Guardar asistencia").click()
    expect(page.locator(".flash-success")).to_contain_text("Asistencia guardada (3 cambios)")
    db.session.expire_all()
    assert {e.status for e in db.session.scalars(db.select(RosterEntry))} == {
        AttendanceStatus.PRESENT}


def test_search_filters_the_rows_as_one_types(page, live_server, make):
    """Does typing in the search hide the rows it does not find, at once, accents aside?"""
    _workshop, entries = _attendance(page, live_server, make)
    page.fill("#att-q", "huaman")
    expect(page.locator(".att-row:visible")).to_have_count(1)
    expect(page.locator(f"#entry-{entries[0].id}")).to_be_visible()
    page.fill("#att-q", "")
    expect(page.locator(".att-row:visible")).to_have_count(3)
