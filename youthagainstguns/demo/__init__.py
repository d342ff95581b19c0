"""The Spanish (Peru) demo data set: every area's records, with dates relative to today.

Built directly with the models so that it does not depend on the areas' services. Adds and
flushes only; `flask seed-demo` commits. Names, codes and phone numbers are invented.
"""
import sqlalchemy as sa

from ..auth.models import User
from ..extensions import db
from ..timeutil import today_lima
from .data import ADMIN_EMAIL, DEMO_PASSWORD
from .mentoring import MentoringDemo
from .programme import ProgrammeDemo
from .referrals import ReferralsDemo
from .surveys import SurveysDemo

__all__ = ["DEMO_PASSWORD", "load_demo_data"]


def load_demo_data() -> bool:
    """Add the demo data set and flush; return False (adding nothing) if it is already there."""
    if db.session.scalar(sa.select(User.id).where(User.email == ADMIN_EMAIL)) is not None:
        return False
    programme = ProgrammeDemo(today_lima())
    programme.build()
    mentoring = MentoringDemo(programme)
    mentoring.build()
    ReferralsDemo(mentoring).build()
    SurveysDemo(programme).build()
    db.session.flush()
    return True
