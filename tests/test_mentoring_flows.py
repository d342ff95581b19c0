"""Mentoring forms as a coordinator or mentor meets them: only ready mentors on offer, forms
for a match in the wrong state refused before they open, every error of a session log at
once, and a second look before linking a participant whose name is not the mentee's."""
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.mentoring.matching import UNAVAILABLE_SHOWN
from youthagainstguns.mentoring.models import (
    Match,
    MatchStatus,
    Mentee,
    MentoringSession,
    StaffCheckIn,
)
from youthagainstguns.workshops.models import Student


def _post(client, auth, url, data, page):
    return client.post(url, data={**data, "csrf_token": auth.csrf_token(page)})


def _offered(html: str) -> list[str]:
    """Return the names the mentor select lists (the blank one left out)."""
    select = re.search(r'<select[^>]*name="mentor_id".*?</select>', html, re.S).group(0)
    return re.findall(r'<option[^>]*value="[1-9][0-9]*"[^>]*>([^<]*)</option>', select)


def _ready_options(client, q: str = "") -> list[str]:
    """Return the names the mentor combobox is offered for `q`."""
    response = client.get("/mentoring/options/ready-mentors", query_string={"q": q})
    assert response.status_code == 200
    return [option["label"] for option in response.get_json()["options"]]


def _unavailable(html: str) -> str:
    return re.search(r'<details class="unavailable-mentors".*?</details>', html, re.S).group(0)


# --- The pairing form offers only ready mentors --------------------------------------------

def test_pairing_form_offers_only_ready_mentors_and_says_why_not_the_others(client, login_as,
                                                                             make):
    """Are mentors in screening, inactive or at capacity left out of the mentor search, each
    listed under it with the reason?"""
    ready = make.mentor(user=make.user(Role.MENTOR, full_name="Ana Ready Torres"))
    make.mentor(steps=("interview", "check", "training", "decision"),
                user=make.user(Role.MENTOR, full_name="Beto Screening Ríos"))
    make.mentor(user=make.user(Role.MENTOR, full_name="Cata Inactive Paz"),
                inactive_since=make.days_from_today(-1))
    full = make.mentor(user=make.user(Role.MENTOR, full_name="Dani Full Soto"))
    make.match(full, make.mentee())
    mentee = make.mentee()
    login_as(Role.COORDINATOR)
    html = client.get(f"/mentoring/mentees/{mentee.id}/matches/new").get_data(as_text=True)
    assert _offered(html) == []  # the browser asks for the options as the user types
    assert 'data-source="/mentoring/options/ready-mentors"' in html
    assert _ready_options(client) == ["Ana Ready Torres"]
    unavailable = _unavailable(html)
    assert f"/mentoring/mentors/{ready.id}" not in unavailable
    assert re.search(r"Beto Screening Ríos.*dos referencias positivas \(0 hasta ahora\)",
                     unavailable, re.S)
    assert re.search(r"Cata Inactive Paz.*está inactiva", unavailable, re.S)
    assert re.search(r"Dani Full Soto.*ya tiene 1 de 1", unavailable, re.S)


def test_mentor_search_offers_the_ready_mentors_whose_name_matches(client, login_as, make):
    """Does the search answer only the ready mentors holding the typed words, never one who
    is not ready whatever the name?"""
    for name in ("Ana Ready Torres", "Ana Ready Quispe", "Luis Ready Torres"):
        make.mentor(user=make.user(Role.MENTOR, full_name=name))
    make.mentor(steps=("interview", "check", "training", "decision"),
                user=make.user(Role.MENTOR, full_name="Ana Screening Torres"))
    login_as(Role.COORDINATOR)
    assert _ready_options(client, "torres") == ["Ana Ready Torres", "Luis Ready Torres"]
    assert _ready_options(client, "ana") == ["Ana Ready Quispe", "Ana Ready Torres"]
    assert _ready_options(client, "screening") == []
    assert client.get("/mentoring/options/nobody").status_code == 404


