"""Certificates: issuing, packs, single downloads, revocation and access."""
import io
import re
import subprocess

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from youthagainstguns.audit.models import AuditEvent
from youthagainstguns.auth.models import Role
from youthagainstguns.certificates.models import Certificate, CertificateKind
from youthagainstguns.workshops.models import AttendanceStatus, WorkshopStatus

P, L, E, A = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED,
              AttendanceStatus.ABSENT)


def _issue(client, auth, workshop, language="es"):
    token = auth.csrf_token(f"/workshops/{workshop.id}/certificates")
    return client.post(f"/workshops/{workshop.id}/certificates/issue",
                       data={"csrf_token": token, "language": language})


def _certificates(db, workshop):
    return db.session.scalars(sa.select(Certificate).where(
        Certificate.workshop_id == workshop.id).order_by(Certificate.id)).all()


def _pages_text(body: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


def _qr_on_page(body: bytes, page: int, tmp_path) -> list[str]:
    """Rasterise one page with pdftoppm and decode its QR codes."""
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(body)
    # S603/S607: a fixed argument list and no shell; pdftoppm is found on PATH on purpose.
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", str(page), "-l", str(page),  # noqa: S603, S607
                    "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    return [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))]


@pytest.fixture
def held(make):
    """A held workshop at a school with one student per attendance status and a speaker."""
    school = make.school(name="I.E. José María Arguedas")
    speaker = make.speaker(alias="El Flaco", legal_name="Juan Pérez Secreto")
    workshop, students = make.class_of(school, [P, A, L, E, None], speakers=[speaker])
    return workshop, students, speaker


def test_issue_gives_present_and_late_students_and_speakers_one_each(held, db, client, auth,
                                                                     login_as):
    """Do absent, excused and unmarked students go without, and does re-issuing duplicate?"""
    workshop, students, speaker = held
    login_as(Role.COORDINATOR)
    response = _issue(client, auth, workshop)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/workshops/{workshop.id}/certificates")
    issued = _certificates(db, workshop)
    assert {c.student_id for c in issued if c.student_id} == {students[0].id, students[2].id}
    assert [c.speaker_id for c in issued if c.speaker_id] == [speaker.id]
    assert {c.language for c in issued} == {"es"}

    _issue(client, auth, workshop, "en")
    assert len(_certificates(db, workshop)) == 3
    page = client.get(f"/workshops/{workshop.id}/certificates").get_data(as_text=True)
    assert "no se agregó ninguna" in page
    assert db.session.scalar(sa.select(sa.func.count()).where(
        AuditEvent.action == "certificate.issue")) == 2


def test_reissue_adds_only_students_marked_later(held, make, db, client, auth, login_as):
    """When attendance is corrected after issuing, does re-issuing add just the new one?"""
    workshop, students, _speaker = held
    login_as(Role.COORDINATOR)
    _issue(client, auth, workshop)
    first_codes = {c.code for c in _certificates(db, workshop)}
    workshop.roster[1].status = AttendanceStatus.LATE
    db.session.commit()
    _issue(client, auth, workshop, "en")
    issued = _certificates(db, workshop)
    assert len(issued) == 4
    assert first_codes < {c.code for c in issued}
    assert [c.language for c in issued if c.student_id == students[1].id] == ["en"]


def test_no_certificates_before_the_workshop_is_held(make, db, client, auth, login_as):
    """Can certificates be issued for a workshop that has not happened?"""
    school = make.school()
    workshop, _students = make.class_of(school, [P, P], status=WorkshopStatus.SCHEDULED)
    login_as(Role.COORDINATOR)
    response = _issue(client, auth, workshop)
    assert response.status_code == 302
    assert _certificates(db, workshop) == []
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "solo se pueden emitir para talleres realizados" in page


def test_pack_has_one_page_per_valid_certificate_in_roster_order(held, make, db, client, auth,
                                                                 login_as, tmp_path):
    """Does the pack list names and codes in roster order, skip revoked ones, and carry a QR
    code that opens the verification page?"""
    workshop, students, _speaker = held
    extra_workshop, extra = make.class_of(workshop.venue, [P, P], workshop=workshop)
    login_as(Role.COORDINATOR)
    _issue(client, auth, workshop)
    by_student = {c.student_id: c for c in _certificates(db, workshop) if c.student_id}
    revoked = by_student[extra[0].id]
    token = auth.csrf_token(f"/certificates/{revoked.id}/revoke")
    client.post(f"/certificates/{revoked.id}/revoke",
                data={"csrf_token": token, "reason": "Datos equivocados"})

    response = client.get(f"/workshops/{workshop.id}/certificates.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    pages = _pages_text(response.data)
    expected = [students[0], students[2], extra[1]]
    assert len(pages) == len(expected) + 1  # the speaker's certificate comes last
    assert "El Flaco" in pages[-1] and "Secreto" not in pages[-1]
    for text, student in zip(pages, expected, strict=False):
        assert student.full_name in text
        assert by_student[student.id].code in text
        assert "CONSTANCIA DE ASISTENCIA" in text
        assert "El Flaco" in text and "Secreto" not in text
    assert revoked.code not in "".join(pages)
    code = by_student[students[2].id].code
    assert _qr_on_page(response.data, 2, tmp_path) == [f"http://127.0.0.1:5000/verify/{code}"]
    assert db.session.scalar(sa.select(sa.func.count()).where(
        AuditEvent.action == "certificate.download")) == 1


def test_single_certificate_in_english_names_the_speaker_by_alias(held, db, client, auth,
                                                                  login_as, tmp_path):
    """Is an English certificate worded and dated in English, with the alias and a QR code?"""
    workshop, _students, _speaker = held
    login_as(Role.COORDINATOR)
    _issue(client, auth, workshop, "en")
    speaker_cert = next(c for c in _certificates(db, workshop) if c.kind == CertificateKind.SPEAKER)
    response = client.get(f"/certificates/{speaker_cert.id}.pdf")
    assert response.status_code == 200
    (text,) = _pages_text(response.data)
    assert "CERTIFICATE OF PARTICIPATION AS A SPEAKER" in text
    assert "El Flaco" in text and "Juan Pérez" not in text
    held_on = workshop.starts_at
    assert re.search(rf"{held_on.strftime('%B')} \d{{1,2}}, {held_on.year}", text)
    assert _qr_on_page(response.data, 1, tmp_path) == [
        f"http://127.0.0.1:5000/verify/{speaker_cert.code}"]


def test_school_contact_gets_only_their_own_schools_certificates(held, make, db, client, auth,
                                                                 login_as):
    """Can a school contact download another school's pack or certificate?"""
    workshop, _students, _speaker = held
    login_as(Role.COORDINATOR)
    _issue(client, auth, workshop)
    certificate = next(c for c in _certificates(db, workshop) if c.student_id)
    auth.logout()
    login_as(Role.SCHOOL, school=make.school(name="Otro colegio"))
    assert client.get(f"/workshops/{workshop.id}/certificates.pdf").status_code == 403
    assert client.get(f"/certificates/{certificate.id}.pdf").status_code == 403
    assert client.get(f"/workshops/{workshop.id}/certificates").status_code == 403
    auth.logout()
    login_as(Role.SCHOOL, school=workshop.venue)
    assert client.get(f"/workshops/{workshop.id}/certificates.pdf").status_code == 200
    assert client.get(f"/certificates/{certificate.id}.pdf").status_code == 200


def test_school_contact_gets_the_pack_of_a_community_centre_workshop_its_students_attended(make,
                                                                                           db,
                                                                                           client,
                                                                                           auth,
                                                                                           login_as):
    """When a school's students attend at a community centre, does that school get the pack,
    and no other school?"""
    from youthagainstguns.schools.models import VenueKind

    centre = make.school(name="Casa de la Juventud", kind=VenueKind.COMMUNITY_CENTRE)
    school = make.school(name="I.E. Vecina")
    workshop = make.held_workshop(venue=centre)
    make.class_of(school, [AttendanceStatus.PRESENT], workshop=workshop)
    login_as(Role.COORDINATOR)
    _issue(client, auth, workshop)
    auth.logout()
    login_as(Role.SCHOOL, school=school)
    assert client.get(f"/workshops/{workshop.id}/certificates.pdf").status_code == 200
    auth.logout()
    login_as(Role.SCHOOL, school=make.school(name="Otro colegio"))
    assert client.get(f"/workshops/{workshop.id}/certificates.pdf").status_code == 403


def test_revoking_needs_a_reason(held, db, client, auth, login_as):
    """Is a revocation without a reason refused, with the message next to the field?"""
    workshop, _students, _speaker = held
    login_as(Role.COORDINATOR)
    _issue(client, auth, workshop)
    certificate = _certificates(db, workshop)[0]
    token = auth.csrf_token(f"/certificates/{certificate.id}/revoke")
    response = client.post(f"/certificates/{certificate.id}/revoke",
                           data={"csrf_token": token, "reason": ""})
    assert response.status_code == 200
    assert "field-error" in response.get_data(as_text=True)
    db.session.refresh(certificate)
    assert certificate.revoked_at is None


def test_workshop_certificate_list_runs_few_queries(make, db, client, auth, login_as,
                                                    count_queries):
    """Does the certificate list stay at a bounded number of queries with many students?"""
    school = make.school()
    workshop, _students = make.class_of(school, [P] * 40)
    login_as(Role.COORDINATOR)
    _issue(client, auth, workshop)
    with count_queries() as counter:
        response = client.get(f"/workshops/{workshop.id}/certificates")
    assert response.status_code == 200
    assert response.get_data(as_text=True).count("/revoke") == 25
    assert counter["n"] <= 12


def test_panel_offers_issue_pack_and_revoke_to_staff(held, app, db, client, auth, login_as):
    """Does the workshop-page panel show the issue form, the pack and revoke links to staff?"""
    workshop, _students, _speaker = held
    login_as(Role.COORDINATOR)
    _issue(client, auth, workshop)
    with app.test_request_context():
        from flask import render_template_string
        from flask_login import login_user

        from youthagainstguns.auth.models import User

        login_user(db.session.scalar(sa.select(User).where(User.role == Role.COORDINATOR)))
        html = render_template_string('{% include "certificates/_workshop_panel.html" %}',
                                      workshop=workshop)
    assert f"/workshops/{workshop.id}/certificates/issue" in html
    assert f"/workshops/{workshop.id}/certificates.pdf" in html
    assert html.count("/revoke") == 3


def test_nothing_to_pack_redirects_with_a_message(make, client, login_as):
    """Does a pack with no certificates explain itself instead of sending an empty PDF?"""
    workshop = make.held_workshop()
    login_as(Role.COORDINATOR)
    response = client.get(f"/workshops/{workshop.id}/certificates.pdf", follow_redirects=True)
    assert "No hay constancias válidas" in response.get_data(as_text=True)

