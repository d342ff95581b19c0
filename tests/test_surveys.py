"""Surveys: versioned questionnaires, their windows, attaching them to workshops, and pairing."""
import re
import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from tests.test_workshops_scheduling import post_workshop
from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.surveys import services
from youthagainstguns.surveys.models import (
    ItemKind,
    Questionnaire,
    QuestionnaireVersion,
    ResponseSource,
    SurveyAnswer,
    SurveyError,
    SurveyItem,
    SurveyPhase,
    SurveyResponse,
    WorkshopSurvey,
    pairing_code,
)
from youthagainstguns.timeutil import lima_to_utc
from youthagainstguns.workshops.models import Workshop, WorkshopStatus
from youthagainstguns.workshops.services import WorkshopData, save_workshop

ITEMS = ((ItemKind.SCALE, "Sé a quién acudir si alguien me ofrece un arma.",
          "I know whom to turn to if someone offers me a gun."),
         (ItemKind.YES_NO, "¿Conoce a alguien que tenga un arma?",
          "Do you know anyone with a gun?"),
         (ItemKind.TEXT, "¿Qué se lleva del taller?", "What do you take away from the workshop?"))


def make_questionnaire(db, items=ITEMS, name="Antes y después") -> Questionnaire:
    """Return a saved questionnaire whose first version holds `items` (kind, es, en)."""
    questionnaire = Questionnaire(name=name, versions=[QuestionnaireVersion(number=1, items=[
        SurveyItem(position=n, kind=kind, text_es=es, text_en=en)
        for n, (kind, es, en) in enumerate(items, start=1)])])
    db.session.add(questionnaire)
    db.session.commit()
    return questionnaire


def attach(db, workshop, questionnaire, phase=SurveyPhase.BEFORE) -> WorkshopSurvey:
    """Return a saved survey asking the questionnaire's current version at the workshop."""
    survey = WorkshopSurvey(workshop=workshop, phase=phase,
                            version=questionnaire.current_version)
    db.session.add(survey)
    db.session.commit()
    return survey


def answer(db, survey, code=None, value=3) -> SurveyResponse:
    """Save one response answering the survey's first item with `value`."""
    response = services.save_response(survey, code, {survey.version.items[0].id: value},
                                       answered_on=date(2026, 11, 26))
    db.session.commit()
    return response


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# Versioning ------------------------------------------------------------------------------

def test_a_questionnaire_with_answers_cannot_be_edited_in_place(db, make):
    """Once a version has answers, do its items refuse to change, and does an edit make a new
    version while the old one keeps its items and answers?"""
    questionnaire = make_questionnaire(db)
    survey = attach(db, make.workshop(), questionnaire)
    first = questionnaire.current_version
    response = answer(db, survey)
    wording = [(item.id, item.text_es) for item in first.items]

    with pytest.raises(SurveyError):
        first.change_item(1, ItemKind.SCALE, "Otra redacción", "Other wording")
    with pytest.raises(SurveyError):
        first.add_item(ItemKind.YES_NO, "¿Nueva?", "New?")
    with pytest.raises(SurveyError):
        first.remove_item(1)
    with pytest.raises(SurveyError):
        first.move_item(1, 1)

    draft = questionnaire.version_to_edit()
    draft.change_item(1, ItemKind.SCALE, "Otra redacción", "Other wording")
    db.session.commit()
    assert [v.number for v in questionnaire.versions] == [1, 2]
    assert questionnaire.current_version is draft
    assert [(item.id, item.text_es) for item in first.items] == wording
    assert [item.text_es for item in draft.items] == ["Otra redacción", ITEMS[1][1], ITEMS[2][1]]
    assert {item.id for item in draft.items}.isdisjoint(i for i, _ in wording)
    assert [a.item_id for a in response.answers] == [wording[0][0]]
    assert survey.version_id == first.id  # the workshop keeps asking what it pinned


def test_a_questionnaire_without_answers_is_edited_in_place(db, make):
    """Does an edit before anyone answered change the one version, even if attached?"""
    questionnaire = make_questionnaire(db)
    attach(db, make.workshop(), questionnaire)
    version = questionnaire.version_to_edit()
    assert version is questionnaire.versions[0]
    version.move_item(3, -1)
    version.remove_item(1)
    db.session.commit()
    assert [(i.position, i.kind) for i in version.items] == [(1, ItemKind.TEXT),
                                                              (2, ItemKind.YES_NO)]
    assert count(db, QuestionnaireVersion) == 1


