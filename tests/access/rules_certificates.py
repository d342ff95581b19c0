"""Access rules for certificates: staff manage, schools and speakers download their own,
everyone may verify."""
from datetime import date

from youthagainstguns.certificates.models import Certificate, CertificateKind
from youthagainstguns.workshops.models import AttendanceStatus

from . import PUBLIC, STAFF, STAFF_ONLY, Allowed

RULES = {
    "certificates.verify_form": PUBLIC,
    "certificates.verify": PUBLIC,  # the world's code is a real, valid certificate
    "certificates.index": Allowed.of(STAFF, "school", "speaker"),
    "certificates.workshop": Allowed.of(STAFF, "school"),  # the workshop is at the own school
    "certificates.issue": STAFF_ONLY,
    "certificates.pack": Allowed.of(STAFF, "school"),
    "certificates.download": Allowed.of(STAFF, "school"),  # a student of the own school
    "certificates.revoke": STAFF_ONLY,
}


def build(make, world: dict) -> None:
    """A held workshop at the school contact's school with one certified student."""
    workshop, (student,) = make.class_of(world["_school"], [AttendanceStatus.PRESENT],
                                      speakers=[world["_speaker"]])
    certificate = Certificate(kind=CertificateKind.STUDENT, workshop=workshop, student=student,
                              issued_on=date(2026, 3, 1))
    make.db.session.add(certificate)
    make.db.session.commit()
    # Shared with the workshops area: any workshop of the own school serves these routes.
    world.setdefault("workshop_id", workshop.id)
    world["certificate_id"] = certificate.id
    world["code"] = certificate.code