def test_pairing_form_without_javascript_lists_the_matches_of_the_search(client, auth,
                                                                          login_as, make, db):
    """Does sending the search typed into the field show the ready mentors it matches, to
    choose from, without proposing anything yet?"""
    make.mentor(user=make.user(Role.MENTOR, full_name="Ana Ready Torres"))
    make.mentor(user=make.user(Role.MENTOR, full_name="Luis Ready Quispe"))
    mentee = make.mentee()
    login_as(Role.COORDINATOR)
    url = f"/mentoring/mentees/{mentee.id}/matches/new"
    html = _post(client, auth, url, {"mentor_id": "0", "mentor_id_q": "torres"},
                 url).get_data(as_text=True)
    assert _offered(html) == ["Ana Ready Torres"]
    assert db.session.scalar(sa.select(sa.func.count(Match.id))) == 0


def test_pairing_form_keeps_the_mentor_chosen_on_the_suggestions_page(client, login_as, make):
    """Does following a suggestion open the form with that mentor chosen?"""
    mentor = make.mentor(user=make.user(Role.MENTOR, full_name="Ana Ready Torres"))
    mentee = make.mentee()
    login_as(Role.COORDINATOR)
    html = client.get(f"/mentoring/mentees/{mentee.id}/matches/new?mentor_id={mentor.id}"
                      ).get_data(as_text=True)
    assert re.search(rf'<option selected value="{mentor.id}">Ana Ready Torres</option>', html)


def test_pairing_form_with_no_ready_mentor_says_so(client, login_as, make):
    """With nobody ready, does the form say so and open the list of why?"""
    make.mentor(steps=("interview",))
    mentee = make.mentee()
    login_as(Role.COORDINATOR)
    html = client.get(f"/mentoring/mentees/{mentee.id}/matches/new").get_data(as_text=True)
    assert _ready_options(client) == []
    assert 'id="mentor_id-none"' in html
    assert '<details class="unavailable-mentors" open>' in html


def _pairing_page_queries(client, make, count_queries, mentee, ready: int, unready: int):
    for _ in range(ready):
        make.mentor()
    for _ in range(unready):
        make.mentor(steps=("interview",))
    with count_queries() as counter:
        html = client.get(f"/mentoring/mentees/{mentee.id}/matches/new").get_data(as_text=True)
    return counter["n"], html


def test_pairing_form_runs_the_same_queries_however_many_mentors(client, login_as, make,
                                                                 count_queries):
    """Do 4 mentors and 36 more (ready or not) cost the same number of queries, list no
    mentor in the select, and name only the first 30 others, linking to the rest?"""
    mentee = make.mentee()
    login_as(Role.COORDINATOR)
    few, html = _pairing_page_queries(client, make, count_queries, mentee, 2, 2)
    assert 'href="/mentoring/mentors"' not in _unavailable(html)
    many, html = _pairing_page_queries(client, make, count_queries, mentee, 6, 30)
    assert many == few
    assert _offered(html) == []
    unavailable = _unavailable(html)
    assert unavailable.count("/mentoring/mentors/") == UNAVAILABLE_SHOWN
    assert 'href="/mentoring/mentors"' in unavailable


@pytest.mark.parametrize("unready, why", [
    ("inactive", "La persona mentora está inactiva."),
    ("in-screening", "La persona mentora no completó la evaluación."),
])
def test_a_mentor_not_ready_is_refused_with_reasons(client, auth, login_as, make, db, unready,
                                                    why):
    """Posting a mentor who is not (or no longer) ready shows why, instead of an unknown
    choice, and proposes nothing?"""
    if unready == "inactive":
        mentor = make.mentor(inactive_since=make.days_from_today(0))
    else:
        mentor = make.mentor(steps=("interview", "check", "training", "decision"))
    mentee = make.mentee()
    login_as(Role.COORDINATOR)
    url = f"/mentoring/mentees/{mentee.id}/matches/new"
    html = _post(client, auth, url, {"mentor_id": str(mentor.id)}, url).get_data(as_text=True)
    assert "Este emparejamiento no está permitido:" in html
    assert why in html
    assert db.session.scalar(sa.select(sa.func.count(Match.id))) == 0


# --- Forms for a match in the wrong state ---------------------------------------------------

WRONG_STATE = [
    (MatchStatus.CLOSED, "close", "Este emparejamiento ya está cerrado."),
    (MatchStatus.CLOSED, "check-ins/new", "Este emparejamiento ya está cerrado."),
    (MatchStatus.CLOSED, "activate", "Solo un emparejamiento propuesto puede activarse."),
    (MatchStatus.ACTIVE, "activate", "Solo un emparejamiento propuesto puede activarse."),
    (MatchStatus.PAUSED, "pause", "Solo un emparejamiento activo puede pausarse."),
    (MatchStatus.PROPOSED, "pause", "Solo un emparejamiento activo puede pausarse."),
]


