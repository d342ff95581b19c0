"""A student answers a workshop's survey on a cheap phone over a slow connection, without
JavaScript; the coordinator then sees the answer counted, beside a QR code that reads back as
the link, and once four classmates have answered too, the results: a chart and its figures."""
import io
import time
from datetime import timedelta

import sqlalchemy as sa
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.test_surveys import ITEMS, attach, make_questionnaire
from youthagainstguns.auth.models import Role
from youthagainstguns.surveys import services
from youthagainstguns.surveys.models import SurveyPhase, SurveyResponse
from youthagainstguns.timeutil import today_lima, utcnow

# A slow mobile connection: 400 ms round trips, 400 kbit/s down, 150 kbit/s up.
SLOW_NETWORK = {"offline": False, "latency": 400, "downloadThroughput": 50_000,
                "uploadThroughput": 19_000}


def test_a_student_answers_on_a_slow_phone_and_the_coordinator_sees_it(
        browser, live_server, signed_in, make, db, screenshot):
    """Does the page load quickly at 390x844 on a slow network with JavaScript off, fit the
    screen, pass axe, take the answers with a code, and does the coordinator see one
    response on the workshop's surveys page; with four more, the results' chart and
    figures, on a phone and on a wide screen?"""
    workshop = make.workshop(guardians_informed=True, title="Decisiones que salvan vidas")
    workshop.starts_at = utcnow() + timedelta(minutes=30)
    workshop.ends_at = workshop.starts_at + timedelta(hours=2)
    db.session.commit()
    questionnaire = make_questionnaire(db)
    survey = attach(db, workshop, questionnaire, SurveyPhase.BEFORE)

    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, locale="es-PE", timezone_id="America/Lima",
                                  java_script_enabled=False, base_url=live_server)
    page = context.new_page()
    network = context.new_cdp_session(page)
    network.send("Network.enable")
    network.send("Network.emulateNetworkConditions", SLOW_NETWORK)
    started = time.monotonic()
    page.goto(f"/e/{survey.token}")
    loaded = time.monotonic() - started
    assert loaded < 5, f"{loaded:.1f} s to load on the slow network"
    expect(page.get_by_text(ITEMS[0][1])).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "survey-answer-390")
    page.fill("#mother_initial", "m")
    page.fill("#birth_day", "7")
    page.fill("#phone_digit", "4")
    page.get_by_role("group", name=ITEMS[0][1]).get_by_label("De acuerdo", exact=True).check()
    page.get_by_role("group", name=ITEMS[1][1]).get_by_label("Sí", exact=True).check()
    page.get_by_label(ITEMS[2][1]).fill("Que puedo pedir ayuda.")
    page.get_by_role("button", name="Enviar mis respuestas").click()
    expect(page).to_have_url(f"{live_server}/e/{survey.token}/thanks")
    screenshot(page, "survey-thanks-390")
    context.close()
    # axe runs as a script: it checks the page in a context of its own, JavaScript on.

    db.session.expire_all()
    saved = db.session.scalar(sa.select(SurveyResponse))
    assert saved.code == "M074" and len(saved.answers) == 3

    checked = browser.new_context(viewport={"width": 390, "height": 844}, locale="es-PE",
                                  base_url=live_server)
    axe_page = checked.new_page()
    axe_page.goto(f"/e/{survey.token}")
    assert axe_violations(axe_page) == []
    checked.close()

    coordinator = make.user(Role.COORDINATOR)
    staff = signed_in(coordinator.email, 390, 844)
    staff.goto(f"/workshops/{workshop.id}/surveys")
    expect(staff.locator("[data-phase=before]")).to_contain_text("1")
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(staff, "survey-workshop-390")
    shown = staff.locator("[data-phase=before] .survey-link-url").inner_text()
    qr = Image.open(io.BytesIO(staff.locator("[data-phase=before] svg.qr").screenshot()))
    assert [code.text for code in zxingcpp.read_barcodes(qr)] == [shown]
    assert shown.endswith(f"/e/{survey.token}")
    staff.goto(f"/questionnaires/{questionnaire.id}")
    expect(staff.locator(".item-list li")).to_have_count(len(ITEMS))
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(staff, "survey-questionnaire-390")

    # Four classmates answer too (through the service: the page was tried above). The
    # student answered 4 ("De acuerdo") and yes; with them, 4, 5, 3, 2 and yes, yes, no, yes.
    scale, yes_no, _text = survey.version.items
    for value, yes in ((4, 1), (5, 1), (3, 0), (2, 1)):
        services.save_response(survey, None, {scale.id: value, yes_no.id: yes},
                               answered_on=today_lima())
    db.session.commit()
    staff.goto(f"/workshops/{workshop.id}/surveys/results")
    expect(staff.locator("[data-responses=before] .stat-n")).to_have_text("5")
    first = staff.locator("[data-question='1']")
    expect(first.locator("svg.chart")).to_be_visible()
    expect(first.locator("[data-count='before-4']")).to_contain_text("2 (40")
    expect(first.locator("[data-count='before-1']")).to_contain_text("0 (0")
    expect(staff.locator("[data-question='2'] [data-count='before-1']")).to_contain_text(
        "4 (80")
    assert staff.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(staff, "survey-results-390")
    wide = signed_in(coordinator.email, 1280, 900)
    wide.goto(f"/workshops/{workshop.id}/surveys/results")
    expect(wide.locator("[data-distribution='1']")).to_be_visible()
    screenshot(wide, "survey-results-1280")
    # The menu's period results, this week's: the same five answers, and their PDF.
    wide.get_by_role("link", name="Resultados de las encuestas").click()
    expect(wide).to_have_url(f"{live_server}/surveys/results")
    today = today_lima()
    wide.goto(f"/surveys/results?start={today}&end={today + timedelta(days=7)}")
    expect(wide.locator("[data-responses=before] .stat-n")).to_have_text("5")
    expect(wide.locator("a[data-download=pdf]")).to_have_attribute(
        "href", f"/surveys/results.pdf?start={today}&end={today + timedelta(days=7)}")
    screenshot(wide, "survey-period-1280")
