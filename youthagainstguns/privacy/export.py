"""Everything held about one young person, for a guardian's access request (Ley 29733).

One table of fields per model says what is exported and how the PDF labels it; the JSON file
and the PDF are both built from it, so they always say the same. A column left out of FIELDS
is a column a guardian would never see: tests compare FIELDS with the models' columns.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..audit.labels import action_label
from ..audit.models import AuditEvent
from ..certificates.models import Certificate
from ..extensions import db
from ..i18n import format_date, format_datetime
from ..mentoring.models import (
    CheckInGoalRating,
    GuardianConsent,
    Match,
    Mentee,
    MentoringSession,
    SafeguardingAlert,
    StaffCheckIn,
)
from ..referrals.models import Referral, ReferralFollowUp, SharingConsent
from ..timeutil import utcnow
from ..workshops.models import RosterEntry, Student

# Internal bookkeeping that says nothing about the person (the row's edit counter).
NOT_EXPORTED = {Mentee: {"version_id"}, Match: {"version_id"}, Referral: {"version_id"}}

FIELDS: dict[type, tuple[tuple[str, object], ...]] = {
    Student: (
        ("id", _l("Record number")), ("school_id", _l("School number")),
        ("first_name", _l("First name")), ("last_names", _l("Last names")),
        ("grade", _l("Grade")), ("section", _l("Section")),
        ("student_code", _l("Student code")), ("created_at", _l("Recorded on")),
        ("anonymised_at", _l("Anonymised on")),
    ),
    RosterEntry: (
        ("id", _l("Record number")), ("workshop_id", _l("Workshop number")),
        ("student_id", _l("Student number")), ("position", _l("Place on the roster")),
        ("walk_in", _l("Walk-in")), ("status", _l("Attendance")),
        ("marked_by_id", _l("Taken by (user number)")), ("marked_at", _l("Taken on")),
    ),
    Certificate: (
        ("id", _l("Record number")), ("code", _l("Verification code")), ("kind", _l("Kind")),
        ("workshop_id", _l("Workshop number")), ("student_id", _l("Student number")),
        ("speaker_id", _l("Speaker number")), ("language", _l("Language")),
        ("issued_on", _l("Issued on")), ("issued_by_id", _l("Issued by (user number)")),
        ("created_at", _l("Recorded on")), ("revoked_at", _l("Revoked on")),
        ("revoke_reason", _l("Reason for revoking")),
        ("revoked_by_id", _l("Revoked by (user number)")),
    ),
    Mentee: (
        ("id", _l("Record number")), ("first_name", _l("First name")),
        ("last_names", _l("Last names")), ("date_of_birth", _l("Date of birth")),
        ("school_id", _l("School number")), ("district", _l("District")),
        ("interests", _l("Interests")), ("preferences", _l("Preferences")),
        ("guardian_name", _l("Guardian's name")),
        ("guardian_relation", _l("Guardian's relation")),
        ("guardian_phone", _l("Guardian's phone")),
        ("student_id", _l("Workshop participant number")),
        ("referred_on", _l("Referred on")), ("created_at", _l("Recorded on")),
        ("archived_at", _l("Left the programme on")), ("anonymised_at", _l("Anonymised on")),
    ),
    GuardianConsent: (
        ("id", _l("Record number")), ("mentee_id", _l("Mentee number")),
        ("given_by", _l("Given by")), ("relation", _l("Relation")),
        ("given_on", _l("Given on")), ("method", _l("How")),
        ("covers_participation", _l("Covers participation")),
        ("covers_data_sharing", _l("Covers data sharing with the school")),
        ("covers_photos", _l("Covers photos")),
        ("recorded_by_id", _l("Recorded by (user number)")),
        ("withdrawn_on", _l("Withdrawn on")), ("withdrawn_reason", _l("Reason for withdrawal")),
        ("withdrawn_recorded_by_id", _l("Withdrawal recorded by (user number)")),
    ),
    Match: (
        ("id", _l("Record number")), ("mentor_id", _l("Mentor number")),
        ("mentee_id", _l("Mentee number")), ("status", _l("Status")),
        ("proposed_on", _l("Proposed on")), ("proposed_by_id", _l("Proposed by (user number)")),
        ("goals", _l("Goals")), ("start_date", _l("Start date")),
        ("expected_end", _l("Expected end")), ("agreement_signed_on", _l("Agreement signed on")),
        ("first_meeting_on", _l("First meeting on")), ("paused_reason", _l("Reason for pause")),
        ("closed_on", _l("Closed on")), ("closure_type", _l("Closure type")),
        ("closure_reason", _l("Closure reason")), ("exit_notes", _l("Exit notes")),
        ("rematch", _l("Offer a new mentor")),
        ("mentee_name_at_closure", _l("First name shown to the mentor after closure")),
        ("closed_by_id", _l("Closed by (user number)")),
    ),
    MentoringSession: (
        ("id", _l("Record number")), ("match_id", _l("Match number")),
        ("held_on", _l("Held on")), ("duration_minutes", _l("Duration (minutes)")),
        ("kind", _l("Kind")), ("activity", _l("Activity")), ("notes", _l("Notes")),
        ("safeguarding_concern", _l("Safeguarding concern")),
        ("logged_by_id", _l("Logged by (user number)")), ("created_at", _l("Recorded on")),
        ("updated_at", _l("Changed on")),
    ),
    SafeguardingAlert: (
        ("id", _l("Record number")), ("kind", _l("Kind")), ("match_id", _l("Match number")),
        ("mentee_id", _l("Mentee number")), ("session_id", _l("Session number")),
        ("raised_by_id", _l("Raised by (user number)")), ("raised_at", _l("Raised on")),
        ("details", _l("Details")), ("followed_up_at", _l("Followed up on")),
        ("followed_up_by_id", _l("Followed up by (user number)")),
        ("follow_up_notes", _l("Follow-up notes")),
    ),
    StaffCheckIn: (
        ("id", _l("Record number")), ("match_id", _l("Match number")),
        ("held_on", _l("Held on")), ("by_id", _l("By (user number)")),
        ("method", _l("How")), ("notes", _l("Notes")),
    ),
    CheckInGoalRating: (
        ("id", _l("Record number")), ("check_in_id", _l("Check-in number")),
        ("position", _l("Place among the goals")), ("goal", _l("Goal")),
        ("progress", _l("Progress")),
    ),
    Referral: (
        ("id", _l("Record number")), ("mentee_id", _l("Mentee number")),
        ("partner_id", _l("Partner number")), ("service_kind", _l("Kind of help")),
        ("reason", _l("Reason")), ("referred_on", _l("Referred on")),
        ("proposed_by_id", _l("Proposed by (user number)")), ("status", _l("Status")),
        ("sent_on", _l("Sent on")), ("accepted_on", _l("Accepted on")),
        ("started_on", _l("Started on")), ("ended_on", _l("Ended on")),
        ("created_at", _l("Recorded on")),
    ),
    ReferralFollowUp: (
        ("id", _l("Record number")), ("referral_id", _l("Referral number")),
        ("held_on", _l("Held on")), ("by_id", _l("By (user number)")), ("notes", _l("Notes")),
    ),
    SharingConsent: (
        ("id", _l("Record number")), ("mentee_id", _l("Mentee number")),
        ("partner_id", _l("Partner number")), ("given_by", _l("Given by")),
        ("relation", _l("Relation")), ("given_on", _l("Given on")), ("method", _l("How")),
        ("recorded_by_id", _l("Recorded by (user number)")),
        ("withdrawn_on", _l("Withdrawn on")), ("withdrawn_reason", _l("Reason for withdrawal")),
        ("withdrawn_recorded_by_id", _l("Withdrawal recorded by (user number)")),
    ),
}
AUDIT_FIELDS = (("at", _l("When")), ("action", _l("What")), ("actor_id", _l("By (user number)")))


@dataclass(frozen=True)
class Person:
    """One young person: their mentee record, their roster record, or both when linked."""

    mentee: Mentee | None
    student: Student | None


def _json_value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    return value


def _shown_value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value)
    return str(getattr(value, "label", value))


def _fields_of(record) -> tuple[tuple[str, object], ...]:
    return AUDIT_FIELDS if isinstance(record, AuditEvent) else FIELDS[type(record)]


def as_json(record, **extra) -> dict:
    """Return a record's exported fields as JSON values, plus `extra` names (e.g. a school)."""
    values = {name: getattr(record, name) for name, _label in _fields_of(record)} | extra
    return {name: _json_value(value) for name, value in values.items()}


