"""Schools and venues pages, for staff: list, create, edit, archive, blackout dates."""
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

from ..auth.decorators import staff_required
from ..extensions import db
from ..forms import EmptyForm, answer_options
from ..pages import button_action
from . import services
from .forms import OPTION_SOURCES, BlackoutForm, SchoolFilterForm, SchoolForm
from .models import BlackoutDate, School

bp = Blueprint("schools", __name__, url_prefix="/schools")


@bp.route("/")
@staff_required
def index():
    """List venues with search, kind and district filters and a sort; archived ones on
    request."""
    form = SchoolFilterForm(request.args)
    sort = services.SCHOOL_SORTS.chosen(request.args)
    query = services.school_query(q=form.q.data, kind=form.kind.data,
                                  district=form.district.data,
                                  include_archived=form.archived.data, sort=sort)
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("schools/index.html", page=page, form=form, sort=sort)


@bp.route("/options/<source>")
@staff_required  # the account and mentee forms that offer these choices are staff's only
def options(source: str):
    """Answer the first venues or schools matching `q` as JSON: {"options": [{value, label}]}."""
    return jsonify(options=answer_options(OPTION_SOURCES, source, request.args.get("q")))


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    """Add a school or community centre."""
    form = SchoolForm()
    if form.validate_on_submit():
        school = services.create_school(form.data)
        db.session.commit()
        flash(_("The venue was saved."), "success")
        return redirect(url_for("schools.detail", school_id=school.id))
    return render_template("schools/form.html", form=form, school=None)


@bp.route("/<int:school_id>")
@staff_required
def detail(school_id: int):
    """Show a venue's facts, contacts and blackout dates."""
    school = services.get_school_or_404(school_id, for_user=current_user)
    return _render_detail(school, BlackoutForm())


def _render_detail(school: School, blackout_form: BlackoutForm):
    return render_template(
        "schools/detail.html", school=school, contacts=services.contacts_of(school),
        blackout_form=blackout_form,
    )


@bp.route("/<int:school_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(school_id: int):
    """Change a venue's facts."""
    school = services.get_school_or_404(school_id, for_user=current_user)
    form = SchoolForm(obj=school, school=school)
    if form.validate_on_submit():
        services.update_school(school, form.data)
        db.session.commit()
        flash(_("The venue was saved."), "success")
        return redirect(url_for("schools.detail", school_id=school.id))
    return render_template("schools/form.html", form=form, school=school)


@bp.route("/<int:school_id>/archive", methods=["POST"], endpoint="archive",
          defaults={"archived": True})
@bp.route("/<int:school_id>/unarchive", methods=["POST"], endpoint="unarchive",
          defaults={"archived": False})
@staff_required
def set_archived(school_id: int, archived: bool):
    """Archive a venue (it stays in history but takes no new workshops), or bring it back."""
    school = services.get_school_or_404(school_id, for_user=current_user)
    message = _("The venue was archived.") if archived else _("The venue is active again.")
    return button_action(lambda: services.set_archived(school, archived), message,
                         url_for(".detail", school_id=school.id))


@bp.route("/<int:school_id>/blackouts", methods=["POST"])
@staff_required
def add_blackout(school_id: int):
    """Add days on which the venue cannot host workshops."""
    school = services.get_school_or_404(school_id, for_user=current_user)
    form = BlackoutForm()
    if not form.validate_on_submit():
        return _render_detail(school, form)
    services.add_blackout(school, form.starts_on.data, form.ends_on.data, form.reason.data)
    db.session.commit()
    flash(_("The dates were added."), "success")
    return redirect(url_for("schools.detail", school_id=school.id))


@bp.route("/<int:school_id>/blackouts/<int:blackout_id>/delete", methods=["POST"])
@staff_required
def delete_blackout(school_id: int, blackout_id: int):
    """Remove a blackout period of this venue."""
    school = services.get_school_or_404(school_id, for_user=current_user)
    blackout = db.get_or_404(BlackoutDate, blackout_id)
    if blackout.school_id != school.id:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.delete_blackout(blackout)
    db.session.commit()
    flash(_("The dates were removed."), "success")
    return redirect(url_for("schools.detail", school_id=school.id))
