"""Mentoring pages: creating mentors, mentees and consent, proposing, logging, access rules."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role, User
from youthagainstguns.mentoring.models import (
    AlertKind,
    Match,
    MatchStatus,
    Mentee,
    MentoringSession,
    MentorProfile,
    SafeguardingAlert,
)
from youthagainstguns.workshops.models import AttendanceStatus, RosterEntry, Student, Workshop


def _post(client, auth, url, data, page=None):
    return client.post(url, data={**data, "csrf_token": auth.csrf_token(page or url)})


def _fmt(day):
    return day.isoformat()


# --- Mentors -------------------------------------------------------------------------------

def test_coordinator_creates_mentor_account_and_file_with_a_password_link(client, auth, login_as,
                                                                          db, today):
    """Does one form create the mentor account and file, and show a one-time link?"""
    login_as(Role.COORDINATOR)
    response = _post(client, auth, "/mentoring/mentors/new", {
        "user_id": "0", "full_name": "Marco Mentor", "email": "Marco@Example.org",
        "application_date": _fmt(today), "district": "Comas", "max_mentees": "2",
        "interests": "fútbol", "preferences": "",
    })
    assert response.status_code == 200
    assert "/set-password/" in response.get_data(as_text=True)
    user = db.session.scalar(sa.select(User).where(User.email == "marco@example.org"))
    assert user.role == Role.MENTOR
    profile = db.session.scalar(sa.select(MentorProfile).where(MentorProfile.user_id == user.id))
    assert (profile.district, profile.max_mentees) == ("Comas", 2)


def test_new_mentor_refuses_a_taken_email(client, auth, login_as, make, db, today):
    """Is an email already in use refused next to the field, with nothing saved?"""
    make.user(Role.SCHOOL, email="taken@example.org")
    login_as(Role.COORDINATOR)
    response = _post(client, auth, "/mentoring/mentors/new", {
        "user_id": "0", "full_name": "X", "email": "taken@example.org",
        "application_date": _fmt(today), "district": "Comas", "max_mentees": "1",
    })
    assert "Ya existe una cuenta con este correo." in response.get_data(as_text=True) or \
        "taken@example.org" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(MentorProfile.id))) == 0


def test_coordinator_opens_a_file_for_an_existing_mentor_account(client, auth, login_as, make, db,
                                                                 today):
    """Can a file be attached to a mentor account created earlier?"""
    account = make.user(Role.MENTOR)
    login_as(Role.COORDINATOR)
    response = _post(client, auth, "/mentoring/mentors/new", {
        "user_id": str(account.id), "application_date": _fmt(today), "district": "Ate",
        "max_mentees": "1",
    })
    profile = db.session.scalar(sa.select(MentorProfile))
    assert response.headers["Location"].endswith(f"/mentoring/mentors/{profile.id}")
    assert profile.user_id == account.id


def test_screening_steps_recorded_through_the_forms_make_the_mentor_ready(client, auth, login_as,
                                                                          make, db, today):
    """Does recording each step move the mentor page from 'in screening' to 'ready'?"""
    mentor = make.mentor(steps=("interview", "references", "check", "training"))
    login_as(Role.COORDINATOR)
    page = client.get(f"/mentoring/mentors/{mentor.id}").get_data(as_text=True)
    assert "En evaluación" in page and "una decisión de aprobación" in page
    url = f"/mentoring/mentors/{mentor.id}/screening/decision"
    refused = _post(client, auth, url, {"decided_on": _fmt(today), "approved": "no"})
    assert "Indique por qué" in refused.get_data(as_text=True)
    response = _post(client, auth, url, {"decided_on": _fmt(today), "approved": "yes"})
    assert response.status_code == 302
    page = client.get(f"/mentoring/mentors/{mentor.id}").get_data(as_text=True)
    assert "Listo para emparejar" in page


def test_unknown_screening_step_is_404(client, login_as, make):
    """Is a made-up step a 404 rather than an error?"""
    mentor = make.mentor()
    login_as(Role.COORDINATOR)
    assert client.get(f"/mentoring/mentors/{mentor.id}/screening/horoscope").status_code == 404


# --- Mentees -------------------------------------------------------------------------------

def test_viewing_a_mentee_is_audited_without_their_name(client, login_as, make, db):
    """Is each view of a mentee record in the audit log, by id only?"""
    mentee = make.mentee()
    coordinator = login_as(Role.COORDINATOR)
    assert client.get(f"/mentoring/mentees/{mentee.id}").status_code == 200
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "mentee.view"))
    assert (event.object_id, event.actor_id) == (mentee.id, coordinator.id)
    assert "Lucía" not in event.summary


def test_mentee_record_shows_workshop_history_of_linked_student(client, auth, login_as, make, db,
                                                                today):
    """Can staff find the participant within a school, link them, and see their workshops?"""
    school = make.school()
    student = Student(school=school, first_name="Lucía", last_names="Quispe Mamani")
    other = Student(school=make.school(), first_name="Lucía", last_names="Quispe Ruiz")
    workshop = Workshop(title="Historias que salvan", venue=school, capacity=30,
                        starts_at=datetime(2026, 5, 4, 15, tzinfo=UTC),
                        ends_at=datetime(2026, 5, 4, 17, tzinfo=UTC))
    db.session.add_all([student, other, workshop, RosterEntry(
        workshop=workshop, student=student, status=AttendanceStatus.PRESENT)])
    db.session.commit()
    mentee = make.mentee(school_id=school.id)
    login_as(Role.COORDINATOR)
    url = f"/mentoring/mentees/{mentee.id}/student"
    found = client.get(f"{url}?school_id={school.id}&q=quispe").get_data(as_text=True)
    assert "Quispe Mamani" in found and "Quispe Ruiz" not in found
    _post(client, auth, url, {"student_id": str(student.id)}, page=f"{url}?q=x")
    assert db.session.get(Mentee, mentee.id).student_id == student.id
    page = client.get(f"/mentoring/mentees/{mentee.id}").get_data(as_text=True)
    assert "Historias que salvan" in page and "04/05/2026" in page and "Presente" in page


@pytest.mark.parametrize("q", ["%", "_"])
def test_mentee_search_takes_percent_and_underscore_literally(client, login_as, make, q):
    """Does a search for "%" or "_" find nobody, rather than every mentee?"""
    mentee = make.mentee()
    login_as(Role.COORDINATOR)
    link = f"/mentoring/mentees/{mentee.id}"
    assert link in client.get("/mentoring/mentees?q=quispe").get_data(as_text=True)
    assert link not in client.get("/mentoring/mentees", query_string={"q": q}).get_data(
        as_text=True)


def test_stale_mentee_edit_is_refused(client, auth, login_as, make, db, today):
    """When two coordinators edit the same mentee, is the second save refused, not merged?"""
    mentee = make.mentee()
    login_as(Role.COORDINATOR)
    url = f"/mentoring/mentees/{mentee.id}/edit"
    form = {"first_name": "Lucía", "last_names": "Quispe Mamani",
            "date_of_birth": _fmt(mentee.date_of_birth), "school_id": "0",
            "district": "Comas", "interests": "", "preferences": "",
            "guardian_name": "Rosa Mamani", "guardian_relation": "Madre",
            "guardian_phone": "999111222", "referred_on": _fmt(today), "version_id": "1"}
    assert _post(client, auth, url, form).status_code == 302
    stale = _post(client, auth, url, form | {"guardian_phone": "000000000"})
    assert stale.headers["Location"].endswith(url)
    assert "Alguien más cambió este registro" in client.get(url).get_data(as_text=True)
    saved = db.session.get(Mentee, mentee.id)
    assert (saved.guardian_phone, saved.district, saved.version_id) == ("999111222", "Comas", 2)


def test_withdrawing_consent_in_the_page_pauses_the_match_and_alerts(client, auth, login_as, make,
                                                                     db, today):
    """Does the withdrawal form pause the match and put an alert on the board?"""
    mentee = make.mentee()
    match = make.match(make.mentor(), mentee)
    login_as(Role.COORDINATOR)
    url = f"/mentoring/consents/{mentee.consents[0].id}/withdraw"
    response = _post(client, auth, url, {"withdrawn_on": _fmt(today), "reason": "Se mudan"})
    assert response.status_code == 302
    assert db.session.get(Match, match.id).status == MatchStatus.PAUSED
    board = client.get("/mentoring/").get_data(as_text=True)
    assert "Consentimiento retirado" in board


def test_proposing_an_unready_mentor_shows_every_reason(client, auth, login_as, make, db, today):
    """Does the propose page show the refusal reasons in Spanish and save nothing?"""
    mentor = make.mentor(steps=("interview", "references", "check", "decision"))
    mentee = make.mentee(consent=False)
    login_as(Role.COORDINATOR)
    response = _post(client, auth, f"/mentoring/mentees/{mentee.id}/matches/new",
                     {"mentor_id": str(mentor.id), "goals": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "capacitación de al menos 6 horas" in html
    assert "No hay consentimiento de la persona apoderada para la participación." in html
    assert db.session.scalar(sa.select(sa.func.count(Match.id))) == 0


def test_activating_an_active_match_is_refused_with_a_message(client, auth, login_as, make, db,
                                                              today):
    """Is an illegal transition through the page a message on the match's page, not a 500?"""
    match = make.match(make.mentor(), make.mentee())
    login_as(Role.COORDINATOR)
    url = f"/mentoring/matches/{match.id}/activate"
    response = _post(client, auth, url, {
        "agreement_signed_on": _fmt(today), "first_meeting_on": _fmt(today),
        "start_date": _fmt(today), "expected_end": _fmt(today + timedelta(days=300))},
        page=f"/mentoring/matches/{match.id}")
    assert response.headers["Location"].endswith(f"/mentoring/matches/{match.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Solo un emparejamiento propuesto puede activarse." in page


# --- Sessions, alerts and the mentor's page ------------------------------------------------

def test_mentor_logs_a_session_with_a_concern_and_staff_follow_up(client, auth, login_as, make,
                                                                  db, today):
    """Does a mentor's concern reach the board at once and leave it after a follow-up?"""
    mentor_user = make.user(Role.MENTOR)
    match = make.match(make.mentor(user=mentor_user), make.mentee())
    auth.login(mentor_user.email)
    url = f"/mentoring/matches/{match.id}/sessions/new"
    data = {"held_on": _fmt(today), "duration_minutes": "45", "kind": "in_person",
            "activity": "Fútbol", "notes": "", "safeguarding_concern": "y",
            "concern_details": "Tiene miedo de volver a casa"}
    assert _post(client, auth, url, data).status_code == 302
    alert = db.session.scalar(sa.select(SafeguardingAlert))
    assert (alert.kind, alert.raised_by_id) == (AlertKind.CONCERN, mentor_user.id)
    login_as(Role.COORDINATOR)
    assert f"/mentoring/alerts/{alert.id}" in client.get("/mentoring/").get_data(as_text=True)
    alert_url = f"/mentoring/alerts/{alert.id}"
    assert _post(client, auth, alert_url, {"notes": ""}).status_code == 200
    assert _post(client, auth, alert_url, {"notes": "Hablé con la tutora"}).status_code == 302
    assert f"/mentoring/alerts/{alert.id}" not in client.get("/mentoring/").get_data(as_text=True)


def test_session_form_shows_field_errors_for_future_date_and_duration(client, auth, make, db,
                                                                      today):
    """Are a future date and a 601-minute session refused next to their fields?"""
    mentor_user = make.user(Role.MENTOR)
    match = make.match(make.mentor(user=mentor_user), make.mentee())
    auth.login(mentor_user.email)
    url = f"/mentoring/matches/{match.id}/sessions/new"
    data = {"held_on": _fmt(today + timedelta(days=1)), "duration_minutes": "601",
            "kind": "phone", "activity": "Llamada"}
    html = _post(client, auth, url, data).get_data(as_text=True)
    assert 'id="duration_minutes-error"' in html
    data["duration_minutes"] = "30"
    html = _post(client, auth, url, data).get_data(as_text=True)
    assert 'id="held_on-error"' in html and "La fecha no puede estar en el futuro." in html
    assert db.session.scalar(sa.select(sa.func.count(MentoringSession.id))) == 0


def test_mentor_cannot_edit_a_log_on_day_eight(client, auth, make, db, today):
    """Is the edit page refused with a message once 8 days have passed?"""
    mentor_user = make.user(Role.MENTOR)
    match = make.match(make.mentor(user=mentor_user), make.mentee())
    session = make.session(match, held_on=today - timedelta(days=9),
                         created_at=datetime.now(UTC) - timedelta(days=8))
    auth.login(mentor_user.email)
    response = client.get(f"/mentoring/sessions/{session.id}/edit")
    assert response.headers["Location"].endswith(f"/mentoring/sessions/{session.id}")
    assert "ya no se puede editar" in client.get(response.headers["Location"]).get_data(
        as_text=True)


def test_mentor_page_shows_matches_and_what_is_due(client, auth, make, today):
    """Does a mentor see their match and a reminder after 14 quiet days, and nothing private?"""
    mentor_user = make.user(Role.MENTOR)
    mentor = make.mentor(user=mentor_user)
    mentee = make.mentee(first_name="Jhon", last_names="Huamán Rojas")
    make.match(mentor, mentee, start_date=today - timedelta(days=20))
    auth.login(mentor_user.email)
    html = client.get("/mentoring/mine").get_data(as_text=True)
    assert "Jhon Huamán Rojas" in html
    assert "No hay sesiones con Jhon registradas desde hace 20 días." in html
    assert mentee.guardian_phone not in html


def test_mentor_sees_only_a_minimal_summary_of_their_mentee(client, auth, make, today):
    """On their match page, does a mentor see name, age and school but no guardian data?"""
    mentor_user = make.user(Role.MENTOR)
    mentee = make.mentee()
    match = make.match(make.mentor(user=mentor_user), mentee)
    auth.login(mentor_user.email)
    html = client.get(f"/mentoring/matches/{match.id}").get_data(as_text=True)
    assert mentee.full_name in html and "15 años" in html
    assert mentee.guardian_phone not in html and mentee.guardian_name not in html


# --- Access --------------------------------------------------------------------------------

def test_mentor_a_gets_403_for_mentor_b_matches_mentees_and_logs(client, auth, make):
    """Can a mentor open, log on, or edit another mentor's match, mentee or session?"""
    match_b = make.match(make.mentor(), make.mentee())
    session_b = make.session(match_b)
    mentor_a = make.user(Role.MENTOR)
    make.mentor(user=mentor_a)
    auth.login(mentor_a.email)
    for url in (f"/mentoring/matches/{match_b.id}",
                f"/mentoring/matches/{match_b.id}/sessions/new",
                f"/mentoring/sessions/{session_b.id}",
                f"/mentoring/sessions/{session_b.id}/edit",
                f"/mentoring/mentees/{match_b.mentee_id}"):
        assert client.get(url).status_code == 403, url
    token = auth.csrf_token("/mentoring/mine")
    response = client.post(f"/mentoring/matches/{match_b.id}/sessions/new", data={
        "csrf_token": token, "held_on": "2026-01-01", "duration_minutes": "30",
        "kind": "phone", "activity": "x"})
    assert response.status_code == 403
    assert client.get("/mentoring/matches/99999").status_code == 404


@pytest.mark.parametrize("role", [Role.SCHOOL, Role.SPEAKER])
def test_school_contacts_and_speakers_get_403_on_every_mentoring_page(app, client, auth, login_as,
                                                                      make, role):
    """Do school contacts and speakers get 403 on every mentoring route?"""
    match = make.match(make.mentor(), make.mentee())
    session = make.session(match)
    values = {"mentor_id": match.mentor_id, "mentee_id": match.mentee_id, "match_id": match.id,
              "session_id": session.id, "consent_id": match.mentee.consents[0].id,
              "alert_id": make.alert(match).id, "step": "interview",
              "rule_name": "quiet", "source": "ready-mentors"}
    login_as(role)
    token = auth.csrf_token("/account/password")
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("mentoring.")]
    assert len(rules) > 20
    for rule in rules:
        url = rule.build({k: values[k] for k in rule.arguments})[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token} if method == "POST" else None
            assert client.open(url, method=method, data=data).status_code == 403, url


