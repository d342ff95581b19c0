"""Referral forms: partners, referrals and their moves and follow-ups, sharing consent."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional

from ..forms import AppForm, CheckboxListField
from ..mentoring.enums import ConsentMethod
from ..mentoring.forms import EnumSelectField
from ..schools.districts import district_choices
from .enums import ServiceKind
from .services import partner_options


class PartnerForm(AppForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=160)])
    services = CheckboxListField(_l("Services"), choices=ServiceKind.choices, coerce=ServiceKind,
                                 validators=[DataRequired(_l("Tick at least one service."))])
    districts = CheckboxListField(_l("Districts served"), choices=district_choices,
                                  validators=[DataRequired(_l("Tick at least one district."))])
    contact_person = StringField(_l("Contact person"),
                                 validators=[DataRequired(), Length(max=120)])
    phone = StringField(_l("Phone"), validators=[DataRequired(), Length(max=30)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    submit = SubmitField(_l("Save partner"))

    def partner_data(self) -> dict:
        """Return the fields as the service takes them."""
        return {name: self[name].data for name in
                ("name", "services", "districts", "contact_person", "phone", "email")}


class PartnerFilterForm(AppForm):
    """The partner list's filters, read from the query string."""

    class Meta:
        csrf = False

    kind = SelectField(_l("Service"), choices=lambda: [("", _l("Any service")),
                                                        *ServiceKind.choices()],
                       validators=[Optional()])
    district = SelectField(_l("District"),
                           choices=lambda: [("", _l("Any district")), *district_choices()],
                           validators=[Optional()])


class _ReferralFields(AppForm):
    service_kind = EnumSelectField(_l("Kind of help"), ServiceKind)
    partner_id = SelectField(_l("Partner"), coerce=int, validators=[InputRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)],
                         description=_l("One sentence; it goes on the letter to the partner. "
                                        "No notes or details of the case."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner_id.choices = partner_options()


class ReferralForm(_ReferralFields):
    """A coordinator's referral, from the mentee's page."""

    referred_on = DateField(_l("Date"), validators=[DataRequired()])
    submit = SubmitField(_l("Record referral"))


class ProposeForm(_ReferralFields):
    """A mentor's proposal, from the match page."""

    submit = SubmitField(_l("Propose referral"))


class MoveForm(AppForm):
    on = DateField(_l("Date"), validators=[DataRequired()])


class FollowUpForm(AppForm):
    held_on = DateField(_l("Date"), validators=[DataRequired()])
    notes = TextAreaField(_l("Notes"), validators=[DataRequired(), Length(max=2000)])
    submit = SubmitField(_l("Record follow-up"))


class SharingConsentForm(AppForm):
    partner_id = SelectField(_l("Partner"), coerce=int, validators=[InputRequired()])
    given_by = StringField(_l("Given by"), validators=[DataRequired(), Length(max=120)])
    relation = StringField(_l("Relation to the mentee"),
                           validators=[DataRequired(), Length(max=60)])
    given_on = DateField(_l("Date"), validators=[DataRequired()])
    method = EnumSelectField(_l("How it was given"), ConsentMethod)
    submit = SubmitField(_l("Save consent"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner_id.choices = partner_options()


class WithdrawSharingForm(AppForm):
    withdrawn_on = DateField(_l("Withdrawn on"), validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Withdraw consent"))
