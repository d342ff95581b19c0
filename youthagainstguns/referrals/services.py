"""Referral actions: fetching a record for a user, keeping the partner list, recording and
moving referrals, their follow-ups, the guardian's sharing consent and the referral letter.

Services change and flush and write the audit trail (record numbers, never a child's name);
the caller commits once. "today" is a parameter so that tests can move the clock.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from ..audit.services import record
from ..auth.models import User
from ..extensions import db
from ..mentoring.enums import ConsentMethod, MatchStatus
from ..mentoring.models import Match, Mentee
from .enums import FOLLOWED_STATUSES, TRANSITIONS, ReferralStatus, ServiceKind
from .errors import ReferralError
from .models import (
    FOLLOW_UP_IN_PROGRESS_DAYS,
    FOLLOW_UP_SENT_DAYS,
    Partner,
    PartnerDistrict,
    PartnerService,
    Referral,
    ReferralFollowUp,
    SharingConsent,
)

# --- Fetching a record for a user: 404 when missing, 403 when not theirs -------------------

REFERRAL_NEEDS: dict[str, Callable[[Referral, User], bool]] = {
    "view": Referral.can_view,
    "manage": Referral.can_manage,
}


def get_partner_or_404(partner_id: int, *, for_user: User) -> Partner:
    """Fetch a partner, 404 if missing, 403 unless `for_user` keeps the partner list."""
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        abort(404)
    if not partner.can_manage(for_user):
        abort(403)
    return partner


def get_referral_or_404(referral_id: int, *, for_user: User, need: str = "view") -> Referral:
    """Fetch a referral, 404 if missing, 403 if `for_user` lacks the right `need`."""
    # What the rules and the page read: the mentee's matches (a mentor's right), the partner,
    # who proposed it and the follow-ups with who held them.
    loads = (joinedload(Referral.partner), joinedload(Referral.proposed_by),
             joinedload(Referral.mentee).selectinload(Mentee.matches).joinedload(Match.mentor),
             selectinload(Referral.follow_ups).joinedload(ReferralFollowUp.by))
    referral = db.session.scalar(sa.select(Referral).where(Referral.id == referral_id)
                                 .options(*loads))
    if referral is None:
        abort(404)
    if not REFERRAL_NEEDS[need](referral, for_user):
        abort(403)
    return referral


def get_sharing_consent_or_404(consent_id: int, *, for_user: User) -> SharingConsent:
    """Fetch a sharing consent, 404 if missing, 403 unless `for_user` is staff."""
    consent = db.session.get(SharingConsent, consent_id)
    if consent is None:
        abort(404)
    if not consent.mentee.can_edit(for_user):
        abort(403)
    return consent


# --- Partners ------------------------------------------------------------------------------

def partners_query(kind: ServiceKind | None = None, district: str | None = None) -> sa.Select:
    """SQL: partners offering `kind` in `district` (either optional), active ones first, by
    name; their services and districts load in one more statement each, whatever the page."""
    query = sa.select(Partner).options(selectinload(Partner.services),
                                       selectinload(Partner.districts))
    if kind:
        query = query.where(Partner.id.in_(
            sa.select(PartnerService.partner_id).where(PartnerService.kind == kind)))
    if district:
        query = query.where(Partner.id.in_(
            sa.select(PartnerDistrict.partner_id).where(PartnerDistrict.district == district)))
    return query.order_by(Partner.active.desc(), Partner.name, Partner.id)


def save_partner(partner: Partner | None, data: dict, by: User) -> Partner:
    """Create a partner (`partner` None) or update one from the form's `data`."""
    created = partner is None
    partner = partner or Partner()
    for name in ("name", "contact_person", "phone", "email"):
        setattr(partner, name, (data[name] or "").strip())
    partner.set_services(data["services"], data["districts"])
    db.session.add(partner)
    db.session.flush()
    record("partner.create" if created else "partner.update", partner, actor=by)
    return partner


def set_partner_active(partner: Partner, active: bool, by: User) -> None:
    """Deactivate a partner (no new referrals to it) or take it back."""
    partner.active = active
    record("partner.update" if active else "partner.deactivate", partner,
           "active" if active else "", actor=by)


def partner_options() -> list[tuple[int, str]]:
    """Return (id, name) of the active partners, by name, for a select."""
    query = (sa.select(Partner.id, Partner.name).where(Partner.active.is_(True))
             .order_by(Partner.name, Partner.id))
    return [tuple(row) for row in db.session.execute(query)]


# --- Referrals -----------------------------------------------------------------------------

