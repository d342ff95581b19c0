"""QR codes a higher area prints on a workshop's sign-in sheet (the surveys' links).

The workshops area sits below surveys and must not import it, so surveys registers a function
here (register_sheet_codes) when its views are imported at app start; the sign-in sheet asks
every registered function for the codes of its workshop.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Workshop

# A function of a workshop returning (label, url) pairs to print as QR codes.
SheetCodes = Callable[["Workshop"], list[tuple[str, str]]]

_SOURCES: list[SheetCodes] = []


def register_sheet_codes(source: SheetCodes) -> None:
    """Add a higher area's codes to every sign-in sheet; registering twice adds once."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def sheet_codes(workshop: Workshop) -> list[tuple[str, str]]:
    """Return the (label, url) pairs the registered areas print on the workshop's sheet."""
    return [code for source in _SOURCES for code in source(workshop)]
