"""Attendance batches from a device: applied once, the later mark wins, losers audited; the
offline page's worker, manifest and logout."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.timeutil import utcnow
from youthagainstguns.workshops.attendance_sync import (
    BatchIdTaken,
    OfflineMark,
    UnknownEntries,
    WorkshopClosedForSync,
    apply_attendance_batch,
)
from youthagainstguns.workshops.models import AttendanceBatch, AttendanceStatus, WorkshopStatus

PRESENT, LATE, ABSENT = AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT


def _events(db, action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


@pytest.fixture
def marked(make):
    """A workshop happening now whose one student a colleague marked present five minutes ago,
    and the school contact who takes the workshop's attendance on a phone."""
    workshop = make.happening_now()
    entry, = make.roster(workshop, 1)
    colleague = make.user(Role.COORDINATOR)
    entry.status, entry.marked_by_id = PRESENT, colleague.id
    entry.marked_at = utcnow() - timedelta(minutes=5)
    make.db.session.commit()
    return workshop, entry, colleague, make.user(Role.SCHOOL, school=workshop.venue)


def test_a_later_offline_mark_wins_and_the_overwritten_one_is_audited(db, marked,
                                                                       english_request):
    """Does a mark made after the server's replace it, keeping the replaced one in the trail?"""
    workshop, entry, colleague, phone = marked
    made = utcnow() - timedelta(minutes=1)
    outcome = apply_attendance_batch(workshop, "batch-later-1",
                                     [OfflineMark(entry.id, LATE, made)], phone)
    db.session.commit()
    assert (outcome.applied, outcome.kept, outcome.duplicate) == (1, 0, False)
    db.session.refresh(entry)
    assert (entry.status, entry.marked_by_id, entry.marked_at) == (LATE, phone.id, made)
    overwritten, = _events(db, "attendance.sync_overwrite")
    assert overwritten.object_id == entry.id
    assert "present lost, late stands" in overwritten.summary
    assert f"user {colleague.id}" in overwritten.summary
    assert "Alumno" not in overwritten.summary and "Apellido" not in overwritten.summary


def test_an_earlier_offline_mark_loses_and_is_audited(db, marked, english_request):
    """Does a mark made before the server's leave it standing, the lost mark in the trail?"""
    workshop, entry, colleague, phone = marked
    outcome = apply_attendance_batch(
        workshop, "batch-earlier-1",
        [OfflineMark(entry.id, ABSENT, utcnow() - timedelta(minutes=20))], phone)
    db.session.commit()
    assert (outcome.applied, outcome.kept) == (0, 1)
    db.session.refresh(entry)
    assert (entry.status, entry.marked_by_id) == (PRESENT, colleague.id)
    kept, = _events(db, "attendance.sync_kept")
    assert "absent lost, present stands" in kept.summary
    assert not _events(db, "attendance.sync_overwrite")


def test_a_device_clock_in_the_future_is_clamped_to_now(db, marked, english_request):
    """Is a mark stamped next year written at the server's now, so a later mark still wins?"""
    workshop, entry, _colleague, phone = marked
    apply_attendance_batch(workshop, "batch-future-1",
                           [OfflineMark(entry.id, ABSENT, utcnow() + timedelta(days=365))], phone)
    db.session.commit()
    db.session.refresh(entry)
    assert entry.status == ABSENT and entry.marked_at <= utcnow()
    outcome = apply_attendance_batch(workshop, "batch-future-2",
                                     [OfflineMark(entry.id, PRESENT, utcnow())], phone)
    assert outcome.applied == 1


def test_a_batch_sent_twice_is_applied_once(db, make, english_request):
    """Does the second arrival of a batch id write nothing and say it was a duplicate?"""
    workshop = make.happening_now()
    entries = make.roster(workshop, 3)
    phone = make.user(Role.SCHOOL, school=workshop.venue)
    made = utcnow() - timedelta(minutes=2)
    marks = [OfflineMark(e.id, status, made) for e, status in zip(entries, (PRESENT, LATE, ABSENT),
                                                                   strict=True)]
    first = apply_attendance_batch(workshop, "0f8c2a6e-batch", marks, phone)
    db.session.commit()
    # Someone corrects a line after the batch; the resent batch must not undo it.
    entries[0].status, entries[0].marked_at = ABSENT, utcnow()
    db.session.commit()
    again = apply_attendance_batch(workshop, "0f8c2a6e-batch",
                                   [OfflineMark(entries[0].id, PRESENT, utcnow())], phone)
    db.session.commit()
    assert (first.applied, first.duplicate) == (3, False)
    assert (again.applied, again.kept, again.duplicate) == (3, 0, True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceBatch)) == 1
    db.session.refresh(entries[0])
    assert entries[0].status == ABSENT
    assert len(_events(db, "attendance.sync")) == 1


