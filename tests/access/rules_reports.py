"""Access rules for reports: staff any school, a school contact only their own."""
from . import STAFF, STAFF_ONLY, Allowed, Foreign
from .rules_certificates import DOCUMENTS

RULES = {
    "reports.index": Allowed.of(STAFF, "school"),
    # Without a period these redirect back to the form; the gate is what is tested here.
    "reports.attendance_pdf": Allowed.of(STAFF, "school"),
    "reports.attendance_csv": Allowed.of(STAFF, "school"),
    "reports.workshop_pdf": Allowed.of(STAFF, "school"),  # the workshop is at the own school
    "reports.workshop_csv": Allowed.of(STAFF, "school"),
    "reports.program": STAFF_ONLY,
    "reports.program_pdf": STAFF_ONLY,
    "reports.program_csv": STAFF_ONLY,
    "reports.speakers_report": STAFF_ONLY,
    "reports.speakers_csv": STAFF_ONLY,
}


# Another school's period report, asked for by its id in the query.
OTHER_SCHOOL_PERIOD = (Foreign("another school's report", query={
    "school_id": "{other_school_id}", "start": "2026-01-01", "end": "2026-12-31"}),)
FOREIGN = {
    "reports.workshop_pdf": DOCUMENTS,
    "reports.workshop_csv": DOCUMENTS,
    "reports.index": OTHER_SCHOOL_PERIOD,
    "reports.attendance_pdf": OTHER_SCHOOL_PERIOD,
    "reports.attendance_csv": OTHER_SCHOOL_PERIOD,
}


def build(make, world: dict) -> None:
    """Reports use the workshop built by rules_certificates (same school); the program
    report's CSV is addressed by its table."""
    world["program_table"] = "districts"
