"""Attendance with the network cut: marks kept in the browser, the page reopened from the
service worker's cache, everything sent once when the connection returns; a workshop closed
meanwhile refuses the batch, which stays in the browser."""
import os
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations, log_in
from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.workshops.models import (
    AttendanceBatch,
    AttendanceStatus,
    RosterEntry,
    WorkshopStatus,
)

SHOTS = os.environ.get("OFFLINE_SHOTS")  # a folder: also save the offline page at two widths

# How many batches this browser still keeps for the workshop (IndexedDB, read in the page).
KEPT_BATCHES = """(workshopId) => new Promise((resolve, reject) => {
  const request = indexedDB.open("yag-attendance", 1);
  request.onsuccess = () => {
    const index = request.result.transaction("batches").objectStore("batches").index("workshop");
    const all = index.getAll(workshopId);
    all.onsuccess = () => resolve(all.result.map((batch) => batch.marks.length));
    all.onerror = () => reject(all.error);
  };
  request.onerror = () => reject(request.error);
})"""


def _open_for_offline(page, workshop) -> None:
    """Open the attendance page online and wait until the worker controls it and keeps it."""
    page.goto(f"/workshops/{workshop.id}/attendance")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    expect(page.locator(".attendance-form")).to_have_attribute("data-offline-ready", "yes")
    expect(page.locator(".attendance-form")).to_have_attribute("data-offline-sync", "on")


def _leave_anyway(page) -> list[str]:
    """Accept the page's "leave with unsent marks?" question; return the questions asked."""
    asked: list[str] = []

    def accept(dialog):
        asked.append(dialog.type)
        dialog.accept()

    page.on("dialog", accept)
    return asked


def _mark(page, entry, status: str) -> None:
    page.locator(f"#entry-{entry.id} .att-{status} span").click()


def _views(db, workshop) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "attendance.view", AuditEvent.object_id == workshop.id))


@pytest.fixture
def on_a_phone(make, signed_in):
    """A workshop happening now with six students, and its school contact's phone on it."""
    workshop = make.happening_now()
    entries = make.roster(workshop, 6)
    contact = make.user(Role.SCHOOL, school=workshop.venue)
    return workshop, entries, signed_in(contact.email, 390, 844, is_mobile=True, has_touch=True)


def test_marks_taken_offline_reach_the_server_once(on_a_phone, db, signed_in):
    """Marked offline, reloaded offline, marked again, back online: is every mark on the
    server, each batch applied once?"""
    workshop, entries, page = on_a_phone
    refused = []  # what the Content-Security-Policy blocked, if anything
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    _open_for_offline(page, workshop)
    state = page.locator("[data-sync-state]")
    _mark(page, entries[5], "present")  # online: sent by itself a moment later
    expect(state).to_have_attribute("data-sync-state", "sent")
    page.context.set_offline(True)
    for entry, status in zip(entries, ("present", "late", "absent"), strict=False):
        _mark(page, entry, status)
    expect(state).to_have_attribute("data-sync-state", "pending")
    expect(state).to_contain_text("3")
    expect(page.locator(".att-row[data-unsent]")).to_have_count(3)

    views = _views(db, workshop)
    asked = _leave_anyway(page)
    page.reload()  # offline: from the worker's cache
    assert asked == ["beforeunload"], "leaving with unsent marks did not warn"
    assert _views(db, workshop) == views, "the reload reached the server"
    expect(page.locator(f"#entry-{entries[1].id} .att-late input")).to_be_checked()
    # Sent before the cut, so not in the cached copy: shown from what the browser kept.
    expect(page.locator(f"#entry-{entries[5].id} .att-present input")).to_be_checked()
    expect(state).to_contain_text("3")
    _mark(page, entries[3], "excused")
    _mark(page, entries[0], "late")  # a change of mind, still offline
    expect(state).to_contain_text("4")
    if SHOTS:
        _shoot_offline(page, "offline")

    page.context.set_offline(False)
    expect(state).to_have_attribute("data-sync-state", "sent", timeout=20_000)
    db.session.expire_all()
    marks = dict(db.session.execute(sa.select(RosterEntry.id, RosterEntry.status).where(
        RosterEntry.workshop_id == workshop.id)).all())
    A = AttendanceStatus
    assert [marks[e.id] for e in entries] == [A.LATE, A.LATE, A.ABSENT, A.EXCUSED, None,
                                              A.PRESENT]
    batches = db.session.scalars(sa.select(AttendanceBatch)).all()
    assert sum(batch.applied for batch in batches) == 5 and len(batches) == 2
    assert len({batch.batch_id for batch in batches}) == len(batches)
    synced = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "attendance.sync"))
    assert synced == len(batches)
    assert page.evaluate(KEPT_BATCHES, workshop.id) == []

    # Reopened online after sending: the server's page shows the marks, nothing is pending.
    page.reload()
    expect(page.locator(f"#entry-{entries[3].id} .att-excused input")).to_be_checked()
    expect(page.locator(".att-row[data-unsent]")).to_have_count(0)

    # Logging out (nothing unsent: no warning) leaves no roster, mark or worker behind.
    page.locator(".site-header summary").click()
    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_url("**/login")
    left = page.evaluate("""async () => [(await caches.keys()).length,
      (await indexedDB.databases()).length,
      (await navigator.serviceWorker.getRegistrations()).length]""")
    assert left == [0, 0, 0]
    assert refused == []


