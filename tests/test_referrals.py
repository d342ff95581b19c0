"""Referrals to partner services: the lifecycle and its refusals, follow-ups due in Lima time,
the sharing-consent rule, the partner list, access by role and the privacy export."""
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.access.rules_referrals import add_partner, add_referral, add_sharing_consent
from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.mentoring.enums import MatchStatus
from youthagainstguns.referrals import services
from youthagainstguns.referrals.enums import ReferralStatus, ServiceKind
from youthagainstguns.referrals.errors import ReferralError
from youthagainstguns.referrals.models import Partner, Referral, ReferralFollowUp, follow_up_overdue
from youthagainstguns.timeutil import to_lima

S = ReferralStatus


def _events(db, action: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                              .order_by(AuditEvent.id)).all()


@pytest.fixture
def referral(make, today):
    """A proposed referral of a mentee (Lucía Quispe Mamani) to Guns to Goods."""
    return add_referral(make, make.mentee(), add_partner(make))


# --- The lifecycle ---------------------------------------------------------------------------

def test_a_referral_moves_through_its_lifecycle_each_move_dated_and_audited(
        referral, make, db, today, english_request):
    """Does proposed → sent → accepted → in progress → completed date each move and audit it
    with numbers only, never the young person's name?"""
    coordinator = make.user(Role.COORDINATOR)
    days = {action: today - timedelta(days=n)
            for action, n in (("send", 10), ("accept", 8), ("start", 5), ("complete", 0))}
    for action, on in days.items():
        services.move_referral(referral, action, on=on, by=coordinator, today=today)
    db.session.commit()
    assert referral.status == S.COMPLETED
    assert (referral.sent_on, referral.accepted_on, referral.started_on, referral.ended_on) == \
        tuple(days.values())
    moves = _events(db, "referral.move")
    assert [e.summary.split(" ")[0] for e in moves] == [
        "proposed->sent", "sent->accepted", "accepted->in_progress", "in_progress->completed"]
    assert all(e.actor_id == coordinator.id and e.object_id == referral.id for e in moves)
    assert not any(word in e.summary for e in moves for word in ("Lucía", "Quispe"))


@pytest.mark.parametrize(("status", "action"), [
    (S.PROPOSED, "accept"), (S.PROPOSED, "complete"), (S.SENT, "start"),
    (S.ACCEPTED, "decline"), (S.IN_PROGRESS, "no_show"), (S.COMPLETED, "withdraw"),
    (S.DECLINED, "send"), (S.WITHDRAWN, "withdraw"),
])
def test_illegal_moves_are_refused_with_a_message(make, db, today, english_request, status,
                                                  action):
    """Is a move its status does not allow refused, saying why, with nothing changed?"""
    referral = add_referral(make, make.mentee(), add_partner(make), status=status)
    with pytest.raises(ReferralError) as refused:
        services.move_referral(referral, action, on=today, by=make.user(), today=today)
    assert refused.value.message
    assert referral.status == status
    assert _events(db, "referral.move") == []


def test_a_move_cannot_be_dated_in_the_future_or_before_the_referral(referral, make, today,
                                                                     english_request):
    """Is a move dated tomorrow, or before the referral was made, refused by its field?"""
    for on in (today + timedelta(days=1), referral.referred_on - timedelta(days=1)):
        with pytest.raises(ReferralError) as refused:
            services.move_referral(referral, "send", on=on, by=make.user(), today=today)
        assert refused.value.field == "on"
    assert referral.status == S.PROPOSED


def test_the_referral_page_moves_it_and_refuses_an_illegal_move(referral, client, login_as, db,
                                                                today):
    """Does the page's POST send the referral on the date typed, and a POST of a move the
    status does not allow leave it as it was?"""
    login_as(Role.COORDINATOR)
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert f"/referrals/{referral.id}/move/send" in page
    assert f"/referrals/{referral.id}/move/complete" not in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    on = today - timedelta(days=2)
    response = client.post(f"/referrals/{referral.id}/move/complete",
                           data={"csrf_token": token, "on": on.isoformat()})
    assert response.status_code == 302
    db.session.refresh(referral)
    assert referral.status == S.PROPOSED
    response = client.post(f"/referrals/{referral.id}/move/send",
                           data={"csrf_token": token, "on": on.isoformat()})
    assert response.status_code == 302
    db.session.refresh(referral)
    assert (referral.status, referral.sent_on) == (S.SENT, on)
    assert client.post(f"/referrals/{referral.id}/move/fly",
                       data={"csrf_token": token}).status_code == 404


