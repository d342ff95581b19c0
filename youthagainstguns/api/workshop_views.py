"""Workshops (list with filters and a cursor, detail) and their roster with its marks."""
from flask_login import current_user

from ..audit.services import record
from ..auth.models import STAFF_ROLES, Role
from ..workshops.models import RosterEntry
from ..workshops.services import WorkshopFilter, visible_entries
from .auth import requires
from .blueprint import blp
from .models import Scope
from .schemas import PageQuery, RosterEntrySchema, WorkshopQuery, WorkshopSchema, page_of
from .services import commits_after_answering, offset_page, visible_workshop, workshops_page

READERS = (*STAFF_ROLES, Role.SCHOOL, Role.SPEAKER)


@blp.route("/workshops")
@requires(Scope.READ, *READERS)
@blp.arguments(WorkshopQuery, location="query", as_kwargs=True)
@blp.response(200, page_of(WorkshopSchema))
def workshops(cursor, limit, date_from, date_to, status, school, speaker):
    """List the workshops this account may see, soonest first: staff every one, a school
    contact those at their school, a speaker their own confirmed ones."""
    filters = WorkshopFilter(school_id=school, speaker_id=speaker, status=status,
                             date_from=date_from, date_to=date_to)
    return workshops_page(current_user, filters, cursor, limit)


@blp.route("/workshops/<int:workshop_id>")
@requires(Scope.READ, *READERS)
@blp.response(200, WorkshopSchema)
def workshop(workshop_id: int):
    """Show a workshop this account may see."""
    return visible_workshop(workshop_id, current_user)


@blp.route("/workshops/<int:workshop_id>/roster")
@requires(Scope.READ, *STAFF_ROLES, Role.SCHOOL)
@commits_after_answering
@blp.arguments(PageQuery, location="query", as_kwargs=True)
@blp.response(200, page_of(RosterEntrySchema))
def roster(workshop_id: int, cursor, limit):
    """List the roster lines and marks this account may see, in roster order: staff every
    line, a school contact their own school's pupils (as on the attendance page)."""
    found = visible_workshop(workshop_id, current_user)
    page = offset_page(visible_entries(found, current_user)
                       .order_by(RosterEntry.position, RosterEntry.id), cursor, limit)
    record("roster.view", found, f"API: {len(page['items'])} students")
    return page
