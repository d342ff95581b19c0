"""Forms for the questionnaire library, attaching surveys, answering one, and typing in a
paper sheet."""
from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from ..forms import AppForm
from .models import (
    FREE_TEXT_MAX,
    ITEM_TEXT_MAX,
    NO,
    YES,
    ItemKind,
    QuestionnaireVersion,
    SurveyError,
    SurveyItem,
    SurveyPhase,
    pairing_code,
)

# The five points of the agreement scale, lowest first.
SCALE_LABELS = (_l("Strongly disagree"), _l("Disagree"), _l("Neither agree nor disagree"),
                _l("Agree"), _l("Strongly agree"))


def _choices(labelled) -> list[SelectChoice]:
    return [SelectChoice(member.value, member.label) for member in labelled]


class QuestionnaireForm(AppForm):
    """Name a questionnaire."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    submit = SubmitField(_l("Save"))


class ItemForm(AppForm):
    """One question: its kind and its wording in both languages."""

    kind = SelectField(_l("Kind of question"), choices=lambda: _choices(ItemKind),
                       validators=[DataRequired()])
    text_es = TextAreaField(_l("Wording in Spanish"),
                            validators=[DataRequired(), Length(max=ITEM_TEXT_MAX)])
    text_en = TextAreaField(_l("Wording in English"),
                            validators=[DataRequired(), Length(max=ITEM_TEXT_MAX)])
    submit = SubmitField(_l("Save question"))

    def values(self) -> tuple[ItemKind, str, str]:
        """Return the kind and the two wordings, spaces tidied."""
        return (ItemKind(self.kind.data), " ".join(self.text_es.data.split()),
                " ".join(self.text_en.data.split()))


class AttachForm(AppForm):
    """Ask a questionnaire at a workshop, before or after it."""

    phase = SelectField(_l("When"), validators=[DataRequired()])
    questionnaire_id = SelectField(_l("Questionnaire"), coerce=int,
                                   validators=[DataRequired(message=_l("Choose a questionnaire."))])
    submit = SubmitField(_l("Attach"))

    def __init__(self, *args, phases: Sequence[SurveyPhase] = tuple(SurveyPhase),
                 questionnaires: Sequence[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.phase.choices = _choices(phases)
        self.questionnaire_id.choices = [SelectChoice(0, _l("Choose a questionnaire")),
                                         *(SelectChoice(i, name) for i, name in questionnaires)]


class AnswerForm(AppForm):
    """The public answering page: the self-generated code, then one field per item
    (`i<item id>`, added by `answer_form`)."""

    mother_initial = StringField(
        _l("First letter of your mother's first name"),
        validators=[Optional(), Length(max=1, message=_l("Write one letter."))],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "size": 2})
    birth_day = IntegerField(
        _l("Day of the month you were born (1 to 31)"),
        validators=[Optional(), NumberRange(min=1, max=31)],
        render_kw={"autocomplete": "off", "inputmode": "numeric", "min": 1, "max": 31})
    phone_digit = IntegerField(
        _l("Last digit of your phone number (0 to 9)"),
        validators=[Optional(), NumberRange(min=0, max=9)],
        render_kw={"autocomplete": "off", "inputmode": "numeric", "min": 0, "max": 9})
    # The version's wording_stamp when the page was made.
    wording = HiddenField()
    submit = SubmitField(_l("Send my answers"))

    items: Sequence[SurveyItem] = ()

    def __init__(self, *args, stamp: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.stamp = stamp
        if not self.is_submitted():
            self.wording.data = stamp
        self.code: str | None = None
        self.code_errors: list[str] = []
        self.general_errors: list[str] = []

    def validate(self, extra_validators=None) -> bool:
        """Validate each field, then the code as a whole and that something was answered."""
        valid = super().validate(extra_validators)
        self.code, self.code_errors, self.general_errors = None, [], []
        if not any(self[name].errors for name in ("mother_initial", "birth_day", "phone_digit")):
            try:
                self.code = pairing_code(self.mother_initial.data, self.birth_day.data,
                                         self.phone_digit.data)
            except SurveyError as error:
                self.code_errors.append(str(error))
        if self.wording.data != self.stamp:
            # The questions were edited since the page was made: show them as they are now.
            self.wording.data = self.stamp
            self.general_errors.append(str(_l(
                "The questions changed while you were answering. Please check your answers "
                "below and send them again.")))
        elif valid and not self.answers():
            self.general_errors.append(str(_l("Answer at least one question.")))
        return valid and not self.code_errors and not self.general_errors

    def item_field(self, item: SurveyItem):
        """Return the field that answers `item`."""
        return self[f"i{item.id}"]

    def answers(self) -> dict[int, int | str]:
        """Return the answers given, by item id: numbers for choices, tidied text."""
        found = {}
        for item in self.items:
            data = self.item_field(item).data
            if isinstance(data, str):
                data = data.strip() or None
            if data is not None:
                found[item.id] = data
        return found


# Sheet numbers run from 1 in each printed batch; a batch has at most PAPER_COPIES_MAX sheets,
# and a few batches may be printed for one survey.
PAPER_COPIES_MAX = 200
SHEET_NUMBER_MAX = 999


class PaperEntryForm(AnswerForm):
    """A paper sheet typed in by staff: the answering form (same fields, same checks) plus the
    number printed on the sheet. Each choice is typed as its digit (see `answer_form`)."""

    sheet = IntegerField(
        _l("Sheet number"), validators=[InputRequired(message=_l("Type the sheet number.")),
                                        NumberRange(min=1, max=SHEET_NUMBER_MAX)],
        render_kw={"autocomplete": "off", "inputmode": "numeric", "min": 1,
                   "max": SHEET_NUMBER_MAX})
    submit = SubmitField(_l("Save this sheet"))


class DigitChoiceField(RadioField):
    """A choice typed as its value's digit into a text box rather than clicked: far quicker
    through a pile of sheets. The choices and their checks are the radio field's."""

    widget = TextInput()

    def _value(self) -> str:
        """Show what was typed, even when it is not a choice, for correcting it."""
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


