"""Logs without the secrets some URLs carry (set-password links, calendar feeds).

Such a token is the whole credential, so neither gunicorn's access log nor the app's own
messages ("Exception on /set-password/<token>") may write it. gunicorn loads
`RedactingLogger` (`--logger-class`, see the Makefile and deploy/); the app factory puts
`RedactingFilter` on its own and werkzeug's loggers; nginx redacts with a `map`.
"""
import logging
import re
from urllib.parse import unquote

from gunicorn.glogging import Logger

REDACTED = "[redacted]"
# The routes whose last segment is a secret: auth.set_password and workshops.feed.
SECRET_SEGMENT = re.compile(r"(/set-password/|/feeds/)[^/?#\s\"]+?(\.ics)?(?=[/?#\s\"]|$)")


def redact(text: str) -> str:
    """Return `text` with the secret part of every token URL in it replaced."""
    if not SECRET_SEGMENT.search(text):
        # A percent-encoded path (/feeds/%61bc.ics) reaches the same route: decode to see it.
        decoded = unquote(text)
        if not SECRET_SEGMENT.search(decoded):
            return text
        text = decoded
    return SECRET_SEGMENT.sub(lambda m: m.group(1) + REDACTED + (m.group(2) or ""), text)


class RedactingLogger(Logger):
    """gunicorn's logger, with every access-log field (request line, path, referer) redacted."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        """Return gunicorn's log fields with token URLs redacted."""
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value
                for key, value in atoms.items()}


class RedactingFilter(logging.Filter):
    """Redact token URLs from the messages of the logger it is put on."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without secrets; never drop the record."""
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


def install(app) -> None:
    """Put the filter on the app's logger and on werkzeug's (the development server's)."""
    for logger in (app.logger, logging.getLogger("werkzeug")):
        if not any(isinstance(f, RedactingFilter) for f in logger.filters):
            logger.addFilter(RedactingFilter())
