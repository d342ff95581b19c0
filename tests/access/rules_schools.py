"""Access rules for schools and venues: staff only, even a school's own contact."""
from youthagainstguns.schools.models import BlackoutDate

from . import STAFF_ONLY

RULES = {
    "schools.index": STAFF_ONLY,
    "schools.options": STAFF_ONLY,  # the account and mentee forms' school search
    "schools.new": STAFF_ONLY,
    "schools.detail": STAFF_ONLY,  # a school contact sees their school through workshops
    "schools.edit": STAFF_ONLY,
    "schools.archive": STAFF_ONLY,
    "schools.unarchive": STAFF_ONLY,
    "schools.add_blackout": STAFF_ONLY,
    "schools.delete_blackout": STAFF_ONLY,
}


def build(make, world: dict) -> None:
    """Point school URLs at the school contact's own school, with one blackout period."""
    school = world["_school"]
    blackout = BlackoutDate(school=school, starts_on=make.days_from_today(20),
                            ends_on=make.days_from_today(21), reason="Aniversario")
    make.db.session.add(blackout)
    make.db.session.commit()
    world["school_id"] = school.id
    world["blackout_id"] = blackout.id