# What a staff member types for each choice on the paper entry page: the value stored.
DIGIT_MESSAGES = {
    ItemKind.SCALE: _l("Type a digit from 1 to 5, or leave it empty."),
    ItemKind.YES_NO: _l("Type 1 for yes or 0 for no, or leave it empty."),
}


def answer_form(version: QuestionnaireVersion, language: str, *, paper: bool = False,
                **kwargs) -> AnswerForm:
    """Return the answering form for the version's items, labelled in `language`; with
    `paper`, the staff form for typing in a sheet, each choice a digit box."""
    items = tuple(version.items)
    fields = {f"i{item.id}": _item_field(item, language, paper) for item in items}
    base = PaperEntryForm if paper else AnswerForm
    form_class = type("ItemAnswerForm", (base,), {**fields, "items": items})
    return form_class(stamp=version.wording_stamp(), **kwargs)


def item_choices(kind: ItemKind) -> list[SelectChoice]:
    """Return the choices of a scale or yes/no item, as the form and the paper sheet offer
    them: (stored value, label)."""
    if kind == ItemKind.YES_NO:
        return [SelectChoice(YES, _l("Yes")), SelectChoice(NO, _l("No"))]
    return [SelectChoice(n, label) for n, label in enumerate(SCALE_LABELS, start=1)]


def _item_field(item: SurveyItem, language: str, paper: bool = False):
    label = item.text(language)
    if item.kind == ItemKind.TEXT:
        return TextAreaField(label, validators=[Optional(), Length(max=FREE_TEXT_MAX)],
                             render_kw={"maxlength": FREE_TEXT_MAX, "rows": 3})
    if not paper:
        return RadioField(label, choices=item_choices(item.kind), coerce=int,
                          validators=[Optional()])
    message = DIGIT_MESSAGES[item.kind]
    return DigitChoiceField(label, choices=item_choices(item.kind), coerce=int,
                            validators=[Optional()], invalid_value_message=message,
                            invalid_choice_message=message,
                            render_kw={"autocomplete": "off", "inputmode": "numeric",
                                       "maxlength": 1, "size": 2, "class": "digit"})
