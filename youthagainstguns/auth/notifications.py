"""Who gets which mail: one function decides, honouring each person's opt-outs.

Areas call `notify()` with the people a mail is for; it skips inactive accounts and anyone who
turned that (optional) kind off, and queues one message per person in their own language.
Services flush; the caller commits, and the commit puts the messages on the send queue.
"""
from collections.abc import Iterable, Sequence

import sqlalchemy as sa

from ..audit.services import record
from ..extensions import db
from ..mail import Attachment, queue_mail
from ..mail_models import MailKind, OutboxMessage
from .models import STAFF_ROLES, MailOptOut, Role, User

_STAFF_MAIL = frozenset({MailKind.CONSENT_WITHDRAWN, MailKind.DAILY_DIGEST})
# The optional mails each role can receive, and so may turn off: the one rule behind both the
# switches on "My mail notifications" and what saving that page accepts. Keep it in step with
# who the senders address (staff(), school_contacts(), a workshop's speakers).
OPTIONAL_KINDS_BY_ROLE: dict[Role, frozenset[MailKind]] = {
    Role.ADMIN: _STAFF_MAIL,
    Role.COORDINATOR: _STAFF_MAIL,
    Role.MENTOR: frozenset(),
    Role.SCHOOL: frozenset({MailKind.WORKSHOP_REMINDER, MailKind.CERTIFICATES_READY}),
    Role.SPEAKER: frozenset({MailKind.WORKSHOP_REMINDER}),
}


def optional_kinds(user: User) -> list[MailKind]:
    """Return the kinds `user` can receive and may turn off, in the order MailKind lists them."""
    mine = OPTIONAL_KINDS_BY_ROLE[user.role]
    return [kind for kind in MailKind if kind in mine]


def opted_out(user: User) -> set[MailKind]:
    """Return the optional kinds `user` turned off."""
    return set(db.session.scalars(sa.select(MailOptOut.kind).where(MailOptOut.user_id == user.id)))


def set_opt_outs(user: User, kinds: Iterable[MailKind]) -> None:
    """Store exactly `kinds` as what `user` does not want; refuse a kind that is not optional
    or that `user`'s role never receives."""
    wanted_off = set(kinds)
    refused = wanted_off - set(optional_kinds(user))
    if refused:
        names = sorted(kind.value for kind in refused)
        raise ValueError(f"mail kinds this {user.role.value} cannot turn off: {names}")
    current = opted_out(user)
    for kind in wanted_off - current:
        db.session.add(MailOptOut(user_id=user.id, kind=kind))
    if current - wanted_off:
        db.session.execute(sa.delete(MailOptOut).where(
            MailOptOut.user_id == user.id, MailOptOut.kind.in_(current - wanted_off)))
    db.session.flush()
    record("user.mail_opt_outs", user,
           "off=" + (",".join(sorted(k.value for k in wanted_off)) or "-"), actor=user)


def staff() -> list[User]:
    """Return the active coordinators and admins, who receive safeguarding and consent mail."""
    return list(db.session.scalars(
        sa.select(User).where(User.role.in_(STAFF_ROLES), User.active.is_(True))
        .order_by(User.id)))


def school_contacts(school_id: int) -> list[User]:
    """Return the active school-contact accounts of one school."""
    return list(db.session.scalars(
        sa.select(User).where(User.role == Role.SCHOOL, User.school_id == school_id,
                              User.active.is_(True))
        .order_by(User.id)))


def notify(users: Iterable[User], kind: MailKind, template: str,
           attachments: Sequence[Attachment] = (), **context) -> list[OutboxMessage]:
    """Queue `template` to each active user who has not turned `kind` off, in their language.

    Pass only what the mail must say (numbers, titles, links): never a child's name or notes.
    """
    people = {user.id: user for user in users if user.active}
    if kind.optional and people:
        refused = set(db.session.scalars(sa.select(MailOptOut.user_id).where(
            MailOptOut.kind == kind, MailOptOut.user_id.in_(people))))
        people = {uid: user for uid, user in people.items() if uid not in refused}
    return [queue_mail(kind, to=user.email, locale=user.locale, user_id=user.id,
                       template=template, attachments=attachments, **context)
            for user in people.values()]