# --- Follow-ups due ----------------------------------------------------------------------------

SENT = date(2026, 11, 2)


@pytest.mark.parametrize(("today", "overdue"), [
    (SENT + timedelta(days=14), False), (SENT + timedelta(days=15), True)])
def test_a_follow_up_is_overdue_14_days_after_sending(make, today, overdue):
    """Is a sent referral's follow-up due on day 14, and overdue from day 15?"""
    referral = add_referral(make, make.mentee(), add_partner(make), status=S.SENT,
                            referred_on=SENT, sent_on=SENT)
    assert referral.follow_up_due_on() == SENT + timedelta(days=14)
    assert follow_up_overdue(referral, today) is overdue
    assert _overdue_ids(today) == ({referral.id} if overdue else set())


def test_a_follow_up_while_waiting_moves_the_due_day(make, db):
    """After a follow-up on day 10, is the next one due 14 days after it, not after sending?"""
    referral = add_referral(make, make.mentee(), add_partner(make), status=S.ACCEPTED,
                            referred_on=SENT, sent_on=SENT, accepted_on=SENT)
    make._save(ReferralFollowUp(referral=referral, held_on=SENT + timedelta(days=10), notes="x"))
    db.session.refresh(referral)
    assert referral.follow_up_due_on() == SENT + timedelta(days=24)
    assert not follow_up_overdue(referral, SENT + timedelta(days=24))
    assert _overdue_ids(SENT + timedelta(days=24)) == set()
    assert follow_up_overdue(referral, SENT + timedelta(days=25))
    assert _overdue_ids(SENT + timedelta(days=25)) == {referral.id}


STARTED = date(2026, 10, 1)


@pytest.mark.parametrize(("follow_up", "due"), [
    (None, STARTED + timedelta(days=30)),  # from the start
    (STARTED - timedelta(days=3), STARTED + timedelta(days=30)),  # one before it started
    (STARTED + timedelta(days=20), STARTED + timedelta(days=50)),  # from the last one
])
def test_while_in_progress_a_follow_up_is_due_every_30_days(make, db, follow_up, due):
    """In progress, is a follow-up due 30 days after the start or the last follow-up
    (whichever is later), overdue the day after, in Python and in the board's SQL alike?"""
    referral = add_referral(make, make.mentee(), add_partner(make), status=S.IN_PROGRESS,
                            referred_on=STARTED - timedelta(days=20),
                            sent_on=STARTED - timedelta(days=20), started_on=STARTED)
    if follow_up:
        make._save(ReferralFollowUp(referral=referral, held_on=follow_up, notes="x"))
        db.session.refresh(referral)
    assert referral.follow_up_due_on() == due
    assert not follow_up_overdue(referral, due)
    assert _overdue_ids(due) == set()
    assert follow_up_overdue(referral, due + timedelta(days=1))
    assert _overdue_ids(due + timedelta(days=1)) == {referral.id}


def test_the_threshold_falls_at_midnight_in_lima_not_utc(make):
    """At 04:30 UTC on day 16 it is still day 15 in Lima: not overdue yet; at 05:30 UTC it is
    day 16 in Lima, and the follow-up sent on day 1 is overdue."""
    referral = add_referral(make, make.mentee(), add_partner(make), status=S.SENT,
                            referred_on=date(2026, 12, 1), sent_on=date(2026, 12, 1))
    before = to_lima(datetime(2026, 12, 16, 4, 30, tzinfo=UTC)).date()
    after = to_lima(datetime(2026, 12, 16, 5, 30, tzinfo=UTC)).date()
    assert (before, after) == (date(2026, 12, 15), date(2026, 12, 16))
    assert not follow_up_overdue(referral, before) and _overdue_ids(before) == set()
    assert follow_up_overdue(referral, after) and _overdue_ids(after) == {referral.id}


