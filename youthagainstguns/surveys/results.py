"""Survey results: per question, how many answered before and after, the distribution of the
answers, and the mean change (paired by the students' codes, and unpaired) with its 95 %
confidence interval; the free-text answers listed for coordinators; the researchers' CSV.

**Which items are the same question.** A question is an item's (questionnaire, position,
kind, Spanish and English wording). The same SurveyItem asked before and after is one question;
so are the items of two versions of one questionnaire (a workshop's "before" pinned version 1,
its "after" version 2) at the same position with the same kind and wording: students read the
same words. Change a word and they are two questions, each asked in one phase, never compared.

**The small-cell rule** (PRODUCT.md: "results shown only from 5 answers"): a question's
distribution is shown only when each phase that asked it has at least `MIN_ANSWERS` answers,
its unpaired difference only when both phases have, its paired change only when at least
`MIN_ANSWERS` students are paired on it. Free text is never summarised; it is listed only to
coordinators, from `MIN_ANSWERS` answers of a phase. The CSV holds nothing for a workshop one
of whose surveys has from 1 to 4 responses.

The threshold is the number reports/suppression.SUPPRESS_BELOW holds for counts of children;
surveys sits below reports (reports may come to show survey figures) and so cannot import it.

Counts come from SQL aggregates grouped by question, phase and value, and for the paired
change by question and the (before, after) values of the pairs: no answer is read one by one,
whether for one workshop or for a year of the program. Only the free text (coordinators, one
workshop) and the CSV (one workshop) read answers one by one.
"""
from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from ..auth.models import Role, User
from ..extensions import db
from ..speakers.models import Speaker
from ..workshops.models import Workshop, documents_visible_to
from . import stats
from .models import (
    ItemKind,
    QuestionnaireVersion,
    SurveyAnswer,
    SurveyItem,
    SurveyPhase,
    SurveyResponse,
    WorkshopSurvey,
)
from .services import pair_responses, pairs_where

MIN_ANSWERS = 5
PHASES = (SurveyPhase.BEFORE, SurveyPhase.AFTER)


@dataclass(frozen=True)
class Question:
    """What makes two items the same question (see the module's docstring)."""

    position: int
    questionnaire_id: int
    kind: ItemKind
    text_es: str
    text_en: str

    def text(self, language: str) -> str:
        """Return the wording in `language` ("es" or "en")."""
        return self.text_en if language == "en" else self.text_es


# The question's columns, in Question's field order, for SELECT and GROUP BY.
_QUESTION = (SurveyItem.position, QuestionnaireVersion.questionnaire_id, SurveyItem.kind,
             SurveyItem.text_es, SurveyItem.text_en)


@dataclass
class QuestionResult:
    """One question's results; a figure is None where the small-cell rule withholds it."""

    question: Question
    phases: tuple[SurveyPhase, ...]  # the phases that asked it
    answers: dict[SurveyPhase, int] = field(default_factory=dict)
    distribution: dict[SurveyPhase, dict[int, int]] | None = None
    pairs: int = 0
    paired: stats.MeanChange | None = None
    unpaired: stats.MeanChange | None = None
    texts: dict[SurveyPhase, list[str]] | None = None  # free text, for coordinators only

    @property
    def values(self) -> tuple[int, ...]:
        """Return the values an answer may take, in order (no → yes; 1 → 5)."""
        return (0, 1) if self.question.kind == ItemKind.YES_NO else (1, 2, 3, 4, 5)

    @property
    def compared(self) -> bool:
        """Tell whether the question was asked both before and after."""
        return len(self.phases) == 2


@dataclass
class Results:
    """The survey results of a workshop or of a set of workshops: responses per phase, each
    question's results, and how many workshops they come from."""

    responses: dict[SurveyPhase, int]  # the phases with a survey
    questions: list[QuestionResult]
    workshops: int = 1  # how many workshops have a survey

    @property
    def enough_responses(self) -> bool:
        """Tell whether every phase with responses has at least MIN_ANSWERS of them."""
        return any(self.responses.values()) and all(
            count >= MIN_ANSWERS for count in self.responses.values() if count)


def results_visible_to(user: User) -> sa.ColumnElement[bool]:
    """Return the condition on Workshop for the workshops whose survey results `user` may
    see: those whose documents they may see (staff all, a school contact its school's), and a
    speaker's the ones they spoke at."""
    if user.role == Role.SPEAKER:
        return Workshop.speakers.any(Speaker.user_id == user.id)
    return documents_visible_to(user)


def can_view_results(workshop: Workshop, user: User) -> bool:
    """Tell whether `user` may see the workshop's survey results."""
    if user.is_staff:
        return True
    return bool(db.session.scalar(sa.select(sa.exists().where(
        Workshop.id == workshop.id, results_visible_to(user)))))


def workshop_results(workshop: Workshop, *, with_texts: bool = False) -> Results:
    """Return the workshop's results; with the free-text answers when `with_texts` (only for
    coordinators)."""
    return scope_results(Workshop.id == workshop.id, with_texts=with_texts)


