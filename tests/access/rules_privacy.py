"""Access rules for privacy: the privacy notice is public; data-subject requests (export,
correction, anonymisation of a young person's data) are handled by staff only."""
from . import PUBLIC, STAFF_ONLY

RULES = {
    "privacy.policy": PUBLIC,
    "privacy.requests": STAFF_ONLY,
    # The world's subject is a workshop participant (kind=students); test_privacy covers
    # the same routes for a mentee.
    "privacy.subject": STAFF_ONLY,
    "privacy.export_json": STAFF_ONLY,
    "privacy.export_pdf": STAFF_ONLY,
    # Posted without a reason or confirmation: the form comes back and nothing is anonymised.
    "privacy.anonymise": STAFF_ONLY,
    "privacy.student_edit": STAFF_ONLY,
}


def build(make, world: dict) -> None:
    """A participant of the world's school, on a held workshop's roster."""
    _workshop, (student,) = make.class_of(world["_school"], [None])
    world["kind"] = "students"
    world["subject_id"] = student.id
    world["student_id"] = student.id
