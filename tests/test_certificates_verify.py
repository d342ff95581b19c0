"""The public verification page: what it shows, what it hides, and its rate limit."""
from datetime import date

import pytest

from youthagainstguns.certificates.models import Certificate, CertificateKind
from youthagainstguns.timeutil import utcnow
from youthagainstguns.workshops.models import AttendanceStatus


@pytest.fixture
def certificate(make, db):
    """A valid student certificate at a school with an official code."""
    school = make.school(name="I.E. Fe y Alegría 25", official_code="0123456")
    speaker = make.speaker(alias="La Chola", legal_name="Rosa Legal Oculto")
    workshop, (student,) = make.class_of(school, [AttendanceStatus.PRESENT],
                                      speakers=[speaker], title="Cultura de paz")
    student.first_name, student.last_names = "Ángela", "Ñahui Castañeda"
    student.grade, student.section, student.student_code = "5.º", "C", "ST-998877"
    cert = Certificate(kind=CertificateKind.STUDENT, workshop=workshop, student=student,
                       issued_on=date(2026, 3, 15))
    db.session.add(cert)
    db.session.commit()
    return cert


def test_verification_shows_only_the_allowed_facts(certificate, client):
    """Does the public page show status, first name + initial, workshop, date and venue only?"""
    response = client.get(f"/verify/{certificate.code}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Válida" in html
    assert "Ángela Ñ." in html
    assert "Cultura de paz" in html
    assert "I.E. Fe y Alegría 25" in html
    assert certificate.workshop.starts_at.astimezone().strftime("%Y") in html
    for hidden in ("Castañeda", "Ñahui", "5.º", "ST-998877", "0123456", "La Chola",
                   "Rosa Legal", "San Juan de Lurigancho"):
        assert hidden not in html, hidden
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_speaker_certificate_verifies_with_the_alias(certificate, db, client):
    """Does a speaker certificate show the alias, never the legal name?"""
    speaker = certificate.workshop.speakers[0]
    cert = Certificate(kind=CertificateKind.SPEAKER, workshop=certificate.workshop,
                       speaker=speaker, issued_on=date(2026, 3, 15))
    db.session.add(cert)
    db.session.commit()
    html = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert "La Chola" in html and "Rosa Legal" not in html


def test_revoked_certificate_verifies_as_revoked(certificate, db, client):
    """Does a revoked certificate say so, with the date, and never 'valid'?"""
    certificate.revoked_at = utcnow()
    certificate.revoke_reason = "Error"
    db.session.commit()
    html = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Anulada" in html and "Válida" not in html
    assert certificate.revoked_at.astimezone().strftime("/%Y") in html
    assert "Error" not in html


def test_unknown_code_is_a_plain_not_found(client):
    """Does an unknown or malformed code get a 404 page that reveals nothing?"""
    response = client.get("/verify/AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH")
    assert response.status_code == 404
    assert "Ninguna constancia tiene este código" in response.get_data(as_text=True)
    assert client.get("/verify/not-a-code").status_code == 404


def test_typed_code_is_normalised(certificate, client):
    """Does a code typed in lower case with spaces and no dashes still find the certificate?"""
    typed = certificate.code.replace("-", " ").lower()
    response = client.get("/verify", query_string={"code": typed})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/verify/{certificate.code}"
    response = client.get(f"/verify/{certificate.code.replace('-', '').lower()}")
    assert response.headers["Location"] == f"/verify/{certificate.code}"


def test_form_explains_a_malformed_code(client):
    """Does the form show a message next to the field for a code of the wrong shape?"""
    response = client.get("/verify", query_string={"code": "12345"})
    assert response.status_code == 200
    assert "no es un código de verificación válido" in response.get_data(as_text=True)


def test_lookups_are_rate_limited_per_address(certificate, app, client):
    """After the allowed number of lookups, does the page answer 429 (see test_ratelimit)?"""
    limit = app.config["VERIFY_MAX_LOOKUPS_PER_ADDRESS"]
    for _n in range(limit):
        assert client.get(f"/verify/{certificate.code}").status_code == 200
    assert client.get(f"/verify/{certificate.code}").status_code == 429
    other = client.get(f"/verify/{certificate.code}",
                       environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200