def test_a_workshop_closed_meanwhile_refuses_the_batch_and_the_browser_keeps_it(make, db,
                                                                              signed_in):
    """Closed on the server while the phone was offline: is the batch refused with the
    service's message and kept in the browser, a logout stopped, and the marks then saved by
    staff on the closed page?"""
    workshop = make.held_workshop()
    entries = make.roster(workshop, 2)
    coordinator = make.user(Role.COORDINATOR)
    page = signed_in(coordinator.email, 390, 844)
    _open_for_offline(page, workshop)
    page.context.set_offline(True)
    _mark(page, entries[0], "present")
    _mark(page, entries[1], "absent")
    state = page.locator("[data-sync-state]")
    expect(state).to_have_attribute("data-sync-state", "pending")

    db.session.execute(sa.update(type(workshop)).where(type(workshop).id == workshop.id)
                       .values(status=WorkshopStatus.CLOSED))
    db.session.commit()
    page.context.set_offline(False)
    expect(state).to_have_attribute("data-sync-state", "refused", timeout=20_000)
    expect(state).to_contain_text("2")
    # The service's own message (Spanish once the translations are merged), above the form.
    problem = page.locator("[data-sync-problem]")
    expect(problem).to_be_visible()
    assert len(problem.inner_text()) > 40
    assert page.evaluate(KEPT_BATCHES, workshop.id) == [2]
    if SHOTS:
        _shoot_offline(page, "refused")
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceBatch)) == 0
    assert {e.status for e in db.session.scalars(sa.select(RosterEntry))} == {None}

    # Logging out now would delete them: the page stops the logout and says so.
    page.locator(".site-header summary").click()
    page.get_by_role("button", name="Cerrar sesión").click()
    expect(page.locator("[data-logout-warning]")).to_be_visible()
    assert page.url.endswith("/attendance")
    assert axe_violations(page) == []  # the warning, the refusal and the row badges
    if SHOTS:
        _shoot_offline(page, "logout-warning")

    # Opened again, the closed page shows the kept marks for staff to save with its own form.
    _leave_anyway(page)
    page.reload()
    expect(page.locator("[data-sync-problem]")).to_be_visible()
    expect(page.locator(f"#entry-{entries[1].id} .att-absent input")).to_be_checked()
    page.locator(".att-save button").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(".attendance-form")).to_have_attribute("data-offline-sync", "closed")
    assert page.evaluate(KEPT_BATCHES, workshop.id) == []
    db.session.expire_all()
    assert [db.session.get(RosterEntry, e.id).status for e in entries] == [
        AttendanceStatus.PRESENT, AttendanceStatus.ABSENT]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "attendance.change_after_close")) == 2


