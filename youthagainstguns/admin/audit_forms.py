"""The audit log's filter: words, person, action, record and a range of Lima days."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SearchField, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from ..audit.labels import ACTIONS, OBJECT_TYPES, choices
from ..audit.services import EventFilter
from ..forms import AppForm
from ..text import search_text

# Ids are 32-bit integers in every engine; a larger number is a typing mistake, not a 500.
MAX_ID = 2**31 - 1


class AuditFilterForm(AppForm):
    """Narrow the audit log; every field may stay empty. The person choices come from the view."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), filters=[search_text],
                    render_kw={"placeholder": _l("Action or details")})
    actor_id = SelectField(_l("Person"), coerce=int, default=0, validators=[Optional()])
    action = SelectField(_l("Action"), default="", validators=[Optional()])
    object_type = SelectField(_l("Record type"), default="", validators=[Optional()])
    object_id = IntegerField(_l("Record number"),
                             validators=[Optional(), NumberRange(min=1, max=MAX_ID)])
    first_day = DateField(_l("From"), validators=[Optional()])
    last_day = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args, people: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.actor_id.choices = [(0, _l("Anyone")), *people]
        self.action.choices = [("", _l("Any action")), *choices(ACTIONS)]
        self.object_type.choices = [("", _l("Any record")), *choices(OBJECT_TYPES)]

    def validate_object_id(self, field) -> None:
        """A record number means nothing without its type."""
        if field.data is not None and not self.object_type.data:
            raise ValidationError(_l("Choose the record type too."))

    def validate_last_day(self, field) -> None:
        """The range runs forwards."""
        if self.first_day.data and field.data and field.data < self.first_day.data:
            raise ValidationError(_l("The last day must be on or after the first day."))

    def wanted(self) -> EventFilter:
        """Return the validated choices as a filter; empty fields mean any."""
        return EventFilter(actor_id=self.actor_id.data or None, action=self.action.data or None,
                           object_type=self.object_type.data or None,
                           object_id=self.object_id.data, first_day=self.first_day.data,
                           last_day=self.last_day.data, text=self.q.data or None)
