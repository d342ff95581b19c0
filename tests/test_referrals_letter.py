"""The referral letter and the sharing-consent rule, overdue follow-ups on the board and in the
digest (real SMTP sink), and referrals in a mentee's privacy export and anonymisation."""
import io
import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from tests.access.rules_referrals import add_partner, add_referral, add_sharing_consent
from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.mentoring import board, digest
from youthagainstguns.privacy import services as privacy
from youthagainstguns.referrals import services
from youthagainstguns.referrals.enums import ReferralStatus
from youthagainstguns.referrals.models import ReferralFollowUp

MENTOR_NAME = "Carlos Ríos Mendoza"
FOLLOW_UP_NOTES = "zqxnota seguimiento reservado"
REASON = "Quiere formarse en carpintería"


@pytest.fixture
def world(make, today):
    """A 15-year-old mentee of Carlos (active match), referred to Guns to Goods, with a
    follow-up note; no sharing consent yet."""
    mentor_user = make.user(Role.MENTOR, full_name=MENTOR_NAME, email="carlos@example.org")
    mentee = make.mentee(first_name="Valentina", last_names="Huamán Torres",
                         date_of_birth=date(today.year - 15, 1, 2), district="Comas")
    match = make.match(make.mentor(user=mentor_user), mentee, goals="zqxnota metas")
    make.session(match, notes="zqxnota sesión")
    referral = add_referral(make, mentee, add_partner(make), reason=REASON,
                            status=ReferralStatus.SENT, sent_on=today - timedelta(days=3))
    make._save(ReferralFollowUp(referral=referral, held_on=today - timedelta(days=1),
                                notes=FOLLOW_UP_NOTES))
    return {"mentee": mentee, "match": match, "referral": referral}


def _letter(client, referral):
    return client.get(f"/referrals/{referral.id}/letter.pdf")


def _letters(db) -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.action == "referral.letter"))


def test_no_letter_without_the_guardians_sharing_consent(world, client, login_as, db, make):
    """Without a sharing consent for this partner (one for another partner does not count),
    is the letter refused, the page saying so, and nothing audited as sent?"""
    referral = world["referral"]
    add_sharing_consent(make, world["mentee"], add_partner(make, "Otra institución"))
    login_as(Role.COORDINATOR)
    response = _letter(client, referral)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/referrals/{referral.id}")
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert 'data-letter="refused"' in page and "letter.pdf" not in page
    assert _letters(db) == 0


def test_the_letter_holds_only_what_the_consent_covers(world, client, login_as, db, make, today):
    """With the consent, is the letter one page with the first name, age, district, reason and
    the coordinator's contact, and none of the last names, guardian, mentor, notes or the
    speaker programme; and is the download audited without the name?"""
    referral = world["referral"]
    add_sharing_consent(make, world["mentee"], referral.partner)
    coordinator = login_as(Role.COORDINATOR, full_name="Rosa Coordinadora",
                           email="rosa@yag.example.org")
    response = _letter(client, referral)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    for fact in ("Valentina", "15", "Comas", REASON, "Guns to Goods", "Rosa Coordinadora",
                 "rosa@yag.example.org"):
        assert fact in text, fact
    mentee = world["mentee"]
    for secret in ("Huamán", "Torres", mentee.guardian_name, mentee.guardian_phone, "Carlos",
                   "Ríos", FOLLOW_UP_NOTES, "zqxnota", "ponente", "Ponente", "speaker"):
        assert secret not in text, secret
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "referral.letter")).all()
    assert [(e.object_id, e.actor_id) for e in events] == [(referral.id, coordinator.id)]
    assert "Valentina" not in events[0].summary


def test_withdrawing_the_consent_stops_new_letters(world, client, login_as, db, make, today):
    """Once the guardian withdraws the sharing consent (from today), is the next letter
    refused, while the withdrawal keeps the record?"""
    referral = world["referral"]
    consent = add_sharing_consent(make, world["mentee"], referral.partner)
    login_as(Role.COORDINATOR)
    assert _letter(client, referral).status_code == 200
    page = client.get(f"/referrals/consents/{consent.id}/withdraw").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(f"/referrals/consents/{consent.id}/withdraw", data={
        "csrf_token": token, "withdrawn_on": today.isoformat(), "reason": "Lo pidió la madre"})
    assert response.status_code == 302
    db.session.refresh(consent)
    assert consent.withdrawn_on == today
    assert _letter(client, referral).status_code == 302
    assert _letters(db) == 1
    assert not services.has_sharing_consent(world["mentee"].id, referral.partner_id, today)
    assert services.has_sharing_consent(world["mentee"].id, referral.partner_id,
                                        today - timedelta(days=1))