def test_a_batch_id_used_for_another_workshop_is_refused(db, make, english_request):
    """Is a batch id first used for another workshop refused, rather than its marks lost as a
    "duplicate", with nothing written?"""
    first, second = make.happening_now(), make.happening_now()
    one, = make.roster(first, 1)
    other, = make.roster(second, 1)
    staff = make.user(Role.COORDINATOR)
    apply_attendance_batch(first, "reused-batch-id", [OfflineMark(one.id, PRESENT, utcnow())],
                           staff)
    db.session.commit()
    with pytest.raises(BatchIdTaken):
        apply_attendance_batch(second, "reused-batch-id",
                               [OfflineMark(other.id, LATE, utcnow())], staff)
    db.session.rollback()
    db.session.refresh(other)
    assert other.status is None


def test_the_same_batch_arriving_in_a_race_is_a_duplicate(db, make, english_request):
    """When the batch's row is inserted meanwhile (the other request won), is this one a
    duplicate rather than an error?"""
    workshop = make.happening_now()
    entry, = make.roster(workshop, 1)
    phone = make.user(Role.SCHOOL, school=workshop.venue)
    mark = [OfflineMark(entry.id, PRESENT, utcnow())]
    from youthagainstguns.workshops import attendance_sync

    claim = attendance_sync._claim

    def other_request_first(*args):
        db.session.add(AttendanceBatch(batch_id="race-batch-1", workshop_id=workshop.id,
                                       user_id=phone.id, applied=1))
        db.session.flush()
        return claim(*args)

    attendance_sync._claim = other_request_first
    try:
        outcome = attendance_sync.apply_attendance_batch(workshop, "race-batch-1", mark, phone)
    finally:
        attendance_sync._claim = claim
    assert (outcome.duplicate, outcome.applied) == (True, 1)
    db.session.refresh(entry)
    assert entry.status is None


def test_a_closed_workshop_refuses_the_batch(db, make, english_request):
    """Is a batch for a workshop closed meanwhile refused with a clear message, nothing kept?"""
    workshop = make.held_workshop()
    entry, = make.roster(workshop, 1)
    workshop.status = WorkshopStatus.CLOSED
    db.session.commit()
    coordinator = make.user(Role.COORDINATOR)
    with pytest.raises(WorkshopClosedForSync) as refused:
        apply_attendance_batch(workshop, "closed-batch-1",
                               [OfflineMark(entry.id, PRESENT, utcnow())], coordinator)
    assert "closed" in str(refused.value) and "kept on this device" in str(refused.value)
    db.session.rollback()
    db.session.refresh(entry)
    assert entry.status is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceBatch)) == 0


def test_unknown_entries_refuse_the_whole_batch(db, make, english_request):
    """Is a batch naming a line of another roster refused whole, the ids listed?"""
    workshop, other = make.happening_now(), make.workshop()
    entry, = make.roster(workshop, 1)
    foreign, = make.roster(other, 1)
    coordinator = make.user(Role.COORDINATOR)
    now = utcnow()
    with pytest.raises(UnknownEntries) as refused:
        apply_attendance_batch(workshop, "unknown-batch-1",
                               [OfflineMark(entry.id, PRESENT, now),
                                OfflineMark(foreign.id, PRESENT, now),
                                OfflineMark(999999, ABSENT, now)], coordinator)
    assert refused.value.entry_ids == [foreign.id, 999999]
    db.session.refresh(entry)
    assert entry.status is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceBatch)) == 0