def as_rows(record, **extra) -> list[tuple[str, str]]:
    """Return a record's exported fields as (label, shown value) rows for the PDF."""
    rows = [(str(label), _shown(record, name)) for name, label in _fields_of(record)]
    return rows + [(str(label), _shown_value(value)) for label, value in extra.values()]


def _shown(record, name: str) -> str:
    """Return a field as a reader sees it; an audit action by its words, not its code."""
    if isinstance(record, AuditEvent) and name == "action":
        return action_label(record.action)
    return _shown_value(getattr(record, name))


@dataclass
class Section:
    """One part of the export: a title and its records, each with its JSON and PDF form."""

    key: str
    title: str
    records: list

    def json(self) -> list[dict]:
        """Return the section's records as JSON objects."""
        return [as_json(record, **{k: v for k, (_label, v) in extra.items()})
                for record, extra in self.records]

    def rows(self) -> list[list[tuple[str, str]]]:
        """Return the section's records as PDF rows."""
        return [as_rows(record, **extra) for record, extra in self.records]


def _audit_trail(record) -> list:
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.object_type == type(record).__name__, AuditEvent.object_id == record.id,
    ).order_by(AuditEvent.at, AuditEvent.id))
    return [(event, {}) for event in events]


def student_sections(student: Student) -> list[Section]:
    """Return the sections held about a workshop participant: record, attendance,
    certificates, and who did what with the record."""
    entries = db.session.scalars(sa.select(RosterEntry).where(
        RosterEntry.student_id == student.id).order_by(RosterEntry.id))
    certificates = db.session.scalars(sa.select(Certificate).where(
        Certificate.student_id == student.id).order_by(Certificate.id))
    return [
        Section("student", _("Workshop participant"), [
            (student, {"school": (_l("School"), student.school.name)})]),
        Section("attendance", _("Workshops and attendance"), [
            (entry, {"workshop": (_l("Workshop"), entry.workshop.title),
                     "workshop_starts_at": (_l("Date"), entry.workshop.starts_at),
                     "venue": (_l("Venue"), entry.workshop.venue.name)})
            for entry in entries]),
        Section("certificates", _("Certificates"), [(c, {}) for c in certificates]),
        Section("student_audit", _("Record of actions on the participant's file"),
                _audit_trail(student)),
    ]


