"""Account management for staff: list, create, edit, deactivate, password links."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.services import record
from ..auth import services as auth_services
from ..auth import two_step
from ..auth.decorators import role_required, staff_required
from ..auth.models import Role, User
from ..extensions import db
from ..forms import EmptyForm
from ..mail_models import MailKind
from ..pages import button_action, render_audited
from . import services
from .blueprint import bp
from .forms import UserFilterForm


def _link_created(user: User, link: str | None):
    """Say where the link went (`link`: shown on screen only when mail does not really leave)."""
    return render_template("auth/link_created.html", user=user, link=link,
                           back_url=url_for("admin.users"), back_label=_("Back to users"))


@bp.route("/users")
@staff_required
def users():
    """List accounts with search, a sort and pagination."""
    form = UserFilterForm(request.args)
    sort = services.USER_SORTS.chosen(request.args)
    query = services.user_query(q=form.q.data, include_inactive=form.include_inactive.data,
                                sort=sort)
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("admin/users.html", page=page, form=form, sort=sort)


@bp.route("/users/new", methods=["GET", "POST"])
@staff_required
def new_user():
    """Create an account and mail its one-time password link."""
    form = services.user_form(current_user)
    if form.validate_on_submit():
        user = services.create_account(form, current_user)
        link = auth_services.hand_over_password_link(user, current_user, MailKind.ACCOUNT_CREATED)
        db.session.commit()
        return _link_created(user, link)
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_user(user_id: int):
    """Edit an account's name, email, role and links."""
    user = services.get_user_or_404(user_id, for_user=current_user)
    form = services.user_form(current_user, user if request.method == "GET" else None)
    form.editing_id = user.id
    if form.validate_on_submit():
        services.update_account(user, form)
        db.session.commit()
        flash(_("The account was saved."), "success")
        return redirect(url_for(".users"))
    # A speaker's account name (their own name) is shown next to the alias it is linked to.
    record("user.view", user, "edit form")
    return render_audited("admin/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"], endpoint="deactivate_user",
          defaults={"active": False})
@bp.route("/users/<int:user_id>/reactivate", methods=["POST"], endpoint="reactivate_user",
          defaults={"active": True})
@staff_required
def set_active(user_id: int, active: bool):
    """Deactivate an account (its open sessions end at once), or let it log in again."""
    user = services.get_user_or_404(user_id, for_user=current_user)
    if not active and user.id == current_user.id:
        abort(400)
    change = auth_services.reactivate_user if active else auth_services.deactivate_user
    message = _("The account was reactivated.") if active else _("The account was deactivated.")
    return button_action(lambda: change(user, current_user), message, url_for(".users"))


@bp.route("/users/<int:user_id>/password-link", methods=["POST"])
@staff_required
def password_link(user_id: int):
    """Issue a fresh one-time link, e.g. for a user who forgot their password."""
    user = services.get_user_or_404(user_id, for_user=current_user)
    if not EmptyForm().validate_on_submit():
        abort(400)
    link = auth_services.hand_over_password_link(user, current_user, MailKind.PASSWORD_LINK)
    db.session.commit()
    return _link_created(user, link)


@bp.route("/users/<int:user_id>/two-step/reset", methods=["POST"])
@role_required(Role.ADMIN)
def reset_two_step(user_id: int):
    """Remove a person's second step (a lost phone): their sessions end, they enrol again."""
    user = services.get_user_or_404(user_id, for_user=current_user)
    return button_action(lambda: two_step.turn_off(user, by=current_user),
                         _("Two-step login was reset. The person sets it up again at the next "
                           "login."), url_for(".edit_user", user_id=user.id))
