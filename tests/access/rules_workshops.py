"""Access rules for workshops, rosters, attendance and calendar feeds."""
import secrets
from datetime import timedelta

from youthagainstguns.auth.models import Role
from youthagainstguns.timeutil import utcnow
from youthagainstguns.workshops.models import CalendarFeed, Workshop, WorkshopStatus

from . import PUBLIC, STAFF, STAFF_ONLY, Allowed

STAFF_AND_SCHOOL = Allowed.of(STAFF, "school")  # the world's workshop is at the contact's school

RULES = {
    "workshops.index": STAFF_AND_SCHOOL,
    "workshops.calendar": STAFF_ONLY,
    "workshops.detail": STAFF_AND_SCHOOL,
    "workshops.new": STAFF_ONLY,
    "workshops.edit": STAFF_ONLY,
    "workshops.schedule": STAFF_ONLY,
    "workshops.mark_held": STAFF_ONLY,
    "workshops.close": STAFF_ONLY,
    "workshops.cancel": STAFF_ONLY,
    "workshops.speaker_schedule": Allowed.of("speaker"),
    "workshops.roster_upload": STAFF_AND_SCHOOL,
    "workshops.roster_confirm": STAFF_AND_SCHOOL,
    "workshops.roster_template": STAFF_AND_SCHOOL,
    "workshops.roster_csv": STAFF_AND_SCHOOL,
    "workshops.add_student": STAFF_AND_SCHOOL,
    "workshops.remove_entry": STAFF_AND_SCHOOL,
    "workshops.sign_in_sheet": STAFF_AND_SCHOOL,
    # The world's workshop is happening now, so the school contact may take attendance.
    "workshops.attendance": STAFF_AND_SCHOOL,
    "workshops.walk_in": STAFF_AND_SCHOOL,
    "workshops.feed_settings": Allowed.of(STAFF, "school", "speaker"),
    "workshops.regenerate_feed": Allowed.of(STAFF, "school", "speaker"),
    "workshops.feed": PUBLIC,  # the secret token is the credential; a bad one is a 404
}


def build(make, world: dict) -> None:
    """A workshop happening now at the contact's school, given by the world's speaker."""
    now = utcnow()
    workshop = Workshop(title="Taller del mundo", venue=world["_school"], capacity=30,
                        starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(minutes=50),
                        status=WorkshopStatus.SCHEDULED, speakers=[world["_speaker"]])
    make.db.session.add(workshop)
    make.db.session.commit()
    entry, = make.roster(workshop, count=1)
    owner = make.user(Role.COORDINATOR)
    feed = CalendarFeed(user_id=owner.id, token=secrets.token_urlsafe(32))
    make.db.session.add(feed)
    make.db.session.commit()
    world["workshop_id"] = workshop.id
    world["entry_id"] = entry.id
    world["feed_token"] = feed.token