# --- Query counts --------------------------------------------------------------------------

def test_mentor_list_runs_bounded_queries(client, login_as, make, count_queries):
    """Does the mentor list with 25 mentors (and their statuses) stay under a few queries?"""
    for _ in range(25):
        make.mentor()
    login_as(Role.COORDINATOR)
    with count_queries() as counter:
        response = client.get("/mentoring/mentors")
    assert response.get_data(as_text=True).count("Listo para emparejar") == 25
    assert counter["n"] <= 14


def test_mentee_list_runs_bounded_queries(client, login_as, make, count_queries):
    """Does the mentee list with 25 mentees stay under a few queries?"""
    mentor = make.mentor(max_mentees=5)
    for n in range(25):
        mentee = make.mentee()
        if n < 5:
            make.match(mentor, mentee)
    login_as(Role.COORDINATOR)
    with count_queries() as counter:
        response = client.get("/mentoring/mentees")
    assert response.get_data(as_text=True).count("/mentoring/mentees/") >= 25
    assert counter["n"] <= 12


def test_coordinator_closes_a_match_through_the_form_with_rematch(client, auth, login_as, make,
                                                                  db, today):
    """Does the closure form record type, reason and notes, and restart the mentee's wait?"""
    mentee = make.mentee(referred_on=today - timedelta(days=300))
    match = make.match(make.mentor(), mentee)
    login_as(Role.COORDINATOR)
    url = f"/mentoring/matches/{match.id}/close"
    response = _post(client, auth, url, {
        "closed_on": _fmt(today), "closure_type": "unplanned", "closure_reason": "mentee_moved",
        "exit_notes": "La familia se mudó a Arequipa", "rematch": "yes"})
    assert response.headers["Location"].endswith(f"/mentoring/matches/{match.id}")
    closed = db.session.get(Match, match.id)
    assert (closed.status, closed.closure_reason.value, closed.rematch) == (
        MatchStatus.CLOSED, "mentee_moved", True)
    assert db.session.get(Mentee, mentee.id).referred_on == today
    again = _post(client, auth, url, {
        "closed_on": _fmt(today), "closure_type": "planned", "closure_reason": "other",
        "exit_notes": "x", "rematch": "no"})
    assert "Este emparejamiento ya está cerrado." in client.get(
        again.headers["Location"]).get_data(as_text=True)
