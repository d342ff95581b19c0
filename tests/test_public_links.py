"""Links that point home: absolute URLs come from PUBLIC_BASE_URL, never from the request.

Every request here forges Host and X-Forwarded-Host, with a proxy configured in front, as an
attacker who wants a QR code or a password link to point at their own site would.
"""
import io
import re
import subprocess

import pytest
import sqlalchemy as sa
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from tests.conftest import current_code
from youthagainstguns.auth.models import Role
from youthagainstguns.certificates.models import Certificate
from youthagainstguns.demo import DEMO_PASSWORD
from youthagainstguns.workshops.models import AttendanceStatus

BASE = "https://yag.example.net/campana"
FORGED = {"Host": "evil.example.com", "X-Forwarded-Host": "evil.example.com",
          "X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "http"}


@pytest.fixture(autouse=True)
def public_address(app, monkeypatch):
    """A public address with a path, behind one proxy, for every test of this module."""
    from youthagainstguns import register_proxy

    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", BASE + "/")
    monkeypatch.setitem(app.config, "PROXY_HOPS", 1)
    monkeypatch.setattr(app, "wsgi_app", app.wsgi_app)
    register_proxy(app)


def _csrf(client, path: str) -> str:
    html = client.get(path, headers=FORGED).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def _log_in(client, make, role=Role.COORDINATOR) -> None:
    """Log in under the forged Host (the test client keeps cookies per host name)."""
    user = make.user(role)
    response = client.post("/login", headers=FORGED, data={
        "email": user.email, "password": DEMO_PASSWORD, "csrf_token": _csrf(client, "/login")})
    if response.headers["Location"].endswith("/login/two-step"):  # staff: the phone's code
        response = client.post("/login/two-step", headers=FORGED, data={
            "code": current_code(user.email), "csrf_token": _csrf(client, "/login/two-step")})
    assert response.status_code == 302


def _qr_codes(body: bytes, tmp_path) -> list[str]:
    """Rasterise the first page with pdftoppm and decode its QR codes."""
    pdf = tmp_path / "doc.pdf"
    pdf.write_bytes(body)
    # S603/S607: a fixed argument list and no shell; pdftoppm is found on PATH on purpose.
    subprocess.run(["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile",  # noqa: S603, S607
                    str(pdf), str(tmp_path / "page")], check=True)
    return [r.text for r in zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))]


def _first_page_text(body: bytes) -> str:
    return PdfReader(io.BytesIO(body)).pages[0].extract_text()


@pytest.mark.parametrize("kind", ["single", "pack"])
def test_certificate_qr_and_printed_address_point_at_the_public_site(make, db, client, tmp_path,
                                                                     kind):
    """With a forged Host, do the QR code and the printed verification address still point
    at PUBLIC_BASE_URL (its path included)?"""
    workshop, _students = make.class_of(make.school(), [AttendanceStatus.PRESENT])
    _log_in(client, make)
    path = f"/workshops/{workshop.id}/certificates"
    client.post(f"{path}/issue", headers=FORGED,
                data={"csrf_token": _csrf(client, path), "language": "es"})
    certificate = db.session.scalar(sa.select(Certificate).where(
        Certificate.workshop_id == workshop.id))
    url = (f"/certificates/{certificate.id}.pdf" if kind == "single"
           else f"/workshops/{workshop.id}/certificates.pdf")
    response = client.get(url, headers=FORGED)
    assert response.status_code == 200
    assert _qr_codes(response.data, tmp_path) == [f"{BASE}/verify/{certificate.code}"]
    text = re.sub(r"\s+", "", _first_page_text(response.data))
    assert "yag.example.net/campana/verify" in text
    assert "evil.example.com" not in text and "127.0.0.1" not in text


def test_feed_url_points_at_the_public_site(client, make):
    """With a forged Host, is the calendar feed address still under PUBLIC_BASE_URL?"""
    _log_in(client, make)
    html = client.post("/workshops/feed/regenerate", headers=FORGED,
                       data={"csrf_token": _csrf(client, "/workshops/feed")}).get_data(as_text=True)
    (feed_url,) = re.findall(r'id="feed-url" value="([^"]+)"', html)
    assert re.fullmatch(rf"{re.escape(BASE)}/feeds/[\w-]+\.ics", feed_url)
    calendar = client.get(feed_url.removeprefix(BASE), headers=FORGED)
    assert calendar.status_code == 200 and calendar.mimetype == "text/calendar"


def test_set_password_links_on_screen_point_at_the_public_site(client, make, today):
    """With a forged Host, do the one-time links shown to staff point at PUBLIC_BASE_URL?"""
    _log_in(client, make)
    account = client.post("/users/new", headers=FORGED, data={
        "full_name": "Rosa Quispe", "email": "rosa@example.org", "role": "mentor",
        "school_id": "0", "speaker_id": "0", "csrf_token": _csrf(client, "/users/new")})
    mentor = client.post("/mentoring/mentors/new", headers=FORGED, data={
        "user_id": "0", "full_name": "Marco Mentor", "email": "marco@example.org",
        "application_date": today.isoformat(), "district": "Comas", "max_mentees": "2",
        "csrf_token": _csrf(client, "/mentoring/mentors/new")})
    for response in (account, mentor):
        assert response.status_code == 200
        links = re.findall(r'(https?://[^"<\s]+/set-password/[^"<\s]+)',
                           response.get_data(as_text=True))
        assert links and all(link.startswith(f"{BASE}/set-password/") for link in links)
