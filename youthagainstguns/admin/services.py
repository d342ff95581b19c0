"""Manage accounts: create, edit, link to a school or a speaker. Services flush; views commit."""
import sqlalchemy as sa
from flask import abort

from ..audit.services import record
from ..auth import services as auth_services
from ..auth.models import Role, User
from ..extensions import db
from ..listing import Sort, SortOffer, matching, ranked
from ..speakers.services import link_speaker
from .forms import UserForm


def get_user_or_404(user_id: int, *, for_user: User, need: str = "manage") -> User:
    """Fetch an account `for_user` may manage, else 404/403."""
    user = db.get_or_404(User, user_id)
    if need == "manage" and not for_user.can_manage(user):
        abort(403)
    return user


USER_SORTS = SortOffer(
    {"name": (User.full_name,), "email": (User.email,), "role": (ranked(User.role, Role),),
     "last_login": (User.last_login_at,)},
    default="name", tiebreak=User.id, descending_first=frozenset({"last_login"}),
    missing_last=frozenset({"last_login"}))


def user_query(*, q: str | None, include_inactive: bool, sort: Sort | None = None) -> sa.Select:
    """Return the select for the account list, searched by name or email, by name unless
    `sort` says otherwise."""
    query = matching(sa.select(User).order_by(*(sort or USER_SORTS.chosen({})).order_by()),
                     q, User.full_name, User.email)
    if not include_inactive:
        query = query.where(User.active.is_(True))
    return query


def user_form(for_user: User, user: User | None = None) -> UserForm:
    """Build the account form with the roles, schools and speakers `for_user` may choose."""
    defaults = None
    if user is not None:
        defaults = {"role": user.role.value, "speaker_id": user.speaker.id if user.speaker else 0}
    form = UserForm(obj=user, data=defaults)
    form.editing_id = user.id if user is not None else None
    form.role.choices = [(r.value, r.label) for r in for_user.assignable_roles()]
    return form


def create_account(form: UserForm, by: User) -> User:
    """Create the account the form describes, linked to its school or speaker."""
    role = Role(form.role.data)
    user = auth_services.create_user(
        email=form.email.data, full_name=form.full_name.data, role=role, created_by=by,
        school_id=form.school_id.data or None)
    if role == Role.SPEAKER:
        link_speaker(user, form.speaker_id.data or None)
    return user


def update_account(user: User, form: UserForm) -> None:
    """Save the form's name, email, role and links; a changed role ends the user's sessions."""
    new_role = Role(form.role.data)
    if new_role != user.role:
        user.end_sessions()  # a changed role must not keep old powers in a live session
    user.full_name = form.full_name.data.strip()
    user.email = form.email.data.strip().lower()
    user.role = new_role
    user.school_id = (form.school_id.data or None) if new_role == Role.SCHOOL else None
    link_speaker(user, form.speaker_id.data if new_role == Role.SPEAKER else None)
    record("user.update", user, f"role={new_role.value}")
