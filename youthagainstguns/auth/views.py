"""Log in and out, set and change passwords, pick a language. The second step of a login
lives in two_step_views."""
from urllib.parse import urlsplit

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.security import check_password_hash

from ..audit.services import record
from ..extensions import db
from ..forms import EmptyForm
from . import notifications, services, sessions, two_step_views  # noqa: F401  (its routes)
from .blueprint import bp
from .forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    NotificationsForm,
    SetPasswordForm,
)

__all__ = ["bp"]


def _is_safe_next(target: str | None) -> bool:
    """Tell whether `target` is a path on this site, read as a browser would read it.

    Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so a tab or
    a backslash between two slashes still means another site: refuse any of them outright.
    """
    if not target or any(ch in target for ch in "\\\t\r\n") or not target.isprintable():
        return False
    parts = urlsplit(target)
    return (target.startswith("/") and not target.startswith("//")
            and not parts.scheme and not parts.netloc)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and sign the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        address = request.remote_addr or "-"
        if services.login_throttled(form.email.data, address):
            flash(_("Too many failed attempts. Wait a few minutes and try again."), "error")
            return render_template("auth/login.html", form=form), 429
        user = services.authenticate(form.email.data, form.password.data, address)
        if user is None:
            db.session.commit()
            flash(_("Email or password is not correct."), "error")
            return render_template("auth/login.html", form=form), 200
        target = request.args.get("next")
        target = target if _is_safe_next(target) else None
        if user.two_step_enabled:
            sessions.begin_two_step(user, target)
            db.session.commit()
            return redirect(url_for("auth.two_step_login"))
        sessions.start_session(user, "password")
        db.session.commit()
        return redirect(target or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End this session and every other session of the user."""
    if EmptyForm().validate_on_submit():
        current_user.end_sessions()
        record("auth.logout", current_user)
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("You have logged out."), "info")
        response = redirect(url_for("auth.login"))
        # The attendance pages and marks kept for offline use go with the session (the page
        # warns first about marks not sent yet); this also unregisters the service worker.
        response.headers["Clear-Site-Data"] = '"cache", "storage"'
        return response
    return redirect(url_for("auth.login"))


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    """Mail a one-time link to choose a new password; the answer never tells if the address
    has an account."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        address = request.remote_addr or "-"
        if services.address_throttled(address):
            flash(_("Too many attempts. Wait a few minutes and try again."), "error")
            return render_template("auth/forgot_password.html", form=form), 429
        services.request_password_reset(form.email.data, address)
        db.session.commit()
        flash(_("If an active account uses this address, we have sent it a link to choose a "
                "new password. The link expires in %(hours)d hours.",
                hours=current_app.config["PASSWORD_LINK_HOURS"]), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """Let a new user (or one given a reset link) choose a password, once."""
    link = services.find_password_link(token)
    if link is None:
        return render_template("auth/link_invalid.html"), 404
    form = SetPasswordForm()
    form.user = link.user
    if form.validate_on_submit():
        services.use_password_link(link, form.password.data)
        db.session.commit()
        logout_user()
        flash(_("Your password is saved. You can log in now."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=link.user)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; other sessions end, this one continues."""
    form = ChangePasswordForm()
    form.user = current_user
    if form.validate_on_submit():
        if not check_password_hash(current_user.password_hash or "", form.current.data):
            form.current.errors.append(_("The current password is not correct."))
        else:
            services.set_password(current_user, form.password.data)
            record("user.password_change", current_user)
            db.session.commit()
            login_user(current_user._get_current_object())  # re-issue with the new token
            flash(_("Your password was changed. Other sessions were closed."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def notifications_page():
    """Choose which optional mails to receive; safeguarding and account mail always arrive."""
    kinds = notifications.optional_kinds(current_user)
    off = notifications.opted_out(current_user)
    form = NotificationsForm.build(kinds, receiving=set(kinds) - off)
    if form.validate_on_submit():
        notifications.set_opt_outs(current_user, set(kinds) - form.receiving(kinds))
        db.session.commit()
        flash(_("Your mail choices were saved."), "success")
        return redirect(url_for("auth.notifications_page"))
    return render_template("auth/notifications.html", form=form, kinds=kinds,
                           staff=current_user.is_staff)


@bp.route("/language", methods=["POST"])
def set_language():
    """Remember the chosen language for this session (and the account, if logged in)."""
    locale = request.form.get("locale", "")
    if EmptyForm().validate_on_submit() and locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    target = request.form.get("next")
    return redirect(target if _is_safe_next(target) else url_for("main.index"))