def scope_results(condition: sa.ColumnElement[bool], *, with_texts: bool = False) -> Results:
    """Return the results of the surveys of the workshops meeting `condition` (on Workshop:
    one workshop, a speaker's, a school's, a period's), students paired within each workshop.
    A fixed number of queries, however many answered."""
    responses = _response_counts(condition)
    asked = _questions_asked(condition)
    counts = _value_counts(condition)
    paired = _paired_counts(condition)
    texts = _texts(condition) if with_texts else None
    questions = [_result(question, phases, counts.get(question, {}),
                         list(_expand(paired.get(question, {}))),
                         None if texts is None else texts.get(question, {}))
                 for question, phases in sorted(asked.items(), key=_in_order)]
    surveyed = {phase for phases in asked.values() for phase in phases}
    return Results({phase: responses.get(phase, 0) for phase in PHASES if phase in surveyed},
                   questions, _workshop_count(condition))


def _in_order(asked: tuple[Question, tuple]) -> tuple:
    """Order questions as asked: by position, then questionnaire and wording."""
    question = asked[0]
    return question.position, question.questionnaire_id, question.text_es


def _response_counts(condition) -> dict[SurveyPhase, int]:
    """Count responses per phase."""
    rows = db.session.execute(
        sa.select(WorkshopSurvey.phase, sa.func.count(SurveyResponse.id))
        .join(SurveyResponse, SurveyResponse.survey_id == WorkshopSurvey.id)
        .join(Workshop, Workshop.id == WorkshopSurvey.workshop_id)
        .where(condition).group_by(WorkshopSurvey.phase))
    return {phase: count for phase, count in rows}


def _workshop_count(condition) -> int:
    """Count the workshops with a survey."""
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(WorkshopSurvey.workshop_id)))
        .join(Workshop, Workshop.id == WorkshopSurvey.workshop_id).where(condition))


def _questions_asked(condition) -> dict[Question, tuple[SurveyPhase, ...]]:
    """Return each question the surveys ask, with the phases that ask it."""
    rows = db.session.execute(
        sa.select(*_QUESTION, WorkshopSurvey.phase).distinct()
        .select_from(WorkshopSurvey)
        .join(Workshop, Workshop.id == WorkshopSurvey.workshop_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == WorkshopSurvey.version_id)
        .join(SurveyItem, SurveyItem.version_id == QuestionnaireVersion.id)
        .where(condition))
    asked: dict[Question, set[SurveyPhase]] = defaultdict(set)
    for *question, phase in rows:
        asked[Question(*question)].add(phase)
    return {question: tuple(p for p in PHASES if p in phases)
            for question, phases in asked.items()}


def _answers_of(condition, *columns) -> sa.Select:
    """Select `columns` from the answers given to the surveys meeting `condition`."""
    return (sa.select(*columns).select_from(SurveyAnswer)
            .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
            .join(WorkshopSurvey, WorkshopSurvey.id == SurveyResponse.survey_id)
            .join(Workshop, Workshop.id == WorkshopSurvey.workshop_id)
            .join(SurveyItem, SurveyItem.id == SurveyAnswer.item_id)
            .join(QuestionnaireVersion, QuestionnaireVersion.id == SurveyItem.version_id)
            .where(condition))


def _value_counts(condition) -> dict[Question, dict[SurveyPhase, dict[int, int]]]:
    """Count the answers per question, phase and value; free-text answers under None."""
    query = (_answers_of(condition, *_QUESTION, WorkshopSurvey.phase, SurveyAnswer.value,
                         sa.func.count())
             .group_by(*_QUESTION, WorkshopSurvey.phase, SurveyAnswer.value))
    counts: dict = defaultdict(lambda: defaultdict(dict))
    for *question, phase, value, count in db.session.execute(query):
        counts[Question(*question)][phase][value] = count
    return counts


def _paired_counts(condition) -> dict[Question, dict[tuple[int, int], int]]:
    """Count per question the paired students' (before, after) values: a student's two
    answers to the same question (same item, or same position, kind and wording), paired
    within each workshop by services.pairs_where."""
    pairs = pairs_where(condition).subquery()
    sides = [(so.aliased(SurveyAnswer), so.aliased(SurveyItem), so.aliased(QuestionnaireVersion))
             for _phase in PHASES]
    (answer_b, item_b, version_b), (answer_a, item_a, version_a) = sides
    question_b = (item_b.position, version_b.questionnaire_id, item_b.kind, item_b.text_es,
                  item_b.text_en)
    question_a = (item_a.position, version_a.questionnaire_id, item_a.kind, item_a.text_es,
                  item_a.text_en)
    query = sa.select(*question_b, answer_b.value, answer_a.value, sa.func.count()).select_from(
        pairs)
    for (answer, item, version), response_id in zip(
            sides, (pairs.c.before_id, pairs.c.after_id), strict=True):
        query = (query.join(answer, answer.response_id == response_id)
                 .join(item, item.id == answer.item_id)
                 .join(version, version.id == item.version_id))
    query = (query.where(answer_b.value.is_not(None), answer_a.value.is_not(None),
                         *(b == a for b, a in zip(question_b, question_a, strict=True)))
             .group_by(*question_b, answer_b.value, answer_a.value))
    counts: dict = defaultdict(dict)
    for *question, before, after, count in db.session.execute(query):
        counts[Question(*question)][before, after] = count
    return counts


