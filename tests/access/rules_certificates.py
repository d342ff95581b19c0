"""Access rules for certificates: staff manage, schools and speakers download their own,
everyone may verify."""
from datetime import date

from youthagainstguns.certificates.models import Certificate, CertificateKind
from youthagainstguns.workshops.models import AttendanceStatus

from . import PUBLIC, STAFF, STAFF_ONLY, Allowed, Foreign

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


# Documents of another school's workshop; and of one another venue hosted for the contact's
# pupils, which their school does get (its own pupils' lines only, see test_reports).
DOCUMENTS = (
    Foreign("another school's workshop", {"workshop_id": "other_documents_workshop_id"}),
    Foreign("a workshop another venue hosted for the contact's pupils",
            {"workshop_id": "visiting_workshop_id"}, allowed=frozenset(STAFF | {"school"})),
)
FOREIGN = {
    "certificates.workshop": DOCUMENTS,
    "certificates.pack": DOCUMENTS,
    "certificates.download": (
        Foreign("another school's pupil's certificate", {"certificate_id": "other_certificate_id"}),
        Foreign("a visiting pupil's certificate from the workshop the contact's school hosted",
                {"certificate_id": "guest_certificate_id"}),
        Foreign("the contact's pupil's certificate from a workshop another venue hosted",
                {"certificate_id": "visiting_certificate_id"},
                allowed=frozenset(STAFF | {"school"})),
        Foreign("another speaker's certificate",
                {"certificate_id": "other_speaker_certificate_id"}),
    ),
    "certificates.verify": (),  # the code is the credential; it shows no personal data
}


def build(make, world: dict) -> None:
    """A held workshop at the school contact's school with one certified student and one
    certified visitor from another school; at that other school, a held workshop with one of
    its pupils and its speaker certified, and one with a certified pupil of the contact's."""
    own, other = world["_school"], world["_other_school"]
    present = AttendanceStatus.PRESENT
    workshop, (student, guest) = make.class_of(own, [present] * 2, speakers=[world["_speaker"]])
    other_held, (stranger,) = make.class_of(other, [present],
                                            speakers=[world["_other_speaker"]])
    visiting, (visitor,) = make.class_of(other, [present])
    guest.school_id, visitor.school_id = other.id, own.id
    certificate, guest_cert, other_cert, visitor_cert = (
        Certificate(kind=CertificateKind.STUDENT, workshop=held, student=holder,
                    issued_on=date(2026, 3, 1))
        for held, holder in ((workshop, student), (workshop, guest), (other_held, stranger),
                             (visiting, visitor)))
    speaker_cert = Certificate(kind=CertificateKind.SPEAKER, workshop=other_held,
                               speaker=world["_other_speaker"], issued_on=date(2026, 3, 1))
    make.db.session.add_all([certificate, guest_cert, other_cert, visitor_cert, speaker_cert])
    make.db.session.commit()
    world["other_documents_workshop_id"] = other_held.id
    world["visiting_workshop_id"] = visiting.id
    world["guest_certificate_id"] = guest_cert.id
    world["other_certificate_id"] = other_cert.id
    world["visiting_certificate_id"] = visitor_cert.id
    world["other_speaker_certificate_id"] = speaker_cert.id
    # Shared with the workshops area: any workshop of the own school serves these routes.
    world.setdefault("workshop_id", workshop.id)
    world["certificate_id"] = certificate.id
    world["code"] = certificate.code
