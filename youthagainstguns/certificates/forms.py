"""Forms for issuing, revoking and verifying certificates."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..forms import AppForm

LANGUAGE_CHOICES = [SelectChoice("es", _l("Spanish")), SelectChoice("en", _l("English"))]


class IssueForm(AppForm):
    """Issue the missing certificates of a workshop in one language."""

    language = SelectField(_l("Certificate language"), choices=LANGUAGE_CHOICES, default="es")
    submit = SubmitField(_l("Issue certificates"))


class RevokeForm(AppForm):
    """Revoke one certificate; the reason is kept with it."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(min=3, max=300)])
    submit = SubmitField(_l("Revoke certificate"))


class VerifyForm(AppForm):
    """The public box where anyone types a code printed on a certificate."""

    class Meta:
        csrf = False

    code = StringField(_l("Verification code"), validators=[DataRequired(), Length(max=80)],
                       description=_l("As printed under the QR code, e.g. ABCD-EFGH-…"))
    submit = SubmitField(_l("Verify"))
