"""Speakers pages, for staff: list, profile, vetting, conditions, unavailability."""
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..auth import services as auth_services
from ..auth.decorators import staff_required
from ..extensions import db
from ..forms import EmptyForm, answer_options
from ..mail_models import MailKind
from ..pages import button_action, render_audited
from ..timeutil import lima_to_utc, today_lima
from . import services
from .forms import (
    OPTION_SOURCES,
    SpeakerAccountForm,
    SpeakerFilterForm,
    SpeakerForm,
    UnavailabilityForm,
)
from .models import Speaker, SpeakerUnavailability

bp = Blueprint("speakers", __name__, url_prefix="/speakers")


@bp.route("/")
@staff_required
def index():
    """List speakers by alias with their vetting state; search by alias or topic; sort."""
    form = SpeakerFilterForm(request.args)
    sort = services.SPEAKER_SORTS.chosen(request.args)
    query = services.speaker_query(q=form.q.data, show=form.show.data, sort=sort)
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    today = today_lima()
    rows = [(speaker, services.vetting_state(speaker, today)) for speaker in page.items]
    return render_template("speakers/index.html", page=page, rows=rows, form=form, sort=sort)


@bp.route("/options/<source>")
@staff_required  # the account form that offers these choices is staff's only
def options(source: str):
    """Answer the first speakers whose alias matches `q` as JSON: {"options": [...]}."""
    return jsonify(options=answer_options(OPTION_SOURCES, source, request.args.get("q")))


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    """Add a speaker."""
    form = SpeakerForm()
    if form.validate_on_submit():
        speaker = services.create_speaker(form.data, current_user)
        db.session.commit()
        flash(_("The speaker was saved."), "success")
        return redirect(url_for("speakers.detail", speaker_id=speaker.id))
    return render_template("speakers/form.html", form=form, speaker=None)


@bp.route("/<int:speaker_id>")
@staff_required
def detail(speaker_id: int):
    """Show a speaker's file; showing the legal identity is audited."""
    speaker = services.get_speaker_or_404(speaker_id, for_user=current_user)
    return _render_detail(speaker, UnavailabilityForm())


def _render_detail(speaker: Speaker, period_form: UnavailabilityForm,
                   account_form: SpeakerAccountForm | None = None):
    services.record_identity_view(speaker)
    return render_audited(
        "speakers/detail.html", speaker=speaker, period_form=period_form,
        account_form=account_form or SpeakerAccountForm(data={"email": speaker.email}),
        state=services.vetting_state(speaker),
    )


@bp.route("/<int:speaker_id>/account", methods=["POST"])
@staff_required
def give_account(speaker_id: int):
    """Give the speaker a login (new, or their unlinked speaker account), or a fresh password
    link for the one they have; the link is shown once, as on the accounts page."""
    speaker = services.get_speaker_or_404(speaker_id, for_user=current_user)
    if speaker.user is not None:
        if not EmptyForm().validate_on_submit():
            abort(400)
        user, kind = speaker.user, MailKind.PASSWORD_LINK
    else:
        form, user, new = SpeakerAccountForm(), None, False
        try:
            if form.validate_on_submit():
                user, new = services.give_account(speaker, form.email.data, current_user)
        except services.AccountRefused as refusal:  # refused before anything was written
            form.email.errors.append(str(refusal))
        if user is None:
            return _render_detail(speaker, UnavailabilityForm(), form), 422
        kind = MailKind.ACCOUNT_CREATED if new else MailKind.PASSWORD_LINK
    link = auth_services.hand_over_password_link(user, current_user, kind)
    db.session.commit()
    # Not a redirect: the link exists only in this response, which no cache may keep.
    page = render_template("auth/link_created.html", user=user, link=link,
                           back_url=url_for(".detail", speaker_id=speaker.id),
                           back_label=_("Back to the speaker"))
    return page, 200, {"Cache-Control": "no-store"}


@bp.route("/<int:speaker_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(speaker_id: int):
    """Change a speaker's profile, identity, vetting and conditions."""
    speaker = services.get_speaker_or_404(speaker_id, for_user=current_user)
    form = SpeakerForm(obj=speaker, speaker=speaker)
    if request.method == "GET":
        form.excluded_districts.data = speaker.excluded_district_names
    if form.validate_on_submit():
        services.update_speaker(speaker, form.data, current_user)
        db.session.commit()
        flash(_("The speaker was saved."), "success")
        return redirect(url_for("speakers.detail", speaker_id=speaker.id))
    services.record_identity_view(speaker)  # the form shows the legal identity too
    return render_audited("speakers/form.html", form=form, speaker=speaker)


@bp.route("/<int:speaker_id>/archive", methods=["POST"], endpoint="archive",
          defaults={"archived": True})
@bp.route("/<int:speaker_id>/unarchive", methods=["POST"], endpoint="unarchive",
          defaults={"archived": False})
@staff_required
def set_archived(speaker_id: int, archived: bool):
    """Archive a speaker (kept in history, never offered for scheduling), or bring them back."""
    speaker = services.get_speaker_or_404(speaker_id, for_user=current_user)
    message = _("The speaker was archived.") if archived else _("The speaker is active again.")
    return button_action(lambda: services.set_archived(speaker, archived), message,
                         url_for(".detail", speaker_id=speaker.id))


@bp.route("/<int:speaker_id>/unavailability", methods=["POST"])
@staff_required
def add_unavailability(speaker_id: int):
    """Add a period (entered in Lima time) in which the speaker cannot give workshops."""
    speaker = services.get_speaker_or_404(speaker_id, for_user=current_user)
    form = UnavailabilityForm()
    if not form.validate_on_submit():
        return _render_detail(speaker, form)
    start, end = form.starts_at.data, form.ends_at.data
    services.add_unavailability(speaker, lima_to_utc(start.date(), start.time()),
                                lima_to_utc(end.date(), end.time()), form.reason.data)
    db.session.commit()
    flash(_("The period was added."), "success")
    return redirect(url_for("speakers.detail", speaker_id=speaker.id))


@bp.route("/<int:speaker_id>/unavailability/<int:period_id>/delete", methods=["POST"])
@staff_required
def delete_unavailability(speaker_id: int, period_id: int):
    """Remove one of this speaker's unavailability periods."""
    speaker = services.get_speaker_or_404(speaker_id, for_user=current_user)
    period = db.get_or_404(SpeakerUnavailability, period_id)
    if period.speaker_id != speaker.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.delete_unavailability(period)
    db.session.commit()
    flash(_("The period was removed."), "success")
    return redirect(url_for("speakers.detail", speaker_id=speaker.id))
