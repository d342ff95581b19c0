"""Certificates: issue and revoke (staff), download (staff, schools, speakers), verify (public)."""
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..auth.decorators import role_required, staff_required
from ..auth.models import STAFF_ROLES, Role
from ..extensions import db
from ..pdf import pdf_response
from ..workshops.models import RosterEntry, Student, Workshop
from ..workshops.services import get_workshop_or_404
from . import documents, services
from .forms import IssueForm, RevokeForm, VerifyForm
from .models import Certificate

bp = Blueprint("certificates", __name__)
PANEL_ROWS = 10


def _certificates_query(workshop: Workshop, school_id: int | None):
    """Certificates of a workshop: speakers first, then students in roster order."""
    query = (
        sa.select(Certificate)
        .outerjoin(RosterEntry, sa.and_(RosterEntry.workshop_id == Certificate.workshop_id,
                                        RosterEntry.student_id == Certificate.student_id))
        .where(Certificate.workshop_id == workshop.id)
        .options(so.joinedload(Certificate.student), so.joinedload(Certificate.speaker))
        .order_by(Certificate.kind, RosterEntry.position, Certificate.id)
    )
    if school_id is not None:
        query = query.join(Student, Student.id == Certificate.student_id).where(
            Student.school_id == school_id)
    return query


def _page_args() -> dict:
    return {"per_page": current_app.config["ITEMS_PER_PAGE"], "error_out": False}


def _own_school_filter() -> int | None:
    """School contacts see only their own students' certificates."""
    return None if current_user.is_staff else current_user.school_id


@bp.app_template_global("certificate_panel")
def certificate_panel(workshop: Workshop) -> dict:
    """Return what the certificates panel on a workshop page shows to the current user."""
    own = None
    if current_user.has_role(Role.SPEAKER):
        own = db.session.scalar(sa.select(Certificate).where(
            Certificate.workshop_id == workshop.id,
            Certificate.speaker_id == getattr(current_user.speaker, "id", None)))
        return {"own": own}
    if not workshop.can_view_documents(current_user):
        return {}
    school_id = _own_school_filter()
    rows = db.session.scalars(_certificates_query(workshop, school_id).limit(PANEL_ROWS)).all()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(
        _certificates_query(workshop, school_id).order_by(None).subquery()))
    return {"rows": rows, "total": total, "issue_form": IssueForm(),
            "issuable": workshop.status in services.ISSUABLE, "revoke": current_user.is_staff}


@bp.route("/certificates")
@role_required(*STAFF_ROLES, Role.SCHOOL, Role.SPEAKER)
def index():
    """List certificate packs by workshop (staff, schools) or a speaker's own certificates."""
    if current_user.has_role(Role.SPEAKER):
        speaker_id = getattr(current_user.speaker, "id", None)
        page = db.paginate(
            sa.select(Certificate).join(Certificate.workshop)
            .where(Certificate.speaker_id == speaker_id)
            .options(so.contains_eager(Certificate.workshop))
            .order_by(Workshop.starts_at.desc()), **_page_args())
        return render_template("certificates/mine.html", page=page)
    query = sa.select(Workshop).where(Workshop.status.in_(services.ISSUABLE)).options(
        so.joinedload(Workshop.venue))
    school_id = _own_school_filter()
    if school_id is not None:
        linked = sa.exists().where(RosterEntry.workshop_id == Workshop.id,
                                   RosterEntry.student_id == Student.id,
                                   Student.school_id == school_id)
        query = query.where(sa.or_(Workshop.venue_id == school_id, linked))
    page = db.paginate(query.order_by(Workshop.starts_at.desc()), **_page_args())
    return render_template("certificates/index.html", page=page,
                           issued=_valid_counts([w.id for w in page.items], school_id))


def _valid_counts(workshop_ids: list[int], school_id: int | None) -> dict[int, int]:
    """Count valid student certificates per workshop in one query."""
    query = (sa.select(Certificate.workshop_id, sa.func.count(Certificate.id))
             .join(Student, Student.id == Certificate.student_id)
             .where(Certificate.workshop_id.in_(workshop_ids), Certificate.revoked_at.is_(None))
             .group_by(Certificate.workshop_id))
    if school_id is not None:
        query = query.where(Student.school_id == school_id)
    return dict(db.session.execute(query).all())


