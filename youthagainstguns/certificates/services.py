"""Issuing, revoking, packing and verifying certificates. Functions flush; views commit."""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app
from flask_babel import gettext as _
from flask_babel import ngettext

from .. import ratelimit
from ..audit.services import record
from ..auth import notifications
from ..auth.models import User
from ..extensions import db
from ..listing import Sort
from ..mail_models import MailKind
from ..speakers.models import Speaker
from ..text import download_name
from ..timeutil import to_lima, today_lima, utcnow
from ..urls import absolute_url
from ..workshops.models import (
    ATTENDED_STATUSES,
    REPORTED,
    RosterEntry,
    Student,
    Workshop,
    documents_visible_to,
    pupils_visible_to,
    took_place,
    workshop_speakers,
)
from ..workshops.services import WORKSHOP_SORTS, text_conditions
from .documents import CertificateItem, WorkshopFacts
from .models import Certificate, CertificateKind

LANGUAGES = ("es", "en")
CODE_CHARS = re.compile(r"[A-Z2-7]{32}")


class CertificateError(Exception):
    """An action on certificates that the rules do not allow; the message is for people."""


@dataclass(frozen=True)
class IssueResult:
    """How many certificates an issue run added."""

    students: int
    speakers: int


NEEDS = {"download": Certificate.can_download, "revoke": Certificate.can_revoke}


def get_certificate_or_404(certificate_id: int, *, for_user: User,
                           need: str = "download") -> Certificate:
    """Fetch a certificate, 404 if missing, 403 if `for_user` lacks the right named by `need`."""
    certificate = db.get_or_404(Certificate, certificate_id)
    if not NEEDS[need](certificate, for_user):
        abort(403)
    return certificate


def workshop_certificates(workshop: Workshop, for_user: User) -> sa.Select:
    """Select the workshop's certificates `for_user` may see (staff all; a school contact
    their own pupils', see `pupils_visible_to`), speakers first, then roster order."""
    return (
        sa.select(Certificate)
        .outerjoin(RosterEntry, sa.and_(RosterEntry.workshop_id == Certificate.workshop_id,
                                        RosterEntry.student_id == Certificate.student_id))
        # Outer: a speaker's certificate has no student, and only staff's condition keeps it.
        .outerjoin(Student, Student.id == Certificate.student_id)
        .where(Certificate.workshop_id == workshop.id, pupils_visible_to(for_user))
        .options(so.joinedload(Certificate.student), so.joinedload(Certificate.speaker))
        .order_by(Certificate.kind, RosterEntry.position, Certificate.id)
    )


def speaker_certificates(user: User) -> sa.Select:
    """Select the certificates of the speaker `user` is (none for an account not linked to a
    speaker), newest workshop first."""
    # Comparing with a missing speaker's id would read "speaker_id IS NULL": every student's.
    own = Certificate.speaker_id == user.speaker.id if user.speaker else sa.false()
    return (sa.select(Certificate).join(Certificate.workshop).where(own)
            .options(so.contains_eager(Certificate.workshop))
            .order_by(Workshop.starts_at.desc()))


def pack_workshops(user: User, q: str | None = None, sort: Sort | None = None) -> sa.Select:
    """Select the held and closed workshops whose packs `user` may see, with every word of `q`
    (see `text_conditions`), newest first unless `sort` (of the workshop list) says otherwise."""
    return (sa.select(Workshop)
            .where(took_place(), documents_visible_to(user), *text_conditions(q))
            .options(so.joinedload(Workshop.venue))
            .order_by(*(sort or WORKSHOP_SORTS.chosen({})).order_by()))


