"""Forms for schools, venues and their blackout dates."""
from functools import partial

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..extensions import db
from ..forms import AppForm, OptionSource
from .districts import district_choices
from .models import School, VenueKind
from .services import venue_options

# What the searchable school selects of the areas above offer, by the name /schools/options
# answers to: a school contact's venue (any kind), a mentee's school (schools only).
_source = partial(OptionSource, endpoint="schools.options")
ANY_VENUE = _source("venues", venue_options)
SCHOOLS_ONLY = _source("schools", partial(venue_options, kind=VenueKind.SCHOOL))
OPTION_SOURCES = {source.name: source for source in (ANY_VENUE, SCHOOLS_ONLY)}

PHONE_PATTERN = Regexp(r"^[0-9+()\- ]{6,30}$",
                       message=_l("Write only digits, spaces and + ( ) -."))


class SchoolForm(AppForm):
    """Create or edit a school or community centre."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    kind = SelectField(_l("Kind"), choices=VenueKind.choices, default=VenueKind.SCHOOL.value)
    district = SelectField(_l("District"), validators=[DataRequired()])
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=200)])
    official_code = StringField(
        _l("Official school code (código modular)"),
        validators=[Optional(), Regexp(r"^[0-9]{7}$",
                                       message=_l("The código modular has 7 digits."))],
        description=_l("Leave empty for community centres."),
    )
    phone = StringField(_l("Phone"), validators=[Optional(), PHONE_PATTERN])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, school: School | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._school_id = school.id if school else None
        self.district.choices = [("", _l("Choose a district"))] + district_choices()

    def validate_official_code(self, field) -> None:
        """Refuse a code that another venue already has."""
        query = sa.select(School.id).where(School.official_code == field.data.strip())
        if self._school_id:
            query = query.where(School.id != self._school_id)
        if db.session.scalar(query) is not None:
            raise ValidationError(_l("Another venue already has this code."))


class SchoolFilterForm(AppForm):
    """The search and filters above the list of venues (GET, no CSRF)."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    kind = SelectField(_l("Kind"), validators=[Optional()])
    district = SelectField(_l("District"), validators=[Optional()])
    archived = BooleanField(_l("Show archived"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("All kinds"))] + VenueKind.choices()
        self.district.choices = [("", _l("All districts"))] + district_choices()


class BlackoutForm(AppForm):
    """Days a venue cannot host workshops."""

    starts_on = DateField(_l("From"), validators=[DataRequired()])
    ends_on = DateField(_l("To"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=120)],
                         description=_l("For example: exams, holiday, anniversary."))
    submit = SubmitField(_l("Add dates"))

    def validate_ends_on(self, field) -> None:
        """The last day cannot come before the first."""
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day cannot be before the first day."))
