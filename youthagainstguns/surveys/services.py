"""Survey operations. Functions change and flush; the view commits once."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app, request
from flask_babel import lazy_gettext as _l

from .. import ratelimit
from ..audit.services import record
from ..auth.models import User
from ..extensions import db
from ..i18n import select_locale
from ..timeutil import to_lima, today_lima
from ..workshops.models import Workshop
from .models import (
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
)

# Answers accepted per client address and per link in a window. A whole class usually
# shares the school's one public address, so the address limit allows a large class answering
# twice over; the link limit is for a link passed around far beyond its workshop.
ANSWER_WINDOW_SECONDS = 10 * 60
ANSWERS_PER_ADDRESS = 120
ANSWERS_PER_LINK = 600


def get_questionnaire_or_404(questionnaire_id: int, *, for_user: User) -> Questionnaire:
    """Fetch a questionnaire with its versions and items, 404 if missing, 403 if `for_user`
    may not manage it."""
    questionnaire = db.session.get(Questionnaire, questionnaire_id,
                                   options=[so.selectinload(Questionnaire.versions)
                                            .selectinload(QuestionnaireVersion.items)])
    if questionnaire is None:
        abort(404)
    if not questionnaire.can_manage(for_user):
        abort(403)
    return questionnaire


def get_survey_or_404(survey_id: int, *, for_user: User) -> WorkshopSurvey:
    """Fetch an attached survey, 404 if missing, 403 if `for_user` may not manage it."""
    survey = db.session.get(WorkshopSurvey, survey_id)
    if survey is None:
        abort(404)
    if not survey.can_manage(for_user):
        abort(403)
    return survey


def get_survey_by_token_or_404(token: str) -> WorkshopSurvey:
    """Fetch the survey behind a public link with its workshop and items; 404 if none.

    The token is the credential: anyone holding the link may answer while it is open.
    """
    survey = db.session.scalar(sa.select(WorkshopSurvey).where(WorkshopSurvey.token == token)
                               .options(so.joinedload(WorkshopSurvey.workshop),
                                        so.joinedload(WorkshopSurvey.version)
                                        .selectinload(QuestionnaireVersion.items)))
    if survey is None:
        abort(404)
    return survey


def answer_language() -> str:
    """Return the answering page's language: the one its switch link chose, else the
    browser's (then Spanish)."""
    chosen = request.args.get("lang")
    return chosen if chosen in current_app.config["LANGUAGES"] else select_locale()


def answer_allowed(address: str, token: str) -> bool:
    """Count one answer sent from `address` through the link `token`; False once either has
    used up its window (both are counted, so neither can be drained by the other)."""
    by_address = ratelimit.allow("survey-address", address, limit=ANSWERS_PER_ADDRESS,
                                 window_seconds=ANSWER_WINDOW_SECONDS)
    by_link = ratelimit.allow("survey-link", token, limit=ANSWERS_PER_LINK,
                              window_seconds=ANSWER_WINDOW_SECONDS)
    return by_address and by_link


def save_response(survey: WorkshopSurvey, code: str | None, answers: dict[int, int | str], *,
                  answered_on: date, source: ResponseSource = ResponseSource.WEB
                  ) -> SurveyResponse:
    """Add one response with its answers (by item id, of the survey's version) and flush.

    Nothing is logged: an audit line would tie the answer to an address and a time.
    """
    kinds = {item.id: item.kind for item in survey.version.items}
    if not answers or not set(answers) <= set(kinds):
        raise ValueError("answers must name items of the survey's version")
    response = SurveyResponse(survey=survey, code=code, answered_on=answered_on, source=source)
    for item_id, value in answers.items():
        is_text = kinds[item_id] == ItemKind.TEXT
        response.answers.append(SurveyAnswer(item_id=item_id, text=value if is_text else None,
                                             value=None if is_text else value))
    db.session.add(response)
    db.session.flush()
    return response


def paper_refusal(survey: WorkshopSurvey) -> str | None:
    """Say why the survey's sheets cannot be printed or typed in (a draft or cancelled
    workshop, or guardians not informed), or None. Unlike the link, the answering window does
    not apply: sheets are typed in days later."""
    if survey.state() == "unavailable":
        return _refusal("no_paper")
    return None


def save_paper_response(survey: WorkshopSurvey, code: str | None,
                        answers: dict[int, int | str], by: User) -> SurveyResponse:
    """Add one response typed in from a paper sheet, dated the day the sheets were filled in
    (the workshop's), and log who typed it, by ids only."""
    if refusal := paper_refusal(survey):
        raise SurveyError(refusal)
    workshop = survey.workshop
    filled_in = workshop.starts_at if survey.phase == SurveyPhase.BEFORE else workshop.ends_at
    response = save_response(survey, code, answers, source=ResponseSource.PAPER,
                             answered_on=min(to_lima(filled_in).date(), today_lima()))
    record("survey.paper_entry", workshop, f"{survey.phase.value}: survey {survey.id}, "
           f"response {response.id}", actor=by)
    return response