def count_pack_workshops(user: User, q: str | None = None) -> int:
    """Count the workshops `pack_workshops` selects, reading only the status index."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Workshop).where(
        Workshop.status.in_(REPORTED), documents_visible_to(user), *text_conditions(q)))


def valid_counts(workshop_ids: list[int], for_user: User) -> dict[int, int]:
    """Count, per workshop in one query, the valid student certificates `for_user` may see."""
    query = (sa.select(Certificate.workshop_id, sa.func.count(Certificate.id))
             .join(Student, Student.id == Certificate.student_id)
             .where(Certificate.workshop_id.in_(workshop_ids), Certificate.revoked_at.is_(None),
                    pupils_visible_to(for_user))
             .group_by(Certificate.workshop_id))
    return dict(db.session.execute(query).all())


def issue_certificates(workshop: Workshop, language: str, by: User) -> IssueResult:
    """Add the certificates still missing: present or late students, and the speakers."""
    if workshop.status not in REPORTED:
        raise CertificateError(_("Certificates can be issued only for held or closed workshops."))
    if language not in LANGUAGES:
        raise CertificateError(_("Choose Spanish or English."))
    have_students = set(db.session.scalars(sa.select(Certificate.student_id).where(
        Certificate.workshop_id == workshop.id, Certificate.student_id.is_not(None))))
    have_speakers = set(db.session.scalars(sa.select(Certificate.speaker_id).where(
        Certificate.workshop_id == workshop.id, Certificate.speaker_id.is_not(None))))
    student_ids = db.session.scalars(
        sa.select(RosterEntry.student_id)
        .where(RosterEntry.workshop_id == workshop.id, RosterEntry.status.in_(ATTENDED_STATUSES))
        .order_by(RosterEntry.position, RosterEntry.id)
    ).all()
    speaker_ids = db.session.scalars(sa.select(workshop_speakers.c.speaker_id).where(
        workshop_speakers.c.workshop_id == workshop.id)).all()
    common = dict(workshop_id=workshop.id, language=language, issued_on=today_lima(),
                  issued_by_id=by.id)
    new_students = [sid for sid in student_ids if sid not in have_students]
    new_speakers = [sid for sid in speaker_ids if sid not in have_speakers]
    db.session.add_all(
        [Certificate(kind=CertificateKind.STUDENT, student_id=sid, **common)
         for sid in new_students]
        + [Certificate(kind=CertificateKind.SPEAKER, speaker_id=sid, **common)
           for sid in new_speakers])
    record("certificate.issue", workshop,
           f"workshop {workshop.id}: {len(new_students)} student and {len(new_speakers)} "
           f"speaker certificates added ({language})")
    if new_students:
        notify_certificates_ready(workshop, len(new_students))
    return IssueResult(len(new_students), len(new_speakers))


def notify_certificates_ready(workshop: Workshop, count: int) -> None:
    """Tell the venue's school contacts that `count` new student certificates are ready."""
    notifications.notify(
        notifications.school_contacts(workshop.venue_id), MailKind.CERTIFICATES_READY,
        "certificates_ready", title=workshop.title, day=to_lima(workshop.starts_at).date(),
        count=count, link=absolute_url("certificates.workshop", workshop_id=workshop.id))


def revoke(certificate: Certificate, reason: str, by: User) -> None:
    """Revoke a certificate, keeping it on record with the reason."""
    if certificate.is_revoked:
        raise CertificateError(_("This certificate is already revoked."))
    certificate.revoked_at = utcnow()
    certificate.revoke_reason = reason
    certificate.revoked_by_id = by.id
    record("certificate.revoke", certificate, f"certificate {certificate.id} revoked")


def workshop_facts(workshop: Workshop) -> WorkshopFacts:
    """Return what every certificate of the workshop states about it."""
    venue = workshop.venue
    return WorkshopFacts(
        title=workshop.title, held_on=to_lima(workshop.starts_at).date(),
        venue=f"{venue.name} ({venue.district})",
        speaker_aliases=tuple(s.alias for s in workshop.speakers),
    )


def certificate_item(certificate: Certificate) -> CertificateItem:
    """Return the printable values of one certificate (the holder's full name or alias)."""
    holder = certificate.student.full_name if certificate.student else certificate.speaker.alias
    return CertificateItem(kind=certificate.kind, holder_name=holder, code=certificate.code,
                           language=certificate.language, issued_on=certificate.issued_on)


@dataclass(frozen=True)
class PackContents:
    """How many valid certificates of each kind a workshop's pack holds for someone, and how
    many of those they may see are revoked (listed, never packed)."""

    students: int
    speakers: int
    revoked: int = 0

    @property
    def total(self) -> int:
        """Return the number of pages of the pack."""
        return self.students + self.speakers

    def parts(self, *, with_speakers: bool = False) -> str:
        """Say how many of each kind: "21 students, 2 speakers" (speakers only if any, or
        `with_speakers`)."""
        parts = [ngettext("%(num)d student", "%(num)d students", self.students)]
        if self.speakers or with_speakers:
            parts.append(ngettext("%(num)d speaker", "%(num)d speakers", self.speakers))
        return ", ".join(parts)

    def summary(self) -> str:
        """Say what the pack holds: "23 certificates (21 students, 2 speakers)"."""
        return _("%(certificates)s (%(parts)s)", parts=self.parts(), certificates=ngettext(
            "%(num)d certificate", "%(num)d certificates", self.total))

    @property
    def issued(self) -> int:
        """Return every certificate counted, revoked ones included."""
        return self.total + self.revoked

    def file_name(self, workshop_id: int) -> str:
        """Name the pack's file after its workshop and contents (Spanish, as every download)."""
        students = (self.students, "estudiante" if self.students == 1 else "estudiantes")
        speakers = (self.speakers, "ponente" if self.speakers == 1 else "ponentes")
        return download_name("taller", workshop_id, "constancias", *students,
                             *(speakers if self.speakers else ()), ext="pdf")


