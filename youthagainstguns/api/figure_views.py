"""The program's headline figures for a period, suppressed exactly as the program report."""
from decimal import Decimal

from ..auth.models import STAFF_ROLES
from ..reports.figures import Period
from ..reports.program_report import Rate, build_program_report, key_figures, shown
from ..reports.suppression import Cell
from .auth import requires
from .blueprint import blp
from .models import Scope
from .schemas import FiguresQuery, FiguresSchema


@blp.route("/figures")
@requires(Scope.READ, *STAFF_ROLES)
@blp.arguments(FiguresQuery, location="query", as_kwargs=True)
@blp.response(200, FiguresSchema)
def figures(start, end):
    """Give the program report's key figures for a period of Lima days; staff only."""
    report = build_program_report(Period(start, end))
    return {"start": start, "end": end,
            "figures": {name: _figure(value) for name, value in key_figures(report).items()}}


def _figure(value) -> dict:
    """A figure as the report shows it, with its number only where the report shows one."""
    if isinstance(value, Cell):
        return {"value": None if value.suppressed else value.value, "shown": value.shown,
                "suppressed": value.suppressed}
    if isinstance(value, Rate):
        number = None if value.hidden or value.value is None else float(value.value)
        return {"value": number, "shown": value.shown, "suppressed": value.hidden}
    number = float(value) if isinstance(value, Decimal) else value
    return {"value": number, "shown": shown(value), "suppressed": False}
