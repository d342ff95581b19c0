"""Form pieces shared by every area."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for one-button POST actions."""


class VersionedForm(FlaskForm):
    """A form that carries the record's version so a stale second edit is refused."""

    version_id = HiddenField()


class CheckboxListField(SelectMultipleField):
    """Several choices shown as a list of checkboxes, easier on a phone than a multi-select."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
