"""The dashboards: one landing page, showing the dashboard of the current user's role."""
from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ..auth.models import Role
from ..timeutil import today_lima
from . import services

bp = Blueprint("dashboards", __name__)

# Role → (what its dashboard shows, its template). Staff share the coordinator's.
DASHBOARDS = {
    Role.SCHOOL: (services.school_dashboard, "dashboards/school.html"),
    Role.SPEAKER: (services.speaker_dashboard, "dashboards/speaker.html"),
    Role.MENTOR: (services.mentor_dashboard, "dashboards/mentor.html"),
}


@bp.route("/home")
@login_required
def home():
    """Show the current user's dashboard: their own figures and what needs doing next."""
    today = today_lima()
    if current_user.is_staff:
        dashboard = services.coordinator_dashboard(current_user, today,
                                                   request.args.get("period"))
        return render_template("dashboards/coordinator.html", dash=dashboard,
                               periods=services.PERIODS)
    build, template = DASHBOARDS[current_user.role]
    return render_template(template, dash=build(current_user, today))
