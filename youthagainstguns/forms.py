"""Form pieces shared by every area, and the base every form derives from."""
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeField, HiddenField, SelectMultipleField, StringField
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from .text import CONTROL_CHARACTERS

# Dates outside these years are typing mistakes, and at the extremes adding a day or a
# time zone to them overflows.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)


def no_control_characters(form, field) -> None:
    """Refuse text with NUL or other control characters."""
    if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
        raise StopValidation(_l("Contains characters that are not allowed."))


def date_within_reach(form, field) -> None:
    """Refuse a date (or date and time) before 1900 or after 2199."""
    day = field.data.date() if isinstance(field.data, datetime) else field.data
    if isinstance(day, date) and not FIRST_DAY <= day <= LAST_DAY:
        raise StopValidation(_l("Enter a date between %(first)s and %(last)s.",
                                 first=FIRST_DAY.year, last=LAST_DAY.year))


def _input_checks(field) -> list:
    if isinstance(field, StringField):  # also text areas, passwords, e-mails, hidden fields
        return [no_control_characters]
    if isinstance(field, DateTimeField):  # also dates; a time alone passes the check
        return [date_within_reach]
    return []


class AppForm(FlaskForm):
    """The base of every form: no control characters in text, no date out of reach.

    The checks run after each field's own validators, so every form refuses such input with
    an error next to the field instead of passing it to the database.
    """

    def validate(self, extra_validators=None) -> bool:
        """Validate with each field's own validators plus the input checks above."""
        extra = {name: [*(extra_validators or {}).get(name, ()), *_input_checks(field)]
                 for name, field in self._fields.items()}
        return super().validate(extra_validators=extra)


class EmptyForm(AppForm):
    """A form with only the CSRF token, for one-button POST actions."""


class VersionedForm(AppForm):
    """A form that carries the record's version so a stale second edit is refused."""

    version_id = HiddenField()


class CheckboxListField(SelectMultipleField):
    """Several choices shown as a list of checkboxes, easier on a phone than a multi-select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