def paper_response(survey: WorkshopSurvey, response_id: int) -> SurveyResponse | None:
    """Return this survey's response with that id if it was typed in from paper, else None:
    a student's own online answer is never taken back by staff."""
    response = db.session.get(SurveyResponse, response_id)
    if (response is None or response.survey_id != survey.id
            or response.source != ResponseSource.PAPER):
        return None
    return response


def remove_paper_response(survey: WorkshopSurvey, response: SurveyResponse, by: User) -> None:
    """Take back a sheet typed in by mistake (to type it in again), logged by ids only."""
    record("survey.paper_entry_removed", survey.workshop, f"{survey.phase.value}: survey "
           f"{survey.id}, response {response.id}", actor=by)
    db.session.delete(response)
    db.session.flush()


def paper_response_count(survey: WorkshopSurvey) -> int:
    """Count the survey's responses typed in from paper sheets."""
    return db.session.scalar(sa.select(sa.func.count()).where(
        SurveyResponse.survey_id == survey.id, SurveyResponse.source == ResponseSource.PAPER))


# The library -------------------------------------------------------------------------------

def questionnaires_page(*, per_page: int):
    """Return a page of the library: active questionnaires first, by name."""
    query = sa.select(Questionnaire).order_by(Questionnaire.archived, Questionnaire.name,
                                              Questionnaire.id)
    return db.paginate(query, per_page=per_page, error_out=False)


