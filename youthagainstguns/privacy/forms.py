"""Forms for data-subject requests: anonymising (with a reason and a confirmation), and
correcting a workshop participant's record."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, SubmitField
from wtforms.validators import DataRequired, InputRequired

from ..forms import AppForm
from ..workshops.forms import StudentForm
from .services import Reason

REQUEST_REASONS = (Reason.GUARDIAN, Reason.PERSON)


class AnonymiseForm(AppForm):
    """Anonymise on request: why, and a confirmation that it cannot be undone."""

    reason = RadioField(_l("Reason"), validators=[InputRequired()], choices=[])
    confirm = BooleanField(
        _l("I understand that the names, birth date, guardian data and notes are removed "
           "for good and cannot be restored"), validators=[DataRequired()])
    submit = SubmitField(_l("Anonymise for good"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels in the language of this request, not of the first one.
        self.reason.choices = [(r.value, r.label) for r in REQUEST_REASONS]


class StudentCorrectionForm(StudentForm, AppForm):
    """Correct a workshop participant's record: the roster form's fields, saved in place."""

    submit = SubmitField(_l("Save"))

    def values(self) -> dict:
        """Return the corrected columns, spaces tidied as on the roster."""
        row = self.row()
        return {"first_name": row.first_name, "last_names": row.last_names,
                "grade": row.grade, "section": row.section, "student_code": row.code or None}
