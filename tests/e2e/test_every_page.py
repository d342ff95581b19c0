"""Every page of every role, on a 390 px phone: no sideways scrolling and no axe-core violation
of moderate impact or above; and no sideways scrolling on a 1280 px desktop either."""
import os
import time

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.access import ROLES
from tests.access.world import build_world, routes, url_for_rule
from tests.e2e.conftest import BLOCKING, log_in
from youthagainstguns.auth.models import Role
from youthagainstguns.workshops.models import AttendanceStatus

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}
# Routes whose GET is not a page to look at.
NOT_PAGES = {"auth.logout", "static"}
DOCTYPE = b"<!doctype html>"
# To keep the crawl fast, axe checks a page once per audience that gets the same markup; widths
# are checked for every role. Admins and coordinators get the same pages (an admin a button
# more), and the account, privacy and verification pages are the same for everyone.
AXE_AUDIENCE = {"admin": "staff", "coordinator": "staff"}
SAME_FOR_EVERYONE = {"auth.two_step_account", "auth.two_step_setup", "auth.change_password",
                     "auth.notifications_page", "privacy.policy", "certificates.verify_form",
                     "certificates.verify"}


def _session_cookie(client, auth, user) -> str | None:
    """Log the user in through the real forms (second step included); return the cookie."""
    client.delete_cookie("session")
    if user is None:
        return None
    assert auth.login(user.email).status_code == 302
    return client.get_cookie("session").value


def _html_pages(app, client, world) -> list[tuple[str, str]]:
    """Return (endpoint, url) of every GET route that answers this client 200 with a page."""
    pages = []
    for endpoint, rule, method in routes(app):
        if method != "GET" or endpoint in NOT_PAGES:
            continue
        url = url_for_rule(app, rule, world)
        response = client.get(url)
        # A page, not a file or a fragment that a page fetches.
        if response.status_code == 200 and response.data.lstrip()[:15].lower() == DOCTYPE:
            pages.append((endpoint, url))
    return pages


# Boxes that scroll sideways inside the page: a table hidden in one still cuts columns off.
SIDEWAYS_BOXES = """() => [...document.querySelectorAll("main *")].filter((box) =>
  ["auto", "scroll"].includes(getComputedStyle(box).overflowX)
  && box.scrollWidth > box.clientWidth + 1).map((box) => box.tagName.toLowerCase()
  + (box.className ? "." + String(box.className).trim().split(/ +/).join(".") : ""))"""


