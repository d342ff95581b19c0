"""Schools and venues: list, create, edit, archive and blackout dates (staff only)."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.schools.models import BlackoutDate, School, VenueKind
from youthagainstguns.timeutil import utcnow

VALID = {"name": "I.E. N.° 1234 José Olaya", "kind": "school", "district": "Comas",
         "address": "Av. Túpac Amaru 1500", "official_code": "0327460", "phone": "01 525 1234"}


def _post(client, auth, url, data, form_page="/schools/new"):
    return client.post(url, data={**data, "csrf_token": auth.csrf_token(form_page)})


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_coordinator_creates_a_school_and_sees_it(client, auth, login_as, db):
    """Does a valid new school get saved, audited and shown on its page?"""
    login_as(Role.COORDINATOR)
    response = _post(client, auth, "/schools/new", VALID)
    school = db.session.scalar(sa.select(School))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/schools/{school.id}")
    assert (school.name, school.district, school.official_code) == (
        "I.E. N.° 1234 José Olaya", "Comas", "0327460")
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.action.not_like("auth.%"))) == "school.create"  # after the login's own line
    page = client.get(f"/schools/{school.id}").get_data(as_text=True)
    assert "Av. Túpac Amaru 1500" in page and "0327460" in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "", "Este campo es obligatorio."),
    ("district", "Narnia", "Opción inválida"),
    ("official_code", "12AB", "El código modular tiene 7 dígitos."),
    ("phone", "llámame", "Escriba solo dígitos"),
])
def test_invalid_school_is_refused_next_to_the_field(client, auth, login_as, db, field, value,
                                                     message):
    """Is a bad field explained next to that field, in Spanish, with nothing saved?"""
    login_as(Role.COORDINATOR)
    response = _post(client, auth, "/schools/new", {**VALID, field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"' in page
    assert message in page.split(f'id="{field}-error"')[1][:200]
    assert _count(db, School) == 0


def test_official_code_must_be_unique(client, auth, login_as, make, db):
    """Can two venues share one código modular?"""
    make.school(official_code="0327460")
    login_as(Role.COORDINATOR)
    page = _post(client, auth, "/schools/new", VALID).get_data(as_text=True)
    assert "Otra sede ya tiene este código." in page.split('id="official_code-error"')[1]
    assert _count(db, School) == 1


def test_edit_keeps_own_code_and_changes_facts(client, auth, login_as, make, db):
    """Can a school be edited without its own code counting as a duplicate?"""
    school = make.school(official_code="0327460")
    login_as(Role.ADMIN)
    response = _post(client, auth, f"/schools/{school.id}/edit",
                     {**VALID, "name": "I.E. Nuevo Nombre", "kind": "community_centre"},
                     form_page=f"/schools/{school.id}/edit")
    assert response.status_code == 302
    db.session.refresh(school)
    assert school.name == "I.E. Nuevo Nombre"
    assert school.kind == VenueKind.COMMUNITY_CENTRE
    assert school.official_code == "0327460"


def test_list_searches_filters_and_hides_archived(client, login_as, make):
    """Does the list find by district or code, filter by kind and hide archived venues?"""
    make.school(name="I.E. Comas Norte", district="Comas", official_code="1111111")
    make.school(name="Casa de la Juventud", district="Ate", kind=VenueKind.COMMUNITY_CENTRE)
    make.school(name="I.E. Cerrado", district="Comas", archived_at=utcnow())
    login_as(Role.COORDINATOR)
    by_district = client.get("/schools/?q=comas").get_data(as_text=True)
    assert "I.E. Comas Norte" in by_district and "I.E. Cerrado" not in by_district
    assert "I.E. Comas Norte" in client.get("/schools/?q=1111111").get_data(as_text=True)
    centres = client.get("/schools/?kind=community_centre").get_data(as_text=True)
    assert "Casa de la Juventud" in centres and "I.E. Comas Norte" not in centres
    in_ate = client.get("/schools/?district=Ate").get_data(as_text=True)
    assert "Casa de la Juventud" in in_ate and "I.E. Comas Norte" not in in_ate
    assert "I.E. Cerrado" in client.get("/schools/?archived=y").get_data(as_text=True)


def test_archive_and_unarchive(client, auth, login_as, make, db):
    """Does archiving stamp the venue, and unarchiving bring it back?"""
    school = make.school()
    login_as(Role.COORDINATOR)
    page = f"/schools/{school.id}"
    assert _post(client, auth, f"{page}/archive", {}, page).status_code == 302
    db.session.refresh(school)
    assert school.is_archived
    assert _post(client, auth, f"{page}/unarchive", {}, page).status_code == 302
    db.session.refresh(school)
    assert not school.is_archived


def test_blackout_dates_are_added_checked_and_deleted(client, auth, login_as, make, db, today):
    """Can staff add a blackout period, is a reversed one refused, and can it be deleted?"""
    school = make.school()
    login_as(Role.COORDINATOR)
    page = f"/schools/{school.id}"
    reversed_dates = {"starts_on": (today + timedelta(days=5)).isoformat(),
                      "ends_on": today.isoformat(), "reason": "Exámenes"}
    response = _post(client, auth, f"{page}/blackouts", reversed_dates, page)
    assert "no puede ser anterior" in response.get_data(as_text=True).split(
        'id="ends_on-error"')[1][:200]
    assert _count(db, BlackoutDate) == 0
    response = _post(client, auth, f"{page}/blackouts",
                     {**reversed_dates, "ends_on": (today + timedelta(days=7)).isoformat()}, page)
    assert response.status_code == 302
    blackout = db.session.scalar(sa.select(BlackoutDate))
    assert (blackout.school_id, blackout.reason) == (school.id, "Exámenes")
    assert "Exámenes" in client.get(page).get_data(as_text=True)
    response = _post(client, auth, f"{page}/blackouts/{blackout.id}/delete", {}, page)
    assert response.status_code == 302
    assert _count(db, BlackoutDate) == 0


def test_blackout_of_another_school_cannot_be_deleted_through_this_one(client, auth, login_as,
                                                                       make, db, today):
    """Does a blackout id from another venue give 404 instead of deleting it?"""
    school, other = make.school(), make.school()
    db.session.add(BlackoutDate(school=other, starts_on=today, ends_on=today, reason="Feriado"))
    db.session.commit()
    blackout_id = db.session.scalar(sa.select(BlackoutDate.id))
    login_as(Role.COORDINATOR)
    page = f"/schools/{school.id}"
    assert _post(client, auth, f"{page}/blackouts/{blackout_id}/delete", {}, page
                 ).status_code == 404
    assert _count(db, BlackoutDate) == 1


@pytest.mark.parametrize("role", [Role.SCHOOL, Role.MENTOR, Role.SPEAKER])
def test_non_staff_get_403_even_for_their_own_school(client, login_as, make, role):
    """Can a school contact, mentor or speaker open the venue pages (even their own school)?"""
    school = make.school()
    login_as(role, **({"school": school} if role == Role.SCHOOL else {}))
    for url in ("/schools/", "/schools/new", f"/schools/{school.id}",
                f"/schools/{school.id}/edit"):
        assert client.get(url).status_code == 403, url


def test_list_query_count_is_bounded(client, login_as, make, db, count_queries):
    """Does the venue list run the same few queries with 60 venues as with 2?"""
    login_as(Role.COORDINATOR)
    db.session.add_all(School(name=f"I.E. {n:03d}", district="Ate", address="Jr. Uno",
                              official_code=f"{n:07d}") for n in range(2))
    db.session.commit()
    with count_queries() as few:
        assert client.get("/schools/").status_code == 200
    db.session.add_all(School(name=f"I.E. {n:03d}", district="Ate", address="Jr. Uno",
                              official_code=f"{n:07d}") for n in range(2, 60))
    db.session.commit()
    with count_queries() as many:
        assert "I.E. 024" in client.get("/schools/").get_data(as_text=True)
    assert many["n"] == few["n"] <= 8
