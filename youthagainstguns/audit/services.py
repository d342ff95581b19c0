"""Write the audit trail, and select from it. Callers pass ids and neutral words, never a
child's name."""
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..listing import SortOffer, contains_word, search_words
from ..text import normalise
from ..timeutil import lima_day_bounds
from .labels import ACTIONS, OBJECT_TYPES, labels
from .models import AuditEvent

NEWEST_FIRST = (AuditEvent.at.desc(), AuditEvent.id.desc())
# The log reads newest first; a reader may turn it round to follow a day as it happened.
EVENT_SORTS = SortOffer(keys={"at": (AuditEvent.at,)}, default="at", tiebreak=AuditEvent.id,
                        descending_first=frozenset({"at"}))


def record(action: str, obj=None, summary: str = "", *, object_type: str | None = None,
           object_id: int | None = None, actor=None) -> AuditEvent:
    """Add an audit event for `action` on `obj` (or on object_type/object_id) and flush it."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    # current_user is a proxy: the record's type is the object behind it ("User").
    obj = getattr(obj, "_get_current_object", lambda: obj)()
    event = AuditEvent(
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else "-"),
        object_id=object_id if object_id is not None else getattr(obj, "id", None),
        summary=summary[:500],
        actor_id=getattr(actor, "id", None),
        address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class EventFilter:
    """Which events a reader asks for; None means any. Days are Lima calendar days."""

    actor_id: int | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: int | None = None
    first_day: date | None = None
    last_day: date | None = None
    text: str | None = None  # words of the action, the record type or the details

    def describe(self) -> str:
        """Return the filter as neutral words for an audit summary; a searched text is only
        said to be there, as it may hold a name."""
        return " ".join(f"{name}={'…' if name == 'text' else value}"
                        for name, value in vars(self).items() if value is not None) or "all"


def _codes_labelled(mapping: dict, word: str) -> list[str]:
    """Return the codes whose label in the reader's language holds the folded `word`."""
    return [code for code, label in labels(mapping).items() if word in normalise(label)]


def _text_conditions(text: str) -> list:
    """Match every word of `text` in the action's or record type's words as the reader sees
    them, or in the stored details or address."""
    return [sa.or_(AuditEvent.action.in_(_codes_labelled(ACTIONS, word)),
                   AuditEvent.object_type.in_(_codes_labelled(OBJECT_TYPES, word)),
                   contains_word(word, AuditEvent.summary, AuditEvent.address))
            for word in search_words(text)]


def event_conditions(wanted: EventFilter) -> list:
    """Return the WHERE conditions that select the events matching `wanted`."""
    conditions = [column == value for column, value in (
        (AuditEvent.actor_id, wanted.actor_id), (AuditEvent.action, wanted.action),
        (AuditEvent.object_type, wanted.object_type), (AuditEvent.object_id, wanted.object_id),
    ) if value is not None]
    if wanted.first_day is not None:
        conditions.append(AuditEvent.at >= lima_day_bounds(wanted.first_day)[0])
    if wanted.last_day is not None:
        conditions.append(AuditEvent.at < lima_day_bounds(wanted.last_day)[1])
    return conditions + _text_conditions(wanted.text or "")


def event_query(wanted: EventFilter, order=NEWEST_FIRST) -> sa.Select:
    """Return the select of events matching `wanted`, newest first unless `order` says
    otherwise, with their actors."""
    return (sa.select(AuditEvent).options(joinedload(AuditEvent.actor))
            .where(*event_conditions(wanted)).order_by(*order))
