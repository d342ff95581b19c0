"""Access rules for referrals: staff keep partners and referrals; a mentor sees the referrals
of their own active match and may propose one; school contacts and speakers see nothing.

`add_partner`, `add_referral` and `add_sharing_consent` build records for these rules and for
tests/test_referrals*.py."""
from datetime import timedelta

from youthagainstguns.mentoring.enums import ConsentMethod, MatchStatus
from youthagainstguns.mentoring.models import Match, Mentee, MentorProfile
from youthagainstguns.referrals.enums import ReferralStatus, ServiceKind
from youthagainstguns.referrals.models import Partner, Referral, SharingConsent
from youthagainstguns.timeutil import today_lima

from . import STAFF_ONLY, Allowed, Foreign

STAFF_AND_OWN_MENTOR = Allowed.of("admin", "coordinator", "mentor")  # the world's own match
OWN_MENTOR = Allowed.of("mentor")  # proposing from the match page is the mentor's own act

RULES = {
    "referrals.partners": STAFF_ONLY,
    "referrals.partner_new": STAFF_ONLY,
    "referrals.partner_edit": STAFF_ONLY,
    "referrals.partner_toggle_active": STAFF_ONLY,
    # A mentee's referrals and consents are staff-only, like the mentee's record.
    "referrals.mentee_referrals": STAFF_ONLY,
    "referrals.referral_new": STAFF_ONLY,
    "referrals.match_referrals": STAFF_AND_OWN_MENTOR,
    "referrals.referral_propose": OWN_MENTOR,
    "referrals.referral_detail": STAFF_ONLY,
    "referrals.referral_move": STAFF_ONLY,
    "referrals.referral_follow_up": STAFF_ONLY,
    "referrals.referral_letter": STAFF_ONLY,
    "referrals.sharing_consent_new": STAFF_ONLY,
    "referrals.sharing_consent_withdraw": STAFF_ONLY,
}

FOREIGN = {
    # Another mentor's match, the mentor's own match closed past the closure period, and the
    # mentor's own paused match (referrals are shown only while the match is active).
    "referrals.match_referrals": (
        Foreign("another mentor's match", {"match_id": "other_match_id"}),
        Foreign("the mentor's own match, closed past the closure period",
                {"match_id": "expired_match_id"}),
        Foreign("the mentor's own paused match", {"match_id": "paused_match_id"}),
    ),
    "referrals.referral_propose": (
        Foreign("another mentor's match", {"match_id": "other_match_id"}, allowed=frozenset()),
        Foreign("the mentor's own paused match", {"match_id": "paused_match_id"},
                allowed=frozenset()),
    ),
    # Staff-only, so not required here; tried all the same with another mentor's mentee.
    "referrals.referral_detail": (Foreign("another mentor's mentee's referral",
                                          {"referral_id": "other_referral_id"}),),
}


def add_partner(make, name: str = "Guns to Goods", kinds=(ServiceKind.EMPLOYMENT,),
                districts=("San Juan de Lurigancho",), **fields) -> Partner:
    """Return an active partner offering `kinds` in `districts`."""
    defaults = dict(name=name, contact_person="Marta Salas", phone="014567890",
                    email="marta@partner.example.org")
    partner = Partner(**(defaults | fields))
    partner.set_services(list(kinds), list(districts))
    return make._save(partner)


def add_referral(make, mentee, partner, status=ReferralStatus.PROPOSED, **fields) -> Referral:
    """Return a referral of `mentee` to `partner` recorded 20 days ago."""
    defaults = dict(service_kind=partner.service_kinds[0], reason="Busca formación en oficios",
                    referred_on=today_lima() - timedelta(days=20), status=status)
    return make._save(Referral(mentee=mentee, partner=partner, **(defaults | fields)))


def add_sharing_consent(make, mentee, partner, **fields) -> SharingConsent:
    """Return the guardian's consent, given a week ago, to share data with `partner`."""
    defaults = dict(given_by=mentee.guardian_name, relation=mentee.guardian_relation,
                    given_on=today_lima() - timedelta(days=7), method=ConsentMethod.PAPER)
    return make._save(SharingConsent(mentee=mentee, partner=partner, **(defaults | fields)))


def build(make, world: dict) -> None:
    """A partner, a referral of the world's mentee (of the mentor's active match) with a
    sharing consent, a paused match of the mentor's, and another mentor's mentee's referral."""
    db = make.db
    partner = add_partner(make, "Oficios para la Paz")  # a name with no English words
    mentee = db.session.get(Mentee, world["mentee_id"])
    referral = add_referral(make, mentee, partner)
    world["partner_id"] = partner.id
    world["referral_id"] = referral.id
    world["move"] = "send"
    world["sharing_consent_id"] = add_sharing_consent(make, mentee, partner).id
    other = db.session.get(Match, world["other_match_id"])
    world["other_referral_id"] = add_referral(make, other.mentee, partner).id
    mentor = db.session.get(MentorProfile, world["mentor_id"])
    world["paused_match_id"] = make.match(mentor, make.mentee(), status=MatchStatus.PAUSED).id