def _pack_query(workshop: Workshop, for_user: User, *columns) -> sa.Select:
    """Select `columns` of the workshop's certificates `for_user` may see: staff every
    student's and speaker's; a school contact their own pupils' (`pupils_visible_to`), never
    a speaker's. The rule of `workshop_certificates`, for packs and their counts."""
    return (
        sa.select(*columns)
        .outerjoin(Student, Student.id == Certificate.student_id)
        .outerjoin(RosterEntry, sa.and_(RosterEntry.workshop_id == Certificate.workshop_id,
                                        RosterEntry.student_id == Certificate.student_id))
        .outerjoin(Speaker, Speaker.id == Certificate.speaker_id)
        .where(Certificate.workshop_id == workshop.id, pupils_visible_to(for_user))
    )


def pack_contents(workshop: Workshop, for_user: User) -> PackContents:
    """Count, in one query, the certificates of each kind `pack_items` returns, and the
    revoked ones it leaves out."""
    valid = Certificate.revoked_at.is_(None)
    rows = db.session.execute(
        _pack_query(workshop, for_user, Certificate.kind, valid, sa.func.count(Certificate.id))
        .group_by(Certificate.kind, valid)).all()
    counts = {(kind, bool(is_valid)): n for kind, is_valid, n in rows}
    return PackContents(students=counts.get((CertificateKind.STUDENT, True), 0),
                        speakers=counts.get((CertificateKind.SPEAKER, True), 0),
                        revoked=sum(n for (_kind, ok), n in counts.items() if not ok))


def pack_items(workshop: Workshop, for_user: User) -> list[CertificateItem]:
    """Return the workshop's valid certificates `for_user` may download (see `_pack_query`):
    students in roster order, then speakers by alias."""
    query = _pack_query(workshop, for_user, Certificate.kind, Certificate.code,
                        Certificate.language, Certificate.issued_on, Student.first_name,
                        Student.last_names, Speaker.alias).where(
        Certificate.revoked_at.is_(None)).order_by(
        sa.case((Certificate.kind == CertificateKind.SPEAKER, 1), else_=0),
        RosterEntry.position, RosterEntry.id, Speaker.alias, Certificate.id)
    return [
        CertificateItem(kind=kind, holder_name=alias if kind == CertificateKind.SPEAKER
                        else f"{first} {last}", code=code, language=language,
                        issued_on=issued_on)
        for kind, code, language, issued_on, first, last, alias in db.session.execute(query)
    ]


def normalize_code(raw: str) -> str | None:
    """Return the code as stored (groups of four) from what a person typed, or None."""
    compact = re.sub(r"[\s\-]", "", raw or "").upper()
    if not CODE_CHARS.fullmatch(compact):
        return None
    return "-".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def lookup_allowed(address: str) -> bool:
    """Count one verification lookup for `address`; False once it has used up its window.

    Counted without a database write (ratelimit: Redis, or each worker's memory).
    """
    config = current_app.config
    return ratelimit.allow("verify", address, limit=config["VERIFY_MAX_LOOKUPS_PER_ADDRESS"],
                           window_seconds=60 * config["VERIFY_WINDOW_MINUTES"])


def find_by_code(code: str) -> Certificate | None:
    """Return the certificate with this stored code, its workshop and venue loaded."""
    return db.session.scalar(
        sa.select(Certificate).where(Certificate.code == code).options(
            so.joinedload(Certificate.workshop).joinedload(Workshop.venue),
            so.joinedload(Certificate.student), so.joinedload(Certificate.speaker)))


def public_facts(certificate: Certificate) -> dict:
    """Return exactly what the public may see: status, short name, workshop, date, venue."""
    if certificate.student is not None and certificate.student.is_anonymised:
        holder = _("A participant (name removed under data protection)")
    elif certificate.student is not None:
        student = certificate.student
        holder = f"{student.first_name} {student.last_names.strip()[:1]}."
    else:
        holder = certificate.speaker.alias
    workshop = certificate.workshop
    return {
        "revoked": certificate.is_revoked, "revoked_at": certificate.revoked_at,
        "holder": holder, "workshop_title": workshop.title, "held_on": workshop.starts_at,
        "venue": workshop.venue.name,
    }
