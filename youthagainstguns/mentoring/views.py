"""Entry point of the mentoring pages: mounts every view module on the blueprint, and declares
the daily digest job (digest) before the queue is built."""
from . import (  # noqa: F401
    alert_views,
    digest,
    match_views,
    mentee_views,
    mentor_views,
    session_views,
)
from .blueprint import bp

__all__ = ["bp"]
