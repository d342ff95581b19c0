"""Attendance batches: the offline attendance page and partners' apps send marks here."""
from flask_login import current_user
from flask_smorest import abort

from ..auth.models import STAFF_ROLES, Role
from ..extensions import db
from ..workshops.attendance_sync import (
    BatchIdTaken,
    OfflineMark,
    UnknownEntries,
    WorkshopClosedForSync,
    apply_attendance_batch,
)
from ..workshops.models import Workshop
from .auth import requires
from .blueprint import blp
from .models import Scope
from .schemas import BatchOutcomeSchema, BatchSchema
from .services import loads_workshop


@blp.route("/workshops/<int:workshop_id>/attendance/batches", methods=["POST"])
@requires(Scope.ATTENDANCE_WRITE, *STAFF_ROLES, Role.SCHOOL)
@loads_workshop("attendance")  # before the body is read: a foreign workshop is a 404
@blp.arguments(BatchSchema)
@blp.response(200, BatchOutcomeSchema)
@blp.alt_response(409, response="CONFLICT")
def attendance_batch(batch: dict, workshop: Workshop):
    """Apply a batch of marks once per batch_id; per student the later mark wins.

    409 when the workshop was closed meanwhile (nothing written; keep the marks), 422 with
    the unknown entry ids when a mark names a line not on this roster for this account, or
    on batch_id when that id was first used for another workshop.
    """
    marks = [OfflineMark(**mark) for mark in batch["marks"]]
    try:
        outcome = apply_attendance_batch(workshop, batch["batch_id"], marks, current_user)
    except WorkshopClosedForSync as refusal:
        db.session.rollback()
        abort(409, detail=str(refusal))
    except BatchIdTaken as refusal:
        db.session.rollback()
        abort(422, detail=str(refusal), errors={"batch_id": [str(refusal)]})
    except UnknownEntries as refusal:
        db.session.rollback()
        abort(422, detail=str(refusal), errors={"marks": {
            "entry_id": [str(refusal)], "unknown": refusal.entry_ids}})
    db.session.commit()
    return outcome
