"""The surveys blueprint with all its routes: the module the app factory imports.

The routes live in the view modules below, each adding them to `bp` from `.blueprint`.
"""
from . import (  # noqa: F401
    answer_views,
    library_views,
    paper_views,
    results_views,
    sheet_codes,
    workshop_views,
)
from .blueprint import bp

__all__ = ["bp"]
