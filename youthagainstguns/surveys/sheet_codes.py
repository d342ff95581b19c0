"""The surveys' links on a workshop's sign-in sheet: a QR code per survey whose link can still
open (guardians informed, the workshop neither a draft nor cancelled, the window not over).

The sign-in sheet (workshops) is a lower layer and must not import surveys, so this module
registers its function there (sheet_extras.register_sheet_codes) when the surveys' views are
imported at app start.
"""
from __future__ import annotations

from flask_babel import gettext as _

from ..urls import absolute_url
from ..workshops import sheet_extras
from ..workshops.models import Workshop
from .models import SurveyPhase
from .services import workshop_surveys

# The states in which a printed link is still of use to the students holding the sheet.
_PRINTED_STATES = ("open", "not_yet")


def survey_codes(workshop: Workshop) -> list[tuple[str, str]]:
    """Return ("Survey before", link) and ("Survey after", link) for the workshop's surveys
    whose links can open, before first."""
    labels = {SurveyPhase.BEFORE: _("Survey before"), SurveyPhase.AFTER: _("Survey after")}
    surveys = workshop_surveys(workshop)
    return [(labels[phase], absolute_url("surveys.answer", survey_token=surveys[phase].token))
            for phase in SurveyPhase
            if phase in surveys and surveys[phase].state() in _PRINTED_STATES]


sheet_extras.register_sheet_codes(survey_codes)
