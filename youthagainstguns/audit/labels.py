"""What each audit action and record type is called on screen: the one mapping of them.

The audit trail stores stable codes ("match.view", "MentoringSession"); people read these
labels. A code missing here is shown as it is stored, and tests/test_audit.py fails on it.
"""
import unicodedata

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "alert.follow_up": _l("Safeguarding alert followed up"),
    "alert.raise": _l("Safeguarding alert raised"),
    "alert.view": _l("Safeguarding alert opened"),
    "api_token.create": _l("API token created"),
    "api_token.revoke": _l("API token revoked"),
    "attendance.change_after_close": _l("Attendance changed after closing"),
    "attendance.save": _l("Attendance saved"),
    "attendance.sync": _l("Attendance sent from a device"),
    "attendance.sync_kept": _l("Attendance mark from a device not applied (a later one stands)"),
    "attendance.sync_overwrite": _l("Attendance mark replaced by a later one from a device"),
    "attendance.view": _l("Attendance page opened"),
    "audit.export": _l("Audit log exported"),
    "auth.2fa_disabled": _l("Two-step login turned off by its owner"),
    "auth.2fa_enrolled": _l("Two-step login set up"),
    "auth.2fa_recovery_used": _l("Two-step recovery code used"),
    "auth.2fa_reset": _l("Two-step login reset"),
    "auth.login": _l("Logged in"),
    "auth.login_failed": _l("Failed login"),
    "auth.logout": _l("Logged out"),
    "board.view": _l("Monitoring board opened"),
    "calendar_feed.fetch": _l("Calendar feed fetched"),
    "calendar_feed.regenerate": _l("Calendar link replaced"),
    "certificate.download": _l("Certificates downloaded"),
    "certificate.issue": _l("Certificates issued"),
    "certificate.list": _l("Workshop certificates opened"),
    "certificate.revoke": _l("Certificate revoked"),
    "consent.create": _l("Guardian consent recorded"),
    "consent.withdraw": _l("Guardian consent withdrawn"),
    "match.activate": _l("Match activated"),
    "match.check_in": _l("Staff check-in recorded"),
    "match.close": _l("Match closed"),
    "match.pause": _l("Match paused"),
    "match.propose": _l("Match proposed"),
    "match.resume": _l("Match resumed"),
    "match.view": _l("Match opened"),
    "mentee.create": _l("Mentee created"),
    "mentee.link_student": _l("Mentee linked to a workshop participant"),
    "mentee.list": _l("Mentee list opened"),
    "mentee.refer_again": _l("Mentee referred again"),
    "mentee.suggestions": _l("Suggested mentors opened"),
    "mentee.update": _l("Mentee changed"),
    "mentee.view": _l("Mentee opened"),
    "mentor.background_check": _l("Background check recorded"),
    "mentor.create": _l("Mentor file opened for the first time"),
    "mentor.decision": _l("Screening decision recorded"),
    "mentor.interview": _l("Mentor interview recorded"),
    "mentor.reference": _l("Mentor reference recorded"),
    "mentor.training": _l("Mentor training recorded"),
    "mentor.update": _l("Mentor file changed"),
    "mentor.view": _l("Mentor screening file opened"),
    "partner.create": _l("Partner added"),
    "partner.deactivate": _l("Partner deactivated"),
    "partner.update": _l("Partner changed"),
    "privacy.anonymise": _l("Personal data anonymised"),
    "privacy.export": _l("Personal data exported for a request"),
    "privacy.search": _l("People searched for a data request"),
    "privacy.view": _l("Personal data opened for a request"),
    "questionnaire.archive": _l("Questionnaire archived"),
    "questionnaire.create": _l("Questionnaire created"),
    "questionnaire.edit": _l("Questionnaire questions changed"),
    "questionnaire.rename": _l("Questionnaire renamed"),
    "questionnaire.restore": _l("Questionnaire offered again"),
    "referral.create": _l("Referral recorded"),
    "referral.follow_up": _l("Referral follow-up recorded"),
    "referral.letter": _l("Referral letter downloaded"),
    "referral.move": _l("Referral status changed"),
    "referral.view": _l("Referral opened"),
    "report.export": _l("Report exported"),
    "roster.add": _l("Student added to a roster"),
    "roster.export": _l("Roster exported"),
    "roster.import": _l("Roster imported"),
    "roster.remove": _l("Student removed from a roster"),
    "roster.sign_in_sheet": _l("Sign-in sheet printed"),
    "roster.view": _l("Roster opened"),
    "roster.walk_in": _l("Walk-in added"),
    "school.archive": _l("Venue archived"),
    "school.blackout_add": _l("Blackout dates added"),
    "school.blackout_delete": _l("Blackout dates removed"),
    "school.create": _l("Venue created"),
    "school.unarchive": _l("Venue restored"),
    "school.update": _l("Venue changed"),
    "session.create": _l("Mentoring session logged"),
    "session.update": _l("Mentoring session changed"),
    "session.view": _l("Mentoring session opened"),
    "sharing_consent.create": _l("Consent to share data with a partner recorded"),
    "sharing_consent.withdraw": _l("Consent to share data with a partner withdrawn"),
    "speaker.account": _l("Login given to a speaker"),
    "speaker.archive": _l("Speaker archived"),
    "speaker.create": _l("Speaker created"),
    "speaker.unarchive": _l("Speaker restored"),
    "speaker.unavailability_add": _l("Speaker unavailability added"),
    "speaker.unavailability_delete": _l("Speaker unavailability removed"),
    "speaker.update": _l("Speaker changed"),
    "speaker.view_identity": _l("Speaker identity opened"),
    "survey.attach": _l("Survey attached to a workshop"),
    "survey.detach": _l("Survey detached from a workshop"),
    "survey.export": _l("Survey answers exported"),
    "survey.paper_entry": _l("Paper survey sheet typed in"),
    "survey.paper_entry_removed": _l("Paper survey sheet taken back"),
    "student.edit": _l("Workshop participant corrected"),
    "student.search": _l("Workshop participants searched"),
    "user.create": _l("Account created"),
    "user.deactivate": _l("Account deactivated"),
    "user.mail_opt_outs": _l("Mail preferences changed"),
    "user.password_change": _l("Password changed"),
    "user.password_link": _l("Password link issued"),
    "user.password_set": _l("Password set through a link"),
    "user.reactivate": _l("Account reactivated"),
    "user.update": _l("Account changed"),
    "user.view": _l("Account opened for editing"),
    "workshop.cancel": _l("Workshop cancelled"),
    "workshop.close": _l("Workshop closed"),
    "workshop.conflict_acknowledged": _l("Scheduling warning accepted"),
    "workshop.create": _l("Workshop created"),
    "workshop.mark_held": _l("Workshop marked as held"),
    "workshop.schedule": _l("Workshop scheduled"),
    "workshop.update": _l("Workshop changed"),
}