def test_a_version_has_at_most_one_free_text_question(db):
    """Is a second free-text question refused by the model and by the database?"""
    questionnaire = make_questionnaire(db)
    version = questionnaire.current_version
    with pytest.raises(SurveyError):
        version.add_item(ItemKind.TEXT, "¿Algo más?", "Anything else?")
    with pytest.raises(SurveyError):
        version.change_item(1, ItemKind.TEXT, "Texto", "Text")
    version.change_item(3, ItemKind.TEXT, "¿Qué aprendió?", "What did you learn?")  # itself
    db.session.add(SurveyItem(version_id=version.id, position=4, kind=ItemKind.TEXT,
                              text_es="¿Algo más?", text_en="Anything else?"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_moving_past_either_end_is_refused(db):
    """Can the first question move up, or the last one down?"""
    version = make_questionnaire(db).current_version
    with pytest.raises(SurveyError):
        version.move_item(1, -1)
    with pytest.raises(SurveyError):
        version.move_item(3, 1)
    with pytest.raises(SurveyError):
        version.remove_item(4)


# The library through its pages -------------------------------------------------------------

@pytest.fixture
def coordinator(login_as):
    """A logged-in coordinator."""
    return login_as(Role.COORDINATOR)


def test_coordinator_builds_a_questionnaire(client, auth, db, coordinator):
    """Can a coordinator create a questionnaire, add, move and remove questions and archive
    it, each change audited?"""
    token = auth.csrf_token("/questionnaires/new")
    response = client.post("/questionnaires/new", data={"name": "Percepción de riesgo",
                                                         "csrf_token": token})
    questionnaire = db.session.scalar(sa.select(Questionnaire))
    assert response.headers["Location"].endswith(f"/questionnaires/{questionnaire.id}")
    base = f"/questionnaires/{questionnaire.id}"
    for kind, es, en in ITEMS:
        assert client.post(f"{base}/items", data={"kind": kind.value, "text_es": es,
                                                  "text_en": en, "csrf_token": token}
                           ).status_code == 302
    assert client.post(f"{base}/items/3/up", data={"csrf_token": token}).status_code == 302
    assert client.post(f"{base}/items/1/remove", data={"csrf_token": token}).status_code == 302
    page = client.get(base).get_data(as_text=True)
    assert page.index(ITEMS[2][1]) < page.index(ITEMS[1][1])
    assert ITEMS[0][1] not in page
    assert client.post(f"{base}/archive", data={"csrf_token": token}).status_code == 302
    db.session.refresh(questionnaire)
    assert questionnaire.archived
    assert [(i.position, i.kind) for i in questionnaire.current_version.items] == [
        (1, ItemKind.TEXT), (2, ItemKind.YES_NO)]
    listed = client.get("/questionnaires").get_data(as_text=True)
    assert re.search(r'<td data-label="[^"]+">1</td>\s*<td data-label="[^"]+">2</td>', listed)
    actions = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.object_type == "Questionnaire").order_by(AuditEvent.id)).all()
    assert actions == ["questionnaire.create", *["questionnaire.edit"] * 5,
                       "questionnaire.archive"]


def test_both_wordings_are_required(client, auth, db, coordinator):
    """Is a question without its English wording refused with a message beside the field?"""
    questionnaire = make_questionnaire(db, items=())
    base = f"/questionnaires/{questionnaire.id}"
    response = client.post(f"{base}/items", data={
        "kind": "scale", "text_es": "Me siento seguro en mi barrio.", "text_en": " ",
        "csrf_token": auth.csrf_token(base)})
    assert response.status_code == 200
    assert 'id="text_en-error"' in response.get_data(as_text=True)
    assert count(db, SurveyItem) == 0


def test_editing_an_answered_questionnaire_through_its_page_makes_a_new_version(
        client, auth, db, make, coordinator):
    """Does the item page save a change to an answered questionnaire as version 2?"""
    questionnaire = make_questionnaire(db)
    answer(db, attach(db, make.workshop(), questionnaire))
    base = f"/questionnaires/{questionnaire.id}"
    response = client.post(f"{base}/items/1", data={
        "kind": "scale", "text_es": "Sé pedir ayuda.", "text_en": "I know how to ask for help.",
        "csrf_token": auth.csrf_token(f"{base}/items/1")})
    assert response.status_code == 302
    db.session.expire_all()
    first, second = db.session.scalars(sa.select(QuestionnaireVersion).order_by(
        QuestionnaireVersion.number)).all()
    assert first.items[0].text_es == ITEMS[0][1]
    assert second.items[0].text_es == "Sé pedir ayuda."


