"""Access rules for mentoring: staff see everything; a mentor only their own matches and logs;
school contacts and speakers see nothing."""
from youthagainstguns.auth.models import Role

from . import STAFF_ONLY, Allowed

STAFF_AND_OWN_MENTOR = Allowed.of("admin", "coordinator", "mentor")  # the world's own match
OWN_MENTOR = Allowed.of("mentor")  # logging is the mentor's own act; staff read, never write

RULES = {
    "mentoring.board": STAFF_ONLY,
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


def build(make, world: dict) -> None:
    """The world's mentor, with an active match, a session log, a consent and an alert."""
    user = make.user(Role.MENTOR, email="own-mentor@example.org")
    mentor = make.mentor(user=user)
    mentee = make.mentee()
    match = make.match(mentor, mentee)
    session = make.session(match)
    world["_mentor_user"] = user
    world["mentor_id"] = mentor.id
    world["mentee_id"] = mentee.id
    world["match_id"] = match.id
    world["session_id"] = session.id
    world["consent_id"] = mentee.consents[0].id
    world["alert_id"] = make.alert(match, session_id=session.id).id
    world["step"] = "interview"