def _match_in(make, status):
    closed = dict(closed_on=make.days_from_today(-1)) if status == MatchStatus.CLOSED else {}
    return make.match(make.mentor(), make.mentee(), status=status, **closed)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("status, action, message", WRONG_STATE)
def test_form_for_a_match_in_the_wrong_state_goes_back_with_a_message(
        client, auth, login_as, make, db, status, action, message, method):
    """Does the form, opened or posted, send the coordinator back to the match with why,
    changing nothing?"""
    match = _match_in(make, status)
    login_as(Role.COORDINATOR)
    detail = f"/mentoring/matches/{match.id}"
    url = f"{detail}/{action}"
    fields = {"closed_on": make.days_from_today(0).isoformat(), "closure_type": "planned",
              "closure_reason": "other", "exit_notes": "x", "rematch": "no",
              "held_on": make.days_from_today(0).isoformat(), "method": "phone",
              "reason": "Viaje", "agreement_signed_on": make.days_from_today(0).isoformat(),
              "first_meeting_on": make.days_from_today(0).isoformat(),
              "start_date": make.days_from_today(0).isoformat(),
              "expected_end": make.days_from_today(300).isoformat()}
    response = (client.get(url) if method == "GET"
                else _post(client, auth, url, fields, page=detail))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(detail)
    assert message in client.get(detail).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Match, match.id).status == status
    assert db.session.scalar(sa.select(sa.func.count(StaffCheckIn.id))) == 0


@pytest.mark.parametrize("status, offered, hidden", [
    (MatchStatus.PROPOSED, ("activate", "check-ins/new", "close"), ("pause", "resume")),
    (MatchStatus.ACTIVE, ("pause", "check-ins/new", "close"), ("activate", "resume")),
    (MatchStatus.PAUSED, ("resume", "check-ins/new", "close"), ("activate", "pause")),
    (MatchStatus.CLOSED, (), ("activate", "pause", "resume", "check-ins/new", "close")),
])
def test_match_page_offers_only_the_forms_its_status_allows(client, login_as, make, status,
                                                            offered, hidden):
    """Does the match page link exactly the forms that would open?"""
    match = _match_in(make, status)
    login_as(Role.COORDINATOR)
    html = client.get(f"/mentoring/matches/{match.id}").get_data(as_text=True)
    for action in offered:
        assert f"/mentoring/matches/{match.id}/{action}" in html, action
    for action in hidden:
        assert f"/mentoring/matches/{match.id}/{action}\"" not in html, action


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_logging_a_session_on_a_closed_match_goes_back_with_a_message(client, auth, make, db,
                                                                      method):
    """Is the session form of a closed match refused, opened or posted?"""
    mentor_user = make.user(Role.MENTOR)
    match = make.match(make.mentor(user=mentor_user), make.mentee(), status=MatchStatus.CLOSED,
                       closed_on=make.days_from_today(-1))
    auth.login(mentor_user.email)
    detail = f"/mentoring/matches/{match.id}"
    url = f"{detail}/sessions/new"
    data = {"held_on": make.days_from_today(0).isoformat(), "duration_minutes": "30",
            "kind": "phone", "activity": "Llamada"}
    response = client.get(url) if method == "GET" else _post(client, auth, url, data, detail)
    assert response.headers["Location"].endswith(detail)
    assert "Solo se pueden registrar sesiones de emparejamientos activos." in client.get(
        detail).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(MentoringSession.id))) == 0


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_withdrawing_a_withdrawn_consent_goes_back_with_a_message(client, auth, login_as, make,
                                                                  db, method):
    """Is the withdrawal form of a consent already withdrawn refused, opened or posted?"""
    mentee = make.mentee(consent=False)
    consent = make.consent(mentee, withdrawn_on=make.days_from_today(-1),
                           withdrawn_reason="Se mudaron")
    login_as(Role.COORDINATOR)
    detail = f"/mentoring/mentees/{mentee.id}"
    url = f"/mentoring/consents/{consent.id}/withdraw"
    data = {"withdrawn_on": make.days_from_today(0).isoformat(), "reason": "Otra vez"}
    response = client.get(url) if method == "GET" else _post(client, auth, url, data, detail)
    assert response.headers["Location"].endswith(detail)
    assert "Este consentimiento ya fue retirado." in client.get(detail).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(consent), consent.id).withdrawn_reason == "Se mudaron"


