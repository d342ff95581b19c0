"""Mentoring's program figure: the minutes of mentoring logged, kept as sessions are saved.

Program totals read it instead of summing every session logged in ten years. A session saved,
edited or removed sets it again from the sum: sessions are saved one at a time, by a mentor, so
that sum is cheap next to keeping a running total exact through edits.
"""
from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..workshops.summaries import set_figures
from .models import MentoringSession

MENTORING_MINUTES = "mentoring_minutes"


def refresh_minutes(connection: sa.Connection) -> None:
    """Set the minutes figure from the sessions logged."""
    minutes = connection.scalar(sa.select(sa.func.sum(MentoringSession.duration_minutes)))
    set_figures(connection, MENTORING_MINUTES, {"": minutes or 0})


def _touches_minutes(session: so.Session) -> bool:
    if any(isinstance(obj, MentoringSession) for obj in (*session.new, *session.deleted)):
        return True
    return any(isinstance(obj, MentoringSession)
               and sa.inspect(obj).attrs["duration_minutes"].history.has_changes()
               for obj in session.dirty)


@sa.event.listens_for(so.Session, "before_flush")
def _note_sessions(session: so.Session, _context, _instances) -> None:
    """Remember that this flush changes logged minutes."""
    if _touches_minutes(session):
        session.info["mentoring_minutes"] = True


@sa.event.listens_for(so.Session, "after_flush")
def _keep_minutes(session: so.Session, _context) -> None:
    """Set the minutes figure again after a flush that changed sessions."""
    if session.info.pop("mentoring_minutes", False):
        refresh_minutes(session.connection())
