"""Reports: school attendance (PDF, CSV) for staff and school contacts (the program's
figures: program_views.py)."""
from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.services import record
from ..auth.decorators import role_required
from ..auth.models import STAFF_ROLES, Role
from ..extensions import db
from ..pdf import pdf_response
from ..schools.models import School
from ..text import download_name
from ..workshops.services import get_workshop_or_404
from . import program_views, services  # noqa: F401 - program_views: its routes
from .blueprint import bp
from .forms import PeriodForm


def _period_form() -> PeriodForm:
    """Build the period form; staff choose the school, a school contact has their own."""
    form = PeriodForm(request.args)
    if not current_user.is_staff:
        del form.school_id
    return form


def _school_for(form: PeriodForm) -> School | None:
    """Return the report's school: any for staff; a school contact only their own."""
    if current_user.is_staff:
        if not form.school_id.data:
            form.school_id.errors.append(_("Choose a school."))
            return None
        return db.get_or_404(School, form.school_id.data)
    requested = request.args.get("school_id", type=int)
    if requested is not None and requested != current_user.school_id:
        abort(403)
    return db.get_or_404(School, current_user.school_id)


def _period_scope(form: PeriodForm) -> services.Scope | None:
    """Return the school-and-period scope, or None when the form has errors."""
    if not form.validate():
        return None
    school = _school_for(form)
    if school is None:
        return None
    return services.Scope(school_id=school.id, start=form.start.data, end=form.end.data)


@bp.route("/reports")
@role_required(*STAFF_ROLES, Role.SCHOOL)
def index():
    """Choose a school and period, or a workshop, and download its attendance report."""
    form = _period_form()
    scope = _period_scope(form) if "start" in request.args else None
    summary = services.build_report(scope) if scope else None
    page = db.paginate(services.reportable_workshops(current_user),
                       per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("reports/index.html", form=form, summary=summary, page=page,
                           args=request.args.to_dict())


def _export(scope: services.Scope, fmt: str, audited: tuple[str, int], summary: str,
            name: tuple):
    """Audit the download, then send the PDF or stream the CSV."""
    report = services.build_report(scope)
    object_type, object_id = audited
    record("report.export", summary=f"{fmt}: {summary}, {report.row_count} rows",
           object_type=object_type, object_id=object_id)
    db.session.commit()
    if fmt == "pdf":
        return pdf_response(services.render_report_pdf(report, services.rows(scope, report)),
                            download_name(*name, ext="pdf"))
    return Response(_streamed_csv(scope, report), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition":
                             f'attachment; filename="{download_name(*name, ext="csv")}"'})


def _streamed_csv(scope: services.Scope, report: services.Report):
    """Yield the CSV from a connection of its own: the response outlives the request."""
    engine = db.engine

    def generate():
        with engine.connect() as connection:
            yield from services.csv_lines(report, services.rows(scope, report, connection))

    return generate()


def _school_export(fmt: str):
    form = _period_form()
    scope = _period_scope(form)
    if scope is None:
        return redirect(url_for(".index", **request.args.to_dict()))
    school_id = scope.school_id
    return _export(scope, fmt, ("School", school_id),
                   f"school {school_id} from {scope.start} to {scope.end}",
                   ("colegio", school_id, "asistencia", scope.start, scope.end))


@bp.route("/reports/attendance.pdf")
@role_required(*STAFF_ROLES, Role.SCHOOL)
def attendance_pdf():
    """Download a school's attendance over a period as PDF."""
    return _school_export("pdf")


@bp.route("/reports/attendance.csv")
@role_required(*STAFF_ROLES, Role.SCHOOL)
def attendance_csv():
    """Download a school's attendance over a period as CSV."""
    return _school_export("csv")


def _workshop_export(workshop_id: int, fmt: str):
    workshop = get_workshop_or_404(workshop_id, for_user=current_user, need="documents")
    only = None if current_user.is_staff else current_user.school_id
    scope = services.Scope(workshop_id=workshop.id, only_school_id=only)
    return _export(scope, fmt, ("Workshop", workshop.id), f"workshop {workshop.id}",
                   ("taller", workshop.id, "asistencia"))


@bp.route("/reports/workshops/<int:workshop_id>/attendance.pdf")
@role_required(*STAFF_ROLES, Role.SCHOOL)
def workshop_pdf(workshop_id: int):
    """Download one workshop's attendance as PDF (a school contact: their students only)."""
    return _workshop_export(workshop_id, "pdf")


@bp.route("/reports/workshops/<int:workshop_id>/attendance.csv")
@role_required(*STAFF_ROLES, Role.SCHOOL)
def workshop_csv(workshop_id: int):
    """Download one workshop's attendance as CSV (a school contact: their students only)."""
    return _workshop_export(workshop_id, "csv")
