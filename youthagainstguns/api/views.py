"""The area's HTML pages: an account's API tokens (staff create, list and revoke them), the
browsable API docs, and the OpenAPI document they read."""
from flask import current_app, jsonify, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.decorators import staff_required
from ..extensions import db
from ..forms import EmptyForm
from ..pages import button_action
from . import tokens
from .blueprint import PREFIX, pages, spec_of
from .forms import TokenForm
from .models import Scope

bp = pages


@bp.route(f"{PREFIX}/openapi.json")
def openapi_json():
    """Serve the OpenAPI 3 document of the API (public: it describes, it holds no data)."""
    return jsonify(spec_of(current_app))


@bp.route(f"{PREFIX}/docs")
def docs():
    """Show the API's browsable documentation (Swagger UI, served from static/vendor)."""
    return render_template("api/docs.html")


def _render_tokens(user, form, *, secret: str | None = None, status: int = 200):
    return render_template("api/tokens.html", user=user, form=form, secret=secret,
                           tokens=tokens.tokens_of(user), revoke_form=EmptyForm(),
                           scope_labels={scope.value: scope.label for scope in Scope}), status


@bp.route("/users/<int:user_id>/api-tokens")
@staff_required
def user_tokens(user_id: int):
    """List an account's API tokens (never their secrets) with a form for a new one."""
    user = tokens.get_user_or_404(user_id, for_user=current_user)
    return _render_tokens(user, TokenForm(formdata=None))


@bp.route("/users/<int:user_id>/api-tokens", methods=["POST"])
@staff_required
def create_token(user_id: int):
    """Create a token for the account and show its secret, this once."""
    user = tokens.get_user_or_404(user_id, for_user=current_user)
    form = TokenForm()
    if not form.validate_on_submit():
        return _render_tokens(user, form, status=422)
    _token, secret = tokens.create_token(user, form.name.data, form.scopes.data, current_user)
    db.session.commit()
    # Shown on this page only: a redirect would have to carry the secret in the session.
    return _render_tokens(user, TokenForm(formdata=None), secret=secret)


@bp.route("/api-tokens/<int:token_id>/revoke", methods=["POST"])
@staff_required
def revoke_token(token_id: int):
    """Revoke a token of an account this user may manage: refused from the next request on."""
    token = tokens.get_token_or_404(token_id, for_user=current_user)
    return button_action(lambda: tokens.revoke_token(token), _("The token was revoked."),
                         url_for(".user_tokens", user_id=token.user_id))