# Keyed by the model class name that record() stores as object_type.
OBJECT_TYPES = {
    "Board": _l("Monitoring board"),
    "CalendarFeed": _l("Calendar feed"),
    "Certificate": _l("Certificate"),
    "Mentee": _l("Mentee"),
    "MentorProfile": _l("Mentor file"),
    "Match": _l("Match"),
    "MentoringSession": _l("Mentoring session"),
    "Partner": _l("Partner"),
    "Questionnaire": _l("Questionnaire"),
    "Referral": _l("Referral"),
    "RosterEntry": _l("Roster entry"),
    "SafeguardingAlert": _l("Safeguarding alert"),
    "School": _l("Venue"),
    "Speaker": _l("Speaker"),
    "Student": _l("Student"),
    "User": _l("Account"),
    "Workshop": _l("Workshop"),
}


def action_label(action: str) -> str:
    """Return the reader's words for an action code, or the code if it has none."""
    return str(ACTIONS.get(action, action))


def object_type_label(object_type: str) -> str:
    """Return the reader's words for a record type, or the stored name if it has none."""
    return str(OBJECT_TYPES.get(object_type, object_type))


def labels(mapping: dict) -> dict[str, str]:
    """Return the mapping with each label translated into the current language."""
    return {code: str(label) for code, label in mapping.items()}


def choices(mapping: dict) -> list[tuple[str, str]]:
    """Return (code, label) pairs for a select, sorted by label in the current language."""
    return sorted(labels(mapping).items(),
                  key=lambda pair: unicodedata.normalize("NFKD", pair[1]).casefold())
