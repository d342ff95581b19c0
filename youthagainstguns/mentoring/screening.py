"""Mentors' files: opening one (with or without a new account), editing it, recording the
screening steps, and the lists and choices that show them.

Services change and flush and write the audit trail; the caller commits once.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from ..audit.services import record
from ..auth.models import Role, User
from ..auth.services import create_password_link, create_user
from ..extensions import db
from ..listing import Sort, SortOffer, matching
from .errors import MentoringError
from .models import Match, Mentee, MentorProfile
from .services import assign_fields
from .status import open_match_count, screening_loads

PROFILE_FIELDS = ("application_date", "phone", "district", "interests", "preferences",
                  "max_mentees", "inactive_since")


MENTOR_SORTS = SortOffer(
    {"name": (User.full_name,), "district": (MentorProfile.district,)},
    default="name", tiebreak=MentorProfile.id)


def mentors_query(q: str = "", sort: Sort | None = None) -> sa.Select:
    """Select mentors with every word of `q` in their names, by name unless `sort` says
    otherwise, with what their status is derived from."""
    query = (sa.select(MentorProfile).join(MentorProfile.user)
             .options(joinedload(MentorProfile.user), *screening_loads())
             .order_by(*(sort or MENTOR_SORTS.chosen({})).order_by()))
    return matching(query, q, User.full_name)


def mentor_file_of(user: User) -> MentorProfile | None:
    """Load a mentor's own file with their matches' mentees, for their page."""
    return db.session.scalar(
        sa.select(MentorProfile).where(MentorProfile.user_id == user.id).options(
            *screening_loads(matches=False),
            selectinload(MentorProfile.matches).joinedload(Match.mentee)
            .joinedload(Mentee.school),
        )
    )


def accounts_without_file() -> list[tuple[int, str]]:
    """Return (id, "name (email)") pairs of active mentor accounts that have no file yet."""
    has_file = sa.select(MentorProfile.id).where(MentorProfile.user_id == User.id).exists()
    rows = db.session.execute(
        sa.select(User.id, User.full_name, User.email)
        .where(User.role == Role.MENTOR, User.active.is_(True), ~has_file)
        .order_by(User.full_name)
    )
    return [(r.id, f"{r.full_name} ({r.email})") for r in rows]


def open_mentor_file(*, user_id: int, email: str | None, full_name: str | None, profile: dict,
                     by: User) -> tuple[MentorProfile, str | None]:
    """Open a file for the existing account `user_id`, or (when 0) for a new account.

    Return the file and, for a new account, the token of its one-time password link.
    """
    if user_id:
        return attach_profile(db.session.get(User, user_id), profile, by), None
    email = email.strip().lower()
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise MentoringError(_("An account with this email already exists."), "email")
    return create_mentor(email=email, full_name=full_name, profile=profile, by=by)


def create_mentor(*, email: str, full_name: str, profile: dict,
                  by: User) -> tuple[MentorProfile, str]:
    """Create a mentor account and its profile; return the profile and a password-link token."""
    user = create_user(email=email, full_name=full_name, role=Role.MENTOR, created_by=by)
    mentor = attach_profile(user, profile, by)
    return mentor, create_password_link(user, by)


def attach_profile(user: User, profile: dict, by: User) -> MentorProfile:
    """Open a mentor file for an existing mentor account."""
    if user.role != Role.MENTOR:
        raise MentoringError(_("Only an account with the mentor role can have a mentor file."))
    mentor = MentorProfile(user=user)
    assign_fields(mentor, profile, PROFILE_FIELDS)
    db.session.add(mentor)
    db.session.flush()
    record("mentor.create", mentor, f"user={user.id}", actor=by)
    return mentor


def update_profile(mentor: MentorProfile, profile: dict, by: User) -> None:
    """Change a mentor's file; capacity cannot drop below the places already taken."""
    taken = open_match_count(mentor)
    if profile.get("max_mentees", mentor.max_mentees) < taken:
        raise MentoringError(
            _("This mentor already has %(n)d open matches; close one first.", n=taken),
            "max_mentees",
        )
    assign_fields(mentor, profile, PROFILE_FIELDS)
    record("mentor.update", mentor, actor=by)


def add_screening_record(mentor: MentorProfile, item, step: str, by: User) -> None:
    """Add an interview, reference, check, training or decision to a mentor's file."""
    item.mentor = mentor
    # Who interviewed or decided is the coordinator recording it.
    for attribute in ("interviewer_id", "decided_by_id"):
        if hasattr(item, attribute):
            setattr(item, attribute, by.id)
    db.session.add(item)
    db.session.flush()
    record(f"mentor.{step}", mentor, f"{type(item).__name__}={item.id}", actor=by)
