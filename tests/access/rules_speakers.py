"""Access rules for speakers: staff only, even the speaker's own account (legal identity)."""
from datetime import time

from youthagainstguns.speakers.models import SpeakerUnavailability
from youthagainstguns.timeutil import lima_to_utc

from . import STAFF_ONLY

RULES = {
    "speakers.index": STAFF_ONLY,
    "speakers.new": STAFF_ONLY,
    "speakers.detail": STAFF_ONLY,  # shows the legal identity
    "speakers.edit": STAFF_ONLY,
    "speakers.archive": STAFF_ONLY,
    "speakers.unarchive": STAFF_ONLY,
    "speakers.add_unavailability": STAFF_ONLY,
    "speakers.delete_unavailability": STAFF_ONLY,
    "speakers.give_account": STAFF_ONLY,  # a login and its password link
    "speakers.options": STAFF_ONLY,  # the account form's speaker search
}


def build(make, world: dict) -> None:
    """Point speaker URLs at the speaker account's own speaker, with one unavailable period."""
    speaker = world["_speaker"]
    day = make.days_from_today(30)
    period = SpeakerUnavailability(speaker=speaker, starts_at=lima_to_utc(day, time(8)),
                                   ends_at=lima_to_utc(day, time(18)), reason="Viaje")
    make.db.session.add(period)
    make.db.session.commit()
    world["speaker_id"] = speaker.id
    world["period_id"] = period.id
