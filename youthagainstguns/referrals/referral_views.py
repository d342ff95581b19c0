"""A mentee's referrals and sharing consents (staff), a match's referrals (staff and its
mentor, who may propose one), a referral's moves, follow-ups and letter."""
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.services import record
from ..auth.decorators import role_required, staff_required
from ..auth.models import Role
from ..extensions import db
from ..mentoring import services as mentoring
from ..mentoring.blueprint import apply_form, form_page, show_error
from ..mentoring.enums import MatchStatus
from ..pages import render_audited
from ..pdf import pdf_response, render_pdf
from ..text import download_name
from ..timeutil import today_lima
from . import forms, services
from .blueprint import bp
from .enums import MOVE_LABELS, TRANSITIONS
from .errors import ReferralError
from .models import follow_up_overdue


@bp.route("/mentees/<int:mentee_id>")
@staff_required
def mentee_referrals(mentee_id: int):
    """Show a mentee's referrals and sharing consents (audited as a view of the mentee)."""
    mentee = mentoring.get_mentee_or_404(mentee_id, for_user=current_user)
    today = today_lima()
    referrals = services.mentee_referrals(mentee.id)
    record("mentee.view", mentee, "referrals")
    return render_audited("referrals/mentee.html", mentee=mentee, referrals=referrals,
                          consents=services.sharing_consents(mentee.id), today=today,
                          overdue={r.id for r in referrals if follow_up_overdue(r, today)})


@bp.route("/mentees/<int:mentee_id>/new", methods=["GET", "POST"])
@staff_required
def referral_new(mentee_id: int):
    """Record a referral of a mentee to a partner."""
    mentee = mentoring.get_mentee_or_404(mentee_id, for_user=current_user, need="edit")
    form = forms.ReferralForm()
    if request.method == "GET":
        form.referred_on.data = today_lima()
    back = url_for(".mentee_referrals", mentee_id=mentee.id)
    done = apply_form(form, lambda: services.record_referral(
        mentee, partner_id=form.partner_id.data, service_kind=form.service_kind.data,
        reason=form.reason.data, referred_on=form.referred_on.data, by=current_user,
        today=today_lima()), _("The referral was recorded."), back)
    return done or form_page(form, _("New referral"), back, lead=mentee.full_name)


@bp.route("/matches/<int:match_id>")
@role_required(Role.ADMIN, Role.COORDINATOR, Role.MENTOR)
def match_referrals(match_id: int):
    """Show the referrals of a match's mentee: staff, and the mentor while the match is
    active."""
    match = mentoring.get_match_or_404(match_id, for_user=current_user)
    if not current_user.is_staff and match.status != MatchStatus.ACTIVE:
        abort(403)
    referrals = services.mentee_referrals(match.mentee_id)
    record("match.view", match, "referrals")
    return render_audited("referrals/match.html", match=match, referrals=referrals,
                          may_propose=services.may_propose(match, current_user))


@bp.route("/matches/<int:match_id>/propose", methods=["GET", "POST"])
@role_required(Role.MENTOR)
def referral_propose(match_id: int):
    """Let a match's own mentor propose a referral while the match is active."""
    match = mentoring.get_match_or_404(match_id, for_user=current_user, need="log")
    if not services.may_propose(match, current_user):
        abort(403)
    form = forms.ProposeForm()
    back = url_for(".match_referrals", match_id=match.id)
    done = apply_form(form, lambda: services.propose_referral(
        match, partner_id=form.partner_id.data, service_kind=form.service_kind.data,
        reason=form.reason.data, by=current_user, today=today_lima()),
        _("Thank you: the coordination team will look at your proposal."), back)
    return done or form_page(form, _("Propose a referral"), back)


@bp.route("/<int:referral_id>")
@staff_required
def referral_detail(referral_id: int):
    """Show a referral: its moves, follow-ups, and whether its letter may be produced."""
    referral = services.get_referral_or_404(referral_id, for_user=current_user, need="manage")
    today = today_lima()
    move_form, follow_up_form = forms.MoveForm(), forms.FollowUpForm()
    move_form.on.data = follow_up_form.held_on.data = today
    record("referral.view", referral, f"mentee={referral.mentee_id}")
    return render_audited(
        "referrals/detail.html", referral=referral, today=today, move_form=move_form,
        follow_up_form=follow_up_form, move_labels=MOVE_LABELS,
        letter_refusal=services.letter_refusal(referral, today),
        due_on=referral.follow_up_due_on(), overdue=follow_up_overdue(referral, today))


