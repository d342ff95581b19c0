"""Access rules for mentoring: staff see everything; a mentor only their own matches and logs;
school contacts and speakers see nothing."""
from datetime import timedelta

from youthagainstguns.auth.models import Role
from youthagainstguns.mentoring.enums import MatchStatus
from youthagainstguns.timeutil import today_lima

from . import STAFF, STAFF_ONLY, Allowed, Foreign

STAFF_AND_OWN_MENTOR = Allowed.of("admin", "coordinator", "mentor")  # the world's own match
OWN_MENTOR = Allowed.of("mentor")  # logging is the mentor's own act; staff read, never write

RULES = {
    "mentoring.board": STAFF_ONLY,
    "mentoring.board_rule": STAFF_ONLY,
    "mentoring.mine": OWN_MENTOR,
    "mentoring.mentors": STAFF_ONLY,
    "mentoring.mentor_new": STAFF_ONLY,
    "mentoring.mentor_detail": STAFF_ONLY,
    "mentoring.mentor_edit": STAFF_ONLY,
    "mentoring.screening_record": STAFF_ONLY,
    "mentoring.mentees": STAFF_ONLY,
    "mentoring.mentee_new": STAFF_ONLY,
    # Mentee records are staff-only, even for the mentee's own mentor (who sees a summary).
    "mentoring.mentee_detail": STAFF_ONLY,
    "mentoring.mentee_edit": STAFF_ONLY,
    "mentoring.link_student": STAFF_ONLY,
    "mentoring.link_student_save": STAFF_ONLY,
    "mentoring.refer_again": STAFF_ONLY,
    "mentoring.consent_new": STAFF_ONLY,
    "mentoring.consent_withdraw": STAFF_ONLY,
    "mentoring.suggestions": STAFF_ONLY,
    "mentoring.match_new": STAFF_ONLY,
    # Who is ready to be paired: staff's pairing form only.
    "mentoring.options": STAFF_ONLY,
    "mentoring.match_detail": STAFF_AND_OWN_MENTOR,
    "mentoring.match_activate": STAFF_ONLY,
    "mentoring.match_close": STAFF_ONLY,
    "mentoring.match_pause": STAFF_ONLY,
    "mentoring.match_resume": STAFF_ONLY,
    "mentoring.check_in_new": STAFF_ONLY,
    "mentoring.session_new": OWN_MENTOR,
    "mentoring.session_detail": STAFF_AND_OWN_MENTOR,
    "mentoring.session_edit": OWN_MENTOR,
    "mentoring.alert_detail": STAFF_ONLY,
}



def _others(kind: str, allowed: frozenset[str] = STAFF) -> tuple[Foreign, ...]:
    """Another mentor's match (or its session), and the world mentor's own one closed longer
    ago than the closure period (gone for them: 404)."""
    key = f"{kind}_id"
    return (Foreign(f"another mentor's {kind}", {key: f"other_{key}"}, allowed=allowed),
            Foreign(f"the mentor's own {kind}, closed past the closure period",
                    {key: f"expired_{key}"}, allowed=allowed))


FOREIGN = {
    "mentoring.match_detail": _others("match"),
    "mentoring.session_new": _others("match", allowed=frozenset()),  # the mentor's own act
    "mentoring.session_detail": _others("session"),
    "mentoring.session_edit": _others("session", allowed=frozenset()),
    # Staff-only, so not required here; tried all the same: a mentor never opens a mentee.
    "mentoring.mentee_detail": (Foreign("another mentor's mentee",
                                        {"mentee_id": "other_mentee_id"}),),
}


def build(make, world: dict) -> None:
    """The world's mentor, with an active match, a session log, a consent and an alert, and
    a match closed 40 days ago; another mentor with their own match and session."""
    user = make.user(Role.MENTOR, email="own-mentor@example.org")
    mentor = make.mentor(user=user)
    mentee = make.mentee()
    match = make.match(mentor, mentee)
    session = make.session(match)
    closed_on = today_lima() - timedelta(days=40)
    expired = make.match(mentor, make.mentee(), status=MatchStatus.CLOSED,
                         start_date=closed_on - timedelta(days=200), closed_on=closed_on)
    other = make.match(make.mentor(), make.mentee())
    world["expired_match_id"] = expired.id
    world["expired_session_id"] = make.session(expired, held_on=closed_on).id
    world["other_match_id"] = other.id
    world["other_session_id"] = make.session(other).id
    world["other_mentee_id"] = other.mentee_id
    world["_mentor_user"] = user
    world["mentor_id"] = mentor.id
    world["mentee_id"] = mentee.id
    world["match_id"] = match.id
    world["session_id"] = session.id
    world["consent_id"] = mentee.consents[0].id
    world["alert_id"] = make.alert(match, session_id=session.id).id
    world["step"] = "interview"
    world["rule_name"] = "quiet"
