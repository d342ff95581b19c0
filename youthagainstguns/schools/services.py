"""Change schools, venues and blackout dates. Services flush and audit; the view commits."""
from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from flask import abort

from ..audit.services import record
from ..auth.models import User
from ..extensions import db
from ..forms import Options, search_options
from ..listing import Sort, SortOffer, matching
from ..timeutil import utcnow
from .districts import DISTRICTS
from .models import BlackoutDate, School, VenueKind


def get_school_or_404(school_id: int, *, for_user: User, need: str = "view") -> School:
    """Fetch a venue `for_user` may see, else 404/403."""
    school = db.get_or_404(School, school_id)
    if need == "view" and not school.can_view(for_user):
        abort(403)
    return school


SCHOOL_SORTS = SortOffer(
    {"name": (School.name,), "kind": (School.kind,), "district": (School.district,),
     "code": (School.official_code,)},
    default="name", tiebreak=School.id, missing_last=frozenset({"code"}))


def school_query(*, q: str | None = None, kind: str | None = None,
                 district: str | None = None, include_archived: bool = False,
                 sort: Sort | None = None) -> sa.Select:
    """Return the select for the venue list, by name unless `sort` says otherwise; every word
    of `q` in the name, district or code; unknown filter values are ignored."""
    query = matching(sa.select(School).order_by(*(sort or SCHOOL_SORTS.chosen({})).order_by()),
                     q, School.name, School.district, School.official_code)
    if kind in {k.value for k in VenueKind}:
        query = query.where(School.kind == VenueKind(kind))
    if district in DISTRICTS:
        query = query.where(School.district == district)
    if not include_archived:
        query = query.where(School.archived_at.is_(None))
    return query


def _venue_rows(label, *, kind: VenueKind | None, include_archived: bool) -> sa.Select:
    """Select (id, label) of the venues on offer, by name."""
    query = sa.select(School.id, label).order_by(School.name, School.id)
    if kind is not None:
        query = query.where(School.kind == kind)
    if not include_archived:
        query = query.where(School.archived_at.is_(None))
    return query


def venue_options(*, q: str | None = None, ids: Iterable[int] | None = None,
                  kind: VenueKind | None = None, include_archived: bool = False) -> Options:
    """Return (id, "name — district") of the first venues (of `kind`, if given) whose name or
    district holds `q` (or whose id is in `ids`), for a searchable select."""
    label = School.name + " — " + School.district
    return search_options(_venue_rows(label, kind=kind, include_archived=include_archived),
                          (School.name, School.district), q=q, ids=ids)


def _apply_fields(school: School, data: dict) -> None:
    school.name = data["name"].strip()
    school.kind = VenueKind(data["kind"])
    school.district = data["district"]
    school.address = data["address"].strip()
    school.official_code = (data.get("official_code") or "").strip() or None
    school.phone = (data.get("phone") or "").strip() or None


def create_school(data: dict) -> School:
    """Add a venue from validated form data."""
    school = School()
    _apply_fields(school, data)
    db.session.add(school)
    db.session.flush()
    record("school.create", school, f"kind={school.kind.value}")
    return school


def update_school(school: School, data: dict) -> None:
    """Change a venue's facts from validated form data."""
    _apply_fields(school, data)
    db.session.flush()
    record("school.update", school)


def set_archived(school: School, archived: bool) -> None:
    """Archive a venue (kept for history, offered for no new workshop) or bring it back."""
    school.archived_at = utcnow() if archived else None
    db.session.flush()
    record("school.archive" if archived else "school.unarchive", school)


def add_blackout(school: School, starts_on: date, ends_on: date, reason: str) -> BlackoutDate:
    """Add days on which the venue takes no workshops."""
    blackout = BlackoutDate(school=school, starts_on=starts_on, ends_on=ends_on,
                            reason=reason.strip())
    db.session.add(blackout)
    db.session.flush()
    record("school.blackout_add", school, f"blackout={blackout.id}")
    return blackout


def delete_blackout(blackout: BlackoutDate) -> None:
    """Remove a blackout period."""
    record("school.blackout_delete", blackout.school, f"blackout={blackout.id}")
    db.session.delete(blackout)
    db.session.flush()


def contacts_of(school: School) -> list[User]:
    """Return the school contact accounts of a venue, by name."""
    return list(db.session.scalars(
        sa.select(User).where(User.school_id == school.id).order_by(User.full_name)
    ))
