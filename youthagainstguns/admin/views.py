"""Entry point of the administration views: mounts every view module on the blueprint."""
from . import audit_views, outbox_views, user_views  # noqa: F401  (routes register on import)
from .blueprint import bp

__all__ = ["bp"]
