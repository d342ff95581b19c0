"""Survey results: a workshop's (staff, the school's contacts, its speakers), a period's (staff
for the program, a school or a speaker; a school contact for their school's workshops; a
speaker for theirs), each as a page and as a PDF drawn from the same figures and template, and
the researchers' CSV of a workshop's anonymous answers (staff)."""
from __future__ import annotations

from datetime import time, timedelta

import sqlalchemy as sa
from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from wtforms import DateField, SubmitField
from wtforms.validators import DataRequired, Optional, ValidationError

from .. import charts
from ..audit.services import record
from ..auth.decorators import role_required, staff_required
from ..auth.models import STAFF_ROLES, Role
from ..csvexport import csv_chunks
from ..extensions import db
from ..forms import AppForm, SearchSelectField
from ..i18n import format_date, format_datetime
from ..pdf import pdf_response, render_pdf
from ..schools.models import School
from ..speakers.models import Speaker
from ..text import download_name
from ..timeutil import lima_to_utc, utcnow
from ..workshops.forms import REPORTED_VENUES, SPEAKERS
from ..workshops.models import Workshop, school_workshop_ids
from . import results, stats
from .blueprint import bp
from .models import YES, ItemKind, SurveyPhase


def _get_workshop_or_404(workshop_id: int) -> Workshop:
    """Fetch the workshop, 404 if missing, 403 if the user may not see its results."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        abort(404)
    if not results.can_view_results(workshop, current_user):
        abort(403)
    return workshop


def value_label(kind: ItemKind, value: int) -> str:
    """Name an answer's value: "Sí"/"No", or the scale point."""
    if kind == ItemKind.YES_NO:
        return _("Yes") if value == YES else _("No")
    return str(value)


def _phase_short(phase: SurveyPhase) -> str:
    return _("before") if phase == SurveyPhase.BEFORE else _("after")


def distribution_chart(result: results.QuestionResult) -> Markup:
    """Draw a question's distribution: one bar per answer and phase, as shares of the phase's
    answers (phases of different sizes stay comparable)."""
    points = [(f"{value_label(result.question.kind, value)} · {_phase_short(phase)}",
               result.distribution[phase][value] / result.answers[phase])
              for value in result.values for phase in result.phases]
    return charts.horizontal_bar(_("Answers"), points, x_title=_("Answer"),
                                 y_title=_("Share of the answers"), is_percent=True,
                                 show_title=False)


def means_chart(paired: list[results.QuestionResult]) -> Markup:
    """Draw the paired students' mean before and after, per scale question."""
    points = [(f"{_('Q%(n)d', n=result.question.position)} · {_phase_short(phase)}", mean)
              for result in paired
              for phase, mean in ((SurveyPhase.BEFORE, result.paired.mean_before),
                                  (SurveyPhase.AFTER, result.paired.mean_after))]
    return charts.horizontal_bar(_("Mean answer of the paired students"), points,
                                 x_title=_("Question"), y_title=_("Mean (1 to 5)"),
                                 show_title=False)


def _figures(found: results.Results) -> dict:
    """Return what templates/surveys/results_body.html draws the results with: the figures,
    their charts and how to write them; the same for a page and its PDF."""
    paired_scale = [result for result in found.questions
                    if result.paired and result.question.kind == ItemKind.SCALE]
    return dict(
        results=found, language=get_locale().language,
        min_answers=results.MIN_ANSWERS, percent=charts.percent, value_label=value_label,
        charts=[distribution_chart(result) if result.distribution else None
                for result in found.questions],
        means_chart=means_chart(paired_scale) if paired_scale else None,
        paired_scale=paired_scale, level=charts.percent(stats.CONFIDENCE))


def _page(template: str, found: results.Results, **context) -> str:
    """Render a results page: the figures, their charts, and what the page says of them."""
    return render_template(template, **_figures(found), **context)


def _pdf(found: results.Results, title: str, scope_text: str, name: str, **context) -> Response:
    """Send the results as a PDF: the page's figures and charts (results_body.html, so the
    5-answer rule and its notes are the page's), titled `title` for `scope_text`, once the
    view's audit record is committed (its one commit)."""
    body = render_pdf("surveys/results.html", title=title, scope_text=scope_text,
                      generated=format_datetime(utcnow()), lang=get_locale().language,
                      **_figures(found), **context)
    db.session.commit()
    return pdf_response(body, name)


_NO_SURVEY = _l("No survey is attached to this workshop.")


@bp.route("/workshops/<int:workshop_id>/surveys/results")
@role_required(*STAFF_ROLES, Role.SCHOOL, Role.SPEAKER)
def results_page(workshop_id: int):
    """Show the workshop's survey results, each figure only from 5 answers; the free text to
    coordinators only."""
    workshop = _get_workshop_or_404(workshop_id)
    found = results.workshop_results(workshop, with_texts=current_user.is_staff)
    return _page("surveys/results.html", found, workshop=workshop, scope=False,
                 no_survey=_NO_SURVEY,
                 text_note=_("Free-text answers are shown to coordinators only."))


@bp.route("/workshops/<int:workshop_id>/surveys/results.pdf")
@role_required(*STAFF_ROLES, Role.SCHOOL, Role.SPEAKER)
def results_pdf(workshop_id: int):
    """Download the workshop's survey results as a PDF, with the page's figures, charts and
    5-answer rule; no free text, whoever asks (a file travels further than a page)."""
    workshop = _get_workshop_or_404(workshop_id)
    found = results.workshop_results(workshop)
    record("survey.export", workshop, "results PDF")
    return _pdf(found, workshop.title,
                f"{format_date(workshop.starts_at)} · {workshop.venue.name}",
                download_name("taller", workshop.id, "resultados de encuestas", ext="pdf"),
                scope=False, no_survey=_NO_SURVEY, text_note=_(
                    "Free-text answers are not printed: coordinators read them on the "
                    "workshop's results page."))


