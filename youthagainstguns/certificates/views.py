"""Certificates: issue and revoke (staff), download (staff, schools, speakers), verify (public)."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..audit.services import record
from ..auth.decorators import role_required, staff_required
from ..auth.models import STAFF_ROLES, Role
from ..extensions import db
from ..pages import render_audited
from ..pdf import pdf_response
from ..text import download_name, search_text
from ..workshops.models import REPORTED, Workshop
from ..workshops.services import WORKSHOP_SORTS, get_workshop_or_404
from . import documents, services
from .forms import IssueForm, RevokeForm, VerifyForm
from .models import Certificate

bp = Blueprint("certificates", __name__)
PANEL_ROWS = 10


def _page_args() -> dict:
    return {"per_page": current_app.config["ITEMS_PER_PAGE"], "error_out": False}


@bp.app_template_global("certificate_panel")
def certificate_panel(workshop: Workshop) -> dict:
    """Return what the certificates panel on a workshop page shows to the current user."""
    if current_user.has_role(Role.SPEAKER):
        return {"own": db.session.scalar(services.speaker_certificates(current_user).where(
            Certificate.workshop_id == workshop.id))}
    if not workshop.can_view_documents(current_user):
        return {}
    query = services.workshop_certificates(workshop, current_user)
    rows = db.session.scalars(query.limit(PANEL_ROWS)).all()
    pack = services.pack_contents(workshop, current_user)  # the count the pack's file names
    return {"rows": rows, "total": pack.issued, "pack": pack, "issue_form": IssueForm(),
            "issuable": workshop.status in REPORTED, "revoke": current_user.is_staff}


@bp.route("/certificates")
@role_required(*STAFF_ROLES, Role.SCHOOL, Role.SPEAKER)
def index():
    """List certificate packs by workshop (staff, schools) or a speaker's own certificates."""
    if current_user.has_role(Role.SPEAKER):
        page = db.paginate(services.speaker_certificates(current_user), **_page_args())
        return render_template("certificates/mine.html", page=page)
    q = search_text(request.args.get("q"))
    sort = WORKSHOP_SORTS.chosen(request.args)
    page = db.paginate(services.pack_workshops(current_user, q, sort), count=False,
                       **_page_args())
    # Counted on its own: the page's query reads the starts_at index, the count the status one.
    page.total = services.count_pack_workshops(current_user, q)
    issued = services.valid_counts([w.id for w in page.items], current_user)
    return render_template("certificates/index.html", page=page, issued=issued, q=q, sort=sort)


@bp.route("/workshops/<int:workshop_id>/certificates")
@role_required(*STAFF_ROLES, Role.SCHOOL)
def workshop(workshop_id: int):
    """List a workshop's certificates, with issue and revoke for staff."""
    found = get_workshop_or_404(workshop_id, for_user=current_user, need="documents")
    page = db.paginate(services.workshop_certificates(found, current_user), **_page_args())
    record("certificate.list", found, f"page {page.page}: {len(page.items)} certificates")
    return render_audited("certificates/workshop.html", workshop=found, page=page,
                           issue_form=IssueForm(),
                           issuable=found.status in REPORTED)


@bp.route("/workshops/<int:workshop_id>/certificates/issue", methods=["POST"])
@staff_required
def issue(workshop_id: int):
    """Issue the certificates a workshop still lacks, in the chosen language."""
    found = get_workshop_or_404(workshop_id, for_user=current_user, need="documents")
    form = IssueForm()
    if not form.validate_on_submit():
        flash(_("Choose Spanish or English."), "error")
        return redirect(url_for(".workshop", workshop_id=found.id))
    try:
        result = services.issue_certificates(found, form.language.data, current_user)
        db.session.commit()
    except services.CertificateError as error:
        db.session.rollback()
        flash(str(error), "error")
    except IntegrityError:
        # Two people issued at the same moment; the other run already added them.
        db.session.rollback()
        flash(_("Someone issued these certificates at the same time. Check the list."), "warning")
    else:
        if result.students or result.speakers:
            flash(_("Certificates issued: %(students)d for students, %(speakers)d for "
                    "speakers.", students=result.students, speakers=result.speakers), "success")
        else:
            flash(_("Every certificate was already issued; nothing was added."), "info")
    return redirect(url_for(".workshop", workshop_id=found.id))


@bp.route("/workshops/<int:workshop_id>/certificates.pdf")
@role_required(*STAFF_ROLES, Role.SCHOOL)
def pack(workshop_id: int):
    """Download a workshop's valid certificates as one PDF: students in roster order, then
    speakers; the file is named after what it holds, counted as the workshop page counts."""
    found = get_workshop_or_404(workshop_id, for_user=current_user, need="documents")
    items = services.pack_items(found, current_user)
    contents = services.pack_contents(found, current_user)
    if not items:
        flash(_("There are no valid certificates to download for this workshop."), "warning")
        return redirect(url_for(".workshop", workshop_id=found.id))
    body = documents.render_pack(services.workshop_facts(found), items)
    record("certificate.download", found, f"workshop {found.id}: pack of {len(items)} "
           f"({contents.students} students, {contents.speakers} speakers)")
    db.session.commit()
    return pdf_response(body, contents.file_name(found.id))


@bp.route("/certificates/<int:certificate_id>.pdf")
@role_required(*STAFF_ROLES, Role.SCHOOL, Role.SPEAKER)
def download(certificate_id: int):
    """Download one certificate."""
    certificate = services.get_certificate_or_404(certificate_id, for_user=current_user)
    if certificate.is_revoked:
        flash(_("This certificate was revoked and cannot be downloaded."), "warning")
        return redirect(url_for(".index"))
    body = documents.render_certificates(services.workshop_facts(certificate.workshop),
                                         [services.certificate_item(certificate)])
    record("certificate.download", certificate, f"certificate {certificate.id}")
    db.session.commit()
    return pdf_response(body, download_name("constancia", certificate.id, ext="pdf"))


@bp.route("/certificates/<int:certificate_id>/revoke", methods=["GET", "POST"])
@staff_required
def revoke(certificate_id: int):
    """Revoke a certificate with a reason; it then verifies as revoked."""
    certificate = services.get_certificate_or_404(certificate_id, for_user=current_user,
                                                  need="revoke")
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
    if not services.lookup_allowed(request.remote_addr or "-"):
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
