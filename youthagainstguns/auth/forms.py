"""Login, password and account forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from .models import Role, User
from .services import password_problems


class LoginForm(FlaskForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)],
                        render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Log in"))


class NewPasswordMixin:
    """Two password fields checked against the password rules."""

    password = PasswordField(_l("New password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
    user: User | None = None

    def validate_password(self, field) -> None:
        problems = password_problems(field.data or "", self.user)
        if problems:
            raise ValidationError(" ".join(problems))


class SetPasswordForm(NewPasswordMixin, FlaskForm):
    submit = SubmitField(_l("Save password"))


class ChangePasswordForm(NewPasswordMixin, FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()],
                            render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Change password"))


class UserForm(FlaskForm):
    """Create or edit an account; school and speaker links apply to those roles only."""

    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = StringField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    school_id = SelectField(_l("School (school contacts)"), coerce=int, default=0)
    speaker_id = SelectField(_l("Speaker (speaker accounts)"), coerce=int, default=0)
    submit = SubmitField(_l("Save"))

    def validate_school_id(self, field) -> None:
        if self.role.data == Role.SCHOOL.value and not field.data:
            raise ValidationError(_l("Choose the school this contact belongs to."))

    def validate_speaker_id(self, field) -> None:
        if self.role.data == Role.SPEAKER.value and not field.data:
            raise ValidationError(_l("Choose the speaker this account belongs to."))


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"))
    include_inactive = BooleanField(_l("Include deactivated accounts"))
