"""The API's blueprint `blp` (every JSON view module adds its routes to it), the flask-smorest
`ProblemApi` that writes the OpenAPI document from them, and `pages`, the HTML pages of the area.

flask-smorest (not spectree) because its marshmallow schemas are both the validation and the
document, on plain Flask blueprints, as the rest of the app uses; and it is kept by the
marshmallow-code maintainers. Its Swagger UI and ReDoc pages load from a CDN: they are left
off, and /api/v1/docs is our own page with Swagger UI vendored under static/vendor/swagger-ui
(its styles in a file, not injected, so it runs under the strict CSP with no network).
"""
import http

from flask import Blueprint, Flask, abort, current_app, request
from flask_smorest import Api
from flask_smorest import Blueprint as ApiBlueprint
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import PathConverter

from ..extensions import csrf
from . import problems
from .schemas import MAX_ID

VERSION = "1.0.0"
PREFIX = "/api/v1"


class ProblemApi(Api):
    """An Api whose errors are problem+json, answered for its own blueprint only (the app's
    HTML pages keep their error pages)."""

    ERROR_SCHEMA = problems.ProblemSchema
    # Each operation lists the errors it may answer (auth.requires, the views), so a status
    # the document does not name is a fault that schemathesis reports.
    DEFAULT_ERROR_RESPONSE_NAME = None

    def _register_error_handlers(self):
        """Leave the app's error handlers alone: `problems.register` covers the blueprint."""

    def _register_responses(self):
        """Document every error response as problem+json, as `problems` sends it."""
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, problems.PROBLEM_TYPE)
            self.spec.components.response(status.name, response, lazy=True)


SPEC = {
    "title": "Youth Against Guns API", "version": VERSION, "openapi_version": "3.0.3",
    "info": {"description": (
        "Read schools, speakers (alias only), workshops, rosters, certificates and program "
        "figures; send attendance batches. Authenticate with a personal API token: "
        "`Authorization: Bearer yag_…`. Dates and times are ISO 8601 in Lima time (-05:00). "
        "Errors are application/problem+json.")},
    "security": [{"token": []}],
}
blp = ApiBlueprint("api", __name__, url_prefix=PREFIX, description="Youth Against Guns API v1")
pages = Blueprint("api_pages", __name__)

problems.register(blp)


@blp.url_value_preprocessor
def refuse_impossible_ids(endpoint, values) -> None:
    """Answer 404 for an id no record can have, before it reaches the database (SQLite
    cannot even take one past 64 bits)."""
    if any(name.endswith("_id") and not 0 < value <= MAX_ID
           for name, value in (values or {}).items() if isinstance(value, int)):
        abort(404)

csrf.exempt(blp)  # token requests carry no cookie; session writes check X-CSRFToken (auth.py)

ANY_METHOD = ("GET", "POST", "PUT", "PATCH", "DELETE")


def unknown_address(rest: str):
    """Answer an address under /api/v1 that no operation serves as a problem: 405 (with
    Allow) where another method would be served, else 404. A plain Flask rule, so that it is
    not in the document; every route is more specific than it, so it never hides one."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = [method for method in ANY_METHOD if _served(adapter, request.path, method)]
    if allowed:
        raise MethodNotAllowed(valid_methods=allowed)
    abort(404)


def _served(adapter, path: str, method: str) -> bool:
    try:
        endpoint, _values = adapter.match(path, method=method)
    except HTTPException:
        return False
    return endpoint != "api.unknown_address"


class AnyPathConverter(PathConverter):
    """A path of any characters, line breaks included (the path converter's `.` stops at
    one, and such an address would then get the app's HTML 404)."""

    regex = "(?s:[^/].*?)"


Blueprint.add_url_rule(blp, "/<any_path:rest>", "unknown_address", unknown_address,
                       methods=ANY_METHOD)

VIEW_MODULES = ("school_views", "workshop_views", "attendance_views", "certificate_views",
                "figure_views")


def init_api(app: Flask) -> ProblemApi:
    """Mount the JSON API on `app` and build its OpenAPI document (one per app)."""
    from importlib import import_module

    for name in ("auth", *VIEW_MODULES):  # each adds its routes and hooks to `blp` once
        import_module(f".{name}", __package__)
    app.config.setdefault("API_RATE_LIMIT_PER_MINUTE", 600)
    app.url_map.converters["any_path"] = AnyPathConverter
    api = ProblemApi(app, spec_kwargs=SPEC)
    api.spec.components.security_scheme(
        "token", {"type": "http", "scheme": "bearer",
                  "description": "A personal API token (yag_…), given by a coordinator."})
    api.register_blueprint(blp)
    return api


def spec_of(app: Flask) -> dict:
    """Return the app's OpenAPI document."""
    return app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()
