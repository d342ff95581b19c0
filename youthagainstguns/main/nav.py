"""The navigation bar, by role: one list, read by base.html."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ..auth.models import STAFF_ROLES, Role, User


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    roles: tuple[Role, ...]


NAV = (
    # Every role's landing page, and so what "/" opens (main.index).
    NavItem("dashboards.home", _l("Home"), tuple(Role)),
    NavItem("workshops.index", _l("Workshops"), (*STAFF_ROLES, Role.SCHOOL)),
    NavItem("workshops.calendar", _l("Calendar"), STAFF_ROLES),
    NavItem("workshops.speaker_schedule", _l("My schedule"), (Role.SPEAKER,)),
    NavItem("schools.index", _l("Schools and venues"), STAFF_ROLES),
    NavItem("speakers.index", _l("Speakers"), STAFF_ROLES),
    NavItem("mentoring.board", _l("Mentoring"), STAFF_ROLES),
    NavItem("mentoring.mine", _l("My mentoring"), (Role.MENTOR,)),
    NavItem("certificates.index", _l("Certificates"), (*STAFF_ROLES, Role.SCHOOL, Role.SPEAKER)),
    NavItem("reports.index", _l("Reports"), (*STAFF_ROLES, Role.SCHOOL)),
    NavItem("surveys.index", _l("Questionnaires"), STAFF_ROLES),
    NavItem("surveys.scope_results", _l("Survey results"), STAFF_ROLES),
    NavItem("admin.users", _l("Users"), STAFF_ROLES),
    NavItem("admin.audit_log", _l("Audit log"), STAFF_ROLES),
    NavItem("admin.outbox", _l("Outbox"), STAFF_ROLES),
    NavItem("privacy.requests", _l("Privacy requests"), STAFF_ROLES),
)


def nav_for(user: User) -> list[NavItem]:
    """Return the navigation entries this user may follow."""
    if not user.is_authenticated:
        return []
    return [item for item in NAV if user.role in item.roles]
