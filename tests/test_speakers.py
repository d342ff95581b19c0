"""Speakers: profile, restricted legal identity, vetting, conditions and unavailability."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.speakers.models import (
    Speaker,
    SpeakerExcludedDistrict,
    SpeakerUnavailability,
    VettingDecision,
)
from youthagainstguns.speakers.services import VettingState, vetting_state


def _form(today, **overrides) -> dict:
    data = {
        "alias": "Hermano Lucho", "legal_name": "Luis Alberto Quispe Mamani",
        "phone": "987 654 321", "email": "lucho@example.org", "bio": "Dejó la pandilla en 2015.",
        "topics": "prevención, cultura de paz", "languages": "Español, quechua", "active": "y",
        "vetting_decision": "approved", "vetting_date": today.isoformat(),
        "vetting_renewal_on": (today + timedelta(days=365)).isoformat(),
        "requires_teacher_present": "y", "conditions_notes": "",
        "excluded_districts": ["Comas", "Callao"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _post(client, auth, url, data, form_page="/speakers/new"):
    return client.post(url, data={**data, "csrf_token": auth.csrf_token(form_page)})


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_coordinator_creates_a_vetted_speaker(client, auth, login_as, db, today):
    """Is a new speaker saved with conditions, and is the coordinator recorded as reviewer?"""
    coordinator = login_as(Role.COORDINATOR)
    response = _post(client, auth, "/speakers/new", _form(today))
    speaker = db.session.scalar(sa.select(Speaker))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/speakers/{speaker.id}")
    assert speaker.legal_name == "Luis Alberto Quispe Mamani"
    assert speaker.vetting_reviewer_id == coordinator.id
    assert speaker.requires_teacher_present and not speaker.group_settings_only
    assert speaker.excluded_district_names == ["Callao", "Comas"]
    assert vetting_state(speaker, today) == VettingState.VALID


@pytest.mark.parametrize(("field", "value", "message"), [
    ("alias", "", "Este campo es obligatorio."),
    ("legal_name", "", "Este campo es obligatorio."),
    ("email", "no-es-correo", "Email inválido"),
    ("vetting_renewal_on", "", "necesita la fecha"),
    ("excluded_districts", ["Narnia"], "no es una opción válida"),
])
def test_invalid_speaker_is_refused_next_to_the_field(client, auth, login_as, db, today, field,
                                                      value, message):
    """Is a bad field explained next to that field, in Spanish, with nothing saved?"""
    login_as(Role.COORDINATOR)
    response = _post(client, auth, "/speakers/new", _form(today, **{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page.split(f'id="{field}-error"')[1][:300]
    assert _count(db, Speaker) == 0


def test_alias_is_unique_whatever_the_case(client, auth, login_as, make, db, today):
    """Can two speakers share one alias, written in different case?"""
    make.speaker(alias="Hermano Lucho")
    login_as(Role.COORDINATOR)
    page = _post(client, auth, "/speakers/new", _form(today, alias="hermano lucho")
                 ).get_data(as_text=True)
    assert "Otro ponente ya usa este alias." in page.split('id="alias-error"')[1][:200]
    assert _count(db, Speaker) == 1


def test_edit_changes_districts_and_records_new_reviewer(client, auth, login_as, make, db, today):
    """Does editing replace the excluded districts and record who changed the decision?"""
    speaker = make.speaker(alias="El Flaco", vetting_decision=VettingDecision.PENDING,
                           vetting_renewal_on=None, vetting_date=None)
    speaker.excluded_districts.append(SpeakerExcludedDistrict(district="Ate"))
    db.session.commit()
    admin = login_as(Role.ADMIN)
    page = f"/speakers/{speaker.id}/edit"
    response = _post(client, auth, page, _form(today, alias="El Flaco", vetting_date="",
                                               excluded_districts=["Rímac"]), page)
    assert response.status_code == 302
    db.session.refresh(speaker)
    assert speaker.excluded_district_names == ["Rímac"]
    assert speaker.vetting_decision == VettingDecision.APPROVED
    assert (speaker.vetting_reviewer_id, speaker.vetting_date) == (admin.id, today)
    assert "vetting pending->approved" in db.session.scalars(
        sa.select(AuditEvent.summary).where(AuditEvent.action == "speaker.update")).one()


def test_detail_view_is_audited_and_shows_identity_to_staff(client, login_as, make, db):
    """Does opening a speaker's file show the legal name to staff and write an audit row?"""
    speaker = make.speaker(legal_name="Juan Pérez Huamán")
    user = login_as(Role.COORDINATOR)
    page = client.get(f"/speakers/{speaker.id}").get_data(as_text=True)
    assert "Juan Pérez Huamán" in page
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "speaker.view_identity")).one()
    assert (event.object_type, event.object_id, event.actor_id) == ("Speaker", speaker.id,
                                                                    user.id)


@pytest.mark.parametrize("role", [Role.SCHOOL, Role.MENTOR, Role.SPEAKER])
def test_non_staff_never_see_the_legal_name(client, login_as, make, db, role):
    """Can a school contact, mentor or the speaker's own account reach the legal name?"""
    speaker = make.speaker(legal_name="Juan Pérez Huamán", phone="999111222")
    user = login_as(role)
    if role == Role.SPEAKER:
        speaker.user_id = user.id
        db.session.commit()
    for url in ("/speakers/", "/speakers/new", f"/speakers/{speaker.id}",
                f"/speakers/{speaker.id}/edit"):
        response = client.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 403, url
        assert "Juan Pérez Huamán" not in body and "999111222" not in body, url
    assert not db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.action.not_like("auth.%"))).all()  # the login's own line aside