@bp.post("/<int:referral_id>/move/<move>")
@staff_required
def referral_move(referral_id: int, move: str):
    """Move a referral on (sent, accepted, ...) on the date given; refuse an illegal move."""
    referral = services.get_referral_or_404(referral_id, for_user=current_user, need="manage")
    if move not in TRANSITIONS:
        abort(404)
    form = forms.MoveForm()
    detail = url_for(".referral_detail", referral_id=referral.id)
    if not form.validate_on_submit():
        flash(_("Enter the date of the change."), "error")
        return redirect(detail)
    try:
        services.move_referral(referral, move, on=form.on.data, by=current_user,
                               today=today_lima())
    except ReferralError as error:
        show_error(None, error)
        return redirect(detail)
    db.session.commit()
    flash(_("The referral is now: %(status)s.", status=referral.status.label), "success")
    return redirect(detail)


@bp.post("/<int:referral_id>/follow-ups")
@staff_required
def referral_follow_up(referral_id: int):
    """Record a follow-up of a referral."""
    referral = services.get_referral_or_404(referral_id, for_user=current_user, need="manage")
    form = forms.FollowUpForm()
    detail = url_for(".referral_detail", referral_id=referral.id)
    done = apply_form(form, lambda: services.add_follow_up(
        referral, held_on=form.held_on.data, notes=form.notes.data, by=current_user,
        today=today_lima()), _("The follow-up was recorded."), detail)
    if done:
        return done
    # The form sits on the referral's page: its errors go back there, each with its field.
    for field in form:
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "error")
    return redirect(detail)


@bp.get("/<int:referral_id>/letter.pdf")
@staff_required
def referral_letter(referral_id: int):
    """Download the one-page referral letter; refused without a current sharing consent."""
    referral = services.get_referral_or_404(referral_id, for_user=current_user, need="manage")
    try:
        letter = services.letter_facts(referral, current_user, today_lima())
    except ReferralError as error:
        flash(error.message, "error")
        return redirect(url_for(".referral_detail", referral_id=referral.id))
    body = render_pdf("referrals/letter.html", letter=letter)
    db.session.commit()
    return pdf_response(body, download_name("carta-derivacion", referral.id, ext="pdf"))


@bp.route("/mentees/<int:mentee_id>/consents/new", methods=["GET", "POST"])
@staff_required
def sharing_consent_new(mentee_id: int):
    """Record a guardian's consent to share the mentee's data with one partner."""
    mentee = mentoring.get_mentee_or_404(mentee_id, for_user=current_user, need="edit")
    form = forms.SharingConsentForm()
    if request.method == "GET":
        form.given_by.data, form.relation.data = mentee.guardian_name, mentee.guardian_relation
        form.given_on.data = today_lima()
        form.partner_id.data = request.args.get("partner_id", type=int)
    back = url_for(".mentee_referrals", mentee_id=mentee.id)
    done = apply_form(form, lambda: services.record_sharing_consent(
        mentee, partner_id=form.partner_id.data, given_by=form.given_by.data,
        relation=form.relation.data, given_on=form.given_on.data, method=form.method.data,
        by=current_user, today=today_lima()), _("The consent was recorded."), back)
    return done or form_page(form, _("Consent to share data with a partner"), back,
                             lead=mentee.full_name)


@bp.route("/consents/<int:sharing_consent_id>/withdraw", methods=["GET", "POST"])
@staff_required
def sharing_consent_withdraw(sharing_consent_id: int):
    """Withdraw a sharing consent: no letter to that partner from that day on."""
    consent = services.get_sharing_consent_or_404(sharing_consent_id, for_user=current_user)
    form = forms.WithdrawSharingForm()
    if request.method == "GET":
        form.withdrawn_on.data = today_lima()
    back = url_for(".mentee_referrals", mentee_id=consent.mentee_id)
    done = apply_form(form, lambda: services.withdraw_sharing_consent(
        consent, on=form.withdrawn_on.data, reason=form.reason.data, by=current_user,
        today=today_lima()), _("The consent was withdrawn."), back)
    return done or form_page(form, _("Withdraw consent"), back, lead=consent.partner.name)


