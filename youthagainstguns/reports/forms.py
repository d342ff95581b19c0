"""The report choosers: a school and a period; a period of the program's figures."""
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectField, SubmitField
from wtforms.validators import DataRequired, Optional, ValidationError

from ..forms import AppForm, SearchSelectField
from ..workshops.forms import REPORTED_VENUES
from .figures import Period

MAX_PERIOD_DAYS = 366


def check_span(start: date | None, end: date | None) -> None:
    """Refuse a period that ends before it starts or covers more than one year."""
    if start and end:
        if end < start:
            raise ValidationError(_l("The last day must be on or after the first day."))
        if (end - start).days > MAX_PERIOD_DAYS:
            raise ValidationError(_l("A report covers at most one year."))


class PeriodForm(AppForm):
    """Choose a school (staff only) and the first and last day of the period."""

    class Meta:
        csrf = False

    # Archived schools too: their past attendance is still reported.
    school_id = SearchSelectField(_l("School"), source=REPORTED_VENUES, validators=[Optional()])
    start = DateField(_l("From"), validators=[DataRequired()])
    end = DateField(_l("To"), validators=[DataRequired()])
    submit = SubmitField(_l("Show report"))

    def validate_end(self, field) -> None:
        """The period runs forwards and covers at most one year."""
        check_span(self.start.data, field.data)


PERIOD_KINDS = [SelectChoice("month", _l("Month")), SelectChoice("quarter", _l("Quarter")),
                SelectChoice("year", _l("Year")), SelectChoice("custom", _l("Other dates"))]


class ProgramPeriodForm(AppForm):
    """Choose the period of the program report: the month, quarter or year holding a day,
    or custom first and last days (at most a year)."""

    class Meta:
        csrf = False

    # No Optional(): it would stop validation before the checks below that need the days.
    kind = SelectField(_l("Period"), choices=PERIOD_KINDS, default="month")
    day = DateField(_l("Any day of the period"))
    start = DateField(_l("From"), description=_l("Only for other dates."))
    end = DateField(_l("To"))
    submit = SubmitField(_l("Show report"))

    def validate_day(self, field) -> None:
        """A month, quarter or year needs a day inside it."""
        if self.kind.data != "custom" and not field.data and not field.errors:
            raise ValidationError(_l("Enter a day of the period."))

    def validate_start(self, field) -> None:
        """Other dates need a first day."""
        if self.kind.data == "custom" and not field.data and not field.errors:
            raise ValidationError(_l("Enter the first day."))

    def validate_end(self, field) -> None:
        """Other dates need a last day on or after the first, at most a year on."""
        if self.kind.data != "custom":
            return
        if not field.data and not field.errors:
            raise ValidationError(_l("Enter the last day."))
        check_span(self.start.data, field.data)

    def period(self) -> Period | None:
        """Return the chosen period once the form is valid, else None."""
        if not self.validate():
            return None
        if self.kind.data == "custom":
            return Period(self.start.data, self.end.data)
        return Period.containing(self.kind.data, self.day.data)