def _refuse_future(day: date, today: date, field: str) -> None:
    if day > today:
        raise ReferralError(_("The date cannot be in the future."), field)


def _active_partner(partner_id: int) -> Partner:
    partner = db.session.get(Partner, partner_id)
    if partner is None or not partner.active:
        raise ReferralError(_("Choose an active partner."), "partner_id")
    return partner


def record_referral(mentee: Mentee, *, partner_id: int, service_kind: ServiceKind, reason: str,
                    referred_on: date, by: User, today: date) -> Referral:
    """Record a referral by staff (proposed; the coordinator marks it sent when it goes)."""
    if mentee.is_anonymised:
        raise ReferralError(_("This record was anonymised."))
    _refuse_future(referred_on, today, "referred_on")
    referral = Referral(mentee=mentee, partner=_active_partner(partner_id),
                        service_kind=service_kind, reason=reason.strip(),
                        referred_on=referred_on, proposed_by_id=by.id,
                        status=ReferralStatus.PROPOSED)
    db.session.add(referral)
    db.session.flush()
    record("referral.create", referral, f"mentee={mentee.id} partner={partner_id} "
           f"kind={service_kind.value}", actor=by)
    return referral


def may_propose(match: Match, user: User) -> bool:
    """Tell whether `user` may propose a referral from `match`: its own mentor, while active."""
    return match.is_mentor(user) and match.status == MatchStatus.ACTIVE


def propose_referral(match: Match, *, partner_id: int, service_kind: ServiceKind, reason: str,
                     by: User, today: date) -> Referral:
    """A mentor's proposal from their active match: recorded as proposed, for staff to send."""
    if not may_propose(match, by):
        raise ReferralError(_("Only the mentor of an active match can propose a referral."))
    referral = Referral(mentee=match.mentee, partner=_active_partner(partner_id),
                        service_kind=service_kind, reason=reason.strip(), referred_on=today,
                        proposed_by_id=by.id, status=ReferralStatus.PROPOSED)
    db.session.add(referral)
    db.session.flush()
    record("referral.create", referral, f"match={match.id} partner={partner_id} "
           f"kind={service_kind.value} proposed by mentor", actor=by)
    return referral


def move_referral(referral: Referral, action: str, *, on: date, by: User, today: date) -> None:
    """Move a referral (see TRANSITIONS) on `on`, dated and audited; refuse illegal moves and
    a date in the future or before the referral."""
    if action not in TRANSITIONS:
        raise ReferralError(_("Unknown action."))
    _refuse_future(on, today, "on")
    if on < referral.referred_on:
        raise ReferralError(_("The date cannot be before the referral."), "on")
    before = referral.status
    referral.move(action, on)
    record("referral.move", referral, f"{before.value}->{referral.status.value} on={on}",
           actor=by)


def add_follow_up(referral: Referral, *, held_on: date, notes: str, by: User,
                  today: date) -> ReferralFollowUp:
    """Record a follow-up of a referral the partner has (sent, accepted or in progress)."""
    if referral.status not in FOLLOWED_STATUSES:
        raise ReferralError(_("Only a sent, accepted or ongoing referral is followed up."))
    _refuse_future(held_on, today, "held_on")
    follow_up = ReferralFollowUp(referral=referral, held_on=held_on, notes=notes.strip(),
                                 by_id=by.id)
    db.session.add(follow_up)
    db.session.flush()
    record("referral.follow_up", referral, f"follow_up={follow_up.id}", actor=by)
    return follow_up


def mentee_referrals(mentee_id: int) -> list[Referral]:
    """A mentee's referrals, newest first, with their partner (one statement)."""
    return list(db.session.scalars(
        sa.select(Referral).where(Referral.mentee_id == mentee_id)
        .options(joinedload(Referral.partner), selectinload(Referral.follow_ups))
        .order_by(Referral.referred_on.desc(), Referral.id.desc())))


# --- The guardian's consent to share data with a partner -----------------------------------

def record_sharing_consent(mentee: Mentee, *, partner_id: int, given_by: str, relation: str,
                           given_on: date, method: ConsentMethod, by: User,
                           today: date) -> SharingConsent:
    """Record a guardian's consent to share the mentee's data with one partner."""
    if mentee.is_anonymised:
        raise ReferralError(_("This record was anonymised."))
    _refuse_future(given_on, today, "given_on")
    if db.session.get(Partner, partner_id) is None:
        raise ReferralError(_("Choose a partner."), "partner_id")
    consent = SharingConsent(mentee=mentee, partner_id=partner_id, given_by=given_by.strip(),
                             relation=relation.strip(), given_on=given_on, method=method,
                             recorded_by_id=by.id)
    db.session.add(consent)
    db.session.flush()
    record("sharing_consent.create", mentee, f"consent={consent.id} partner={partner_id}",
           actor=by)
    return consent