class ScopeForm(AppForm):
    """Choose the period and, for staff, a school or a speaker (none: the whole program)."""

    class Meta:
        csrf = False

    school_id = SearchSelectField(_l("School"), source=REPORTED_VENUES, validators=[Optional()],
                                  blank=_l("All schools"))
    speaker_id = SearchSelectField(_l("Speaker"), source=SPEAKERS, validators=[Optional()],
                                   blank=_l("All speakers"))
    start = DateField(_l("From"), validators=[DataRequired()])
    end = DateField(_l("To"), validators=[DataRequired()])
    submit = SubmitField(_l("Show results"))

    def validate_end(self, field) -> None:
        """The period runs forwards."""
        if self.start.data and field.data and field.data < self.start.data:
            raise ValidationError(_l("The last day must be on or after the first day."))


def _scope_condition(form: ScopeForm) -> sa.ColumnElement[bool]:
    """Return the condition on Workshop for the chosen period and, for staff, school or
    speaker; a school contact's or a speaker's own workshops otherwise."""
    first = lima_to_utc(form.start.data, time.min)
    after_last = lima_to_utc(form.end.data + timedelta(days=1), time.min)
    conditions = [Workshop.starts_at >= first, Workshop.starts_at < after_last,
                  results.results_visible_to(current_user)]
    if current_user.is_staff and form.school_id.data:
        conditions.append(Workshop.id.in_(school_workshop_ids(form.school_id.data)))
    if current_user.is_staff and form.speaker_id.data:
        conditions.append(Workshop.speakers.any(Speaker.id == form.speaker_id.data))
    return sa.and_(*conditions)


def _scope_form() -> tuple[ScopeForm, bool]:
    """Read the scope from the query: the form, and whether it asks for valid results."""
    form = ScopeForm(request.args)
    if not current_user.is_staff:
        del form.school_id, form.speaker_id
    return form, "start" in request.args and form.validate()


def _scope_label(form: ScopeForm) -> str | None:
    """Name whose workshops a valid scope covers: a school's, a speaker's, or both (their
    names); None for the whole program's."""
    if current_user.role == Role.SCHOOL:
        return db.session.get(School, current_user.school_id).name
    if current_user.role == Role.SPEAKER:
        return db.session.scalar(sa.select(Speaker.alias).where(
            Speaker.user_id == current_user.id))
    names = [db.session.get(School, form.school_id.data).name] if form.school_id.data else []
    if form.speaker_id.data:
        names.append(db.session.get(Speaker, form.speaker_id.data).alias)
    return " · ".join(names) or None


# What the results of a period say of a missing survey and of the free text.
_SCOPE_NOTES = dict(
    no_survey=_l("No workshop of this period has a survey."),
    text_note=_l("Free-text answers are listed on each workshop's results, for coordinators "
                 "only."))


@bp.route("/surveys/results")
@role_required(*STAFF_ROLES, Role.SCHOOL, Role.SPEAKER)
def scope_results():
    """Show the survey results of a period's workshops: the program's, a school's or a
    speaker's (staff), the contact's school's, or the speaker's own; no free text."""
    form, valid = _scope_form()
    if not valid:
        return render_template("surveys/results_scope.html", form=form, results=None)
    return _page("surveys/results_scope.html", results.scope_results(_scope_condition(form)),
                 form=form, scope=True, pdf_args=request.args.to_dict(), **_SCOPE_NOTES)


@bp.route("/surveys/results.pdf")
@role_required(*STAFF_ROLES, Role.SCHOOL, Role.SPEAKER)
def scope_results_pdf():
    """Download a period's survey results as a PDF (the page's query), with the page's
    figures, charts and 5-answer rule; a bad period goes back to the page, which says why."""
    form, valid = _scope_form()
    if not valid:
        return redirect(url_for(".scope_results", **request.args.to_dict()))
    found = results.scope_results(_scope_condition(form))
    period = f"{format_date(form.start.data)} – {format_date(form.end.data)}"
    label = _scope_label(form)
    record("survey.export", summary=f"results PDF: {label or 'program'}, {form.start.data} "
                                    f"to {form.end.data}", object_type="SurveyResults")
    return _pdf(found, label or _("The whole program"), period,
                download_name("encuestas", "resultados", form.start.data, form.end.data,
                              ext="pdf"), scope=True, **_SCOPE_NOTES)


@bp.route("/workshops/<int:workshop_id>/surveys/results.csv")
@staff_required
def results_csv(workshop_id: int):
    """Download the workshop's anonymous answers, one row per answer, for researchers; the
    free text only when asked for (?text=1); nothing under 5 responses."""
    workshop = _get_workshop_or_404(workshop_id)
    with_text = request.args.get("text") == "1"
    record("survey.export", workshop, "with free text" if with_text else "without free text")
    db.session.commit()
    header = [str(column) for column in (*results.CSV_COLUMNS,
                                         *([results.TEXT_COLUMN] if with_text else []))]
    rows = list(results.csv_rows(workshop, with_text=with_text))
    name = download_name("taller", workshop.id, "encuestas", ext="csv")
    return Response(csv_chunks(header, rows), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
