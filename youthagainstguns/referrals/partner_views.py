"""The partner list: coordinators and admins keep it; partners have no login."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import staff_required
from ..extensions import db
from ..forms import EmptyForm
from ..mentoring.blueprint import form_page
from ..pages import button_action
from . import forms, services
from .blueprint import bp
from .enums import ServiceKind


@bp.route("/partners")
@staff_required
def partners():
    """List partners, filtered by service and district."""
    filters = forms.PartnerFilterForm(request.args)
    filters.validate()
    kind = ServiceKind(filters.kind.data) if filters.kind.data and not filters.kind.errors \
        else None
    district = filters.district.data if not filters.district.errors else None
    page = db.paginate(services.partners_query(kind, district or None),
                       per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("referrals/partners.html", page=page, filters=filters,
                           filtered=bool(kind or district), button=EmptyForm())


def _partner_form_page(form, partner=None):
    if form.validate_on_submit():
        partner = services.save_partner(partner, form.partner_data(), current_user)
        db.session.commit()
        flash(_("The partner was saved."), "success")
        return redirect(url_for(".partners"))
    title = _("Edit partner") if partner else _("New partner")
    return form_page(form, title, url_for(".partners"))


@bp.route("/partners/new", methods=["GET", "POST"])
@staff_required
def partner_new():
    """Add a partner organisation."""
    return _partner_form_page(forms.PartnerForm())


@bp.route("/partners/<int:partner_id>/edit", methods=["GET", "POST"])
@staff_required
def partner_edit(partner_id: int):
    """Edit a partner's services, districts and contact."""
    partner = services.get_partner_or_404(partner_id, for_user=current_user)
    form = forms.PartnerForm(obj=partner)
    if request.method == "GET":
        form.services.data = partner.service_kinds
        form.districts.data = partner.district_names
    return _partner_form_page(form, partner)


@bp.post("/partners/<int:partner_id>/active")
@staff_required
def partner_toggle_active(partner_id: int):
    """Deactivate an active partner (no new referrals to it), or take an inactive one back."""
    partner = services.get_partner_or_404(partner_id, for_user=current_user)
    becomes = not partner.active
    message = _("The partner is active again.") if becomes else _(
        "The partner was deactivated: it is offered for no new referral.")
    return button_action(lambda: services.set_partner_active(partner, becomes, current_user),
                         message, url_for(".partners"))