def _blocking(page) -> list[str]:
    """Run axe-core (loaded into every page of the context) and return what blocks a page."""
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
            for v in results["violations"] if v["impact"] in BLOCKING]


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _check_role(browser, base_url: str, cookie: str | None, pages, axed: set,
                audience: str) -> list[str]:
    """Visit each page in one phone-sized context; return what is wrong, page by page.
    Pages in `axed` were already checked by axe (each one checked here is added)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  locale="es-PE", timezone_id="America/Lima")
    context.add_init_script(Axe().axe_script)
    if cookie:
        context.add_cookies([{"name": "session", "value": cookie, "url": base_url}])
    page = context.new_page()
    problems = []
    for endpoint, url in pages:
        response = page.goto(f"{base_url}{url}")
        if response is None or response.status != 200:
            status = response and response.status
            problems.append(f"{endpoint} {url}: status {status} in the browser")
            continue
        wrong = []
        if (phone := _width(page)) > PHONE["width"]:
            wrong.append(f"{phone} px wide at 390")
        if boxes := page.evaluate(SIDEWAYS_BOXES):
            wrong.append(f"scrolls sideways inside {', '.join(boxes)} at 390")
        key = endpoint if endpoint in SAME_FOR_EVERYONE else (audience, endpoint)
        if key not in axed and (found := _blocking(page)):
            wrong.append(f"axe: {'; '.join(found)}")
        axed.add(key)
        page.set_viewport_size(DESKTOP)
        if (desktop := _width(page)) > DESKTOP["width"]:
            wrong.append(f"{desktop} px wide at 1280")
        page.set_viewport_size(PHONE)
        if wrong:
            problems.append(f"{endpoint} {url}: {', '.join(wrong)}")
    context.close()
    return problems


# Widths and axe-core judge markup and CSS, which do not depend on the database engine: the
# crawl (~100 s) runs in the SQLite pass only. The access matrix and the English-word crawl,
# which read every page's content, run on both engines.
@pytest.mark.skipif(os.environ.get("TEST_DB") == "postgresql",
                    reason="layout does not depend on the engine; checked in the SQLite pass")
def test_every_page_fits_a_phone_and_passes_axe(app, make, auth, client, browser, live_server):
    """Does any page of any role scroll sideways at 390 or 1280 px, or have an accessibility
    violation of moderate impact or above?"""
    started = time.monotonic()
    world, users = build_world(make)
    failures, visited, axed = [], {}, set()
    for role in ROLES:
        cookie = _session_cookie(client, auth, users.get(role))
        pages = _html_pages(app, client, world)
        visited[role] = len(pages)
        failures += [f"{role}: {problem}"
                     for problem in _check_role(
                         browser, live_server, cookie, pages, axed, AXE_AUDIENCE.get(role, role))]
    assert min(visited.values()) > 3, f"the crawl reached almost nothing: {visited}"
    assert not failures, (f"{len(failures)} pages fail ({visited} pages visited, "
                          f"{time.monotonic() - started:.0f} s):\n" + "\n".join(failures))


def test_phone_menu_works_from_the_keyboard(phone, live_server, make):
    """On a phone, can someone without a pointer reach the menu button, open it, focus every
    section link in turn, and close it again with Escape?"""
    log_in(phone, live_server, make.user(Role.COORDINATOR).email)
    links = phone.locator("nav.sections a")
    names = links.all_text_contents()
    assert len(names) >= 9
    toggle = phone.get_by_role("button", name="Menú")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(links.first).to_be_hidden()
    for _ in range(8):
        phone.keyboard.press("Tab")
        if toggle.evaluate("button => button === document.activeElement"):
            break
    expect(toggle).to_be_focused()
    phone.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    focused = []
    for _ in names:
        phone.keyboard.press("Tab")
        focused.append(phone.evaluate("document.activeElement.textContent"))
    assert focused == names
    phone.keyboard.press("Escape")
    expect(toggle).to_be_focused()
    expect(links.first).to_be_hidden()


# Words of the totals' labels that a line break cuts in two ("emparejamiento / s").
SPLIT_WORDS = """() => [...document.querySelectorAll(".stat > span:last-child")]
.flatMap((label) => {
  const text = label.firstChild, range = document.createRange(), split = [];
  for (const word of text.data.matchAll(/\\S+/g)) {
    range.setStart(text, word.index);
    range.setEnd(text, word.index + word[0].length);
    if (range.getClientRects().length > 1) split.push(word[0]);
  }
  return split;
})"""


# The size each text of the chart is drawn at: its font size times the SVG's scale.
CHART_TYPE_SIZES = """() => [...document.querySelectorAll("svg.chart")].flatMap((svg) => {
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll("text")].map(
    (text) => parseFloat(getComputedStyle(text).fontSize) * scale);
})"""


def test_program_totals_read_on_a_phone(phone, live_server, make):
    """On a phone, do the totals keep their words whole, is every text of the chart (month
    labels, values, titles) drawn at 12 px or more (an SVG scaled down to the screen drew
    them at ~6 px), are its bars in the program's green, and does nothing scroll sideways?"""
    phone.set_viewport_size(PHONE)
    make.class_of(make.school(), [AttendanceStatus.PRESENT] * 6, days_ago=0)  # this month
    log_in(phone, live_server, make.user(Role.COORDINATOR).email)
    phone.goto(f"{live_server}/reports/program")
    assert phone.locator(".stat").count() == 7 + 4  # this month's, and since the start
    assert phone.evaluate(SPLIT_WORDS) == []
    sizes = phone.evaluate(CHART_TYPE_SIZES)
    assert len(sizes) >= 12 + 12 + 2  # months, their values, the axis titles
    assert min(sizes) >= 12, sizes
    bar_fill = "getComputedStyle(document.querySelector('svg.chart rect.rect')).fill"
    assert phone.evaluate(bar_fill) == "rgb(11, 93, 80)"  # styled under the CSP
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
