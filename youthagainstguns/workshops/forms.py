"""Forms for scheduling workshops, rosters and attendance."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import partial

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..forms import AppForm, CheckboxListField, OptionSource, SearchSelectField, VersionedForm
from ..schools.districts import district_choices
from ..schools.services import venue_options
from ..speakers.services import active_speaker_choices, speaker_options
from ..text import normalise, search_text
from ..timeutil import lima_to_utc
from .models import AttendanceStatus, RosterEntry, WorkshopStatus
from .roster_import import RosterRow
from .services import WorkshopFilter

MAX_CAPACITY = 2000

# What the searchable selects offer, by the name the options endpoint (option_views) answers to.
_source = partial(OptionSource, endpoint="workshops.options")
VENUES = _source("venues", venue_options)  # those that may host a workshop
REPORTED_VENUES = _source("reported-venues", partial(venue_options, include_archived=True))
SPEAKERS = _source("speakers", speaker_options)  # active ones
OPTION_SOURCES = {source.name: source for source in (VENUES, REPORTED_VENUES, SPEAKERS)}


def _with_blank(label, choices: list[SelectChoice], blank=0) -> list[SelectChoice]:
    return [SelectChoice(blank, label), *choices]


class WorkshopForm(VersionedForm):
    """Create, edit or reschedule a workshop. Times are entered in Lima."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=160)])
    topic = StringField(_l("Topic"), validators=[Optional(), Length(max=120)])
    venue_id = SearchSelectField(_l("Venue"), source=VENUES, blank=_l("Choose a venue"),
                                 validators=[DataRequired(message=_l("Choose a venue."))])
    day = DateField(_l("Date"), validators=[DataRequired()])
    start_time = TimeField(_l("Starts at"), validators=[DataRequired()])
    end_time = TimeField(_l("Ends at"), validators=[DataRequired()])
    capacity = IntegerField(_l("Capacity (students)"),
                            validators=[DataRequired(), NumberRange(min=1, max=MAX_CAPACITY)])
    speaker_ids = CheckboxListField(_l("Speakers"), coerce=int, validators=[DataRequired(
        message=_l("Choose at least one speaker."))])
    target_grades = StringField(_l("Target grades"), validators=[Optional(), Length(max=120)],
                                description=_l("For example: 3.º and 4.º of secondary school"))
    notes = TextAreaField(_l("Notes for the team"), validators=[Optional(), Length(max=2000)])
    # Without it the workshop's survey links cannot be opened (surveys.models).
    guardians_informed = BooleanField(
        _l("The school confirmed that the class's guardians were informed of the survey"))
    # Shown only when soft conflicts were found: the coordinator accepts them with a reason.
    ack_keys = HiddenField()
    acknowledge = BooleanField(_l("I have read these warnings and want to save anyway"))
    ack_reason = StringField(_l("Why is this acceptable?"),
                             validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, seats_taken: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self._seats_taken = seats_taken
        self.speaker_ids.choices = active_speaker_choices()

    def validate_end_time(self, field) -> None:
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_l("The end must be after the start."))

    def validate_capacity(self, field) -> None:
        if field.data is not None and field.data < self._seats_taken:
            raise ValidationError(_l(
                "%(n)d students are already on the roster; the capacity cannot be lower.",
                n=self._seats_taken))

    def times(self) -> tuple[datetime, datetime]:
        """Return the start and end as UTC instants."""
        return (lima_to_utc(self.day.data, self.start_time.data),
                lima_to_utc(self.day.data, self.end_time.data))

    def acknowledged(self, soft_keys: set[str]) -> bool:
        """Tell whether the coordinator accepted exactly the warnings now shown, with a reason."""
        shown = set((self.ack_keys.data or "").split())
        if not soft_keys <= shown or not self.acknowledge.data:
            return False
        if not (self.ack_reason.data or "").strip():
            self.ack_reason.errors.append(_l("Say why these warnings are acceptable."))
            return False
        return True


class WorkshopFilterForm(AppForm):
    """Filters above the list and the calendar (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)],
                    render_kw={"placeholder": _l("Title, topic, venue or speaker")})
    district = SelectField(_l("District"), validators=[Optional()])
    school = SearchSelectField(_l("School or venue"), source=VENUES, blank=_l("All venues"),
                               validators=[Optional()])
    speaker = SearchSelectField(_l("Speaker"), source=SPEAKERS, blank=_l("All speakers"),
                                validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args, staff: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.district.choices = _with_blank(_l("All districts"), [
            SelectChoice(v, label) for v, label in district_choices()], "")
        self.status.choices = _with_blank(_l("All statuses"), [
            SelectChoice(s.value, s.label) for s in WorkshopStatus], "")
        if not staff:
            for name in ("district", "school", "speaker"):
                delattr(self, name)

    def value(self, name: str):
        """Return a field's value, or None when it is absent, empty or invalid."""
        field = self._fields.get(name)
        return None if field is None or field.errors else (field.data or None)

    def filters(self) -> WorkshopFilter:
        """Return what the list or calendar is narrowed to."""
        return WorkshopFilter(
            district=self.value("district"), school_id=self.value("school"),
            speaker_id=self.value("speaker"), status=self.value("status"),
            date_from=self.value("date_from"), date_to=self.value("date_to"),
            q=self.value("q"))


