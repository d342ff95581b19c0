"""Certificate counts agree: the workshop page says how many valid student and speaker
certificates there are, and the pack (read back with pypdf) holds exactly those, its file
named after them; a school contact's pack and count leave speakers out."""
import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from youthagainstguns.auth.models import Role
from youthagainstguns.certificates.models import Certificate
from youthagainstguns.workshops.models import AttendanceStatus

P, A = AttendanceStatus.PRESENT, AttendanceStatus.ABSENT


@pytest.fixture
def issued(make, client, auth, login_as, db):
    """A held workshop with two speakers, four present students (one certificate revoked)
    and one absent; certificates issued by a coordinator, who stays logged in."""
    school = make.school(name="I.E. Santa Rosa")
    speakers = [make.speaker(alias="El Flaco"), make.speaker(alias="La Voz")]
    workshop, students = make.class_of(school, [P, P, P, P, A], speakers=speakers)
    login_as(Role.COORDINATOR)
    client.post(f"/workshops/{workshop.id}/certificates/issue", data={
        "csrf_token": auth.csrf_token(f"/workshops/{workshop.id}/certificates"),
        "language": "es"})
    revoked = db.session.scalar(sa.select(Certificate).where(
        Certificate.student_id == students[3].id))
    client.post(f"/certificates/{revoked.id}/revoke", data={
        "csrf_token": auth.csrf_token(f"/certificates/{revoked.id}/revoke"),
        "reason": "Datos equivocados"})
    return workshop, students, school


def _pack(client, workshop):
    response = client.get(f"/workshops/{workshop.id}/certificates.pdf")
    assert response.status_code == 200
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages]
    return response.headers["Content-Disposition"], pages


def test_page_and_pack_count_the_same_students_and_speakers(issued, client):
    """Does the workshop page say 3 students and 2 speakers, the download link "5 constancias
    (3 estudiantes, 2 ponentes)", and the pack hold exactly those 5 pages, so named?"""
    workshop, students, _school = issued
    html = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    panel = html[html.index('class="certificates-panel"'):]
    assert re.search(r'class="pack-contents">[^<]*3 estudiantes, 2 ponentes', panel)
    link = re.search(rf'<a href="/workshops/{workshop.id}/certificates.pdf"[^>]*>([^<]+)</a>',
                     panel).group(1)
    assert re.search(r"\b5 \w+ \(3 estudiantes, 2 ponentes\)", link)
    disposition, pages = _pack(client, workshop)
    assert f'filename="taller-{workshop.id}-constancias-3-estudiantes-2-ponentes.pdf"' \
        in disposition
    assert len(pages) == 5
    assert [s.full_name in pages[n] for n, s in enumerate(students[:3])] == [True] * 3
    speaker_pages = [p for p in pages if "COMO PONENTE" in p]
    assert pages[3:] == speaker_pages and "El Flaco" in pages[3] and "La Voz" in pages[4]
    assert students[3].full_name not in "".join(pages)


def test_school_contact_counts_and_gets_only_their_pupils(issued, client, auth, login_as):
    """Does the school's panel count its 3 pupils and no speaker, as its pack holds?"""
    workshop, students, school = issued
    auth.logout()
    login_as(Role.SCHOOL, school=school)
    html = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    panel = html[html.index('class="certificates-panel"'):]
    assert re.search(r'class="pack-contents">[^<]*3 estudiantes\.', panel)
    assert "ponente" not in panel.split("</section>")[0].lower()
    disposition, pages = _pack(client, workshop)
    assert f'filename="taller-{workshop.id}-constancias-3-estudiantes.pdf"' in disposition
    assert len(pages) == 3 and "COMO PONENTE" not in "".join(pages)
