"""The audit log, for staff: read, filter and export; nothing here changes an entry."""
import sqlalchemy as sa
from flask import (
    Response,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.labels import ACTIONS, OBJECT_TYPES, action_label, labels, object_type_label
from ..audit.models import AuditEvent
from ..audit.services import EVENT_SORTS, NEWEST_FIRST, event_conditions, event_query, record
from ..auth.decorators import staff_required
from ..auth.models import User
from ..csvexport import csv_chunks
from ..extensions import db
from ..i18n import format_datetime
from .audit_forms import AuditFilterForm
from .audit_links import record_links
from .audit_summaries import summary_text
from .blueprint import bp


def _filter_form() -> AuditFilterForm:
    """Build the filter from the query string, with every account as a person to pick."""
    people = db.session.execute(sa.select(User.id, User.full_name, User.email)
                                .order_by(User.full_name, User.id))
    return AuditFilterForm(request.args,
                           people=[(id_, f"{name} ({email})") for id_, name, email in people])


@bp.route("/audit/")
@staff_required
def audit_log():
    """List audit events, newest first (or oldest), filtered by words, person, action, record
    and days."""
    form = _filter_form()
    if not form.validate():
        return render_template("admin/audit_log.html", form=form, page=None), 422
    sort = EVENT_SORTS.chosen(request.args)
    page = db.paginate(event_query(form.wanted(), sort.order_by()),
                       per_page=current_app.config["ITEMS_PER_PAGE"] * 2, error_out=False)
    return render_template("admin/audit_log.html", form=form, page=page, sort=sort,
                           links=record_links(page.items, current_user),
                           action_label=action_label, object_type_label=object_type_label,
                           summary_text=summary_text)


@bp.route("/audit/export.csv")
@staff_required
def audit_export():
    """Download the filtered events as CSV; the download is itself an audit event."""
    form = _filter_form()
    if not form.validate():
        return redirect(url_for(".audit_log", **request.args.to_dict()))
    wanted = form.wanted()
    conditions = event_conditions(wanted)
    count = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(*conditions))
    export_id = record("audit.export", None, f"{wanted.describe()}: {count} rows").id
    db.session.commit()
    # The export's own event is newer than everything it lists.
    rows = (sa.select(AuditEvent.at, User.full_name, User.email, AuditEvent.action,
                      AuditEvent.object_type, AuditEvent.object_id, AuditEvent.summary,
                      AuditEvent.address)
            .outerjoin(User, User.id == AuditEvent.actor_id)
            .where(*conditions, AuditEvent.id < export_id).order_by(*NEWEST_FIRST))
    return Response(_csv(rows), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="auditoria.csv"'})


def _csv(rows: sa.Select):
    """Yield the CSV from a connection of its own: the response outlives the request, so
    every word is translated before the first row."""
    header = [_("When"), _("Who"), _("Email"), _("Action"), _("Action code"), _("Record type"),
              _("Record number"), _("Details"), _("IP address")]
    actions, types = labels(ACTIONS), labels(OBJECT_TYPES)
    system, engine = _("System"), db.engine

    def generate():
        with engine.connect() as connection:
            yield from csv_chunks(header, (
                [format_datetime(at), name or system, email or "", actions.get(action, action),
                 action, types.get(object_type, object_type), object_id or "", summary,
                 address or ""]
                for at, name, email, action, object_type, object_id, summary, address
                in connection.execute(rows)))

    return generate()
