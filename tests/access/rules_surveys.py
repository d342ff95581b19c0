"""Access rules for surveys: staff keep the questionnaire library and attach surveys to
workshops; anyone holding a survey's link may answer it while it is open; a workshop's
results are for staff, its school's contacts and its speakers."""
from datetime import timedelta

from youthagainstguns.surveys.models import (
    ItemKind,
    Questionnaire,
    QuestionnaireVersion,
    ResponseSource,
    SurveyItem,
    SurveyPhase,
    SurveyResponse,
    WorkshopSurvey,
)
from youthagainstguns.timeutil import today_lima, utcnow

from . import PUBLIC, STAFF, STAFF_ONLY, Allowed, Foreign

RULES = {
    "surveys.index": STAFF_ONLY,
    "surveys.new": STAFF_ONLY,
    "surveys.edit": STAFF_ONLY,
    "surveys.add_item": STAFF_ONLY,
    "surveys.edit_item": STAFF_ONLY,
    "surveys.remove_item": STAFF_ONLY,
    "surveys.move_item": STAFF_ONLY,
    "surveys.archive": STAFF_ONLY,
    "surveys.restore": STAFF_ONLY,
    "surveys.workshop": STAFF_ONLY,  # attach (POST) and the links, QR codes and windows
    "surveys.detach": STAFF_ONLY,
    # Printing the survey's sheets and typing them in (tests/test_surveys_paper.py).
    "surveys.paper_pdf": STAFF_ONLY,
    "surveys.paper_entry": STAFF_ONLY,
    "surveys.remove_paper_entry": STAFF_ONLY,
    # The world's "before" survey is open now; the link is the credential, and the page shows
    # the workshop's title and day only.
    "surveys.answer": PUBLIC,
    "surveys.thanks": PUBLIC,
    # The world's workshop is at the contact's school and given by the world's speaker;
    # neither sees its free-text answers (tests/test_survey_results.py).
    "surveys.results_page": Allowed.of(STAFF, "school", "speaker"),
    "surveys.results_pdf": Allowed.of(STAFF, "school", "speaker"),  # as results_page
    "surveys.results_csv": STAFF_ONLY,  # the researchers' anonymous answers
    # A period's results: each role only its own workshops (tests/test_survey_results.py).
    "surveys.scope_results": Allowed.of(STAFF, "school", "speaker"),
    # Its PDF; with no period in the query it sends the reader back to the page.
    "surveys.scope_results_pdf": Allowed.of(STAFF, "school", "speaker"),
}

FOREIGN = {
    "surveys.answer": (),  # the token is the credential, not a record
    "surveys.thanks": (),
    # Results follow the documents rule for schools (rules_certificates builds the visiting
    # workshop: another venue, the contact's pupils, another speaker) and the speakers on it.
    "surveys.results_page": (
        Foreign("another school's workshop, another speaker's",
                {"workshop_id": "other_workshop_id"}),
        Foreign("a workshop another venue hosted for the contact's pupils",
                {"workshop_id": "visiting_workshop_id"}, allowed=frozenset(STAFF | {"school"})),
    ),
}
FOREIGN["surveys.results_pdf"] = FOREIGN["surveys.results_page"]


def build(make, world: dict) -> None:
    """A questionnaire of two questions asked before a workshop at the contact's school that
    starts in half an hour, the guardians informed: its link is open."""
    workshop = make.workshop(venue=world["_school"], speakers=[world["_speaker"]],
                             guardians_informed=True)
    workshop.starts_at = utcnow() + timedelta(minutes=30)
    workshop.ends_at = workshop.starts_at + timedelta(hours=2)
    questionnaire = Questionnaire(name="Antes y después", versions=[QuestionnaireVersion(
        number=1, items=[
            # English wording the English-word crawl (test_no_english) does not count as
            # interface: it is data, shown to staff beside the Spanish.
            SurveyItem(position=1, kind=ItemKind.SCALE, text_es="Sé a quién acudir.",
                       text_en="Confident."),
            SurveyItem(position=2, kind=ItemKind.TEXT, text_es="¿Qué aprendió?",
                       text_en="Learned?")])])
    survey = WorkshopSurvey(workshop=workshop, phase=SurveyPhase.BEFORE,
                            version=questionnaire.versions[0])
    # A sheet typed in from paper, which staff may take back.
    sheet = SurveyResponse(survey=survey, answered_on=today_lima(), source=ResponseSource.PAPER)
    make.db.session.add_all([questionnaire, survey, sheet])
    make.db.session.commit()
    world["response_id"] = sheet.id
    world["questionnaire_id"] = questionnaire.id
    world["position"] = 1
    world["direction"] = "down"
    world["survey_id"] = survey.id
    world["survey_token"] = survey.token
    world.setdefault("workshop_id", workshop.id)
