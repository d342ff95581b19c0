"""The workshops blueprint with all its routes: the module the app factory imports.

The routes live in the view modules below, each adding them to `bp` from `.blueprint`; the
reminder job (reminders) is declared here too, before the queue is built.
"""
from . import (  # noqa: F401
    attendance_views,
    feed_views,
    offline_views,
    option_views,
    reminders,
    roster_views,
    schedule_views,
    workshop_views,
)
from .blueprint import bp

__all__ = ["bp"]