@bp.route("/workshops/<int:workshop_id>/certificates")
@role_required(*STAFF_ROLES, Role.SCHOOL)
def workshop(workshop_id: int):
    """List a workshop's certificates, with issue and revoke for staff."""
    found = get_workshop_or_404(workshop_id, current_user, need="documents")
    page = db.paginate(_certificates_query(found, _own_school_filter()), **_page_args())
    return render_template("certificates/workshop.html", workshop=found, page=page,
                           issue_form=IssueForm(),
                           issuable=found.status in services.ISSUABLE)


@bp.route("/workshops/<int:workshop_id>/certificates/issue", methods=["POST"])
@staff_required
def issue(workshop_id: int):
    """Issue the certificates a workshop still lacks, in the chosen language."""
    found = db.get_or_404(Workshop, workshop_id)
    form = IssueForm()
    target = url_for(".workshop", workshop_id=found.id)
    if not form.validate_on_submit():
        flash(_("Choose Spanish or English."), "error")
        return redirect(target)
    try:
        result = services.issue_certificates(found, form.language.data, current_user)
        db.session.commit()
    except services.CertificateError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(target)
    except IntegrityError:
        # Two people issued at the same moment; the other run already added them.
        db.session.rollback()
        flash(_("Someone issued these certificates at the same time. Check the list."), "warning")
        return redirect(target)
    if result.students or result.speakers:
        flash(_("Certificates issued: %(students)d for students, %(speakers)d for speakers.",
                students=result.students, speakers=result.speakers), "success")
    else:
        flash(_("Every certificate was already issued; nothing was added."), "info")
    return redirect(target)


@bp.route("/workshops/<int:workshop_id>/certificates.pdf")
@role_required(*STAFF_ROLES, Role.SCHOOL)
def pack(workshop_id: int):
    """Download a workshop's valid student certificates as one PDF, in roster order."""
    found = get_workshop_or_404(workshop_id, current_user, need="documents")
    items = services.pack_items(found, _own_school_filter())
    if not items:
        flash(_("There are no valid certificates to download for this workshop."), "warning")
        return redirect(url_for(".workshop", workshop_id=found.id))
    body = documents.render_pack(services.workshop_facts(found), items)
    record("certificate.download", found, f"workshop {found.id}: pack of {len(items)}")
    db.session.commit()
    return pdf_response(body, f"certificates-workshop-{found.id}.pdf")


@bp.route("/certificates/<int:certificate_id>.pdf")
@role_required(*STAFF_ROLES, Role.SCHOOL, Role.SPEAKER)
def download(certificate_id: int):
    """Download one certificate."""
    certificate = services.get_certificate_or_404(certificate_id, current_user)
    if certificate.is_revoked:
        flash(_("This certificate was revoked and cannot be downloaded."), "warning")
        return redirect(url_for(".index"))
    body = documents.render_certificates(services.workshop_facts(certificate.workshop),
                                         [services.certificate_item(certificate)])
    record("certificate.download", certificate, f"certificate {certificate.id}")
    db.session.commit()
    return pdf_response(body, f"certificate-{certificate.id}.pdf")


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
@staff_required
def revoke(certificate_id: int):
    """Revoke a certificate with a reason; it then verifies as revoked."""
    certificate = db.get_or_404(Certificate, certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke(certificate, form.reason.data.strip(), current_user)
            db.session.commit()
            flash(_("The certificate was revoked."), "success")
        except services.CertificateError as error:
            flash(str(error), "error")
        return redirect(url_for(".workshop", workshop_id=certificate.workshop_id))
    return render_template("certificates/revoke.html", certificate=certificate, form=form)


@bp.route("/verify")
def verify_form():
    """Let anyone type the code printed on a certificate."""
    form = VerifyForm(request.args)
    if request.args and form.validate():
        code = services.normalize_code(form.code.data)
        if code:
            return redirect(url_for(".verify", code=code))
        form.code.errors.append(_("This is not a valid verification code."))
    return render_template("certificates/verify_form.html", form=form)


@bp.route("/verify/<code>")
def verify(code: str):
    """Show whether a certificate is valid, with only the facts the public may see."""
    allowed = services.lookup_allowed(request.remote_addr or "-")
    db.session.commit()
    if not allowed:
        abort(429)
    normalized = services.normalize_code(code)
    certificate = services.find_by_code(normalized) if normalized else None
    if certificate is None:
        return render_template("certificates/not_found.html"), 404
    if normalized != code:
        return redirect(url_for(".verify", code=normalized))
    return render_template("certificates/verify.html",
                           facts=services.public_facts(certificate))


@bp.after_request
def keep_verification_out_of_search(response):
    """Search engines must not index verification pages (they name a student)."""
    if request.endpoint in ("certificates.verify", "certificates.verify_form"):
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
