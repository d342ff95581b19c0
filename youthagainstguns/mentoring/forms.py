"""Mentoring forms: mentor files and screening steps, mentees and consent, matches, sessions."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ..forms import AppForm, OptionSource, SearchSelectField, VersionedForm
from ..schools.districts import district_choices
from ..schools.forms import SCHOOLS_ONLY
from .enums import (
    CheckResult,
    ClosureReason,
    ClosureType,
    ConsentMethod,
    GoalProgress,
    InterviewOutcome,
    ReferenceOutcome,
    SessionKind,
)
from .matching import ready_mentor_options
from .models import MAX_SESSION_MINUTES, MIN_SESSION_MINUTES, Match
from .services import session_date_problem


class EnumSelectField(SelectField):
    """A select over a labelled enum that hands back the enum member."""

    def __init__(self, label, enum_cls, **kwargs):
        super().__init__(label, choices=enum_cls.choices, coerce=enum_cls,
                         validators=[InputRequired()], **kwargs)


def _later_than(other: str, message):
    def check(form, field):
        earlier = getattr(form, other).data
        if field.data and earlier and field.data <= earlier:
            raise ValidationError(message)
    return check


def _yes_no(label):
    return RadioField(label, choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
                      validators=[InputRequired()])


class RecordForm(AppForm):
    """A form whose fields map one to one onto a new record's columns."""

    def fill(self, item) -> None:
        """Copy the field values onto `item`, trimming text."""
        for field in self:
            if field.name not in ("csrf_token", "submit"):
                value = field.data.strip() if isinstance(field.data, str) else field.data
                setattr(item, field.name, value)


# --- Mentors -------------------------------------------------------------------------------

class MentorProfileForm(AppForm):
    """The mentor's file; interests are compared with mentees' for suggestions."""

    application_date = DateField(_l("Application date"), validators=[DataRequired()])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    district = SelectField(_l("District"), choices=district_choices,
                           validators=[DataRequired()])
    interests = StringField(_l("Interests"), validators=[Length(max=300)],
                            description=_l("Separated by commas, e.g. fútbol, música, dibujo."))
    preferences = StringField(_l("Preferences"), validators=[Length(max=300)],
                              description=_l("What the mentor asked for: ages, languages…"))
    max_mentees = IntegerField(_l("Maximum mentees"), default=1,
                               validators=[InputRequired(), NumberRange(min=1, max=5)])
    inactive_since = DateField(_l("Inactive since"), validators=[Optional()],
                               description=_l("Set when the mentor steps back."))
    submit = SubmitField(_l("Save"))

    def profile_data(self) -> dict:
        """Return the profile fields as a dict for the services."""
        data = {name: self[name].data for name in (
            "application_date", "phone", "district", "interests", "preferences", "max_mentees",
            "inactive_since")}
        data["phone"] = (data["phone"] or "").strip() or None
        data["interests"] = (data["interests"] or "").strip()
        data["preferences"] = (data["preferences"] or "").strip()
        return data