# Windows --------------------------------------------------------------------------------

DAY = date(2026, 11, 26)
MINUTE = timedelta(minutes=1)


@pytest.fixture
def timed(db, make):
    """Surveys before and after a workshop on 26/11/2026 from 10:00 to 12:00 Lima, the
    guardians informed."""
    workshop = make.workshop(day=DAY, start=time(10), end=time(12), guardians_informed=True)
    questionnaire = make_questionnaire(db)
    return {phase: attach(db, workshop, questionnaire, phase) for phase in SurveyPhase}


def lima(day: date, hour: int, minute: int = 0) -> datetime:
    return lima_to_utc(day, time(hour, minute))


@pytest.mark.parametrize("phase, moment, state", [
    # Before: from 09:00 (an hour before the start) until 10:00, the start itself excluded.
    (SurveyPhase.BEFORE, lima(DAY, 8, 59), "not_yet"),
    (SurveyPhase.BEFORE, lima(DAY, 9, 0), "open"),
    (SurveyPhase.BEFORE, lima(DAY, 9, 59), "open"),
    (SurveyPhase.BEFORE, lima(DAY, 10, 0), "closed"),
    # After: from 12:00 (the end) for seven days, until 12:00 on 03/12.
    (SurveyPhase.AFTER, lima(DAY, 11, 59), "not_yet"),
    (SurveyPhase.AFTER, lima(DAY, 12, 0), "open"),
    (SurveyPhase.AFTER, lima(date(2026, 12, 3), 11, 59), "open"),
    (SurveyPhase.AFTER, lima(date(2026, 12, 3), 12, 0), "closed"),
])
def test_windows_open_and_close_at_the_right_minutes(timed, phase, moment, state):
    """Do the links open and close at the minutes the issue names, in Lima time?"""
    assert timed[phase].state(moment) == state
    assert timed[phase].is_open(moment) == (state == "open")


def test_the_window_is_stored_in_utc_and_read_in_lima(timed):
    """Is the before window's opening 09:00 Lima, i.e. 14:00 UTC?"""
    assert timed[SurveyPhase.BEFORE].window().opens == datetime(2026, 11, 26, 14, tzinfo=UTC)


@pytest.mark.parametrize("status", [WorkshopStatus.DRAFT, WorkshopStatus.CANCELLED])
def test_a_draft_or_cancelled_workshop_has_no_open_survey(timed, db, status):
    """Is the link closed inside its window when the workshop is a draft or cancelled?"""
    survey = timed[SurveyPhase.BEFORE]
    survey.workshop.status = status
    db.session.commit()
    assert survey.state(lima(DAY, 9, 30)) == "unavailable"


def test_without_guardians_informed_no_link_opens(timed, db):
    """Does a workshop whose guardians were not confirmed informed keep both links closed?"""
    workshop = timed[SurveyPhase.BEFORE].workshop
    workshop.guardians_informed = False
    db.session.commit()
    assert timed[SurveyPhase.BEFORE].state(lima(DAY, 9, 30)) == "unavailable"
    assert timed[SurveyPhase.AFTER].state(lima(DAY, 13)) == "unavailable"


def test_the_workshop_form_records_that_guardians_were_informed(db, make):
    """Does saving the workshop's facts keep the guardians_informed answer?"""
    workshop = make.workshop()
    assert workshop.guardians_informed is False
    coordinator = make.user(Role.COORDINATOR)
    save_workshop(workshop, WorkshopData(
        title=workshop.title, topic="", venue=workshop.venue, starts_at=workshop.starts_at,
        ends_at=workshop.ends_at, capacity=workshop.capacity, speakers=workshop.speakers,
        target_grades="", notes="", guardians_informed=True), [], "", coordinator)
    db.session.commit()
    db.session.refresh(workshop)
    assert workshop.guardians_informed is True


