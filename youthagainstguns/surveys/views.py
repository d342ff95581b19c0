"""The surveys blueprint with all its routes: the module the app factory imports.

The routes live in the view modules below, each adding them to `bp` from `.blueprint`.
"""
from . import answer_views, library_views, results_views, workshop_views  # noqa: F401
from .blueprint import bp

__all__ = ["bp"]
