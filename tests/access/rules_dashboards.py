"""Access rules for the dashboards: one landing page, which shows each role its own."""
from . import ANY_USER

RULES = {
    # Which figures it holds is the role's own: tests/test_dashboards.py tries school A against
    # school B, speaker against speaker and mentor against mentor.
    "dashboards.home": ANY_USER,
}


def build(make, world: dict) -> None:
    """The dashboards take no ids: each reads the user's own school, speaker or mentor file."""