def test_list_shows_vetting_badges_and_filters(client, login_as, make, today):
    """Does the list show each vetting state, hide the legal name and filter by state?"""
    make.speaker(alias="Vigente", legal_name="Nombre Secreto Uno")
    make.speaker(alias="Por Vencer", vetting_renewal_on=today + timedelta(days=10))
    make.speaker(alias="Vencido", vetting_renewal_on=today - timedelta(days=1))
    make.speaker(alias="Inactivo", active=False)
    login_as(Role.COORDINATOR)
    page = client.get("/speakers/").get_data(as_text=True)
    assert "Nombre Secreto Uno" not in page
    for label in ("Verificación vigente", "Verificación por vencer", "Verificación vencida"):
        assert label in page
    active = client.get("/speakers/?show=active").get_data(as_text=True)
    assert "Vigente" in active and "Inactivo" not in active
    assert "Por Vencer" in client.get("/speakers/?q=por").get_data(as_text=True)


@pytest.mark.parametrize(("decision", "renewal_days", "state"), [
    (VettingDecision.APPROVED, 31, VettingState.VALID),
    (VettingDecision.APPROVED, 30, VettingState.EXPIRING),
    (VettingDecision.APPROVED, 0, VettingState.EXPIRING),
    (VettingDecision.APPROVED, -1, VettingState.LAPSED),
    (VettingDecision.PENDING, 100, VettingState.PENDING),
    (VettingDecision.REJECTED, 100, VettingState.REJECTED),
])
def test_vetting_state(make, today, decision, renewal_days, state):
    """Is vetting valid, expiring within 30 days, lapsed, pending or rejected as expected?"""
    speaker = make.speaker(vetting_decision=decision,
                           vetting_renewal_on=today + timedelta(days=renewal_days))
    assert vetting_state(speaker, today) == state


def test_archive_and_unarchive(client, auth, login_as, make, db):
    """Does archiving hide a speaker from the current list, and unarchiving bring them back?"""
    speaker = make.speaker(alias="Archivable")
    login_as(Role.COORDINATOR)
    page = f"/speakers/{speaker.id}"
    assert _post(client, auth, f"{page}/archive", {}, page).status_code == 302
    db.session.refresh(speaker)
    assert speaker.archived_at is not None
    assert "Archivable" not in client.get("/speakers/").get_data(as_text=True)
    assert "Archivable" in client.get("/speakers/?show=archived").get_data(as_text=True)
    assert _post(client, auth, f"{page}/unarchive", {}, page).status_code == 302
    db.session.refresh(speaker)
    assert speaker.archived_at is None


def test_unavailability_is_entered_in_lima_time_and_deleted(client, auth, login_as, make, db):
    """Is a period typed in Lima time stored in UTC, is a reversed one refused, and deletable?"""
    speaker = make.speaker()
    login_as(Role.COORDINATOR)
    page = f"/speakers/{speaker.id}"
    reversed_period = {"starts_at": "2027-03-10T18:00", "ends_at": "2027-03-10T09:00",
                       "reason": "Viaje"}
    response = _post(client, auth, f"{page}/unavailability", reversed_period, page)
    assert "debe ser posterior" in response.get_data(as_text=True).split(
        'id="ends_at-error"')[1][:200]
    assert _count(db, SpeakerUnavailability) == 0
    response = _post(client, auth, f"{page}/unavailability",
                     {**reversed_period, "ends_at": "2027-03-12T20:30"}, page)
    assert response.status_code == 302
    period = db.session.scalar(sa.select(SpeakerUnavailability))
    assert period.starts_at == datetime(2027, 3, 10, 23, 0, tzinfo=UTC)  # Lima is UTC-5
    assert period.ends_at == datetime(2027, 3, 13, 1, 30, tzinfo=UTC)
    assert "10/03/2027 18:00" in client.get(page).get_data(as_text=True)
    other = make.speaker()
    wrong = _post(client, auth, f"/speakers/{other.id}/unavailability/{period.id}/delete", {},
                  page)
    assert wrong.status_code == 404
    response = _post(client, auth, f"{page}/unavailability/{period.id}/delete", {}, page)
    assert response.status_code == 302
    assert _count(db, SpeakerUnavailability) == 0


def test_list_query_count_is_bounded(client, login_as, make, db, count_queries, today):
    """Does the speakers list run the same few queries with 60 speakers as with 2?"""
    login_as(Role.COORDINATOR)

    def add(numbers):
        for n in numbers:
            db.session.add(Speaker(
                alias=f"Ponente {n:03d}", legal_name="X", vetting_decision=VettingDecision.APPROVED,
                vetting_renewal_on=today + timedelta(days=n),
                excluded_districts=[SpeakerExcludedDistrict(district="Ate")],
            ))
        db.session.commit()

    add(range(2))
    with count_queries() as few:
        assert client.get("/speakers/").status_code == 200
    add(range(2, 60))
    with count_queries() as many:
        assert "Ponente 024" in client.get("/speakers/").get_data(as_text=True)
    assert many["n"] == few["n"] <= 8
