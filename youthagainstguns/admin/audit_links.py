"""Where each audited record type is opened, and who may open it.

This lives in the admin area because it imports the areas' models; the audit trail itself
sits below them and only stores type names and ids.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from ..audit.models import AuditEvent
from ..auth.models import User
from ..certificates.models import Certificate
from ..extensions import db
from ..mentoring.models import (
    Match,
    Mentee,
    MentoringSession,
    MentorProfile,
    SafeguardingAlert,
)
from ..schools.models import School
from ..speakers.models import Speaker
from ..workshops.models import RosterEntry, Workshop


@dataclass(frozen=True)
class RecordPage:
    """A record type's page: its model, the check the page itself makes, and its address."""

    model: type
    can_open: Callable[[object, User], bool]
    url: Callable[[object], str]
    load: tuple = ()


RECORD_PAGES: dict[str, RecordPage] = {
    "Workshop": RecordPage(Workshop, Workshop.can_view,
                           lambda w: url_for("workshops.detail", workshop_id=w.id)),
    "RosterEntry": RecordPage(
        RosterEntry, lambda e, user: e.workshop.can_view(user),
        lambda e: url_for("workshops.detail", workshop_id=e.workshop_id),
        (selectinload(RosterEntry.workshop),)),
    "Certificate": RecordPage(
        Certificate, Certificate.can_download,
        lambda c: url_for("certificates.workshop", workshop_id=c.workshop_id)),
    "School": RecordPage(School, School.can_view,
                         lambda s: url_for("schools.detail", school_id=s.id)),
    "Speaker": RecordPage(Speaker, Speaker.can_view_identity,
                          lambda s: url_for("speakers.detail", speaker_id=s.id)),
    "User": RecordPage(User, lambda account, user: user.can_manage(account),
                       lambda u: url_for("admin.edit_user", user_id=u.id)),
    "MentorProfile": RecordPage(MentorProfile, MentorProfile.can_manage,
                                lambda m: url_for("mentoring.mentor_detail", mentor_id=m.id)),
    "Mentee": RecordPage(Mentee, Mentee.can_manage,
                         lambda m: url_for("mentoring.mentee_detail", mentee_id=m.id)),
    "Match": RecordPage(Match, Match.can_view,
                        lambda m: url_for("mentoring.match_detail", match_id=m.id),
                        (selectinload(Match.mentor),)),
    "MentoringSession": RecordPage(
        MentoringSession, MentoringSession.can_view,
        lambda s: url_for("mentoring.session_detail", session_id=s.id),
        (selectinload(MentoringSession.match).selectinload(Match.mentor),)),
    "SafeguardingAlert": RecordPage(
        SafeguardingAlert, lambda a, user: a.mentee.can_manage(user),
        lambda a: url_for("mentoring.alert_detail", alert_id=a.id),
        (selectinload(SafeguardingAlert.mentee),)),
}


def record_links(events: Iterable[AuditEvent], viewer: User) -> dict[tuple[str, int], str]:
    """Return {(type, id): url} for the events' records that still exist and `viewer` may
    open: one query per record type on the page, whatever the number of events."""
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.object_type in RECORD_PAGES and event.object_id is not None:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    links = {}
    for object_type, ids in wanted.items():
        page = RECORD_PAGES[object_type]
        found = db.session.scalars(sa.select(page.model).where(page.model.id.in_(ids))
                                   .options(*page.load))
        for item in found:
            if page.can_open(item, viewer):
                links[object_type, item.id] = page.url(item)
    return links
