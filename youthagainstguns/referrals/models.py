"""Partner organisations, mentees' referrals to them with their follow-ups, and the guardian's
consent to share a young person's data with one partner."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from ..dbtypes import UTCDateTime, enum_type
from ..extensions import db
from ..mentoring.enums import ConsentMethod, MatchStatus
from ..mentoring.models import Mentee
from ..timeutil import utcnow
from .enums import ENDED_STATUSES, TRANSITIONS, ReferralStatus, ServiceKind
from .errors import ReferralError

if TYPE_CHECKING:
    from ..auth.models import User

# A follow-up is due this many days after the referral was sent (or after the last follow-up
# while the partner has not started), and every FOLLOW_UP_IN_PROGRESS_DAYS while in progress.
FOLLOW_UP_SENT_DAYS = 14
FOLLOW_UP_IN_PROGRESS_DAYS = 30


class Partner(db.Model):
    """An organisation the campaign refers young people to; partners have no login."""

    __tablename__ = "partners"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(160))
    contact_person: so.Mapped[str] = so.mapped_column(sa.String(120))
    phone: so.Mapped[str] = so.mapped_column(sa.String(30))
    email: so.Mapped[str] = so.mapped_column(sa.String(254), default="")
    # An inactive partner keeps its referrals but is offered for no new one.
    active: so.Mapped[bool] = so.mapped_column(default=True, index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    services: so.Mapped[list[PartnerService]] = so.relationship(
        cascade="all, delete-orphan", order_by="PartnerService.kind")
    districts: so.Mapped[list[PartnerDistrict]] = so.relationship(
        cascade="all, delete-orphan", order_by="PartnerDistrict.district")

    def __repr__(self) -> str:
        return f"<Partner {self.id}>"

    def can_manage(self, user: User) -> bool:
        """Coordinators and admins keep the list of partners."""
        return user.is_staff

    @property
    def service_kinds(self) -> list[ServiceKind]:
        """Return the kinds of service the partner offers."""
        return [s.kind for s in self.services]

    @property
    def district_names(self) -> list[str]:
        """Return the districts the partner serves."""
        return [d.district for d in self.districts]

    def set_services(self, kinds: list[ServiceKind], districts: list[str]) -> None:
        """Replace what the partner offers and where."""
        self.services = [PartnerService(kind=kind) for kind in dict.fromkeys(kinds)]
        self.districts = [PartnerDistrict(district=d) for d in dict.fromkeys(districts)]


class PartnerService(db.Model):
    __tablename__ = "partner_services"

    partner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partners.id"), primary_key=True)
    kind: so.Mapped[ServiceKind] = so.mapped_column(enum_type(ServiceKind), primary_key=True)

    # The partners offering a kind of service (the list's filter), from the index alone.
    __table_args__ = (sa.Index("ix_partner_services_kind", "kind", "partner_id"),)


class PartnerDistrict(db.Model):
    __tablename__ = "partner_districts"

    partner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partners.id"), primary_key=True)
    # One of schools.districts.DISTRICTS.
    district: so.Mapped[str] = so.mapped_column(sa.String(60), primary_key=True)

    __table_args__ = (sa.Index("ix_partner_districts_district", "district", "partner_id"),)


class SharingConsent(db.Model):
    """A guardian's dated consent to share the young person's data with one partner.

    A record of its own rather than a kind of GuardianConsent: it names a partner, which the
    mentoring area (a lower layer) cannot know, and withdrawing it stops letters to that
    partner only, while withdrawing participation consent pauses the match and alerts staff.
    """

    __tablename__ = "sharing_consents"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    mentee_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("mentees.id"), index=True)
    partner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partners.id"), index=True)
    given_by: so.Mapped[str] = so.mapped_column(sa.String(120))
    relation: so.Mapped[str] = so.mapped_column(sa.String(60))
    given_on: so.Mapped[date]
    method: so.Mapped[ConsentMethod] = so.mapped_column(enum_type(ConsentMethod))
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    withdrawn_on: so.Mapped[date | None]
    withdrawn_reason: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    withdrawn_recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    mentee: so.Mapped[Mentee] = so.relationship()
    partner: so.Mapped[Partner] = so.relationship()

    @property
    def is_withdrawn(self) -> bool:
        """A withdrawn consent no longer covers anything."""
        return self.withdrawn_on is not None

    def covers_on(self, on: date) -> bool:
        """Tell whether this consent allowed sharing on `on` (given, not yet withdrawn)."""
        return self.given_on <= on and (self.withdrawn_on is None or self.withdrawn_on > on)

    def withdraw(self, *, on: date, reason: str, by: User) -> None:
        """Withdraw the consent from `on`; refuse a second withdrawal."""
        if self.is_withdrawn:
            raise ReferralError(_("This consent was already withdrawn."))
        self.withdrawn_on, self.withdrawn_reason = on, reason
        self.withdrawn_recorded_by_id = by.id


class Referral(db.Model):
    """A mentee sent to a partner's service: why, by whom, and how far it has come."""

    __tablename__ = "referrals"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    mentee_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("mentees.id"), index=True)
    partner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partners.id"), index=True)
    service_kind: so.Mapped[ServiceKind] = so.mapped_column(enum_type(ServiceKind))
    # Why, in a sentence: it goes on the letter to the partner, so nothing else belongs here.
    reason: so.Mapped[str] = so.mapped_column(sa.String(300))
    referred_on: so.Mapped[date]
    proposed_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    status: so.Mapped[ReferralStatus] = so.mapped_column(
        enum_type(ReferralStatus), default=ReferralStatus.PROPOSED, index=True)
    # The day of each move (Lima dates); ended_on is the day it reached its final status.
    sent_on: so.Mapped[date | None]
    accepted_on: so.Mapped[date | None]
    started_on: so.Mapped[date | None]
    ended_on: so.Mapped[date | None]
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    version_id: so.Mapped[int] = so.mapped_column(default=1)

    mentee: so.Mapped[Mentee] = so.relationship()
    partner: so.Mapped[Partner] = so.relationship()
    proposed_by: so.Mapped[User | None] = so.relationship()
    follow_ups: so.Mapped[list[ReferralFollowUp]] = so.relationship(
        back_populates="referral", cascade="all, delete-orphan",
        order_by="ReferralFollowUp.held_on")

    __mapper_args__ = {"version_id_col": version_id}

    def __repr__(self) -> str:
        return f"<Referral {self.id} {self.status}>"

    def can_manage(self, user: User) -> bool:
        """Only staff move a referral, follow it up and print its letter."""
        return user.is_staff

    def can_view(self, user: User) -> bool:
        """Staff see every referral; a mentor those of the mentee of their own active match."""
        return user.is_staff or any(m.status == MatchStatus.ACTIVE and m.is_mentor(user)
                                    for m in self.mentee.matches)

    @property
    def has_ended(self) -> bool:
        """Tell whether the referral reached a final status."""
        return self.status in ENDED_STATUSES

    def refusal(self, action: str) -> str | None:
        """Say why the status does not allow `action`; None if it does."""
        sources, _target, refusal = TRANSITIONS[action]
        return None if self.status in sources else str(refusal)

    def allowed_moves(self) -> list[str]:
        """Return the moves the status allows, in TRANSITIONS' order."""
        return [action for action in TRANSITIONS if self.refusal(action) is None]

    def move(self, action: str, on: date) -> None:
        """Make the move `action` on `on`, dated; raise ReferralError if not allowed."""
        if refusal := self.refusal(action):
            raise ReferralError(refusal)
        target = TRANSITIONS[action][1]
        if target == ReferralStatus.SENT:
            self.sent_on = on
        elif target == ReferralStatus.ACCEPTED:
            self.accepted_on = on
        elif target == ReferralStatus.IN_PROGRESS:
            self.started_on = on
        else:
            self.ended_on = on
        self.status = target

    def follow_up_due_on(self) -> date | None:
        """Return the day the next follow-up is due; None when the referral is not followed.

        Sent or accepted: FOLLOW_UP_SENT_DAYS after it was sent or, if later, after the last
        follow-up. In progress: FOLLOW_UP_IN_PROGRESS_DAYS after it started or after the last
        follow-up, whichever is later. The board's SQL rule (services.overdue_query) agrees.
        """
        last = max((f.held_on for f in self.follow_ups), default=None)
        if self.status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED):
            base, days = self.sent_on, FOLLOW_UP_SENT_DAYS
        elif self.status == ReferralStatus.IN_PROGRESS:
            base, days = self.started_on, FOLLOW_UP_IN_PROGRESS_DAYS
        else:
            return None
        return max(base, last or base) + timedelta(days=days)


def follow_up_overdue(referral: Referral, today: date) -> bool:
    """Tell whether the referral's follow-up is overdue on `today` (a Lima date): past its
    due day, not on it."""
    due = referral.follow_up_due_on()
    return due is not None and today > due


class ReferralFollowUp(db.Model):
    """A coordinator's contact with the partner or family about a referral."""

    __tablename__ = "referral_follow_ups"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    referral_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("referrals.id"))
    held_on: so.Mapped[date]
    by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    notes: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    referral: so.Mapped[Referral] = so.relationship(back_populates="follow_ups")
    by: so.Mapped[User | None] = so.relationship()

    # A referral's latest follow-up in one index step (the board's overdue rule).
    __table_args__ = (sa.Index("ix_referral_follow_ups_referral_id_held_on",
                               "referral_id", "held_on"),)
