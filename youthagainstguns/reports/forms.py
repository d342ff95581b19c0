"""The report chooser: a school and a period."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SubmitField
from wtforms.validators import DataRequired, Optional, ValidationError

from ..forms import AppForm, SearchSelectField
from ..workshops.forms import REPORTED_VENUES

MAX_PERIOD_DAYS = 366


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
        if self.start.data and field.data:
            if field.data < self.start.data:
                raise ValidationError(_l("The last day must be on or after the first day."))
            if (field.data - self.start.data).days > MAX_PERIOD_DAYS:
                raise ValidationError(_l("A report covers at most one year."))
