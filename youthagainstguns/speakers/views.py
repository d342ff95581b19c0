"""Speakers pages, for staff: list, profile, vetting, conditions, unavailability."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import staff_required
from ..extensions import db
from ..forms import EmptyForm
from ..pages import button_action, render_audited
from ..timeutil import lima_to_utc, today_lima
from . import services
from .forms import SpeakerFilterForm, SpeakerForm, UnavailabilityForm
from .models import Speaker, SpeakerUnavailability

bp = Blueprint("speakers", __name__, url_prefix="/speakers")


@bp.route("/")
@staff_required
def index():
    """List speakers by alias with their vetting state; search by alias or topic."""
    form = SpeakerFilterForm(request.args)
    query = services.speaker_query(q=form.q.data, show=form.show.data)
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    today = today_lima()
    rows = [(speaker, services.vetting_state(speaker, today)) for speaker in page.items]
    return render_template("speakers/index.html", page=page, rows=rows, form=form)


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


def _render_detail(speaker: Speaker, period_form: UnavailabilityForm):
    services.record_identity_view(speaker)
    return render_audited(
        "speakers/detail.html", speaker=speaker, period_form=period_form,
        state=services.vetting_state(speaker),
    )


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
