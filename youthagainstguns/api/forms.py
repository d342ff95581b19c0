"""The form that creates a personal API token."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..forms import AppForm, CheckboxListField
from .models import Scope


class TokenForm(AppForm):
    """A name saying what the token is for, and what it may do."""

    name = StringField(_l("What it is for"), validators=[DataRequired(), Length(max=80)],
                       description=_l("For example: the education office's app."))
    scopes = CheckboxListField(_l("It may"), choices=Scope.choices,
                               validators=[DataRequired(_l("Choose at least one."))],
                               default=[Scope.READ.value])