def version_summaries(questionnaire_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Return (current version number, its items) by questionnaire id, in one query."""
    current = (sa.select(QuestionnaireVersion.questionnaire_id,
                         sa.func.max(QuestionnaireVersion.number).label("number"))
               .where(QuestionnaireVersion.questionnaire_id.in_(questionnaire_ids))
               .group_by(QuestionnaireVersion.questionnaire_id).subquery())
    rows = db.session.execute(
        sa.select(current.c.questionnaire_id, current.c.number, sa.func.count(SurveyItem.id))
        .select_from(current)
        .join(QuestionnaireVersion, sa.and_(
            QuestionnaireVersion.questionnaire_id == current.c.questionnaire_id,
            QuestionnaireVersion.number == current.c.number))
        .outerjoin(SurveyItem, SurveyItem.version_id == QuestionnaireVersion.id)
        .group_by(current.c.questionnaire_id, current.c.number))
    return {questionnaire_id: (number, items) for questionnaire_id, number, items in rows}


def create_questionnaire(name: str, by: User) -> Questionnaire:
    """Add a questionnaire with an empty first version."""
    questionnaire = Questionnaire(name=name.strip(), created_by_id=by.id,
                                  versions=[QuestionnaireVersion(number=1)])
    db.session.add(questionnaire)
    db.session.flush()
    record("questionnaire.create", questionnaire, actor=by)
    return questionnaire


def rename_questionnaire(questionnaire: Questionnaire, name: str, by: User) -> None:
    """Rename a questionnaire (the name is not part of what students read: no new version)."""
    questionnaire.name = name.strip()
    db.session.flush()
    record("questionnaire.rename", questionnaire, actor=by)


def edit_items(questionnaire: Questionnaire, what: str,
               change: Callable[[QuestionnaireVersion], None], by: User) -> QuestionnaireVersion:
    """Apply `change` to the version an edit may change (a new one once the current has
    answers), flush and log `what` was done; return that version."""
    version = questionnaire.version_to_edit()
    change(version)
    db.session.flush()
    record("questionnaire.edit", questionnaire, f"version {version.number}: {what}", actor=by)
    return version


def set_archived(questionnaire: Questionnaire, archived: bool, by: User) -> None:
    """Archive a questionnaire, or offer an archived one again."""
    if archived:
        questionnaire.archive()
    else:
        questionnaire.restore()
    db.session.flush()
    record("questionnaire.archive" if archived else "questionnaire.restore", questionnaire,
           actor=by)


# Surveys at a workshop ---------------------------------------------------------------------

def workshop_surveys(workshop: Workshop) -> dict[SurveyPhase, WorkshopSurvey]:
    """Return the workshop's surveys by phase, with their questionnaire loaded."""
    surveys = db.session.scalars(sa.select(WorkshopSurvey).where(
        WorkshopSurvey.workshop_id == workshop.id).options(
        so.joinedload(WorkshopSurvey.version).joinedload(QuestionnaireVersion.questionnaire)))
    return {survey.phase: survey for survey in surveys}


def response_counts(workshop: Workshop) -> dict[int, int]:
    """Return how many responses each of the workshop's surveys has, by survey id."""
    rows = db.session.execute(
        sa.select(SurveyResponse.survey_id, sa.func.count()).join(WorkshopSurvey)
        .where(WorkshopSurvey.workshop_id == workshop.id).group_by(SurveyResponse.survey_id))
    return {survey_id: count for survey_id, count in rows}


def attachable_questionnaires() -> list[tuple[int, str]]:
    """Return (id, name) of the questionnaires that may be attached: not archived, with items."""
    # Versions are only ever added, so a questionnaire's newest has its highest id.
    current = (sa.select(sa.func.max(QuestionnaireVersion.id))
               .group_by(QuestionnaireVersion.questionnaire_id))
    query = (sa.select(Questionnaire.id, Questionnaire.name)
             .join(QuestionnaireVersion).where(
                 ~Questionnaire.archived, QuestionnaireVersion.id.in_(current),
                 sa.exists().where(SurveyItem.version_id == QuestionnaireVersion.id))
             .order_by(Questionnaire.name))
    return [(row.id, row.name) for row in db.session.execute(query)]


def attach(workshop: Workshop, phase: SurveyPhase, questionnaire: Questionnaire,
           by: User) -> WorkshopSurvey:
    """Ask the questionnaire's current version at the workshop in `phase`, behind a new link."""
    if questionnaire.archived or not questionnaire.current_version.items:
        raise SurveyError(_refusal("unusable"))
    taken = db.session.scalar(sa.select(sa.exists().where(
        WorkshopSurvey.workshop_id == workshop.id, WorkshopSurvey.phase == phase)))
    if taken:
        raise SurveyError(_refusal("taken"))
    survey = WorkshopSurvey(workshop=workshop, phase=phase,
                            version=questionnaire.current_version, created_by_id=by.id)
    db.session.add(survey)
    db.session.flush()
    record("survey.attach", workshop, f"{phase.value}: questionnaire {questionnaire.id} "
           f"version {survey.version.number}", actor=by)
    return survey


def detach(survey: WorkshopSurvey, by: User) -> None:
    """Remove a survey nobody has answered yet (its link stops working)."""
    if survey.has_responses():
        raise SurveyError(_refusal("answered"))
    workshop, phase = survey.workshop, survey.phase
    db.session.delete(survey)
    db.session.flush()
    record("survey.detach", workshop, phase.value, actor=by)


_REFUSALS = {
    "unusable": _l("Choose a questionnaire that is not archived and has questions."),
    "taken": _l("This workshop already has a survey at that moment. Detach it first."),
    "answered": _l("Someone already answered this survey: it cannot be detached."),
    "no_paper": _l("No sheets for this survey: the workshop is a draft or cancelled, or the "
                   "school has not confirmed that the guardians were informed."),
}


def _refusal(reason: str) -> str:
    return str(_REFUSALS[reason])


# Pairing -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Pair:
    """One student's before and after responses, joined by their code."""

    before_id: int
    after_id: int


def pair_responses(workshop: Workshop) -> list[Pair]:
    """Pair the workshop's before and after responses that carry the same code.

    A code used more than once in either phase pairs nobody (two students may pick the same
    facts), and a response without a code stays unpaired: both still count unpaired.
    """
    rows = db.session.execute(pairs_where(Workshop.id == workshop.id)
                              .order_by(sa.literal_column("before_id")))
    return [Pair(before_id, after_id) for before_id, after_id in rows]


def pairs_where(condition: sa.ColumnElement[bool]) -> sa.Select:
    """Select (before_id, after_id) of the responses paired by code, as pair_responses says,
    at each workshop meeting `condition` (on Workshop): a student pairs only within a workshop."""
    before, after = (_single_codes(condition, phase)
                     for phase in (SurveyPhase.BEFORE, SurveyPhase.AFTER))
    return (sa.select(before.c.response_id.label("before_id"),
                      after.c.response_id.label("after_id"))
            .join(after, sa.and_(after.c.workshop_id == before.c.workshop_id,
                                 after.c.code == before.c.code)))


def _single_codes(condition: sa.ColumnElement[bool], phase: SurveyPhase) -> sa.Subquery:
    """Select (workshop, code, response id) of the codes used exactly once in `phase` at each
    workshop meeting `condition`."""
    return (sa.select(WorkshopSurvey.workshop_id, SurveyResponse.code,
                      sa.func.min(SurveyResponse.id).label("response_id"))
            .join(WorkshopSurvey).join(Workshop, Workshop.id == WorkshopSurvey.workshop_id)
            .where(condition, WorkshopSurvey.phase == phase, SurveyResponse.code.is_not(None))
            .group_by(WorkshopSurvey.workshop_id, SurveyResponse.code)
            .having(sa.func.count() == 1).subquery())
