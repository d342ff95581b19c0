"""The audit log's details in the reader's words.

Each area stores a short neutral note with its event ("mentor=3 mentee=4", "12 marks",
"workshop 5: pack of 30"): stable text, written once and never translated. This module reads
the known shapes back as labels in the reader's language; a note of an unknown shape is shown
as it is stored. It lives in the admin area because it names the areas' enums.
"""
import re
from collections.abc import Mapping

from flask_babel import lazy_gettext as _l

from ..audit.labels import ACTIONS, OBJECT_TYPES
from ..auth.models import Role
from ..mail_models import MailKind
from ..mentoring.enums import ClosureReason, ClosureType
from ..schools.models import VenueKind
from ..speakers.models import VettingDecision
from ..workshops.models import AttendanceStatus, WorkshopStatus

# "key=value" notes: what each key is called.
FIELDS = {
    "action": _l("Action"), "actor_id": _l("Person"), "blackout": _l("Blackout dates"),
    "check_in": _l("Staff check-in"), "consent": _l("Consent"), "covers": _l("Covers"),
    "first_day": _l("From"), "kind": _l("Kind"), "last_day": _l("To"), "match": _l("Match"),
    "mentee": _l("Mentee"), "mentor": _l("Mentor"), "n": _l("Count"),
    "object_id": _l("Record number"), "object_type": _l("Record type"),
    "off": _l("Mail turned off"), "page": _l("Page"), "period": _l("Unavailability"),
    "rematch": _l("Rematch"), "role": _l("Role"), "rule": _l("Board list"),
    "school": _l("School"), "session": _l("Session"), "student": _l("Student"),
    "user": _l("Account"), "vetting": _l("Vetting"),
    "BackgroundCheck": _l("Background check"), "MentorInterview": _l("Interview"),
    "MentorReference": _l("Reference"), "ScreeningDecision": _l("Screening decision"),
    "TrainingSession": _l("Training"),
}

# The stored codes some values are, by key (a comma list for `covers` and `off`).
COVERS = {"participation": _l("participation"), "data_sharing": _l("data sharing with the school"),
          "photos": _l("photos")}
BOOLEANS = {"True": _l("yes"), "False": _l("no")}


def _codes(enum) -> dict:
    return {member.value: member._label for member in enum}


VALUES: dict[str, Mapping] = {
    "action": ACTIONS, "object_type": OBJECT_TYPES, "role": _codes(Role),
    "vetting": _codes(VettingDecision), "kind": _codes(VenueKind), "covers": COVERS,
    "off": _codes(MailKind), "rematch": BOOLEANS,
}

