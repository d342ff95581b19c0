"""Access rules for workshops, rosters, attendance and calendar feeds."""
import secrets
from datetime import timedelta

from youthagainstguns.auth.models import Role
from youthagainstguns.auth.services import token_hash
from youthagainstguns.timeutil import utcnow
from youthagainstguns.workshops.models import CalendarFeed, Workshop, WorkshopStatus

from . import PUBLIC, STAFF, STAFF_ONLY, Allowed, Foreign

STAFF_AND_SCHOOL = Allowed.of(STAFF, "school")  # the world's workshop is at the contact's school

RULES = {
    "workshops.index": STAFF_AND_SCHOOL,
    "workshops.calendar": STAFF_ONLY,
    "workshops.detail": STAFF_AND_SCHOOL,
    "workshops.new": STAFF_ONLY,
    "workshops.edit": STAFF_ONLY,
    "workshops.conflicts": STAFF_ONLY,  # the form's conflicts while it is being filled
    "workshops.schedule": STAFF_ONLY,
    "workshops.mark_held": STAFF_ONLY,
    "workshops.close": STAFF_ONLY,
    "workshops.cancel": STAFF_ONLY,
    "workshops.speaker_schedule": Allowed.of("speaker"),
    "workshops.roster_upload": STAFF_AND_SCHOOL,
    "workshops.roster_confirm": STAFF_AND_SCHOOL,
    "workshops.roster_template": STAFF_AND_SCHOOL,
    "workshops.roster_template_xlsx": STAFF_AND_SCHOOL,
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
    # Venue and speaker names for the staff's filters and forms (a school contact's list has
    # no such filter; speakers' legal names are never in it, but who works with whom is).
    "workshops.options": STAFF_ONLY,
    # The attendance page's service worker and the web manifest: files every browser may
    # fetch, holding no data.
    "workshops.service_worker": PUBLIC,
    "workshops.manifest": PUBLIC,
}


# Someone else's workshop: at another school, happening now, one of its pupils on the roster.
OTHER_SCHOOLS = (Foreign("another school's workshop",
                         {"workshop_id": "other_workshop_id", "entry_id": "other_entry_id"}),)
FOREIGN = {
    endpoint: OTHER_SCHOOLS for endpoint in (
        "workshops.roster_upload", "workshops.roster_confirm", "workshops.roster_csv",
        "workshops.add_student", "workshops.sign_in_sheet", "workshops.attendance",
        "workshops.walk_in")
} | {
    "workshops.detail": (*OTHER_SCHOOLS, Foreign(
        # Its pupils' school gets the reports and certificates, not the workshop's pages.
        "a workshop another venue hosted for the contact's pupils",
        {"workshop_id": "visiting_workshop_id"})),
    "workshops.remove_entry": (*OTHER_SCHOOLS, Foreign(
        "a visiting school's pupil on the workshop the contact's school hosts",
        {"entry_id": "guest_entry_id"})),
    "workshops.feed": (),  # the secret token is the credential, not a record
}


def build(make, world: dict) -> None:
    """A workshop happening now at the contact's school, given by the world's speaker, with a
    pupil of another school too; and one happening now at that other school."""
    workshop, other = (_happening_now(make, venue, speaker) for venue, speaker in (
        (world["_school"], world["_speaker"]), (world["_other_school"], world["_other_speaker"])))
    entry, = make.roster(workshop, count=1)
    guest, = make.roster(workshop, count=1, school=world["_other_school"])
    other_entry, = make.roster(other, count=1)
    owner = make.user(Role.COORDINATOR)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(user_id=owner.id, token_hash=token_hash(token))
    make.db.session.add(feed)
    make.db.session.commit()
    world["workshop_id"] = workshop.id
    world["entry_id"] = entry.id
    world["feed_token"] = token
    world["guest_entry_id"] = guest.id
    world["other_workshop_id"] = other.id
    world["other_entry_id"] = other_entry.id
    world["source"] = "venues"


def _happening_now(make, venue, speaker) -> Workshop:
    now = utcnow()
    workshop = Workshop(title="Taller del mundo", venue=venue, capacity=30,
                        starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(minutes=50),
                        status=WorkshopStatus.SCHEDULED, speakers=[speaker])
    make.db.session.add(workshop)
    make.db.session.commit()
    return workshop

