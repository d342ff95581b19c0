"""Form pieces shared by every area, and the base every form derives from."""
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import abort
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from .extensions import db
from .text import CONTROL_CHARACTERS, search_text

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


# How many options a searchable select offers at once: enough to pick from, few enough that
# the page and each answer stay small whatever the number of records.
OPTIONS_LIMIT = 20
Options = list[tuple[int, str]]


def search_options(query: sa.Select, searched: Sequence[sa.ColumnElement], *,
                   q: str | None = None, ids: Iterable[int] | None = None,
                   limit: int | None = OPTIONS_LIMIT) -> Options:
    """Return the (id, label) rows of `query` (selecting id then label, ordered) that have an
    id in `ids`, else whose `searched` columns hold the words of `q`; at most `limit`."""
    if ids is not None:
        query = query.where(query.selected_columns[0].in_(list(ids)))
    elif words := search_text(q):
        query = query.where(sa.or_(*(column.icontains(words, autoescape=True)
                                     for column in searched)))
    return [(row[0], row[1]) for row in db.session.execute(query.limit(limit))]


@dataclass(frozen=True)
class OptionSource:
    """Where a searchable select finds its options: `lookup(q=..., ids=...)` on the server,
    and the same through `endpoint` (answering `?q=` with JSON, under `name`) for the browser."""

    name: str
    lookup: Callable[..., Options]
    endpoint: str


def answer_options(sources: dict[str, OptionSource], name: str, q: str | None) -> list[dict]:
    """Return the matches of `q` in the source called `name` as [{value, label}] for the
    browser, or 404 if there is no such source."""
    source = sources.get(name)
    if source is None:
        abort(404)
    return [{"value": value, "label": label} for value, label in source.lookup(q=q)]


class SearchSelectField(SelectField):
    """One record among thousands (a venue, a speaker): the page lists only the chosen one, and
    without JavaScript the matches of the search typed into `<name>_q`; static/js/combobox.js
    makes it a combobox that asks `source` for matches as the user types."""

    def __init__(self, label=None, validators=None, *, source: OptionSource,
                 blank: str = "—", **kwargs):
        kwargs.setdefault("default", 0)
        super().__init__(label, validators, coerce=int, validate_choice=False, **kwargs)
        self.source, self.blank, self.search = source, blank, ""
        self.choices = self._current_choices

    def post_process(self, formdata=None) -> None:
        """Note the search typed without JavaScript before the choices are looked up."""
        if formdata is not None:
            self.search = search_text(formdata.get(f"{self.name}_q"))
        super().post_process(formdata)

    def _current_choices(self) -> list[SelectChoice]:
        chosen = self.source.lookup(ids=[self.data]) if self.data else []
        found = self.source.lookup(q=self.search) if self.search else []
        return [SelectChoice(0, self.blank),
                *(SelectChoice(value, label) for value, label in dict(chosen + found).items())]

    def pre_validate(self, form) -> None:
        """Refuse an id that names no record on offer (a stale bookmark, a typed URL), and a
        search typed without JavaScript but not followed by a choice among its matches."""
        if not self.process_errors and self.data and \
                all(choice.value != self.data for choice in self.choices):
            raise ValidationError(_l("This choice does not exist or is no longer available. "
                                     "Choose again."))
        if self.search and not self.data:  # one message, not also "required"
            raise StopValidation(_l("Choose one of the matches of your search, or clear the "
                                     "search box."))
