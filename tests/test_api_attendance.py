"""Attendance batches through the API: applied once per batch id, later mark wins, a closed
workshop refused (409, nothing written), unknown lines a 422, foreign workshops a 404."""
import pytest

from youthagainstguns.api import tokens
from youthagainstguns.api.models import Scope
from youthagainstguns.auth.models import Role
from youthagainstguns.workshops.models import AttendanceBatch, AttendanceStatus, WorkshopStatus


@pytest.fixture
def send(client, make, db):
    """Post a batch as `user` with an attendance-write token; return the response."""

    def _send(user, workshop, batch_id, marks):
        _token, secret = tokens.create_token(user, "app", (Scope.ATTENDANCE_WRITE,), by=user)
        db.session.commit()
        return client.post(f"/api/v1/workshops/{workshop.id}/attendance/batches",
                           json={"batch_id": batch_id, "marks": marks},
                           headers={"Authorization": f"Bearer {secret}"})

    return _send


def _marks(entries, status="present", at="2026-12-02T10:15:00-05:00"):
    return [{"entry_id": entry.id, "status": status, "marked_at": at} for entry in entries]


def test_a_school_contact_sends_a_batch_once(send, make, db):
    """Are the marks written with their moment of marking, and a resend a duplicate?"""
    user = make.user(Role.SCHOOL)
    workshop = make.happening_now(venue=user.school)
    entries = make.roster(workshop, 3)
    first = send(user, workshop, "lote-abc-0001", _marks(entries))
    assert first.status_code == 200, first.json
    assert first.json == {"batch_id": "lote-abc-0001", "applied": 3, "kept": 0,
                          "duplicate": False}
    again = send(user, workshop, "lote-abc-0001", _marks(entries, status="absent"))
    assert again.json["duplicate"] is True
    for entry in entries:
        db.session.refresh(entry)
        assert entry.status == AttendanceStatus.PRESENT and entry.marked_by_id == user.id
    assert db.session.scalar(db.select(db.func.count()).select_from(AttendanceBatch)) == 1


def test_a_closed_workshop_refuses_the_batch(send, make, db):
    """Is a batch for a workshop closed meanwhile a 409 problem with the service's message,
    and nothing written?"""
    coordinator = make.user(Role.COORDINATOR)
    workshop = make.held_workshop(status=WorkshopStatus.CLOSED)
    entries = make.roster(workshop, 2)
    response = send(coordinator, workshop, "lote-closed-01", _marks(entries))
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.json["detail"]
    for entry in entries:
        db.session.refresh(entry)
        assert entry.status is None


def test_unknown_lines_are_a_422_naming_them(send, make):
    """Is a mark for a line of another roster refused whole, the unknown id listed?"""
    coordinator = make.user(Role.COORDINATOR)
    workshop, other = make.happening_now(), make.happening_now()
    own, foreign = make.roster(workshop, 1), make.roster(other, 1)
    response = send(coordinator, workshop, "lote-unknown-1", _marks(own + foreign))
    assert response.status_code == 422
    assert response.json["errors"]["marks"]["unknown"] == [foreign[0].id]


def test_another_schools_workshop_is_a_404(send, make):
    """May a school contact send marks for a workshop at another school? (404)"""
    user = make.user(Role.SCHOOL)
    workshop = make.happening_now()
    response = send(user, workshop, "lote-foreign-1", _marks(make.roster(workshop, 1)))
    assert response.status_code == 404


@pytest.mark.parametrize("body, field", [
    ({"batch_id": "short", "marks": []}, "batch_id"),
    ({"batch_id": "lote con espacios", "marks": []}, "batch_id"),
    ({"batch_id": "lote-valido-1", "marks": [{"entry_id": 1, "status": "maybe",
                                              "marked_at": "2026-12-02T10:00:00-05:00"}]},
     "marks"),
    ({"batch_id": "lote-valido-1", "marks": [{"entry_id": 1, "status": "present",
                                              "marked_at": "2026-12-02T10:00:00"}]}, "marks"),
    ({"batch_id": "lote-valido-1", "marks": [{"entry_id": 1, "status": "present",
                                              "marked_at": "2026-12-02T10:00:00Z"}] * 2001},
     "marks"),
])
def test_invalid_batches_are_field_errors(client, make, db, body, field):
    """Are a bad id, an unknown status, a moment without offset and too many marks 422s with
    the field named?"""
    user = make.user(Role.COORDINATOR)
    workshop = make.happening_now()
    _token, secret = tokens.create_token(user, "app", (Scope.ATTENDANCE_WRITE,), by=user)
    db.session.commit()
    response = client.post(f"/api/v1/workshops/{workshop.id}/attendance/batches", json=body,
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.json["errors"]


def test_field_errors_are_plain_messages_per_mark(client, make, db):
    """Does a 422 name the mark and field that failed, and the unknown field, each with a
    list of messages?"""
    user = make.user(Role.COORDINATOR)
    workshop = make.happening_now()
    _token, secret = tokens.create_token(user, "app", (Scope.ATTENDANCE_WRITE,), by=user)
    db.session.commit()
    response = client.post(
        f"/api/v1/workshops/{workshop.id}/attendance/batches",
        json={"batch_id": "lote-valido-2", "extra": 1,
              "marks": [{"entry_id": 1, "status": "maybe", "marked_at": "2026-12-02T10:00:00Z"}]},
        headers={"Authorization": f"Bearer {secret}"})
    errors = response.json["errors"]
    assert set(errors) == {"marks", "extra"}
    assert [type(m) for m in errors["marks"]["0"]["status"] + errors["extra"]] == [str, str]


@pytest.mark.parametrize("data, content_type, status", [
    ("{not json", "application/json", 400),
    ("[]", "application/json", 422),
    ("batch_id=x", "text/plain", 422),
])
def test_a_body_that_is_not_a_batch_is_refused(client, make, db, data, content_type, status):
    """Is a body that is not JSON, or not an object, refused as a problem, never a 500?"""
    user = make.user(Role.COORDINATOR)
    workshop = make.happening_now()
    _token, secret = tokens.create_token(user, "app", (Scope.ATTENDANCE_WRITE,), by=user)
    db.session.commit()
    response = client.post(f"/api/v1/workshops/{workshop.id}/attendance/batches", data=data,
                           content_type=content_type,
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"


def test_a_batch_id_of_another_workshop_is_refused(send, make):
    """Is a batch id first used for another workshop a 422 on batch_id, not a duplicate?"""
    coordinator = make.user(Role.COORDINATOR)
    first, second = make.happening_now(), make.happening_now()
    assert send(coordinator, first, "lote-reusado-1", _marks(make.roster(first, 1))).json[
        "applied"] == 1
    response = send(coordinator, second, "lote-reusado-1", _marks(make.roster(second, 1)))
    assert response.status_code == 422
    assert "batch_id" in response.json["errors"]
