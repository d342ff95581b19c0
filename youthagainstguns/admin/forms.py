"""Account forms; school and speaker links apply to those roles only."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from ..auth.models import Role
from ..auth.services import email_taken
from ..forms import AppForm, SearchSelectField
from ..schools.forms import ANY_VENUE
from ..speakers.forms import ANY_SPEAKER
from ..speakers.services import other_account_of


class UserForm(AppForm):
    """Create or edit an account; school and speaker links apply to those roles only."""

    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = StringField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    school_id = SearchSelectField(_l("School (school contacts)"), source=ANY_VENUE)
    speaker_id = SearchSelectField(_l("Speaker (speaker accounts)"), source=ANY_SPEAKER)
    submit = SubmitField(_l("Save"))
    # The account being edited, if any: its own email is not "taken".
    editing_id: int | None = None

    def validate_email(self, field) -> None:
        if email_taken(field.data or "", except_id=self.editing_id):
            raise ValidationError(_l("An account with this email already exists."))

    def validate_school_id(self, field) -> None:
        if self.role.data == Role.SCHOOL.value and not field.data:
            raise ValidationError(_l("Choose the school this contact belongs to."))

    def validate_speaker_id(self, field) -> None:
        if self.role.data != Role.SPEAKER.value:
            return
        if not field.data:
            raise ValidationError(_l("Choose the speaker this account belongs to."))
        other = other_account_of(field.data, self.editing_id)
        if other is not None:
            raise ValidationError(_l(
                "This speaker already has an account (%(email)s). Unlink it there first: a "
                "speaker has one account.", email=other.email))


class UserFilterForm(AppForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"))
    include_inactive = BooleanField(_l("Include deactivated accounts"))
