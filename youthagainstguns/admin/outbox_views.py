"""The outbox, for staff: what was sent, what is waiting, what failed. Never the bodies."""
import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import mail
from ..auth.decorators import staff_required
from ..extensions import db
from ..forms import EmptyForm
from ..listing import SortOffer, matching, ranked
from ..mail_models import MailStatus, OutboxAttachment, OutboxMessage
from ..text import search_text
from .blueprint import bp

OUTBOX_SORTS = SortOffer(
    {"created": (OutboxMessage.created_at,), "kind": (OutboxMessage.kind,),
     "recipient": (OutboxMessage.recipient,), "subject": (OutboxMessage.subject,),
     "status": (ranked(OutboxMessage.status, MailStatus),)},
    default="created", tiebreak=OutboxMessage.id, descending_first=frozenset({"created"}))


@bp.route("/admin/outbox")
@staff_required
def outbox():
    """List messages newest first unless sorted, searched by recipient or subject, optionally
    of one status."""
    status, q = request.args.get("status", ""), search_text(request.args.get("q"))
    sort = OUTBOX_SORTS.chosen(request.args)
    query = matching(sa.select(OutboxMessage).order_by(*sort.order_by()), q,
                     OutboxMessage.recipient, OutboxMessage.subject)
    if status in {s.value for s in MailStatus}:
        query = query.where(OutboxMessage.status == MailStatus(status))
    else:
        status = ""
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("admin/outbox.html", page=page, status=status, statuses=MailStatus,
                           q=q, sort=sort,
                           attachments=_attachment_counts(m.id for m in page.items),
                           mail_configured=mail.is_configured())


def _attachment_counts(message_ids) -> dict[int, int]:
    """Count the files waiting with each message, in one query (sent ones have none left)."""
    return dict(db.session.execute(
        sa.select(OutboxAttachment.message_id, sa.func.count())
        .where(OutboxAttachment.message_id.in_(list(message_ids)))
        .group_by(OutboxAttachment.message_id)).all())


@bp.route("/admin/outbox/<int:message_id>/retry", methods=["POST"])
@staff_required
def retry_message(message_id: int):
    """Send a failed message again, with a fresh set of retries."""
    message = db.get_or_404(OutboxMessage, message_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if message.status != MailStatus.FAILED:
        flash(_("Only failed messages can be retried."), "warning")
    else:
        mail.retry(message)
        db.session.commit()
        flash(_("The message is queued again."), "success")
    return redirect(url_for(".outbox"))