def test_the_scheduling_form_saves_guardians_informed(client, auth, db, make, coordinator,
                                                       tomorrow):
    """Does ticking the box on the workshop form record it, and leaving it out not?"""
    venue, speaker = make.school(), make.speaker()
    assert post_workshop(client, auth, venue, [speaker], tomorrow,
                         guardians_informed="y").status_code == 302
    assert post_workshop(client, auth, venue, [speaker], tomorrow + timedelta(days=1)
                         ).status_code == 302
    assert db.session.scalars(sa.select(Workshop.guardians_informed).order_by(
        Workshop.id)).all() == [True, False]
    page = client.get("/workshops/new").get_data(as_text=True)
    assert 'name="guardians_informed"' in page


# Attaching to a workshop ----------------------------------------------------------------

def test_coordinator_attaches_and_detaches_a_survey(client, auth, db, make, coordinator):
    """Does attaching pin the current version behind a new link shown with its QR code and
    window, and detaching remove it, both audited?"""
    workshop = make.workshop(day=DAY, guardians_informed=True)
    questionnaire = make_questionnaire(db)
    page = f"/workshops/{workshop.id}/surveys"
    response = client.post(page, data={"phase": "after", "questionnaire_id": questionnaire.id,
                                        "csrf_token": auth.csrf_token(page)})
    assert response.status_code == 302
    survey = db.session.scalar(sa.select(WorkshopSurvey))
    assert (survey.phase, survey.version_id) == (SurveyPhase.AFTER,
                                                 questionnaire.current_version.id)
    assert len(survey.token) == 12
    html = client.get(page).get_data(as_text=True)
    assert f"/e/{survey.token}" in html
    assert 'class="qr"' in html and "<svg" in html
    assert "26/11/2026 12:00" in html and "03/12/2026 12:00" in html  # the window, Lima time
    response = client.post(f"/surveys/{survey.id}/detach",
                           data={"csrf_token": auth.csrf_token(page)})
    assert response.status_code == 302
    assert count(db, WorkshopSurvey) == 0
    assert db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.action.like("survey.%")).order_by(AuditEvent.id)).all() == [
        "survey.attach", "survey.detach"]


def test_an_answered_survey_cannot_be_detached(client, auth, db, make, coordinator):
    """Is detaching refused once someone answered, the survey and its answers kept?"""
    survey = attach(db, make.workshop(), make_questionnaire(db))
    answer(db, survey)
    page = f"/workshops/{survey.workshop_id}/surveys"
    client.post(f"/surveys/{survey.id}/detach", data={"csrf_token": auth.csrf_token(page)})
    assert count(db, WorkshopSurvey) == 1
    assert count(db, SurveyAnswer) == 1


def test_one_survey_per_workshop_and_phase(app, client, auth, db, make, coordinator):
    """Is a second "before" survey at the same workshop refused, and an archived or empty
    questionnaire never attached?"""
    workshop = make.workshop()
    questionnaire = make_questionnaire(db)
    attach(db, workshop, questionnaire)
    empty = make_questionnaire(db, items=(), name="Vacío")
    page = f"/workshops/{workshop.id}/surveys"
    token = auth.csrf_token(page)
    client.post(page, data={"phase": "before", "questionnaire_id": questionnaire.id,
                            "csrf_token": token})
    response = client.post(page, data={"phase": "after", "questionnaire_id": empty.id,
                                       "csrf_token": token})
    assert response.status_code == 200  # not on offer: the form says so beside the field
    assert 'id="questionnaire_id-error"' in response.get_data(as_text=True)
    assert count(db, WorkshopSurvey) == 1
    with app.test_request_context(), pytest.raises(SurveyError):
        services.attach(workshop, SurveyPhase.BEFORE, questionnaire, make.user())


# Pairing --------------------------------------------------------------------------------

@pytest.fixture
def pairing(db, make):
    """A workshop with both surveys, and a second workshop asking the same questionnaire."""
    questionnaire = make_questionnaire(db)
    workshop, other = make.workshop(), make.workshop()
    return {"workshop": workshop, "other": other,
            "before": attach(db, workshop, questionnaire, SurveyPhase.BEFORE),
            "after": attach(db, workshop, questionnaire, SurveyPhase.AFTER),
            "other_after": attach(db, other, questionnaire, SurveyPhase.AFTER)}