def mentee_sections(mentee: Mentee) -> list[Section]:
    """Return the sections held about a mentee: record, consents, matches with their sessions
    and check-ins, safeguarding alerts, referrals with their follow-ups and sharing consents,
    and who did what with the record."""
    matches = sorted(mentee.matches, key=lambda m: m.id)
    alerts = db.session.scalars(sa.select(SafeguardingAlert).where(
        SafeguardingAlert.mentee_id == mentee.id).order_by(SafeguardingAlert.id))
    school = mentee.school.name if mentee.school else None
    referrals = db.session.scalars(sa.select(Referral).where(
        Referral.mentee_id == mentee.id).order_by(Referral.id)).all()
    sharing = db.session.scalars(sa.select(SharingConsent).where(
        SharingConsent.mentee_id == mentee.id).order_by(SharingConsent.id))
    return [
        Section("mentee", _("Mentee"), [(mentee, {"school": (_l("School"), school)})]),
        Section("consents", _("Guardian consent"),
                [(c, {}) for c in sorted(mentee.consents, key=lambda c: c.id)]),
        Section("matches", _("Matches"), [
            (m, {"mentor": (_l("Mentor"), m.mentor.user.full_name)}) for m in matches]),
        Section("sessions", _("Mentoring sessions"), [
            (s, {}) for m in matches for s in sorted(m.sessions, key=lambda s: s.id)]),
        Section("check_ins", _("Staff check-ins"), [
            (c, {}) for m in matches for c in sorted(m.check_ins, key=lambda c: c.id)]),
        Section("goal_ratings", _("Goal progress at staff check-ins"), [
            (r, {}) for m in matches for c in sorted(m.check_ins, key=lambda c: c.id)
            for r in c.goal_ratings]),
        Section("alerts", _("Safeguarding alerts"), [(a, {}) for a in alerts]),
        Section("referrals", _("Referrals to partner services"), [
            (r, {"partner": (_l("Partner"), r.partner.name)}) for r in referrals]),
        Section("referral_follow_ups", _("Referral follow-ups"), [
            (f, {}) for r in referrals for f in r.follow_ups]),
        Section("sharing_consents", _("Consent to share data with partners"), [
            (c, {"partner": (_l("Partner"), c.partner.name)}) for c in sharing]),
        Section("mentee_audit", _("Record of actions on the mentee's file"),
                _audit_trail(mentee)),
    ]


def sections(person: Person) -> list[Section]:
    """Return every section held about the person, mentee's first."""
    found = []
    if person.mentee is not None:
        found += mentee_sections(person.mentee)
    if person.student is not None:
        found += student_sections(person.student)
    return found


def export_json(person: Person) -> dict:
    """Return the whole export as one JSON document."""
    return {
        "exported_at": utcnow().isoformat(),
        "legal_basis": "Ley 29733 de Protección de Datos Personales (Perú)",
        "mentee_id": person.mentee.id if person.mentee else None,
        "student_id": person.student.id if person.student else None,
        "sections": {section.key: section.json() for section in sections(person)},
    }


def export_pdf_context(person: Person) -> dict:
    """Return plain values for templates/pdf/privacy/export.html."""
    return {
        "exported_at": utcnow(),
        "sections": [{"title": s.title, "records": s.rows()} for s in sections(person)],
    }
