"""Schools and speakers: venues as their pages show them; speakers by alias only."""
from flask_login import current_user
from flask_smorest import abort
from werkzeug.exceptions import Forbidden

from ..auth.models import STAFF_ROLES, Role
from ..schools.models import School
from ..schools.services import get_school_or_404, school_query
from ..speakers.models import Speaker
from ..speakers.services import get_speaker_or_404, speaker_query
from .auth import requires
from .blueprint import blp
from .models import Scope
from .schemas import SchoolQuery, SchoolSchema, SpeakerQuery, SpeakerSchema, page_of
from .services import offset_page


@blp.route("/schools")
@requires(Scope.READ, *STAFF_ROLES, Role.SCHOOL)
@blp.arguments(SchoolQuery, location="query", as_kwargs=True)
@blp.response(200, page_of(SchoolSchema))
def schools(q, cursor, limit):
    """List the venues this account may see: staff every one, a school contact their own."""
    query = school_query(q=q, include_archived=True).where(School.visible_to(current_user))
    return offset_page(query.order_by(None).order_by(School.name, School.id), cursor, limit)


@blp.route("/schools/<int:school_id>")
@requires(Scope.READ, *STAFF_ROLES, Role.SCHOOL)
@blp.response(200, SchoolSchema)
def school(school_id: int):
    """Show a venue this account may see."""
    try:
        return get_school_or_404(school_id, for_user=current_user)
    except Forbidden:
        abort(404)


@blp.route("/speakers")
@requires(Scope.READ, *STAFF_ROLES)
@blp.arguments(SpeakerQuery, location="query", as_kwargs=True)
@blp.response(200, page_of(SpeakerSchema))
def speakers(q, cursor, limit):
    """List speakers by alias (never a legal name or contact details); staff only."""
    query = speaker_query(q=q).order_by(None).order_by(Speaker.alias, Speaker.id)
    return offset_page(query, cursor, limit)


@blp.route("/speakers/<int:speaker_id>")
@requires(Scope.READ, *STAFF_ROLES)
@blp.response(200, SpeakerSchema)
def speaker(speaker_id: int):
    """Show a speaker by alias; staff only."""
    return get_speaker_or_404(speaker_id, for_user=current_user, need="alias")

