"""Privacy (Ley 29733): the public privacy page, and for staff a young person's data-subject
requests: export everything held (JSON and PDF), correct it, anonymise it.

Importing this module also declares the monthly anonymisation job (retention) before the
queue is built."""
import json

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.services import record
from ..auth.decorators import staff_required
from ..extensions import db
from ..mentoring.errors import MentoringError
from ..pages import render_audited
from ..pdf import pdf_response, render_pdf
from ..text import download_name
from ..workshops.models import AlreadyAnonymisedError
from . import export, retention, services  # noqa: F401  (retention: the monthly job)
from .forms import AnonymiseForm, StudentCorrectionForm

bp = Blueprint("privacy", __name__, url_prefix="/privacy")
SUBJECT = "/<any(mentees, students):kind>/<int:subject_id>"
# The person's kind in a download's name, in Spanish like every file name.
FILE_WORDS = {"mentees": "persona mentoreada", "students": "estudiante"}


def _subject_of(person: export.Person, kind: str):
    """Return the record the request is about: the mentee or the student."""
    return person.mentee if kind == "mentees" else person.student


def _load(kind: str, subject_id: int):
    person = services.get_person_or_404(kind, subject_id, for_user=current_user)
    return person, _subject_of(person, kind)


@bp.get("")
def policy():
    """Say what is collected, why, for how long, who sees it and whom to ask."""
    return render_template("privacy/policy.html",
                           retention_years=current_app.config["RETENTION_YEARS"],
                           contact_email=current_app.config["PRIVACY_CONTACT_EMAIL"])


@bp.get("/requests")
@staff_required
def requests():
    """Find the young person a guardian's request is about (audited: it lists names)."""
    q = request.args.get("q", "").strip()
    mentees, students = services.search(q)
    if q:
        record("privacy.search", None, f"n={len(mentees) + len(students)}",
               object_type="Person")
    return render_audited("privacy/requests.html", q=q, mentees=mentees, students=students)


@bp.get(SUBJECT)
@staff_required
def subject(kind: str, subject_id: int):
    """Show a young person's records and the request actions: export, correct, anonymise."""
    person, item = _load(kind, subject_id)
    record("privacy.view", item)
    return render_audited("privacy/subject.html", person=person, item=item, kind=kind)


@bp.get(f"{SUBJECT}/export.json")
@staff_required
def export_json(kind: str, subject_id: int):
    """Download everything held about the person as one JSON file (audited)."""
    person, item = _load(kind, subject_id)
    body = json.dumps(export.export_json(person), ensure_ascii=False, indent=2)
    record("privacy.export", item, f"{kind} {subject_id} exported as JSON")
    db.session.commit()
    name = download_name("datos", FILE_WORDS[kind], subject_id, ext="json")
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})


@bp.get(f"{SUBJECT}/export.pdf")
@staff_required
def export_pdf(kind: str, subject_id: int):
    """Download everything held about the person as a readable PDF (audited)."""
    person, item = _load(kind, subject_id)
    body = render_pdf("privacy/export.html", name=item.full_name,
                      **export.export_pdf_context(person))
    record("privacy.export", item, f"{kind} {subject_id} exported as PDF")
    db.session.commit()
    return pdf_response(body, download_name("datos", FILE_WORDS[kind], subject_id, ext="pdf"))


@bp.route(f"{SUBJECT}/anonymise", methods=["GET", "POST"])
@staff_required
def anonymise(kind: str, subject_id: int):
    """Ask for a reason and a confirmation, then anonymise the person for good."""
    person, item = _load(kind, subject_id)
    back = url_for(".subject", kind=kind, subject_id=subject_id)
    if item.is_anonymised:
        flash(str(AlreadyAnonymisedError()), "info")
        return redirect(back)
    form = AnonymiseForm()
    if form.validate_on_submit():
        try:
            services.anonymise_person(person, services.Reason(form.reason.data), current_user)
        except (AlreadyAnonymisedError, MentoringError) as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(back)
        db.session.commit()
        flash(_("The record was anonymised. Figures and certificates are kept."), "success")
        return redirect(back)
    return render_template("privacy/anonymise.html", form=form, person=person, item=item,
                           kind=kind, cancel_url=back)


@bp.route("/students/<int:student_id>/edit", methods=["GET", "POST"])
@staff_required
def student_edit(student_id: int):
    """Correct a workshop participant's names, grade, section and school code."""
    _person, student = _load("students", student_id)
    back = url_for(".subject", kind="students", subject_id=student_id)
    if student.is_anonymised:
        flash(_("An anonymised record has nothing left to correct."), "info")
        return redirect(back)
    form = StudentCorrectionForm(obj=student)
    if request.method == "GET":
        form.code.data = student.student_code
    if form.validate_on_submit():
        services.update_student(student, form.values(), current_user)
        db.session.commit()
        flash(_("The participant's record was corrected."), "success")
        return redirect(back)
    return render_template("privacy/form.html", form=form, title=_("Correct a participant"),
                           lead=student.full_name, cancel_url=back)
