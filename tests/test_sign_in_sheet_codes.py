"""The sign-in sheet carries the QR codes of the workshop's surveys whose links can open,
labelled and with the short link, read back from the PDF; none without a survey, with the
guardians not informed, or once a link has closed."""
import io
import subprocess
from datetime import timedelta

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from tests.test_surveys import attach, make_questionnaire
from youthagainstguns.auth.models import Role
from youthagainstguns.surveys.models import SurveyPhase
from youthagainstguns.timeutil import utcnow
from youthagainstguns.workshops.models import WorkshopStatus


def sheet(client, workshop) -> bytes:
    response = client.get(f"/workshops/{workshop.id}/sign-in-sheet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return response.data


def read_codes(body: bytes, tmp_path) -> list[str]:
    """Rasterise the sheet's first page with pdftoppm and decode its QR codes, left first."""
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(body)
    # S603/S607: a fixed argument list and no shell; pdftoppm is found on PATH on purpose.
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1",  # noqa: S603, S607
                    "-singlefile", str(pdf), str(tmp_path / "sheet")], check=True)
    found = zxingcpp.read_barcodes(Image.open(tmp_path / "sheet.png"))
    return [code.text for code in sorted(found, key=lambda code: code.position.top_left.x)]


def link(app, survey) -> str:
    """Return the survey's public link, as printed."""
    return f"{app.config['PUBLIC_BASE_URL'].rstrip('/')}/e/{survey.token}"


def text_of(body: bytes) -> str:
    """Return the text of every page."""
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.fixture
def surveyed(db, make):
    """A workshop starting in half an hour, guardians informed, with one student, asked a
    questionnaire before and after: both links can still open."""
    workshop = make.workshop(guardians_informed=True, title="Taller con códigos")
    workshop.starts_at = utcnow() + timedelta(minutes=30)
    workshop.ends_at = workshop.starts_at + timedelta(hours=2)
    make.roster(workshop, 1)
    questionnaire = make_questionnaire(db)
    before = attach(db, workshop, questionnaire, SurveyPhase.BEFORE)
    after = attach(db, workshop, questionnaire, SurveyPhase.AFTER)
    return dict(workshop=workshop, before=before, after=after)


def test_the_sheet_carries_each_survey_s_qr_code_labelled_with_its_link(
        app, surveyed, client, login_as, tmp_path):
    """Does the sheet hold two QR codes that decode to the before and after links, each
    printed beside its label and short link?"""
    login_as(Role.COORDINATOR)
    body = sheet(client, surveyed["workshop"])
    links = [link(app, surveyed[phase]) for phase in ("before", "after")]
    assert read_codes(body, tmp_path) == links
    # A link may wrap at its last slash: compare without the line breaks.
    text = "".join(text_of(body).split())
    assert all(link in text for link in links)
    assert text.index(links[0]) < text.index(links[1])
    # The label, in English until the Spanish is merged.
    assert "Surveybefore" in text or "Encuestaantes" in text


def test_a_school_contact_s_sheet_carries_the_codes_too(surveyed, client, login_as, tmp_path):
    """Does the school's contact, who prints the sheet for the class, get the same codes?"""
    login_as(Role.SCHOOL, school=surveyed["workshop"].venue)
    assert len(read_codes(sheet(client, surveyed["workshop"]), tmp_path)) == 2


@pytest.mark.parametrize("case", ["no survey", "guardians not informed", "draft",
                                  "before closed"])
def test_no_code_for_a_link_that_cannot_open(case, app, db, make, surveyed, client,
                                             login_as, tmp_path):
    """Without a survey, with the guardians not informed, or a draft workshop, is there no
    code; once the workshop has started, is only the "after" link printed?"""
    workshop = make.workshop(guardians_informed=True) if case == "no survey" else (
        surveyed["workshop"])
    if case == "guardians not informed":
        workshop.guardians_informed = False
    elif case == "draft":
        workshop.status = WorkshopStatus.DRAFT
    elif case == "before closed":
        workshop.starts_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    login_as(Role.COORDINATOR)
    body = sheet(client, workshop)
    expected = [link(app, surveyed["after"])] if case == "before closed" else []
    assert read_codes(body, tmp_path) == expected
    assert ("/e/" in text_of(body)) == bool(expected)