class NewMentorForm(MentorProfileForm):
    """Create the account and the file together, or open a file for an existing account."""

    user_id = SelectField(_l("Account"), coerce=int, default=0,
                          description=_l("Choose an existing mentor account, or create one."))
    full_name = StringField(_l("Full name"), validators=[Optional(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    inactive_since = None

    def validate_full_name(self, field) -> None:
        if not self.user_id.data and not (field.data or "").strip():
            raise ValidationError(_l("Write the name for the new account."))

    def validate_email(self, field) -> None:
        if not self.user_id.data and not (field.data or "").strip():
            raise ValidationError(_l("Write the email for the new account."))

    def profile_data(self) -> dict:
        """Return the profile fields; a new file is never inactive."""
        data = {name: self[name].data for name in (
            "application_date", "phone", "district", "interests", "preferences", "max_mentees")}
        data["phone"] = (data["phone"] or "").strip() or None
        return data


class InterviewForm(RecordForm):
    held_on = DateField(_l("Interview date"), validators=[DataRequired()])
    outcome = EnumSelectField(_l("Outcome"), InterviewOutcome)
    notes = TextAreaField(_l("Notes"), validators=[Length(max=4000)])
    submit = SubmitField(_l("Save interview"))


class ReferenceForm(RecordForm):
    referee_name = StringField(_l("Referee's name"), validators=[DataRequired(), Length(max=120)])
    relation = StringField(_l("Relation to the mentor"),
                           validators=[DataRequired(), Length(max=80)])
    contacted_on = DateField(_l("Contacted on"), validators=[DataRequired()])
    outcome = EnumSelectField(_l("Outcome"), ReferenceOutcome)
    notes = TextAreaField(_l("Notes"), validators=[Length(max=4000)])
    submit = SubmitField(_l("Save reference"))


class BackgroundCheckForm(RecordForm):
    checked_on = DateField(_l("Date of the certificate"), validators=[DataRequired()])
    result = EnumSelectField(_l("Result"), CheckResult)
    expires_on = DateField(_l("Expires on"), validators=[
        DataRequired(), _later_than("checked_on", _l("The expiry must be after the check date."))])
    submit = SubmitField(_l("Save background check"))


class TrainingForm(RecordForm):
    held_on = DateField(_l("Training date"), validators=[DataRequired()])
    hours = DecimalField(_l("Hours"), places=1,
                         validators=[InputRequired(), NumberRange(min=0.5, max=99)])
    topics = StringField(_l("Topics"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Save training"))


class DecisionForm(RecordForm):
    decided_on = DateField(_l("Decision date"), validators=[DataRequired()])
    approved = _yes_no(_l("Approved to mentor"))
    reason = StringField(_l("Reason"), validators=[Length(max=300)])
    submit = SubmitField(_l("Save decision"))

    def validate_reason(self, field) -> None:
        if self.approved.data == "no" and not (field.data or "").strip():
            raise ValidationError(_l("Say why the mentor was not approved."))

    def fill(self, item) -> None:
        """Store the yes/no answer as a boolean."""
        item.decided_on, item.approved = self.decided_on.data, self.approved.data == "yes"
        item.reason = (self.reason.data or "").strip()


# --- Mentees and consent -------------------------------------------------------------------

class MenteeForm(VersionedForm):
    """A mentee's record: the minimum the programme needs, and the guardian's contact."""

    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=80)])
    last_names = StringField(_l("Last names"), validators=[DataRequired(), Length(max=120)])
    date_of_birth = DateField(_l("Date of birth"), validators=[DataRequired()])
    school_id = SearchSelectField(_l("School"), source=SCHOOLS_ONLY)
    district = SelectField(_l("District"), choices=district_choices,
                           validators=[DataRequired()])
    interests = StringField(_l("Interests"), validators=[Length(max=300)],
                            description=_l("Separated by commas, e.g. fútbol, música, dibujo."))
    preferences = StringField(_l("Preferences"), validators=[Length(max=300)],
                              description=_l("What the young person or family asked for."))
    guardian_name = StringField(_l("Guardian's name"),
                                validators=[DataRequired(), Length(max=120)])
    guardian_relation = StringField(_l("Guardian's relation"),
                                    validators=[DataRequired(), Length(max=60)])
    guardian_phone = StringField(_l("Guardian's phone"),
                                 validators=[DataRequired(), Length(max=30)])
    referred_on = DateField(_l("Referred on"), validators=[DataRequired()])
    submit = SubmitField(_l("Save"))

    def mentee_data(self) -> dict:
        """Return the mentee fields as a dict for the services."""
        data = {name: self[name].data for name in (
            "first_name", "last_names", "date_of_birth", "school_id", "district", "interests",
            "preferences", "guardian_name", "guardian_relation", "guardian_phone",
            "referred_on")}
        data["school_id"] = data["school_id"] or None
        return {k: v.strip() if isinstance(v, str) else v for k, v in data.items()}


class StudentSearchForm(AppForm):
    """Find the workshop participant a mentee was referred from, by name within a school."""

    class Meta:
        csrf = False

    school_id = SearchSelectField(_l("School"), source=SCHOOLS_ONLY)
    q = StringField(_l("Name"), validators=[Optional(), Length(max=100)])


class ConsentForm(AppForm):
    given_by = StringField(_l("Given by"), validators=[DataRequired(), Length(max=120)])
    relation = StringField(_l("Relation to the mentee"),
                           validators=[DataRequired(), Length(max=60)])
    given_on = DateField(_l("Date"), validators=[DataRequired()])
    method = EnumSelectField(_l("How it was given"), ConsentMethod)
    covers_participation = BooleanField(_l("Participation in the mentoring programme"))
    covers_data_sharing = BooleanField(_l("Sharing data with the school"))
    covers_photos = BooleanField(_l("Photos"))
    submit = SubmitField(_l("Save consent"))

    def validate_covers_photos(self, field) -> None:
        if not (self.covers_participation.data or self.covers_data_sharing.data or field.data):
            raise ValidationError(_l("Tick at least one thing the consent covers."))


class WithdrawConsentForm(AppForm):
    withdrawn_on = DateField(_l("Withdrawn on"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Withdraw consent"))


# --- Matches -------------------------------------------------------------------------------

# What the pairing form's searchable select offers, by the name the options endpoint answers to.
READY_MENTORS = OptionSource("ready-mentors", ready_mentor_options, endpoint="mentoring.options")
OPTION_SOURCES = {READY_MENTORS.name: READY_MENTORS}


class ProposeMatchForm(AppForm):
    # Only ready mentors are offered; one who is not ready (any more) when the form comes back
    # is refused by the pairing rules, with their reasons, not as an unknown choice.
    mentor_id = SearchSelectField(_l("Mentor"), source=READY_MENTORS,
                                  blank=_l("Choose a mentor"),
                                  validators=[DataRequired(message=_l("Choose a mentor."))])
    goals = TextAreaField(_l("Goals"), validators=[Length(max=4000)],
                          description=_l("One goal per line: each is rated at the staff "
                                         "check-ins."))
    submit = SubmitField(_l("Propose match"))


class MatchForm(AppForm):
    """A form about one match, built for it with `for_match`."""

    @classmethod
    def for_match(cls, match: Match) -> AppForm:
        """Return the form for `match` (most forms do not depend on it)."""
        return cls()


class ActivateMatchForm(MatchForm):
    agreement_signed_on = DateField(_l("Agreement signed on"), validators=[DataRequired()])
    first_meeting_on = DateField(_l("First meeting"), validators=[DataRequired()])
    start_date = DateField(_l("Start date"), validators=[DataRequired()])
    expected_end = DateField(_l("Expected end"), validators=[DataRequired()])
    submit = SubmitField(_l("Activate match"))


class CloseMatchForm(MatchForm):
    closed_on = DateField(_l("Closure date"), validators=[DataRequired()])
    closure_type = EnumSelectField(_l("Planned or unplanned"), ClosureType)
    closure_reason = EnumSelectField(_l("Reason"), ClosureReason)
    exit_notes = TextAreaField(_l("Exit notes"), validators=[DataRequired(), Length(max=4000)])
    rematch = _yes_no(_l("Offer the mentee a new mentor?"))
    submit = SubmitField(_l("Close match"))


class PauseMatchForm(MatchForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Pause match"))


def _progress_choices() -> list[tuple[str, str]]:
    return [("", _l("Choose how far it has come")), *GoalProgress.choices()]


def _check_in_notes() -> TextAreaField:
    return TextAreaField(_l("Notes"), validators=[Length(max=4000)])


class CheckInForm(MatchForm):
    """A staff check-in: when, how, notes, and a rating of each of the match's goals (one
    select per goal, `goal_0`, `goal_1`, ... in the order of Match.goal_list())."""

    held_on = DateField(_l("Date"), validators=[DataRequired()])
    method = EnumSelectField(_l("How"), SessionKind)
    notes = _check_in_notes()
    submit = SubmitField(_l("Save check-in"))
    goals: tuple[str, ...] = ()

    @classmethod
    def for_match(cls, match: Match) -> "CheckInForm":
        """Return the check-in form with a required rating for each of the match's goals; a
        match without goals gets a note instead."""
        goals = match.goal_list()
        selects = {
            f"goal_{position}": SelectField(
                _l("Goal %(n)d: %(goal)s", n=position + 1, goal=goal),
                choices=_progress_choices,
                validators=[DataRequired(message=_l("Say how far this goal has come."))])
            for position, goal in enumerate(goals)}
        # WTForms orders fields as they were made: notes made anew come after the goals.
        form = type(cls.__name__, (cls,), {**selects, "notes": _check_in_notes(),
                                           "goals": tuple(goals)})()
        if not goals:
            form.notes.description = _l("This match has no goals recorded, so there is "
                                        "nothing to rate.")
        return form

    def ratings(self) -> dict[int, GoalProgress]:
        """Return the rating given to each goal, by its position."""
        return {position: GoalProgress(self[f"goal_{position}"].data)
                for position in range(len(self.goals))}


# --- Sessions and alerts -------------------------------------------------------------------

class SessionForm(AppForm):
    """A mentor's log of one meeting; a concern alerts the coordinators at once."""

    held_on = DateField(_l("Date"), validators=[DataRequired()])
    duration_minutes = IntegerField(_l("Duration (minutes)"), validators=[
        InputRequired(), NumberRange(min=MIN_SESSION_MINUTES, max=MAX_SESSION_MINUTES)],
        render_kw={"inputmode": "numeric", "min": MIN_SESSION_MINUTES,
                   "max": MAX_SESSION_MINUTES})
    kind = EnumSelectField(_l("Kind"), SessionKind)
    activity = StringField(_l("Activity"), validators=[DataRequired(), Length(max=200)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=4000)])
    safeguarding_concern = BooleanField(_l("I have a safeguarding concern"))
    concern_details = TextAreaField(
        _l("What worries you"), validators=[Length(max=4000)],
        description=_l("The coordinators are alerted at once. If a child is in danger now, "
                       "call 105 (police) first."))
    submit = SubmitField(_l("Save session"))

    def __init__(self, *args, match: Match, now: datetime, **kwargs):
        """Bind the form to its match, so that the date is judged with the other fields and
        every error shows at once."""
        super().__init__(*args, **kwargs)
        self.match, self.now = match, now

    def validate_held_on(self, field) -> None:
        if problem := session_date_problem(self.match, field.data, self.now):
            raise ValidationError(problem)

    def validate_concern_details(self, field) -> None:
        if self.safeguarding_concern.data and not (field.data or "").strip():
            raise ValidationError(_l("Describe the concern."))

    def session_data(self) -> dict:
        """Return the log fields as keyword arguments for the services."""
        return {"held_on": self.held_on.data, "duration_minutes": self.duration_minutes.data,
                "kind": self.kind.data, "activity": self.activity.data.strip(),
                "notes": (self.notes.data or "").strip(),
                "concern": bool(self.safeguarding_concern.data),
                "concern_details": (self.concern_details.data or "").strip()}


class FollowUpForm(AppForm):
    notes = TextAreaField(_l("Follow-up"), validators=[DataRequired(), Length(max=4000)],
                          description=_l("Who was contacted, what was decided."))
    submit = SubmitField(_l("Record follow-up"))
