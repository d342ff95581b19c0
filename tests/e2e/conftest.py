"""Browser tests: the app served on a real port, driven by Debian's headless Chromium."""
import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from youthagainstguns.demo import DEMO_PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR", "test-artifacts/screenshots")


def pytest_collection_modifyitems(items):
    """Browser tests need Chromium: skip them without it, unless the run requires them."""
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return
    if os.environ.get("REQUIRE_E2E") == "1":
        raise pytest.UsageError(f"REQUIRE_E2E=1 but no Chromium at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}")
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch Debian's Chromium; Playwright's own browser download is not possible here.

    It speaks Spanish as a browser in Lima does: its own controls (a date input's dd/mm/aaaa)
    follow its interface language, which on Linux comes from LANGUAGE and not from --lang or
    the context's locale, and needs Debian's chromium-l10n (without it: mm/dd/yyyy).
    """
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"],
        "env": {**os.environ, "LANGUAGE": "es_PE:es"},
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Spanish (Peru) and Lima time, as our users' browsers."""
    return {**browser_context_args, "locale": "es-PE", "timezone_id": "America/Lima"}


@pytest.fixture
def phone(browser, live_server):
    """A page in a phone-sized viewport (360x740, touch) speaking Spanish."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True,
        locale="es-PE", timezone_id="America/Lima", base_url=live_server,
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def signed_in(browser, live_server):
    """Open a page logged in as `email` at width x height, in Spanish and Lima time (more
    context options, such as java_script_enabled=False, pass through); each context it opened
    is closed after the test."""
    contexts = []

    def _open(email: str, width: int = 1280, height: int = 900, **options):
        context = browser.new_context(viewport={"width": width, "height": height},
                                      locale="es-PE", timezone_id="America/Lima",
                                      base_url=live_server, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        log_in(page, live_server, email)
        return page

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def live_server(app):
    """Serve the test app on a free local port for the duration of a test."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under test-artifacts/ for a person to look at."""

    def _shoot(page, name: str) -> str:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        path = os.path.join(SCREENSHOTS, f"{name}.png")
        page.screenshot(path=path, full_page=True)
        return path

    return _shoot


def log_in(page, base_url: str, email: str, password: str = DEMO_PASSWORD,
           second_step: bool = True) -> None:
    """Log in through the real form, typing the phone's current code if a second step asks,
    and setting the second step up (as a new coordinator would) if it is not there yet;
    second_step=False stops after the password."""
    import pyotp

    from tests.conftest import current_code, secret_on_setup_page

    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    if not second_step:
        return
    if page.url.endswith("/login/two-step"):
        page.fill("input[name=code]", current_code(email))
        page.click("main button[type=submit]")
        page.wait_for_load_state()
    elif page.url.endswith("/account/two-step/setup"):
        page.fill("input[name=code]", pyotp.TOTP(secret_on_setup_page(page.content())).now())
        page.click("main button[type=submit]")
        page.wait_for_load_state()


def choose_in_combobox(page, field_id: str, typed: str, option: str) -> None:
    """Type into a searchable select (combobox.js) and pick `option` with the keyboard."""
    from playwright.sync_api import expect

    box = page.locator(f"#{field_id}-combobox")
    box.fill(typed)
    listbox = page.locator(f"#{field_id}-listbox")
    expect(listbox.get_by_role("option", name=option)).to_be_visible()
    names = listbox.get_by_role("option").all_inner_texts()
    for _ in range(names.index(option) + 1):
        box.press("ArrowDown")
    box.press("Enter")
    expect(box).to_have_value(option)


# axe-core impacts that fail a page in the flows' own checks (the every-page crawl: serious up).
BLOCKING = {"moderate", "serious", "critical"}


def axe_violations(page) -> list[str]:
    """Run axe-core on the page; return its moderate, serious and critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}x, e.g. {v['nodes'][0]['target']})"
            for v in results.response["violations"] if v["impact"] in BLOCKING]
