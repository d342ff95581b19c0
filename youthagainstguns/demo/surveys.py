"""Build the surveys side of the demo: a questionnaire asked before and after two workshops,
with anonymous answers (some paired by code), so that results have something to show."""
from ..extensions import db
from ..surveys.models import (
    ItemKind,
    Questionnaire,
    QuestionnaireVersion,
    ResponseSource,
    SurveyAnswer,
    SurveyItem,
    SurveyPhase,
    SurveyResponse,
    WorkshopSurvey,
)
from .programme import ProgrammeDemo

ITEMS = (
    (ItemKind.SCALE, "Sé a quién acudir si alguien me ofrece un arma.",
     "I know who to turn to if someone offers me a weapon."),
    (ItemKind.SCALE, "Puedo decir que no a un grupo sin ponerme en peligro.",
     "I can say no to a group without putting myself in danger."),
    (ItemKind.YES_NO, "¿Hablaría de este tema con un adulto de confianza?",
     "Would you talk about this with an adult you trust?"),
    (ItemKind.TEXT, "¿Qué se lleva del taller?", "What do you take away from the workshop?"),
)
WORKSHOPS = ("w1", "w4")  # a closed workshop and one held a week ago
ANSWERS = {SurveyPhase.BEFORE: 18, SurveyPhase.AFTER: 16}
PAIRED = 12  # students who gave the same code both times
TAKEAWAYS = ("Que siempre hay una salida.", "Pedir ayuda no es de débiles.",
             "La historia del ponente me hizo pensar.")


class SurveysDemo:
    """A questionnaire attached before and after two demo workshops, with answers."""

    def __init__(self, demo: ProgrammeDemo):
        self.demo = demo
        self.rng = demo.rng

    def build(self) -> None:
        """Create the questionnaire, its surveys and their answers."""
        version = QuestionnaireVersion(number=1, items=[
            SurveyItem(position=n, kind=kind, text_es=es, text_en=en)
            for n, (kind, es, en) in enumerate(ITEMS, start=1)])
        db.session.add(Questionnaire(name="Antes y después del taller",
                                     created_by=self.demo.coordinator, versions=[version]))
        for key in WORKSHOPS:
            workshop = self.demo.workshops[key]
            workshop.guardians_informed = True
            for phase, count in ANSWERS.items():
                survey = WorkshopSurvey(workshop=workshop, phase=phase, version=version,
                                        created_by_id=self.demo.coordinator.id)
                db.session.add(survey)
                self._answers(survey, version, count, after=phase == SurveyPhase.AFTER)

    def _answers(self, survey: WorkshopSurvey, version: QuestionnaireVersion, count: int,
                 *, after: bool) -> None:
        day = (survey.workshop.ends_at if after else survey.workshop.starts_at).date()
        for n in range(count):
            code = f"{'ABCDEFGHIJKLMNOP'[n % 16]}{n + 1:02d}{n % 10}" if n < PAIRED else None
            response = SurveyResponse(survey=survey, code=code, answered_on=day,
                                      source=ResponseSource.WEB)
            for item in version.items:
                response.answers.append(self._answer(item, after))
            db.session.add(response)

    def _answer(self, item: SurveyItem, after: bool) -> SurveyAnswer:
        if item.kind == ItemKind.TEXT:
            return SurveyAnswer(item=item, text=self.rng.choice(TAKEAWAYS))
        if item.kind == ItemKind.YES_NO:
            return SurveyAnswer(item=item, value=int(self.rng.random() < (0.8 if after else 0.5)))
        shift = 1 if after else 0  # the workshop moves answers up a point, on average
        return SurveyAnswer(item=item, value=min(5, max(1, self.rng.randint(2, 4) + shift
                                                         + self.rng.choice((-1, 0, 0)))))
