"""Login and password forms."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..forms import AppForm
from .models import User
from .services import password_problems


class LoginForm(AppForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)],
                        render_kw={"autocomplete": "username", "autofocus": True})
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Log in"))


class ForgotPasswordForm(AppForm):
    email = StringField(_l("Email"), validators=[DataRequired(), Email(), Length(max=254)],
                        render_kw={"autocomplete": "username", "autofocus": True})
    submit = SubmitField(_l("Send me a link"))


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


class SetPasswordForm(NewPasswordMixin, AppForm):
    submit = SubmitField(_l("Save password"))


class ChangePasswordForm(NewPasswordMixin, AppForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()],
                            render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Change password"))


class NotificationsForm(AppForm):
    """One switch per optional kind of mail, on when the person wants it; see `build`."""

    submit = SubmitField(_l("Save my choices"))

    @classmethod
    def build(cls, kinds, receiving) -> "NotificationsForm":
        """Return the form with a switch named after each kind, on for those in `receiving`."""
        fields = {kind.value: BooleanField(kind.label, default=kind in receiving)
                  for kind in kinds}
        return type("NotificationsFormFor", (cls,), fields)()

    def receiving(self, kinds) -> set:
        """Return the kinds whose switch is on."""
        return {kind for kind in kinds if self[kind.value].data}


class TwoStepForm(AppForm):
    """The second step of a login: a code from the phone app, or a recovery code."""

    code = StringField(
        _l("Code"), validators=[DataRequired(), Length(max=20)],
        description=_l("The six digits your authenticator app shows now, or one of your "
                       "recovery codes."),
        render_kw={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text",
                   "autocapitalize": "none", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Continue"))


class TwoStepSetupForm(AppForm):
    """Confirm a newly scanned secret with the code the app shows for it."""

    code = StringField(
        _l("Code from the app"), validators=[DataRequired(), Length(max=20)],
        description=_l("The six digits the app shows for Youth Against Guns."),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )
    submit = SubmitField(_l("Turn on two-step login"))


class TwoStepDisableForm(TwoStepForm):
    """Turning the second step off asks for a current code, as a login would."""

    submit = SubmitField(_l("Turn off two-step login"))
