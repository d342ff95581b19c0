"""Errors of the JSON API as RFC 9457 problem details (application/problem+json), in the
user's language (Spanish by default), never an HTML page."""
from __future__ import annotations

from flask import Response, current_app, json
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from ..extensions import db

PROBLEM_TYPE = "application/problem+json"
LOCATIONS = frozenset({"json", "query", "path", "headers", "form"})  # where webargs reads

# Title and detail per status; a view may give its own detail (abort(409, detail=...)).
TEXTS = {
    400: (_l("Bad request"), _l("The request could not be understood.")),
    401: (_l("Not authenticated"),
          _l("Send a valid API token (Authorization: Bearer …) or log in.")),
    403: (_l("Not allowed"), _l("This account or token may not do this.")),
    404: (_l("Not found"), _l("The record does not exist, or this account may not see it.")),
    405: (_l("Method not allowed"), _l("This address does not accept this method.")),
    409: (_l("Conflict"), _l("The record changed at the same moment; nothing was saved.")),
    413: (_l("Request too large"), _l("The request is larger than allowed.")),
    415: (_l("Unsupported media type"), _l("Send the request body as application/json.")),
    422: (_l("Invalid data"), _l("Some fields are not valid: see errors.")),
    429: (_l("Too many requests"), _l("Wait a minute and try again.")),
    500: (_l("Something went wrong"), _l("Nothing was saved. Try again later.")),
}


class ProblemSchema(Schema):
    """A problem: what went wrong, for a program and for the person reading its log."""

    type = fields.String(metadata={"description": "about:blank, or a URI naming the problem"})
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    errors = fields.Dict(metadata={"description": "field → messages (422 only)"})


def problem(status: int, detail: str | None = None, errors: dict | None = None,
            headers: dict | None = None) -> Response:
    """Return the problem+json response for `status`."""
    title, default_detail = TEXTS.get(status, TEXTS[500])
    body = {"type": "about:blank", "title": str(title), "status": status,
            "detail": str(detail or default_detail)}
    if errors:
        body["errors"] = _plain(errors)
    return current_app.response_class(json.dumps(body), status=status, mimetype=PROBLEM_TYPE,
                                      headers=headers)


def _plain(value):
    """Field errors as JSON: lazy translations become their text, each field a list."""
    if isinstance(value, dict):
        return {str(key): [str(item)] if isinstance(item, LazyString) else _plain(item)
                for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value if isinstance(value, int | float | bool | None) else str(value)


def _by_field(by_location: dict) -> dict:
    """Drop the location level of webargs' errors (a field's name says where it is), keeping
    a location's own messages (a body that is not JSON) under its name."""
    fields_errors = {}
    for where, messages in by_location.items():
        fields_errors |= messages if isinstance(messages, dict) else {where: messages}
    return fields_errors


def handle_http_exception(error: HTTPException) -> Response:
    """Turn an abort() or a webargs validation error into a problem."""
    status = error.code or 500
    if status >= 500:
        db.session.rollback()
    data = getattr(error, "data", None) or {}
    # webargs puts the field errors under "messages", keyed by location (json, query).
    errors = data.get("errors") or data.get("messages")
    if errors and set(errors) <= LOCATIONS:
        errors = _by_field(errors)
    detail = data.get("detail")
    headers = dict(data.get("headers") or {})
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return problem(status, detail, errors, headers)


def handle_conflict(error: Exception) -> Response:
    """Two requests saved the same record at the same moment: nothing of this one was kept."""
    db.session.rollback()
    return problem(409)


def register(blueprint) -> None:
    """Answer every error of the blueprint's routes as a problem."""
    # By code too: Flask asks for a code's handler (the app's HTML pages) before a class's.
    for status in TEXTS:
        blueprint.register_error_handler(status, handle_http_exception)
    blueprint.register_error_handler(HTTPException, handle_http_exception)
    blueprint.register_error_handler(IntegrityError, handle_conflict)
    blueprint.register_error_handler(StaleDataError, handle_conflict)