def test_a_school_contact_cannot_mark_another_schools_pupils(db, make, english_request):
    """At a workshop hosted for two schools, are the other school's pupils unknown to the
    host's contact?"""
    workshop = make.happening_now()
    own, = make.roster(workshop, 1)
    guest, = make.roster(workshop, 1, school=make.school())
    host = make.user(Role.SCHOOL, school=workshop.venue)
    with pytest.raises(UnknownEntries) as refused:
        apply_attendance_batch(workshop, "guest-batch-1",
                               [OfflineMark(own.id, PRESENT, utcnow()),
                                OfflineMark(guest.id, ABSENT, utcnow())], host)
    assert refused.value.entry_ids == [guest.id]
    db.session.refresh(guest)
    assert guest.status is None


def test_a_change_of_mind_in_one_batch_keeps_the_latest(db, make, english_request):
    """With two marks of one student in a batch, is the later written, the earlier kept out?"""
    workshop = make.happening_now()
    entry, = make.roster(workshop, 1)
    phone = make.user(Role.SCHOOL, school=workshop.venue)
    now = utcnow()
    outcome = apply_attendance_batch(workshop, "mind-batch-1",
                                     [OfflineMark(entry.id, LATE, now),
                                      OfflineMark(entry.id, ABSENT, now - timedelta(minutes=1))],
                                     phone)
    assert (outcome.applied, outcome.kept) == (1, 1)
    db.session.refresh(entry)
    assert entry.status == LATE


# --- The offline page's files and the logout that clears them --------------------------------

def test_the_service_worker_is_served_from_the_root_without_a_login(client):
    """Is /sw.js JavaScript that the browser checks for updates on each visit, scoped to
    /workshops/ by its own address (no Service-Worker-Allowed needed)?"""
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert "Service-Worker-Allowed" not in response.headers
    assert "caches.open" in response.get_data(as_text=True)


def test_the_manifest_names_the_app_with_its_icons(client):
    """Does the manifest give name, start page, standalone display, colour and both icons,
    each of which exists?"""
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert (manifest["name"], manifest["start_url"], manifest["display"]) == (
        "Youth Against Guns", "/home", "standalone")
    assert manifest["theme_color"] == "#0b5d50"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_attendance_page_links_the_offline_script_and_the_batches_api(client, make,
                                                                          login_as):
    """Does the page carry what attendance-offline.js needs, and the manifest link?"""
    login_as(Role.COORDINATOR)
    workshop = make.happening_now()
    entry, = make.roster(workshop, 1, status=PRESENT)
    html = client.get(f"/workshops/{workshop.id}/attendance").get_data(as_text=True)
    assert "js/attendance-offline.js" in html and 'rel="manifest"' in html
    assert f'data-batches-url="/api/v1/workshops/{workshop.id}/attendance/batches"' in html
    assert f'data-marked-at="{entry.marked_at.isoformat()}"' in html
    form = re.search(r'<form method="post" class="attendance-form"[^>]*>', html).group(0)
    assert "data-sync-state" in html and "data-closed" not in form


def test_logging_out_clears_what_the_browser_kept(client, auth, make):
    """Does the logout answer ask the browser to drop its caches and storage?"""
    user = make.user(Role.SCHOOL)
    auth.login(user.email)
    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_the_same_batch_sent_twice_at_once_is_applied_once(app, db, make):
    """Two requests with one batch id, the second arriving while the first is not committed:
    does the second wait, then answer duplicate, with one row and each mark written once?"""
    import threading
    import time

    workshop = make.happening_now()
    entries = make.roster(workshop, 2)
    phone = make.user(Role.SCHOOL, school=workshop.venue)
    ids = (workshop.id, phone.id, [entry.id for entry in entries])
    applied, outcomes = threading.Event(), {}

    def send(name: str) -> None:
        from youthagainstguns.auth.models import User
        from youthagainstguns.workshops.models import Workshop

        with app.test_request_context(headers={"Accept-Language": "en"}):
            found, by = db.session.get(Workshop, ids[0]), db.session.get(User, ids[1])
            if name == "second":
                applied.wait(5)
            marks = [OfflineMark(entry_id, PRESENT, utcnow()) for entry_id in ids[2]]
            outcomes[name] = apply_attendance_batch(found, "twice-at-once-1", marks, by)
            if name == "first":
                applied.set()
                time.sleep(0.5)  # the second is waiting on this transaction meanwhile
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=send, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert (outcomes["first"].duplicate, outcomes["second"].duplicate) == (False, True)
    assert outcomes["second"].applied == 2
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AttendanceBatch)) == 1
    assert len(_events(db, "attendance.sync")) == 1