def _shoot_offline(page, name: str) -> None:
    """Save the page as it is at 390 and 1280 px to SHOTS."""
    os.makedirs(SHOTS, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # the sticky bars where a person first sees them
    page.screenshot(path=os.path.join(SHOTS, f"{name}-390.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=os.path.join(SHOTS, f"{name}-1280.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})


# The attendance pages the worker keeps, by path (read in a page of the site).
KEPT_PAGES = """async () => {
  const cache = await caches.open("attendance-v1-pages");
  return (await cache.keys()).map((request) => new URL(request.url).pathname);
}"""


def test_kept_pages_are_dropped_when_another_account_logs_in(on_a_phone, make, live_server):
    """A session that ends without a logout leaves the kept roster behind: is it dropped as
    soon as the next person logs in on that browser, so that offline it no longer opens?"""
    workshop, _entries, page = on_a_phone
    _open_for_offline(page, workshop)
    assert page.evaluate(KEPT_PAGES) == [f"/workshops/{workshop.id}/attendance"]
    page.context.clear_cookies()  # the session ends, nobody logs out
    log_in(page, live_server, make.user(Role.SCHOOL, school=workshop.venue).email)
    page.wait_for_function(f"async () => ({KEPT_PAGES})().then((kept) => kept.length === 0)")
    page.context.set_offline(True)
    with pytest.raises(PlaywrightError):
        page.goto(f"/workshops/{workshop.id}/attendance")


def test_a_page_kept_for_more_than_a_day_is_not_shown(on_a_phone):
    """Offline, is a copy kept yesterday morning dropped rather than shown?"""
    workshop, _entries, page = on_a_phone
    _open_for_offline(page, workshop)
    path = f"/workshops/{workshop.id}/attendance"
    page.evaluate("""async (path) => {
      const cache = await caches.open("attendance-v1-pages");
      const kept = await cache.match(path);
      const headers = new Headers(kept.headers);
      headers.set("X-Kept-At", String(Date.now() - 25 * 60 * 60 * 1000));
      await cache.put(path, new Response(await kept.blob(), { headers }));
    }""", path)
    page.context.set_offline(True)
    with pytest.raises(PlaywrightError):
        page.goto(path)
    page.context.set_offline(False)
    page.goto("/home")
    assert page.evaluate(KEPT_PAGES) == []


def test_logging_out_anyway_asks_once_and_leaves_nothing(make, db, signed_in):
    """With a refused batch kept, does "Log out anyway" log out at once (no second question
    from the page) and leave no mark, page or worker behind?"""
    workshop = make.held_workshop()
    entry, = make.roster(workshop, 1)
    page = signed_in(make.user(Role.COORDINATOR).email, 390, 844)
    _open_for_offline(page, workshop)
    page.context.set_offline(True)
    _mark(page, entry, "present")
    db.session.execute(sa.update(type(workshop)).where(type(workshop).id == workshop.id)
                       .values(status=WorkshopStatus.CLOSED))
    db.session.commit()
    page.context.set_offline(False)
    expect(page.locator("[data-sync-state]")).to_have_attribute("data-sync-state", "refused",
                                                                timeout=20_000)
    asked = _leave_anyway(page)
    page.locator(".site-header summary").click()
    page.get_by_role("button", name="Cerrar sesión").click()
    page.locator("[data-logout-anyway]").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    assert asked == []
    left = page.evaluate("""async () => [(await caches.keys()).length,
      (await indexedDB.databases()).length,
      (await navigator.serviceWorker.getRegistrations()).length]""")
    assert left == [0, 0, 0]
