"""Form pieces shared by every area."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import Length, Optional


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for one-button POST actions."""


class SearchForm(FlaskForm):
    """The GET search box above list pages."""

    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])


class VersionedForm(FlaskForm):
    """A form that carries the record's version so a stale second edit is refused."""

    version_id = HiddenField()
