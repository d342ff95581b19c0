"""Import every area's models so that the metadata (and Alembic) sees the whole schema."""
from .api.models import ApiToken
from .audit.models import AuditEvent
from .auth.models import LoginFailure, PasswordLink, Role, User
from .certificates.models import Certificate, CertificateKind
from .mail_models import OutboxMessage
from .mentoring.models import (
                               BackgroundCheck,
                               GuardianConsent,
                               Match,
                               Mentee,
                               MentoringSession,
                               MentorInterview,
                               MentorProfile,
                               MentorReference,
                               SafeguardingAlert,
                               ScreeningDecision,
                               StaffCheckIn,
                               TrainingSession,
)
from .referrals.models import (
                               Partner,
                               PartnerDistrict,
                               PartnerService,
                               Referral,
                               ReferralFollowUp,
                               SharingConsent,
)
from .schools.models import BlackoutDate, School, VenueKind
from .speakers.models import Speaker, SpeakerExcludedDistrict, SpeakerUnavailability
from .surveys.models import (
                             Questionnaire,
                             QuestionnaireVersion,
                             SurveyAnswer,
                             SurveyItem,
                             SurveyResponse,
                             WorkshopSurvey,
)
from .workshops.models import (
                               AttendanceStatus,
                               CalendarFeed,
                               ConflictAcknowledgement,
                               RosterCount,
                               RosterEntry,
                               Student,
                               Workshop,
                               WorkshopStatus,
)
from .workshops.summaries import ProgramFigure, ReachMember

__all__ = [
    "ApiToken",
    "AttendanceStatus", "AuditEvent", "BackgroundCheck", "BlackoutDate", "CalendarFeed",
    "Certificate", "CertificateKind", "ConflictAcknowledgement", "GuardianConsent",
    "LoginFailure", "Match", "Mentee", "MentorInterview", "MentorProfile", "MentorReference",
    "MentoringSession", "OutboxMessage", "Partner", "PartnerDistrict", "PartnerService",
    "Referral", "ReferralFollowUp", "SharingConsent", "PasswordLink", "Role", "RosterCount",
    "RosterEntry",
    "SafeguardingAlert", "School",
    "ScreeningDecision", "Speaker", "SpeakerExcludedDistrict", "SpeakerUnavailability",
    "ProgramFigure", "Questionnaire", "QuestionnaireVersion", "ReachMember", "StaffCheckIn",
    "Student", "SurveyAnswer", "SurveyItem", "SurveyResponse", "TrainingSession", "User",
    "VenueKind", "Workshop",
    "WorkshopStatus", "WorkshopSurvey",
]
