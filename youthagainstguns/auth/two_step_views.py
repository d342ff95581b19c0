"""The second step of a login, turning it on and off, and the gate that keeps staff without
it on the enrolment page."""
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user

from ..extensions import db
from . import sessions, two_step
from .blueprint import bp
from .forms import TwoStepDisableForm, TwoStepForm, TwoStepSetupForm

# What staff without a second step may still reach: enrolling, and leaving.
_OPEN_BEFORE_ENROLMENT = frozenset({
    "auth.two_step_setup", "auth.logout", "auth.set_language", "static", "main.healthz"})
# S105: the name of a session key, not its value.
_SETUP_SECRET = "two_step_setup_secret"  # noqa: S105


_WRONG_CODE = _l("This code is not right, or it was already used.")


@bp.before_app_request
def require_enrolment():
    """Send staff who have no second step yet to enrol before anything else."""
    if (request.endpoint not in _OPEN_BEFORE_ENROLMENT and current_user.is_authenticated
            and current_user.two_step_required and not current_user.two_step_enabled):
        return redirect(url_for("auth.two_step_setup"))
    return None


def _say_wait() -> None:
    flash(_("Too many wrong codes. Wait a few minutes and try again."), "error")


@bp.route("/login/two-step", methods=["GET", "POST"])
def two_step_login():
    """Ask for the code from the phone (or a recovery code) after the right password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    pending = sessions.pending_login()
    if pending is None:
        flash(_("Please log in again."), "info")
        return redirect(url_for("auth.login"))
    user, target = pending
    form = TwoStepForm()
    if form.validate_on_submit():
        address = request.remote_addr or "-"
        if two_step.throttled(user, address):
            _say_wait()
            return render_template("auth/two_step.html", form=form), 429
        method = two_step.verify(user, form.code.data)
        if method is None:
            two_step.count_failure(user, address)
            db.session.commit()
            form.code.errors.append(_WRONG_CODE)
        else:
            sessions.start_session(user, method)
            db.session.commit()
            if method == "recovery code":
                flash(ngettext("You used a recovery code; %(num)d is left.",
                               "You used a recovery code; %(num)d are left.",
                               two_step.unused_recovery_codes(user)), "info")
            return redirect(target or url_for("main.index"))
    return render_template("auth/two_step.html", form=form)


@bp.route("/account/two-step")
@login_required
def two_step_account():
    """Show whether two-step login is on, with the way to turn it on (or off, for non-staff)."""
    return _account_page(TwoStepDisableForm())


def _account_page(form: TwoStepDisableForm, status: int = 200):
    left = two_step.unused_recovery_codes(current_user) if current_user.two_step_enabled else 0
    return render_template("auth/two_step_account.html", form=form, recovery_left=left), status


@bp.route("/account/two-step/setup", methods=["GET", "POST"])
@login_required
def two_step_setup():
    """Turn the second step on: scan the QR code, type the code; see the recovery codes once."""
    if current_user.two_step_enabled:
        return redirect(url_for("auth.two_step_account"))
    # Kept in the (signed) session until confirmed, so that showing the page changes no record.
    secret = session.setdefault(_SETUP_SECRET, two_step.new_secret())
    form = TwoStepSetupForm()
    if form.validate_on_submit():
        codes = two_step.enrol(current_user, secret, form.code.data)
        if codes is None:
            form.code.errors.append(_("This code does not match. Check the phone's time and "
                                      "type the code the app shows now."))
        else:
            session.pop(_SETUP_SECRET)
            db.session.commit()
            login_user(current_user._get_current_object())  # re-issue with the new token
            return render_template("auth/recovery_codes.html", codes=codes)
    uri = two_step.provisioning_uri(current_user, secret)
    return render_template("auth/two_step_setup.html", form=form, qr=two_step.qr_svg(uri),
                           secret=two_step.grouped(secret))


@bp.route("/account/two-step/disable", methods=["POST"])
@login_required
def two_step_disable():
    """Turn one's own second step off with a current code; staff may not."""
    if current_user.two_step_required:
        abort(403)
    form = TwoStepDisableForm()
    if not (form.validate_on_submit() and current_user.two_step_enabled):
        return _account_page(form, 400)
    address = request.remote_addr or "-"
    if two_step.throttled(current_user, address):
        _say_wait()
        return _account_page(form, 429)
    if two_step.verify(current_user, form.code.data) is None:
        two_step.count_failure(current_user, address)
        db.session.commit()
        form.code.errors.append(_WRONG_CODE)
        return _account_page(form)
    two_step.turn_off(current_user, by=current_user)
    db.session.commit()
    login_user(current_user._get_current_object())  # re-issue with the new token
    flash(_("Two-step login is off. Other sessions were closed."), "success")
    return redirect(url_for("auth.two_step_account"))