def withdraw_sharing_consent(consent: SharingConsent, *, on: date, reason: str, by: User,
                             today: date) -> None:
    """Withdraw a sharing consent from `on`: no letter to that partner from then on."""
    _refuse_future(on, today, "withdrawn_on")
    if on < consent.given_on:
        raise ReferralError(_("The date cannot be before the consent was given."),
                            "withdrawn_on")
    consent.withdraw(on=on, reason=reason.strip(), by=by)
    record("sharing_consent.withdraw", consent.mentee,
           f"consent={consent.id} partner={consent.partner_id}", actor=by)


def sharing_consents(mentee_id: int) -> list[SharingConsent]:
    """A mentee's sharing consents, newest first, with their partner."""
    return list(db.session.scalars(
        sa.select(SharingConsent).where(SharingConsent.mentee_id == mentee_id)
        .options(joinedload(SharingConsent.partner))
        .order_by(SharingConsent.given_on.desc(), SharingConsent.id.desc())))


def has_sharing_consent(mentee_id: int, partner_id: int, on: date) -> bool:
    """Tell whether a sharing consent for this partner, given and not withdrawn, holds on
    `on`."""
    return db.session.scalar(sa.select(sa.exists().where(
        SharingConsent.mentee_id == mentee_id, SharingConsent.partner_id == partner_id,
        SharingConsent.given_on <= on,
        sa.or_(SharingConsent.withdrawn_on.is_(None), SharingConsent.withdrawn_on > on))))


# --- The referral letter -------------------------------------------------------------------

def letter_refusal(referral: Referral, today: date) -> str | None:
    """Say why no letter may be produced for the referral today; None if one may."""
    if referral.mentee.is_anonymised:
        return _("This record was anonymised.")
    if referral.has_ended:
        return _("This referral has already ended.")
    if not has_sharing_consent(referral.mentee_id, referral.partner_id, today):
        return _("No current guardian consent to share data with this partner: the letter "
                 "cannot be produced.")
    return None


@dataclass(frozen=True)
class Letter:
    """Everything the referral letter says: what the consent covers, and nothing else."""

    number: int
    partner: str
    contact_person: str
    first_name: str
    age: int | None
    district: str
    service: str
    reason: str
    referred_on: date
    coordinator_name: str
    coordinator_email: str
    today: date


def letter_facts(referral: Referral, coordinator: User, today: date) -> Letter:
    """Gather the letter's facts (first name, age, district, the reason, the coordinator's
    contact), refusing without a current sharing consent; audit the letter."""
    if refusal := letter_refusal(referral, today):
        raise ReferralError(refusal)
    mentee = referral.mentee
    record("referral.letter", referral, f"partner={referral.partner_id}", actor=coordinator)
    return Letter(referral.id, referral.partner.name, referral.partner.contact_person,
                  mentee.first_name, mentee.age_on(today), mentee.district,
                  referral.service_kind.label, referral.reason, referral.referred_on,
                  coordinator.full_name, coordinator.email, today)


# --- The board's rule: follow-ups overdue ----------------------------------------------------

def overdue_query(today: date) -> sa.Select:
    """SQL: referrals whose follow-up is overdue on `today`, with the day it fell due (the
    rule of Referral.follow_up_due_on, one row per referral)."""
    last = (sa.select(sa.func.max(ReferralFollowUp.held_on))
            .where(ReferralFollowUp.referral_id == Referral.id).scalar_subquery())
    waiting = Referral.status.in_((ReferralStatus.SENT, ReferralStatus.ACCEPTED))
    base = sa.case((waiting, Referral.sent_on), else_=Referral.started_on)
    since = sa.case((sa.and_(last.is_not(None), last > base), last), else_=base)
    sent_cutoff = today - timedelta(days=FOLLOW_UP_SENT_DAYS)
    progress_cutoff = today - timedelta(days=FOLLOW_UP_IN_PROGRESS_DAYS)
    return (sa.select(Referral.id, since.label("since"))
            .where(Referral.status.in_(FOLLOWED_STATUSES))
            .where(sa.or_(sa.and_(waiting, since < sent_cutoff),
                          sa.and_(Referral.status == ReferralStatus.IN_PROGRESS,
                                  since < progress_cutoff))))