def test_pairing_joins_before_and_after_answers_with_the_same_code(db, pairing):
    """Are exactly the students with one code on each side paired, and no one else: a code
    twice before, a code twice after, no code, a code only on one side, or the same code at
    another workshop?"""
    before, after = pairing["before"], pairing["after"]
    paired_before = answer(db, before, "M074")
    paired_after = answer(db, after, "M074")
    second_before = answer(db, before, "A151")
    second_after = answer(db, after, "A151")
    for survey in (before, before, after):  # two students chose "R203" before, one after
        answer(db, survey, "R203")
    for survey in (before, after, after):  # one before, two after
        answer(db, survey, "L310")
    answer(db, before, None)
    answer(db, after, None)
    answer(db, before, "S099")  # never answered after
    answer(db, pairing["other_after"], "S099")  # …at this workshop
    assert services.pair_responses(pairing["workshop"]) == [
        services.Pair(paired_before.id, paired_after.id),
        services.Pair(second_before.id, second_after.id)]
    assert services.pair_responses(pairing["other"]) == []


@pytest.mark.parametrize("parts, code", [
    (("m", 7, 4), "M074"),
    (("Á", 31, 0), "A310"),
    (("ñ", 1, 9), "N019"),
    (("", None, None), None),
    ((None, None, None), None),
])
def test_the_code_is_normalised(parts, code):
    """Do the three facts make one code whatever the case and accents?"""
    assert pairing_code(*parts) == code


@pytest.mark.parametrize("parts", [("M", None, 4), ("", 7, None), ("7", 7, 4), ("M", 32, 4),
                                   ("M", 0, 4), ("M", 7, 10)])
def test_a_partial_or_impossible_code_is_refused(english_request, parts):
    """Is a code with a part missing or out of range refused?"""
    with pytest.raises(SurveyError):
        pairing_code(*parts)


def test_a_response_keeps_the_day_only(db, make):
    """Is a response stored with its day and source, and no finer time anywhere?"""
    response = answer(db, attach(db, make.workshop(), make_questionnaire(db)), "M074")
    assert (response.answered_on, response.source) == (date(2026, 11, 26), ResponseSource.WEB)
    columns = {c.name: c.type for c in SurveyResponse.__table__.columns}
    assert not any(isinstance(t, sa.DateTime) for t in columns.values())


def test_a_response_and_its_answers_are_saved_together_or_not_at_all(db, make):
    """When one answer cannot be stored, is the response refused with it, nothing kept?"""
    survey = attach(db, make.workshop(), make_questionnaire(db))
    scale, _, text = survey.version.items
    with pytest.raises(IntegrityError):  # a text answer holding no text breaks one_value
        services.save_response(survey, "M074", {scale.id: 3, text.id: None},
                               answered_on=date(2026, 11, 26))
    db.session.rollback()
    assert count(db, SurveyResponse) == count(db, SurveyAnswer) == 0


def test_the_library_costs_the_same_queries_for_3_or_20_questionnaires(client, db,
                                                                      coordinator,
                                                                      count_queries):
    """Does the questionnaire list run a bounded number of queries whatever its length?"""
    def queries() -> int:
        with count_queries() as counter:
            assert client.get("/questionnaires").status_code == 200
        return counter["n"]

    for n in range(3):
        make_questionnaire(db, name=f"Cuestionario {n}")
    few = queries()
    for n in range(17):
        make_questionnaire(db, name=f"Otro {n}")
    assert queries() == few


def test_an_edit_waits_for_answers_being_saved_then_makes_a_new_version(app, db, make):
    """While a student's answers are being saved, does an edit in place wait for them, then
    see them and make a new version rather than reword what they answered?"""
    questionnaire = make_questionnaire(db)
    survey = attach(db, make.workshop(), questionnaire)
    survey_id, questionnaire_id = survey.id, questionnaire.id
    saving, release, edited = threading.Event(), threading.Event(), {}

    def save_slowly():
        with app.app_context():
            found = db.session.get(WorkshopSurvey, survey_id)
            found.version.lock()
            services.save_response(found, None, {found.version.items[0].id: 3},
                                   answered_on=date(2026, 11, 26))
            saving.set()
            release.wait(10)
            db.session.commit()

    def edit():
        with app.app_context():
            edited["number"] = db.session.get(Questionnaire, questionnaire_id) \
                .version_to_edit().number
            db.session.rollback()

    student, coordinator = threading.Thread(target=save_slowly), threading.Thread(target=edit)
    student.start()
    assert saving.wait(10)
    coordinator.start()
    coordinator.join(0.5)
    waited = coordinator.is_alive()
    release.set()
    student.join(10)
    coordinator.join(10)
    assert waited and edited == {"number": 2}
