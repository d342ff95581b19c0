"""Access rules for reports: staff any school, a school contact only their own."""
from . import STAFF, STAFF_ONLY, Allowed

RULES = {
    "reports.index": Allowed.of(STAFF, "school"),
    # Without a period these redirect back to the form; the gate is what is tested here.
    "reports.attendance_pdf": Allowed.of(STAFF, "school"),
    "reports.attendance_csv": Allowed.of(STAFF, "school"),
    "reports.workshop_pdf": Allowed.of(STAFF, "school"),  # the workshop is at the own school
    "reports.workshop_csv": Allowed.of(STAFF, "school"),
    "reports.program_totals": STAFF_ONLY,
}


def build(make, world: dict) -> None:
    """Reports use the workshop built by rules_certificates (same school)."""