@pytest.mark.parametrize("status", [S.PROPOSED, S.COMPLETED, S.DECLINED, S.WITHDRAWN])
def test_referrals_not_with_the_partner_are_never_due(make, status):
    """Is nothing due for a referral not sent yet or already ended?"""
    referral = add_referral(make, make.mentee(), add_partner(make), status=status,
                            referred_on=SENT, sent_on=SENT, ended_on=SENT)
    assert referral.follow_up_due_on() is None
    assert _overdue_ids(SENT + timedelta(days=100)) == set()


def _overdue_ids(today: date) -> set[int]:
    from youthagainstguns.extensions import db

    return set(db.session.scalars(sa.select(services.overdue_query(today).subquery().c.id)))


def test_a_follow_up_is_recorded_from_the_referral_page(make, client, login_as, db, today):
    """Does the follow-up form record the contact, and is one refused on a proposed one?"""
    referral = add_referral(make, make.mentee(), add_partner(make), status=S.SENT,
                            sent_on=today - timedelta(days=16))
    login_as(Role.COORDINATOR)
    page = client.get(f"/referrals/{referral.id}").get_data(as_text=True)
    assert 'data-follow-up="overdue"' in page
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(f"/referrals/{referral.id}/follow-ups", data={
        "csrf_token": token, "held_on": today.isoformat(), "notes": "Llamé a la institución"})
    assert response.status_code == 302
    db.session.refresh(referral)
    assert [f.notes for f in referral.follow_ups] == ["Llamé a la institución"]
    assert not follow_up_overdue(referral, today)
    proposed = add_referral(make, make.mentee(), referral.partner)
    client.post(f"/referrals/{proposed.id}/follow-ups", data={
        "csrf_token": token, "held_on": today.isoformat(), "notes": "x"})
    db.session.refresh(proposed)
    assert proposed.follow_ups == []


# --- Recording and proposing ------------------------------------------------------------------

def test_a_coordinator_records_a_referral_from_the_mentees_page(make, client, login_as, db,
                                                               today):
    """Is the referral form linked from the mentee's page, and does it record a proposed
    referral by the coordinator; is a missing reason refused beside its field?"""
    mentee, partner = make.mentee(), add_partner(make)
    coordinator = login_as(Role.COORDINATOR)
    assert f"/referrals/mentees/{mentee.id}" in client.get(
        f"/mentoring/mentees/{mentee.id}").get_data(as_text=True)
    page = client.get(f"/referrals/mentees/{mentee.id}/new").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    data = {"csrf_token": token, "service_kind": "employment", "partner_id": partner.id,
            "reason": "", "referred_on": today.isoformat()}
    page = client.post(f"/referrals/mentees/{mentee.id}/new", data=data)
    assert page.status_code == 200 and 'id="reason-error"' in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Referral.id))) == 0
    response = client.post(f"/referrals/mentees/{mentee.id}/new",
                           data=data | {"reason": "Quiere aprender carpintería"})
    assert response.status_code == 302
    referral = db.session.scalar(sa.select(Referral))
    assert (referral.status, referral.proposed_by_id, referral.service_kind) == \
        (S.PROPOSED, coordinator.id, ServiceKind.EMPLOYMENT)
    listing = client.get(f"/referrals/mentees/{mentee.id}").get_data(as_text=True)
    assert f'data-referral="{referral.id}"' in listing