def _texts(condition) -> dict[Question, dict[SurveyPhase, list[str]]]:
    """Return the free-text answers per question and phase, shuffled: their order would
    otherwise follow who answered first."""
    rows = db.session.execute(_answers_of(condition, *_QUESTION, WorkshopSurvey.phase,
                                          SurveyAnswer.text)
                              .where(SurveyAnswer.text.is_not(None)))
    texts: dict = defaultdict(lambda: defaultdict(list))
    for *question, phase, text in rows:
        texts[Question(*question)][phase].append(text)
    for by_phase in texts.values():
        for answers in by_phase.values():
            random.shuffle(answers)
    return texts


def _result(question: Question, phases: tuple[SurveyPhase, ...],
            counts: dict[SurveyPhase, dict[int, int]], pairs: list[tuple[int, int]],
            texts: dict[SurveyPhase, list[str]] | None) -> QuestionResult:
    """Put one question's figures together, withholding those resting on too few answers."""
    result = QuestionResult(question, phases, {
        phase: sum(counts.get(phase, {}).values()) for phase in phases})
    if question.kind == ItemKind.TEXT:
        if texts is not None:
            result.texts = {phase: answers for phase, answers in texts.items()
                            if len(answers) >= MIN_ANSWERS}
        return result
    if all(result.answers[phase] >= MIN_ANSWERS for phase in phases):
        result.distribution = {phase: {value: counts.get(phase, {}).get(value, 0)
                                       for value in result.values} for phase in phases}
        if result.compared:
            result.unpaired = stats.unpaired_change(
                *(list(_expand(counts[phase])) for phase in PHASES))
    result.pairs = len(pairs)
    if len(pairs) >= MIN_ANSWERS:
        result.paired = stats.paired_change(pairs)
    return result


def _expand(counts: dict) -> Iterator:
    """Yield each value (or pair of values) as many times as it was answered: the counts
    have at most 5 (or 25) keys, the values are small integers."""
    for value, count in counts.items():
        yield from [value] * count


# The researchers' CSV ----------------------------------------------------------------------

# The researchers' CSV headers, in the reader's language like every export; the values of
# phase and kind stay the stored codes ("before", "scale"), stable across languages.
CSV_COLUMNS = (_l("response"), _l("workshop"), _l("phase"), _l("questionnaire"),
               _l("version"), _l("question"), _l("question type"), _l("value"),
               _l("day answered"), _l("pair"))
TEXT_COLUMN = _l("text")


def csv_rows(workshop: Workshop, *, with_text: bool = False) -> Iterator[tuple]:
    """Yield one row per answer (CSV_COLUMNS, then TEXT_COLUMN when `with_text`): a number
    per response counted from 1 in this export (not its id), the day only, no code, and for a
    paired response its pair's number in this export (empty when unpaired), so that
    researchers can compare a student's before and after; nothing when a survey of the
    workshop has from 1 to MIN_ANSWERS − 1 responses."""
    if not _response_counts_enough(workshop):
        return
    pair_of = {id_: number for number, pair in enumerate(pair_responses(workshop), start=1)
               for id_ in (pair.before_id, pair.after_id)}
    before_first = sa.case((WorkshopSurvey.phase == SurveyPhase.BEFORE, 0), else_=1)
    query = (_answers_of(WorkshopSurvey.workshop_id == workshop.id, SurveyResponse.id,
                         WorkshopSurvey.phase, QuestionnaireVersion.questionnaire_id,
                         QuestionnaireVersion.number, SurveyItem.position, SurveyItem.kind,
                         SurveyAnswer.value, SurveyResponse.answered_on, SurveyAnswer.text)
             .order_by(before_first, SurveyResponse.id, SurveyItem.position))
    if not with_text:
        query = query.where(SurveyAnswer.value.is_not(None))
    numbers: dict[int, int] = {}
    for (response_id, phase, questionnaire_id, version, position, kind, value, answered_on,
         text) in db.session.execute(query):
        number = numbers.setdefault(response_id, len(numbers) + 1)
        row = (number, workshop.id, phase.value, questionnaire_id, version, position,
               kind.value, value, answered_on.isoformat(), pair_of.get(response_id))
        yield (*row, text) if with_text else row


def _response_counts_enough(workshop: Workshop) -> bool:
    """Tell whether the workshop's responses may be exported under the small-cell rule."""
    return Results(_response_counts(WorkshopSurvey.workshop_id == workshop.id),
                   []).enough_responses