# Notes of other shapes, matched whole; their named parts fill the label's placeholders.
PHRASES = [(re.compile(pattern), label) for pattern, label in (
    (r"(?P<n>\d+) students", _l("%(n)s students")),
    (r"(?P<n>\d+) students, (?P<format>CSV|PDF)", _l("%(n)s students, %(format)s")),
    (r"(?P<n>\d+) students \(page (?P<page>\d+) of (?P<pages>\d+)\)",
     _l("%(n)s students (page %(page)s of %(pages)s)")),
    (r"(?P<n>\d+) marks", _l("%(n)s marks")),
    (r"(?P<n>\d+) added, (?P<skipped>\d+) skipped", _l("%(n)s added, %(skipped)s skipped")),
    (r"(?P<n>\d+) mentors suggested", _l("%(n)s mentors suggested")),
    (r"(?P<n>\d+) left", _l("%(n)s recovery codes left")),
    (r"page (?P<page>\d+): (?P<n>\d+) certificates", _l("page %(page)s: %(n)s certificates")),
    (r"workshop (?P<id>\d+): pack of (?P<n>\d+)(?: \((?P<students>\d+) students, "
     r"(?P<speakers>\d+) speakers\))?", _l("workshop %(id)s: pack of %(n)s")),
    (r"certificate (?P<id>\d+)", _l("certificate %(id)s")),
    (r"certificate (?P<id>\d+) revoked", _l("certificate %(id)s revoked")),
    (r"venue (?P<id>\d+)", _l("venue %(id)s")),
    (r"user (?P<id>\d+)", _l("account %(id)s")),
    (r"user (?P<id>\d+) created", _l("account %(id)s created")),
    (r"user (?P<id>\d+) linked", _l("account %(id)s linked")),
    (r"entry (?P<entry>\d+), student (?P<id>\d+)", _l("roster line %(entry)s, student %(id)s")),
    (r"(?:mentee|student) (?P<id>\d+) anonymised: .*", _l("record %(id)s anonymised")),
    (r"student (?P<id>\d+) corrected", _l("student %(id)s corrected")),
    (r"(?:mentees|students) (?P<id>\d+) exported as (?P<format>JSON|PDF)",
     _l("record %(id)s exported as %(format)s")),
    (r"(?P<format>pdf|csv): (?:school|workshop) (?P<id>\d+).*, (?P<n>\d+) rows",
     _l("%(format)s, record %(id)s: %(n)s rows")),
    (r"(?P<filter>.*): (?P<n>\d+) rows", _l("%(filter)s: %(n)s rows")),
    (r"(?P<format>pdf|csv)(?: \w+)?: program from (?P<start>[\d-]+) to (?P<end>[\d-]+)",
     _l("%(format)s of the program report, %(start)s to %(end)s")),
    (r"edit form", _l("edit form")),
    (r"password", _l("password")),
    (r"totp", _l("code from the phone app")),
    (r"recovery code", _l("recovery code")),
    (r"(?P<old>\w+) -> (?P<new>\w+)", _l("%(old)s → %(new)s")),
    (r"workshop (?P<id>\d+), entry (?P<entry>\d+): (?P<old>[\w-]+) -> (?P<new>\w+)",
     _l("workshop %(id)s, roster line %(entry)s: %(old)s → %(new)s")),
    (r"second step", _l("second step")),
    (r"unknown account", _l("unknown account")),
    (r"one-time password link created", _l("one-time password link created")),
    (r"password set through link", _l("password set through the link")),
    (r"consent withdrawn", _l("consent withdrawn")),
    (r"all", _l("all events")),
)]
PAIR = re.compile(r"(\w+)=(\S+)")
# Statuses a change note names (workshop and attendance codes do not overlap).
STATUSES = {**_codes(WorkshopStatus), **_codes(AttendanceStatus), "-": _l("unmarked")}


def _value(key: str, value: str) -> str:
    """Return a stored value in the reader's words when it is a code of a known kind."""
    codes = VALUES.get(key)
    if codes is None:
        return value
    return ", ".join(str(codes.get(part, part)) for part in value.split(","))


def _pairs(note: str) -> str | None:
    """Return "Label: value, ..." for a note made only of key=value pairs, else None."""
    pairs = PAIR.findall(note)
    if not pairs or " ".join(f"{k}={v}" for k, v in pairs) != " ".join(note.split()):
        return None
    return ", ".join(f"{FIELDS.get(key, key)}: {_value(key, value)}" for key, value in pairs)


def summary_text(note: str) -> str:
    """Return an event's stored note in the reader's words (as stored if of no known shape)."""
    for pattern, label in PHRASES:
        if found := pattern.fullmatch(note):
            parts = found.groupdict()
            if "filter" in parts:
                parts["filter"] = summary_text(parts["filter"])
            for name in {"old", "new"} & parts.keys():
                parts[name] = str(STATUSES.get(parts[name], parts[name]))
            return str(label) % parts
    closure = note.split(" ", 2)
    if len(closure) == 3 and closure[0] in _codes(ClosureType):
        reason = _codes(ClosureReason).get(closure[1], closure[1])
        return ", ".join([str(_codes(ClosureType)[closure[0]]), str(reason),
                          _pairs(closure[2]) or closure[2]])
    return _pairs(note) or note
