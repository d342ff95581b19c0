"""Log in and out, set and change passwords, manage accounts, pick a language."""
import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
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
from ..schools.models import School
from ..speakers.models import Speaker
from . import services
from .decorators import staff_required
from .forms import ChangePasswordForm, LoginForm, SetPasswordForm, UserFilterForm, UserForm
from .models import Role, User

bp = Blueprint("auth", __name__)


def _is_safe_next(target: str | None) -> bool:
    return bool(target) and target.startswith("/") and not target.startswith("//")


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
        session.clear()
        login_user(user)
        db.session.commit()
        target = request.args.get("next")
        return redirect(target if _is_safe_next(target) else url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End this session and every other session of the user."""
    if EmptyForm().validate_on_submit():
        current_user.end_sessions()
        db.session.commit()
        logout_user()
        session.clear()
        flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


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


def get_user_or_404(user_id: int) -> User:
    """Fetch an account the current user may manage, else 404/403."""
    user = db.get_or_404(User, user_id)
    if not current_user.can_manage(user):
        abort(403)
    return user


def _fill_user_choices(form: UserForm) -> None:
    form.role.choices = [(r.value, r.label) for r in current_user.assignable_roles()]
    schools = db.session.execute(
        sa.select(School.id, School.name).where(School.archived_at.is_(None)).order_by(School.name)
    ).all()
    form.school_id.choices = [(0, "—")] + [(s.id, s.name) for s in schools]
    speakers = db.session.execute(
        sa.select(Speaker.id, Speaker.alias).where(Speaker.archived_at.is_(None))
        .order_by(Speaker.alias)
    ).all()
    form.speaker_id.choices = [(0, "—")] + [(s.id, s.alias) for s in speakers]


def _email_taken(email: str, except_id: int | None = None) -> bool:
    query = sa.select(User.id).where(User.email == email.strip().lower())
    if except_id:
        query = query.where(User.id != except_id)
    return db.session.scalar(query) is not None


@bp.route("/users")
@staff_required
def users():
    """List accounts with search and pagination."""
    form = UserFilterForm(request.args)
    query = sa.select(User).order_by(User.full_name)
    if form.q.data:
        like = f"%{form.q.data.strip()}%"
        query = query.where(sa.or_(User.full_name.ilike(like), User.email.ilike(like)))
    if not form.include_inactive.data:
        query = query.where(User.active.is_(True))
    page = db.paginate(query, per_page=current_app.config["ITEMS_PER_PAGE"], error_out=False)
    return render_template("auth/users.html", page=page, form=form)


@bp.route("/users/new", methods=["GET", "POST"])
@staff_required
def new_user():
    """Create an account and show its one-time password link."""
    form = UserForm()
    _fill_user_choices(form)
    if form.validate_on_submit():
        if _email_taken(form.email.data):
            form.email.errors.append(_("An account with this email already exists."))
        else:
            user = services.create_user(
                email=form.email.data, full_name=form.full_name.data, role=Role(form.role.data),
                created_by=current_user, school_id=form.school_id.data or None,
                speaker_id=form.speaker_id.data or None,
            )
            token = services.create_password_link(user, current_user)
            db.session.commit()
            return render_template("auth/link_created.html", user=user, link=_link_url(token))
    return render_template("auth/user_form.html", form=form, user=None)


def _link_url(token: str) -> str:
    return url_for("auth.set_password", token=token, _external=True)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_user(user_id: int):
    """Edit an account's name, email, role and links."""
    user = get_user_or_404(user_id)
    form = UserForm(obj=user, data={
        "role": user.role.value, "speaker_id": user.speaker.id if user.speaker else 0,
    } if request.method == "GET" else None)
    _fill_user_choices(form)
    if form.validate_on_submit():
        if _email_taken(form.email.data, except_id=user.id):
            form.email.errors.append(_("An account with this email already exists."))
        else:
            new_role = Role(form.role.data)
            if new_role != user.role:
                user.end_sessions()  # a changed role must not keep old powers in a live session
            user.full_name = form.full_name.data.strip()
            user.email = form.email.data.strip().lower()
            user.role = new_role
            user.school_id = (form.school_id.data or None) if new_role == Role.SCHOOL else None
            services.link_speaker(user, form.speaker_id.data if new_role == Role.SPEAKER else None)
            record("user.update", user, f"role={new_role.value}")
            db.session.commit()
            flash(_("The account was saved."), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user)


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@staff_required
def deactivate_user(user_id: int):
    """Deactivate an account; its open sessions end at once."""
    user = get_user_or_404(user_id)
    if user.id == current_user.id:
        abort(400)
    if EmptyForm().validate_on_submit():
        services.deactivate_user(user, current_user)
        db.session.commit()
        flash(_("The account was deactivated."), "success")
    return redirect(url_for("auth.users"))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@staff_required
def reactivate_user(user_id: int):
    """Let a deactivated account log in again."""
    user = get_user_or_404(user_id)
    if EmptyForm().validate_on_submit():
        services.reactivate_user(user, current_user)
        db.session.commit()
        flash(_("The account was reactivated."), "success")
    return redirect(url_for("auth.users"))


@bp.route("/users/<int:user_id>/password-link", methods=["POST"])
@staff_required
def password_link(user_id: int):
    """Issue a fresh one-time link, e.g. for a user who forgot their password."""
    user = get_user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    token = services.create_password_link(user, current_user)
    db.session.commit()
    return render_template("auth/link_created.html", user=user, link=_link_url(token))