class CancelForm(AppForm):
    reason = TextAreaField(_l("Reason for cancelling"),
                           validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Cancel the workshop"))


class RosterUploadForm(AppForm):
    file = FileField(_l("Class list (Excel or CSV)"), validators=[
        FileRequired(message=_l("Choose an Excel or CSV file.")),
        FileAllowed(["xlsx", "csv", "txt"], message=_l("The file must be .xlsx or .csv.")),
    ], description=_l("An Excel workbook (.xlsx, first sheet) or a CSV separated by commas "
                      "or semicolons; up to 2,000 students."))
    submit = SubmitField(_l("Preview"))


class RosterConfirmForm(AppForm):
    token = HiddenField()
    acknowledge = BooleanField(_l("Raise the capacity to fit everyone"))
    ack_reason = StringField(_l("Why is a larger group acceptable?"),
                             validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Import these students"))


class StudentForm(AppForm):
    """One student typed by hand, or a walk-in at the door."""

    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=80)])
    last_names = StringField(_l("Last names"), validators=[DataRequired(), Length(max=120)])
    grade = StringField(_l("Grade"), validators=[Optional(), Length(max=30)])
    section = StringField(_l("Section"), validators=[Optional(), Length(max=10)])
    code = StringField(_l("Student code"), validators=[Optional(), Length(max=30)])
    submit = SubmitField(_l("Add student"))

    def row(self) -> RosterRow:
        """Return the typed student as a roster line, spaces tidied."""
        code = self.code.data if self.code is not None else ""
        return RosterRow(
            line=0, first_name=" ".join(self.first_name.data.split()),
            last_names=" ".join(self.last_names.data.split()),
            grade=(self.grade.data or "").strip(), section=(self.section.data or "").strip(),
            code=(code or "").strip())


class WalkInForm(StudentForm):
    """A student at the door; staff may let one in past capacity, saying why."""

    code = None
    capacity_reason = StringField(_l("Why add this student past capacity?"),
                                  validators=[Optional(), Length(max=300)])
    submit = SubmitField(_l("Add walk-in"))

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            delattr(self, "capacity_reason")

    def reason(self) -> str:
        """Return the reason to exceed the capacity given, if the form asks for one."""
        return (self.capacity_reason.data or "").strip() if self.capacity_reason else ""


class AttendanceForm(AppForm):
    """One present/late/excused/absent choice per roster line, posted as `e<entry id>`.

    The choices are read from the posted data, not as a field each: 300 fields cost more
    than the rest of the attendance page. A line left out keeps its current mark.
    """

    all_present = SubmitField(_l("All present"))
    search = SubmitField(_l("Search"))
    submit = SubmitField(_l("Save attendance"))

    def __init__(self, entries: Sequence[RosterEntry], **kwargs):
        super().__init__(**kwargs)
        self.entries = entries
        posted = request.form if self.is_submitted() else {}
        # Entry id → the value shown checked ("" for none yet).
        self.chosen = {entry.id: posted.get(f"e{entry.id}", entry.status or "")
                       for entry in entries}
        self.choice_errors: dict[int, str] = {}
        self.query = search_text(request.values.get("q"))

    @property
    def only_shown(self) -> bool:
        """Tell whether the buttons asked to show the marks again rather than save them."""
        return bool(self.all_present.data or self.search.data)

    def mark_all_present(self) -> None:
        """Show every line as present, unsaved, so exceptions are changed before saving."""
        self.chosen = dict.fromkeys(self.chosen, AttendanceStatus.PRESENT.value)

    def unsaved(self) -> bool:
        """Tell whether the marks shown differ from those saved."""
        return any(value != (entry.status or "") for entry in self.entries
                   if (value := self.chosen[entry.id]))

    def matches(self, entry: RosterEntry) -> bool:
        """Tell whether the search typed finds this line (names, grade, section; no accents)."""
        student = entry.student
        found = normalise(" ".join((student.first_name, student.last_names, student.grade or "",
                                    student.section or "")))
        return all(word in found for word in normalise(self.query).split())

    def validate(self, extra_validators=None) -> bool:
        """Validate the buttons and token, and that each line's choice is one of the four."""
        valid = super().validate(extra_validators)
        allowed = {status.value for status in AttendanceStatus} | {""}
        self.choice_errors = {entry_id: str(_l("Choose one of the four options."))
                              for entry_id, value in self.chosen.items() if value not in allowed}
        return valid and not self.choice_errors

    def marks(self) -> dict[int, AttendanceStatus]:
        """Return the status asked for each roster line, by entry id."""
        return {entry_id: AttendanceStatus(value) for entry_id, value in self.chosen.items()
                if value}