# --- The session form shows every error at once --------------------------------------------

def test_session_form_shows_every_field_error_at_once(client, auth, make, db):
    """A future date, a 601-minute session and no activity: are all three shown together?"""
    mentor_user = make.user(Role.MENTOR)
    match = make.match(make.mentor(user=mentor_user), make.mentee())
    auth.login(mentor_user.email)
    url = f"/mentoring/matches/{match.id}/sessions/new"
    data = {"held_on": make.days_from_today(1).isoformat(), "duration_minutes": "601",
            "kind": "phone", "activity": ""}
    html = _post(client, auth, url, data, url).get_data(as_text=True)
    for field in ("held_on", "duration_minutes", "activity"):
        assert f'id="{field}-error"' in html, field
    assert "La fecha no puede estar en el futuro." in html
    assert db.session.scalar(sa.select(sa.func.count(MentoringSession.id))) == 0


def test_session_edit_shows_a_date_before_the_start_with_the_other_errors(client, auth, make,
                                                                          db):
    """Correcting a log: is a date before the match started shown beside a missing activity?"""
    mentor_user = make.user(Role.MENTOR)
    match = make.match(make.mentor(user=mentor_user), make.mentee())
    session = make.session(match)
    auth.login(mentor_user.email)
    url = f"/mentoring/sessions/{session.id}/edit"
    before = match.start_date - timedelta(days=1)
    data = {"held_on": before.isoformat(), "duration_minutes": "30", "kind": "phone",
            "activity": ""}
    html = _post(client, auth, url, data, url).get_data(as_text=True)
    assert 'id="activity-error"' in html
    assert 'id="held_on-error"' in html and "anterior al inicio del emparejamiento" in html
    db.session.expire_all()
    assert db.session.get(MentoringSession, session.id).held_on == session.held_on


# --- Linking a participant whose name differs ----------------------------------------------

def _student(make, db, school, first_name, last_names):
    student = Student(school=school, first_name=first_name, last_names=last_names)
    db.session.add(student)
    db.session.commit()
    return student


def test_linking_a_participant_with_another_name_asks_first(client, auth, login_as, make, db):
    """Is a participant called otherwise shown beside the mentee and linked only once
    confirmed, with no name in the audit trail?"""
    school = make.school()
    student = _student(make, db, school, "Lucía", "Quispe Ruiz")
    mentee = make.mentee(school_id=school.id)
    login_as(Role.COORDINATOR)
    url = f"/mentoring/mentees/{mentee.id}/student"
    search = f"{url}?school_id={school.id}&q=quispe"
    response = _post(client, auth, url, {"student_id": str(student.id), "q": "quispe"}, search)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Lucía Quispe Mamani" in html and "Quispe Ruiz" in html
    assert 'name="confirmed" value="1"' in html
    assert f"school_id={school.id}" in html and "q=quispe" in html
    db.session.expire_all()
    assert db.session.get(Mentee, mentee.id).student_id is None
    response = _post(client, auth, url, {"student_id": str(student.id), "confirmed": "1"},
                     search)
    assert response.headers["Location"].endswith(f"/mentoring/mentees/{mentee.id}")
    db.session.expire_all()
    assert db.session.get(Mentee, mentee.id).student_id == student.id
    summaries = db.session.scalars(sa.select(AuditEvent.summary)).all()
    assert not any("Quispe" in (s or "") or "Lucía" in (s or "") for s in summaries)


def test_linking_a_participant_with_the_same_name_needs_no_confirmation(client, auth, login_as,
                                                                        make, db):
    """Is the same name, however cased and accented, linked at once?"""
    school = make.school()
    student = _student(make, db, school, "LUCIA", "quispe  mamani")
    mentee = make.mentee(school_id=school.id)
    login_as(Role.COORDINATOR)
    url = f"/mentoring/mentees/{mentee.id}/student"
    response = _post(client, auth, url, {"student_id": str(student.id)}, f"{url}?q=x")
    assert response.headers["Location"].endswith(f"/mentoring/mentees/{mentee.id}")
    db.session.expire_all()
    assert db.session.get(Mentee, mentee.id).student_id == student.id
