"""The coordinators' monitoring board, and the safeguarding alerts it lists."""
from flask import abort, current_app, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.services import record
from ..auth.decorators import staff_required
from ..auth.models import User
from ..extensions import db
from ..pages import render_audited
from ..timeutil import today_lima, utcnow
from . import board as board_rules
from . import forms, services
from .blueprint import apply_form, bp


@bp.route("/")
@staff_required
def board():
    """Show the coordinators' monitoring board."""
    today = today_lima()
    rules = board_rules.board(today)
    hours = format_decimal(rules["minutes"] / 60, format="#,##0.0")
    record("board.view", object_type="Board")
    return render_audited("mentoring/board.html", today=today, hours=hours, **rules)


@bp.route("/board/<rule_name>")
@staff_required
def board_rule(rule_name: str):
    """Show every item of one rule of the board, a page at a time."""
    if rule_name not in board_rules.RULES:
        abort(404)
    page = board_rules.RulePage(per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False,
                                rule=rule_name, today=today_lima())
    record("board.view", None, f"rule={rule_name} page={page.page}", object_type="Board")
    return render_audited("mentoring/board_rule.html", rule=rule_name, page=page)


@bp.route("/alerts/<int:alert_id>", methods=["GET", "POST"])
@staff_required
def alert_detail(alert_id: int):
    """Show a safeguarding alert and record the coordinator's follow-up."""
    alert = services.get_alert_or_404(alert_id, for_user=current_user)
    form = forms.FollowUpForm()
    done = apply_form(
        form, lambda: services.follow_up_alert(alert, notes=form.notes.data, by=current_user,
                                               now=utcnow()),
        _("The follow-up was recorded; the alert is closed."), url_for(".board"))
    if done:
        return done
    followed_by = db.session.get(User, alert.followed_up_by_id) if alert.followed_up_by_id else None
    record("alert.view", alert, f"mentee={alert.mentee_id}")
    return render_audited("mentoring/alert.html", alert=alert, form=form,
                          followed_by=followed_by)
