"""Entry point of the mentoring pages: mounts every view module on the blueprint."""
from . import alert_views, match_views, mentee_views, mentor_views, session_views  # noqa: F401
from .blueprint import bp

__all__ = ["bp"]