def test_a_mentor_proposes_from_their_active_match_and_sees_its_referrals(
        make, client, login_as, db, today):
    """Can a mentor propose a referral from their own active match (proposed, by them), see
    the mentee's referrals there without the reason, and not open the referral itself?"""
    user = login_as(Role.MENTOR)
    match = make.match(make.mentor(user=user), make.mentee())
    partner = add_partner(make)
    earlier = add_referral(make, match.mentee, partner, reason="Motivo reservado")
    html = client.get(f"/mentoring/matches/{match.id}").get_data(as_text=True)
    assert f"/referrals/matches/{match.id}" in html
    page = client.get(f"/referrals/matches/{match.id}").get_data(as_text=True)
    assert f'data-referral="{earlier.id}"' in page and "Motivo reservado" not in page
    assert f"/referrals/matches/{match.id}/propose" in page
    form = client.get(f"/referrals/matches/{match.id}/propose").get_data(as_text=True)
    token = form.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(f"/referrals/matches/{match.id}/propose", data={
        "csrf_token": token, "service_kind": "psychological", "partner_id": partner.id,
        "reason": "Duerme mal desde el robo"})
    assert response.status_code == 302
    proposed = db.session.scalar(sa.select(Referral).where(Referral.id != earlier.id))
    assert (proposed.status, proposed.proposed_by_id, proposed.referred_on) == \
        (S.PROPOSED, user.id, today)
    assert client.get(f"/referrals/{proposed.id}").status_code == 403


@pytest.mark.parametrize("status", [MatchStatus.PAUSED, MatchStatus.PROPOSED])
def test_a_mentor_cannot_propose_or_see_referrals_unless_the_match_is_active(
        make, client, login_as, status):
    """Is a mentor refused the referrals of their own match while it is not active?"""
    user = login_as(Role.MENTOR)
    match = make.match(make.mentor(user=user), make.mentee(), status=status)
    assert client.get(f"/referrals/matches/{match.id}").status_code == 403
    assert client.get(f"/referrals/matches/{match.id}/propose").status_code == 403
    assert "/referrals/matches/" not in client.get(
        f"/mentoring/matches/{match.id}").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.MENTOR, Role.SCHOOL, Role.SPEAKER])
def test_others_see_nothing_of_someone_elses_referrals(make, client, login_as, role):
    """Is another mentor's match's referrals page, and every staff page, refused (403) to a
    mentor, a school contact and a speaker?"""
    match = make.match(make.mentor(), make.mentee())
    referral = add_referral(make, match.mentee, add_partner(make))
    consent = add_sharing_consent(make, match.mentee, referral.partner)
    login_as(role)
    for url in (f"/referrals/matches/{match.id}", f"/referrals/matches/{match.id}/propose",
                f"/referrals/{referral.id}", f"/referrals/{referral.id}/letter.pdf",
                f"/referrals/mentees/{match.mentee_id}", "/referrals/partners",
                f"/referrals/partners/{referral.partner_id}/edit",
                f"/referrals/consents/{consent.id}/withdraw"):
        assert client.get(url).status_code == 403, url


def test_a_proposal_to_an_inactive_partner_is_refused(make, db, today, english_request):
    """Is a referral to a deactivated partner refused by the partner field?"""
    user = make.user(Role.MENTOR)
    match = make.match(make.mentor(user=user), make.mentee())
    partner = add_partner(make, active=False)
    with pytest.raises(ReferralError) as refused:
        services.propose_referral(match, partner_id=partner.id, service_kind=ServiceKind.OTHER,
                                  reason="x", by=user, today=today)
    assert refused.value.field == "partner_id"


# --- The partner list ---------------------------------------------------------------------------

def test_the_partner_list_filters_by_service_and_district(make, client, login_as):
    """Does the list show only the partners offering the chosen service in the chosen
    district?"""
    jobs = add_partner(make, "Guns to Goods", [ServiceKind.EMPLOYMENT, ServiceKind.EDUCATION],
                       ["Comas", "Callao"])
    minds = add_partner(make, "Mentes Sanas", [ServiceKind.PSYCHOLOGICAL], ["Comas"])
    law = add_partner(make, "Defensoría Joven", [ServiceKind.LEGAL], ["Callao"])
    login_as(Role.COORDINATOR)

    def shown(query=""):
        html = client.get(f"/referrals/partners{query}").get_data(as_text=True)
        return {p.id for p in (jobs, minds, law) if f'data-partner="{p.id}"' in html}

    assert shown() == {jobs.id, minds.id, law.id}
    assert shown("?kind=employment") == {jobs.id}
    assert shown("?district=Comas") == {jobs.id, minds.id}
    assert shown("?kind=legal&district=Comas") == set()
    assert shown("?kind=nonsense") == {jobs.id, minds.id, law.id}


