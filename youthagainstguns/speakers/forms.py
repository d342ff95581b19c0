"""Forms for speakers: profile, restricted identity, vetting, conditions, unavailability."""
from functools import partial

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from ..extensions import db
from ..forms import AppForm, CheckboxListField, OptionSource
from ..schools.districts import district_choices
from ..schools.forms import PHONE_PATTERN
from .models import Speaker, VettingDecision
from .services import speaker_options

# What the account form's speaker search offers, by the name the options endpoint answers to:
# every unarchived speaker, inactive ones too, since an account may be linked before a return.
ANY_SPEAKER = OptionSource("any", partial(speaker_options, active_only=False),
                           endpoint="speakers.options")
OPTION_SOURCES = {ANY_SPEAKER.name: ANY_SPEAKER}


class SpeakerForm(AppForm):
    """Create or edit a speaker. Legal identity fields are for staff eyes only."""

    alias = StringField(
        _l("Public alias"), validators=[DataRequired(), Length(max=80)],
        description=_l("The only name schools, students and certificates will see."),
    )
    legal_name = StringField(_l("Legal name"), validators=[DataRequired(), Length(max=160)])
    phone = StringField(_l("Phone"), validators=[Optional(), PHONE_PATTERN])
    email = StringField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=2000)],
                        description=_l("Public: do not include details that identify the speaker."),
                        render_kw={"rows": 4})
    topics = StringField(_l("Topics"), validators=[Optional(), Length(max=300)],
                         description=_l("Separate topics with commas."))
    languages = StringField(_l("Languages"), validators=[DataRequired(), Length(max=120)],
                            default="Español")
    active = BooleanField(_l("Active (can be scheduled)"), default=True)
    vetting_decision = SelectField(_l("Vetting decision"), default=VettingDecision.PENDING.value,
                                   choices=VettingDecision.choices)
    vetting_date = DateField(_l("Decision date"), validators=[Optional()],
                             description=_l("Today, if left empty when the decision changes."))
    vetting_renewal_on = DateField(_l("Vetting valid until"), validators=[Optional()])
    requires_teacher_present = BooleanField(_l("Only with a teacher present"))
    group_settings_only = BooleanField(_l("Group settings only (never one-to-one)"))
    conditions_notes = TextAreaField(_l("Other conditions"), render_kw={"rows": 3},
                                     validators=[Optional(), Length(max=2000)])
    excluded_districts = CheckboxListField(
        _l("Districts where this speaker must not be scheduled"), choices=district_choices,
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, speaker: Speaker | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._speaker_id = speaker.id if speaker else None

    def validate_alias(self, field) -> None:
        """Aliases are unique: two speakers with one name would confuse schools."""
        query = sa.select(Speaker.id).where(sa.func.lower(Speaker.alias)
                                            == field.data.strip().lower())
        if self._speaker_id:
            query = query.where(Speaker.id != self._speaker_id)
        if db.session.scalar(query) is not None:
            raise ValidationError(_l("Another speaker already uses this alias."))

    def validate(self, extra_validators=None) -> bool:
        """Check the fields, then the vetting dates against each other."""
        valid = super().validate(extra_validators)
        renewal, decided = self.vetting_renewal_on, self.vetting_date
        if self.vetting_decision.data == VettingDecision.APPROVED.value and not renewal.data:
            if not renewal.errors:
                renewal.errors.append(
                    _l("An approved vetting needs the date until which it holds."))
            valid = False
        elif renewal.data and decided.data and renewal.data <= decided.data:
            renewal.errors.append(_l("This date must come after the decision date."))
            valid = False
        return valid


class SpeakerFilterForm(AppForm):
    """The search and filter above the speakers list (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    show = SelectField(_l("Show"), validators=[Optional()], choices=lambda: [
        ("", _l("Current speakers")), ("active", _l("Active only")),
        ("inactive", _l("Inactive only")), ("archived", _l("Archived")),
    ])


class UnavailabilityForm(AppForm):
    """A period, in Lima time, in which the speaker cannot give workshops."""

    starts_at = DateTimeLocalField(_l("From"), validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Until"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Add period"))

    def validate_ends_at(self, field) -> None:
        """The period must end after it starts."""
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must be after the start."))


class SpeakerAccountForm(AppForm):
    """The email of the login a coordinator gives a speaker (a new account, or an unlinked
    speaker account that already uses it)."""

    email = StringField(_l("Email for the login"), validators=[DataRequired(), Email(),
                                                                Length(max=254)])
    submit = SubmitField(_l("Give a login"))
