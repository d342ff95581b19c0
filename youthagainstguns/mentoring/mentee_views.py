"""Mentees' records, the workshop participant each was, and their guardians' consent; all
staff-only and audited."""
from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from ..audit.services import record
from ..auth.decorators import staff_required
from ..extensions import db
from ..forms import EmptyForm
from ..i18n import format_date
from ..pages import render_audited
from ..text import search_text
from ..timeutil import today_lima, utcnow
from ..workshops.models import Student
from . import forms, mentee_records, services
from .blueprint import apply_form, bp, form_page, show_error
from .enums import OPEN_MATCH_STATUSES
from .errors import MentoringError


@bp.route("/mentees")
@staff_required
def mentees():
    """List mentees with consent and match status; search by name, sort."""
    q = search_text(request.args.get("q"))
    archived = request.args.get("archived") == "1"
    sort = mentee_records.MENTEE_SORTS.chosen(request.args)
    page = db.paginate(mentee_records.mentees_query(q, archived, sort),
                       per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    record("mentee.list", None, f"page={page.page} n={len(page.items)}", object_type="Mentee")
    return render_audited("mentoring/mentees.html", page=page, q=q, archived=archived, sort=sort,
                          today=today_lima(), open_statuses=OPEN_MATCH_STATUSES)


@bp.route("/mentees/new", methods=["GET", "POST"])
@staff_required
def mentee_new():
    """Record a new mentee."""
    form = forms.MenteeForm()
    if request.method == "GET":
        form.referred_on.data = today_lima()
    if form.validate_on_submit():
        mentee = mentee_records.create_mentee(form.mentee_data(), current_user)
        db.session.commit()
        flash(_("The mentee was recorded. Record the guardian's consent next."), "success")
        return redirect(url_for(".mentee_detail", mentee_id=mentee.id))
    return form_page(form, _("New mentee"), url_for(".mentees"))


@bp.route("/mentees/<int:mentee_id>")
@staff_required
def mentee_detail(mentee_id: int):
    """Show a mentee's record, consent, matches and workshop history (audited)."""
    mentee = services.get_mentee_or_404(mentee_id, for_user=current_user)
    history = mentee_records.workshop_history(mentee)
    record("mentee.view", mentee)
    today = today_lima()
    return render_audited(
        "mentoring/mentee_detail.html", mentee=mentee, history=history, today=today,
        has_consent=mentee.has_participation_consent(today),
        open_match=next((m for m in mentee.matches if m.status in OPEN_MATCH_STATUSES), None),
    )


@bp.route("/mentees/<int:mentee_id>/edit", methods=["GET", "POST"])
@staff_required
def mentee_edit(mentee_id: int):
    """Edit a mentee; an edit based on an old version is refused, not merged."""
    mentee = services.get_mentee_or_404(mentee_id, for_user=current_user, need="edit")
    form = forms.MenteeForm(obj=mentee)
    if request.method == "GET":
        form.school_id.data = mentee.school_id or 0
        form.version_id.data = mentee.version_id
        record("mentee.view", mentee, "edit form")
        db.session.commit()
    if form.validate_on_submit():
        try:
            mentee_records.update_mentee(mentee, form.mentee_data(), form.version_id.data,
                                         current_user)
            db.session.commit()
        except MentoringError as error:
            show_error(None, error)
            return redirect(url_for(".mentee_edit", mentee_id=mentee_id))
        except StaleDataError:
            db.session.rollback()
            flash(_("Someone else changed this record while you were editing. "
                    "Reload the page and make your change again."), "error")
            return redirect(url_for(".mentee_edit", mentee_id=mentee_id))
        flash(_("The mentee was saved."), "success")
        return redirect(url_for(".mentee_detail", mentee_id=mentee.id))
    return form_page(form, _("Edit mentee"), url_for(".mentee_detail", mentee_id=mentee_id))


@bp.get("/mentees/<int:mentee_id>/student")
@staff_required
def link_student(mentee_id: int):
    """Find the workshop participant this mentee is, by name within a school."""
    mentee = services.get_mentee_or_404(mentee_id, for_user=current_user, need="edit")
    form = forms.StudentSearchForm(request.args, school_id=mentee.school_id or 0)
    students = []
    if form.school_id.data and form.q.data:
        students = mentee_records.search_students(form.school_id.data, form.q.data)
        record("student.search", None, f"school={form.school_id.data} n={len(students)}",
               object_type="Student")
    return render_audited("mentoring/link_student.html", mentee=mentee, form=form,
                          students=students)


@bp.post("/mentees/<int:mentee_id>/student")
@staff_required
def link_student_save(mentee_id: int):
    """Link the participant chosen on the search page, or remove the link (student 0); a
    participant whose name is not the mentee's is linked only once confirmed."""
    mentee = services.get_mentee_or_404(mentee_id, for_user=current_user, need="edit")
    form, search_url = EmptyForm(), url_for(".link_student", mentee_id=mentee.id)
    if not form.validate_on_submit():
        return redirect(search_url)
    student_id = request.form.get("student_id", type=int) or None
    student = db.session.get(Student, student_id) if student_id else None
    if student_id and student is None:
        abort(400)
    if student and mentee_records.names_differ(mentee, student) \
            and request.form.get("confirmed") != "1":
        record("mentee.view", mentee, f"student={student.id} link confirmation")
        return render_audited(
            "mentoring/link_student_confirm.html", mentee=mentee, student=student,
            back_url=url_for(".link_student", mentee_id=mentee.id, school_id=student.school_id,
                             q=request.form.get("q", "")))
    done = apply_form(form, lambda: mentee_records.link_student(mentee, student_id, current_user),
                      _("Saved."), url_for(".mentee_detail", mentee_id=mentee.id))
    return done or redirect(search_url)


@bp.route("/mentees/<int:mentee_id>/refer-again", methods=["POST"])
@staff_required
def refer_again(mentee_id: int):
    """Put a mentee who left back on the waiting list from today."""
    mentee = services.get_mentee_or_404(mentee_id, for_user=current_user, need="edit")
    detail_url = url_for(".mentee_detail", mentee_id=mentee.id)
    done = apply_form(
        EmptyForm(), lambda: mentee_records.refer_again(mentee, today_lima(), current_user),
        _("The mentee is back on the waiting list."), detail_url)
    return done or redirect(detail_url)


@bp.route("/mentees/<int:mentee_id>/consents/new", methods=["GET", "POST"])
@staff_required
def consent_new(mentee_id: int):
    """Record a guardian's consent."""
    mentee = services.get_mentee_or_404(mentee_id, for_user=current_user, need="edit")
    form = forms.ConsentForm()
    if request.method == "GET":
        form.given_by.data, form.relation.data = mentee.guardian_name, mentee.guardian_relation
        form.given_on.data = today_lima()

    def act():
        data = {f.name: f.data for f in form if f.name not in ("csrf_token", "submit")}
        mentee_records.record_consent(mentee, data, current_user, today_lima())

    detail_url = url_for(".mentee_detail", mentee_id=mentee.id)
    done = apply_form(form, act, _("The consent was recorded."), detail_url)
    return done or form_page(form, _("Record guardian consent"), detail_url,
                             lead=mentee.full_name)


@bp.route("/consents/<int:consent_id>/withdraw", methods=["GET", "POST"])
@staff_required
def consent_withdraw(consent_id: int):
    """Withdraw a consent; losing participation consent pauses the match and alerts staff."""
    consent = services.get_consent_or_404(consent_id, for_user=current_user, need="edit")
    if refusal := mentee_records.withdrawal_refusal(consent):
        flash(refusal, "error")
        return redirect(url_for(".mentee_detail", mentee_id=consent.mentee_id))
    form = forms.WithdrawConsentForm()
    if request.method == "GET":
        form.withdrawn_on.data = today_lima()
    if form.validate_on_submit():
        try:
            paused = mentee_records.withdraw_consent(
                consent, on=form.withdrawn_on.data, reason=form.reason.data.strip(),
                by=current_user, today=today_lima(), now=utcnow())
        except MentoringError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("The consent was withdrawn.") + (" " + _(
                "The active match was paused and the coordinators alerted.") if paused else ""),
                "success")
            return redirect(url_for(".mentee_detail", mentee_id=consent.mentee_id))
    return form_page(form, _("Withdraw consent"),
                     url_for(".mentee_detail", mentee_id=consent.mentee_id),
                     lead=_("Consent given by %(who)s on %(date)s",
                            who=consent.given_by, date=format_date(consent.given_on)))