def test_a_sharing_consent_is_recorded_for_one_partner(world, client, login_as, db, today):
    """Does the consent form record a consent naming the partner, after which the letter can
    be produced?"""
    referral = world["referral"]
    login_as(Role.COORDINATOR)
    url = f"/referrals/mentees/{world['mentee'].id}/consents/new"
    page = client.get(f"{url}?partner_id={referral.partner_id}").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(url, data={
        "csrf_token": token, "partner_id": referral.partner_id, "given_by": "Rosa Mamani",
        "relation": "Madre", "given_on": today.isoformat(), "method": "paper"})
    assert response.status_code == 302
    assert services.has_sharing_consent(world["mentee"].id, referral.partner_id, today)
    assert _letter(client, referral).status_code == 200


# --- The board and the digest -------------------------------------------------------------------

def _overdue(make, today):
    """A referral sent 20 days ago and never followed up."""
    mentee = make.mentee(first_name="Valentina", last_names="Huamán Torres")
    return add_referral(make, mentee, add_partner(make), status=ReferralStatus.SENT,
                        referred_on=today - timedelta(days=25), sent_on=today - timedelta(days=20))


def test_overdue_follow_ups_are_on_the_mentoring_board(make, client, login_as, today):
    """Does the board list a referral whose follow-up is overdue, linking to it, and count it
    in its summary; does the rule's own page list it too?"""
    referral = _overdue(make, today)
    add_referral(make, make.mentee(), referral.partner, status=ReferralStatus.SENT,
                 sent_on=today - timedelta(days=5))  # not due yet
    assert board.rule_counts(today)["referral_follow_ups"] == 1
    login_as(Role.COORDINATOR)
    html = client.get("/mentoring/").get_data(as_text=True)
    group = html[html.index('id="referral_follow_ups-h"'):]
    group = group[:group.index("</section>")]
    assert f'href="/referrals/{referral.id}"' in group
    assert 'href="#referral_follow_ups-h"><span class="badge badge-warn">1</span>' in html
    page = client.get("/mentoring/board/referral_follow_ups").get_data(as_text=True)
    assert f'href="/referrals/{referral.id}"' in page


def test_the_board_shows_an_empty_referral_rule_as_one_line(client, login_as):
    """With nothing overdue, does the referral group say so in its one line?"""
    login_as(Role.COORDINATOR, locale="en")
    html = client.get("/mentoring/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No referral follow-ups overdue." in html


def test_the_digest_counts_overdue_follow_ups_without_names(make, db, smtp, run_jobs, today):
    """With only an overdue referral follow-up, is the digest mailed to staff, with its line
    and no child's name?"""
    make.user(Role.COORDINATOR, email="coord.en@example.org", locale="en")
    _overdue(make, today)
    db.session.commit()
    assert digest.digest_counts(today)["referral_follow_ups"] == 1
    assert digest.daily_digest.func() == 1
    assert run_jobs.run_all() == 1
    (message,) = smtp.messages
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Referral follow-ups overdue: 1" in text
    assert "Referral follow-ups overdue: 1" in html
    for body in (text, html):
        for word in ("Valentina", "Huamán", "Huam&aacute;n", "Torres", "Guns to Goods"):
            assert word not in body


# --- Privacy ------------------------------------------------------------------------------------

def test_the_export_holds_the_referrals_follow_ups_and_sharing_consents(world, make, client,
                                                                      login_as):
    """Does a mentee's privacy export hold their referrals (with the partner's name), the
    follow-ups and the sharing consents?"""
    consent = add_sharing_consent(make, world["mentee"], world["referral"].partner)
    login_as(Role.COORDINATOR)
    response = client.get(f"/privacy/mentees/{world['mentee'].id}/export.json")
    sections = json.loads(response.data)["sections"]
    (referral,) = sections["referrals"]
    assert (referral["reason"], referral["partner"], referral["status"]) == (
        REASON, "Guns to Goods", "sent")
    assert [f["notes"] for f in sections["referral_follow_ups"]] == [FOLLOW_UP_NOTES]
    assert [c["id"] for c in sections["sharing_consents"]] == [consent.id]


def test_anonymising_clears_the_referrals_free_text_and_keeps_the_outcome(
        world, make, db, today, english_request):
    """After anonymisation, are the reason, follow-up notes and consent names empty, while
    kind, status and dates stay for the figures; and is no letter possible any more?"""
    from youthagainstguns.mentoring.enums import ClosureReason, ClosureType

    referral = world["referral"]
    consent = add_sharing_consent(make, world["mentee"], referral.partner)
    world["match"].close(closed_on=today, closure_type=ClosureType.PLANNED,
                         reason=ClosureReason.COMPLETED_TERM, exit_notes="", rematch=False,
                         by=make.user())
    privacy.anonymise_mentee(world["mentee"], privacy.Reason.GUARDIAN)
    db.session.commit()
    db.session.refresh(referral)
    db.session.refresh(consent)
    assert referral.reason == "" and [f.notes for f in referral.follow_ups] == [""]
    assert (consent.given_by, consent.relation) == ("", "")
    assert (referral.status, referral.sent_on, referral.service_kind) == (
        ReferralStatus.SENT, today - timedelta(days=3), referral.partner.service_kinds[0])
    assert services.letter_refusal(referral, today) == "This record was anonymised."