def test_the_partner_list_runs_the_same_statements_for_2_or_20_partners(
        make, client, login_as, count_queries):
    """Does the partner list's statement count stay the same whatever the number shown?"""
    login_as(Role.COORDINATOR)

    def statements():
        with count_queries() as counter:
            assert client.get("/referrals/partners").status_code == 200
        return counter["n"]

    for n in range(2):
        add_partner(make, f"Socio {n}", [ServiceKind.EDUCATION, ServiceKind.HEALTH],
                    ["Comas", "Ate"])
    few = statements()
    for n in range(18):
        add_partner(make, f"Otro {n}", [ServiceKind.FAMILY], ["Ate"])
    assert statements() == few <= 8


def test_a_partner_is_created_edited_and_deactivated(make, client, login_as, db):
    """Does the form refuse a partner without services beside the field, save one with them,
    change it, and does deactivating take it out of the referral form's choices?"""
    login_as(Role.COORDINATOR)
    page = client.get("/referrals/partners/new").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    data = {"csrf_token": token, "name": "Taller Abierto", "contact_person": "Ana Ruiz",
            "phone": "987000111", "email": "ana@taller.example.org", "districts": ["Comas"]}
    refused = client.post("/referrals/partners/new", data=data)
    assert refused.status_code == 200 and 'id="services-error"' in refused.get_data(as_text=True)
    assert client.post("/referrals/partners/new",
                       data=data | {"services": ["education", "other"]}).status_code == 302
    partner = db.session.scalar(sa.select(Partner))
    assert (partner.service_kinds, partner.district_names) == (
        [ServiceKind.EDUCATION, ServiceKind.OTHER], ["Comas"])
    edit = client.get(f"/referrals/partners/{partner.id}/edit").get_data(as_text=True)
    assert '<input checked id="services-0" name="services"' in edit  # education
    client.post(f"/referrals/partners/{partner.id}/edit",
                data=data | {"services": ["legal"], "districts": ["Ate", "Comas"]})
    db.session.refresh(partner)
    assert (partner.service_kinds, partner.district_names) == ([ServiceKind.LEGAL],
                                                               ["Ate", "Comas"])
    mentee = make.mentee()
    form = f"/referrals/mentees/{mentee.id}/new"
    assert f'value="{partner.id}"' in client.get(form).get_data(as_text=True)
    client.post(f"/referrals/partners/{partner.id}/active", data={"csrf_token": token})
    db.session.refresh(partner)
    assert partner.active is False
    assert f'value="{partner.id}"' not in client.get(form).get_data(as_text=True)
    assert [e.action for e in db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.object_type == "Partner").order_by(AuditEvent.id))] == [
        "partner.create", "partner.update", "partner.deactivate"]


def test_a_mentees_referrals_page_runs_the_same_statements_for_1_or_8_referrals(
        make, client, login_as, count_queries, today):
    """Does the mentee's referrals page read its referrals, partners, follow-ups and consents
    in a fixed number of statements?"""
    mentee, partner = make.mentee(), add_partner(make)
    login_as(Role.COORDINATOR)

    def statements():
        with count_queries() as counter:
            assert client.get(f"/referrals/mentees/{mentee.id}").status_code == 200
        return counter["n"]

    def add(n):
        for _ in range(n):
            referral = add_referral(make, mentee, add_partner(make), status=S.SENT,
                                    sent_on=today - timedelta(days=20))
            make._save(ReferralFollowUp(referral=referral, held_on=today, notes="x"))
            add_sharing_consent(make, mentee, referral.partner)

    add_sharing_consent(make, mentee, partner)
    add(1)
    few = statements()
    add(7)
    assert statements() == few
