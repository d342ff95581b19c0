"""A coordinator narrows the workshop list with the searchable venue and speaker filters, on
a phone and on a desktop, and the calendar month summarises a busy day."""
from datetime import time

from playwright.sync_api import expect

from tests.e2e.conftest import choose_in_combobox
from youthagainstguns.auth.models import Role


def test_type_pick_and_filter_with_the_combobox(signed_in, live_server, make, screenshot,
                                                tomorrow):
    """Does typing part of a venue's name offer it, can the keyboard pick it (arrows, Enter),
    and does Filter then list only its workshops? Does Escape close the list? Is there no
    sideways scrolling at 390 px?"""
    coordinator = make.user(Role.COORDINATOR)
    speaker = make.speaker(alias="La Voz")
    olaya = make.school(name="I.E. José Olaya", district="Comas")
    for n in range(30):
        make.school(name=f"I.E. Olaya Anexo {n:02d}", district="Callao")
    make.workshop(venue=olaya, speakers=[speaker], title="Taller en Olaya", day=tomorrow)
    make.workshop(title="Taller en otra sede", day=tomorrow)
    for hour in range(8, 13):
        make.workshop(venue=olaya, day=tomorrow, start=time(hour), end=time(hour, 45),
                      title=f"Jornada {hour}")

    for width, height in ((390, 844), (1280, 900)):
        page = signed_in(coordinator.email, width, height)
        page.goto(f"{live_server}/workshops/")
        expect(page.locator("#school")).to_be_hidden()  # the combobox stands in for it
        box = page.locator("#school-combobox")
        box.fill("olaya")
        listbox = page.locator("#school-listbox")
        expect(listbox.get_by_role("option")).to_have_count(20)
        expect(box).to_have_attribute("aria-expanded", "true")
        screenshot(page, f"workshops-list-combobox-{width}")
        box.press("Escape")
        expect(listbox).to_be_hidden()
        expect(box).to_have_attribute("aria-expanded", "false")

        choose_in_combobox(page, "school", "josé ola", "I.E. José Olaya — Comas")
        choose_in_combobox(page, "speaker", "voz", "La Voz")
        page.get_by_role("button", name="Filtrar").click()
        expect(page.locator("table.workshop-list")).to_contain_text("Taller en Olaya")
        expect(page.locator("table.workshop-list")).not_to_contain_text("Taller en otra sede")
        expect(page.locator("#school-combobox")).to_have_value("I.E. José Olaya — Comas")
        assert f"school={olaya.id}" in page.url and f"speaker={speaker.id}" in page.url
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"workshops-list-filtered-{width}")

        page.goto(f"{live_server}/workshops/calendar?date={tomorrow.isoformat()}")
        expect(page.locator(".cal-more")).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"workshops-calendar-capped-{width}")
        page.locator(".cal-more").click()
        expect(page.locator("table.workshop-list tbody tr")).to_have_count(7)


def test_the_venue_filter_works_without_javascript(signed_in, live_server, make, screenshot):
    """Without JavaScript: does the search box fill the select with its matches, and the
    select then filter the list?"""
    coordinator = make.user(Role.COORDINATOR)
    olaya = make.school(name="I.E. José Olaya", district="Comas")
    make.school(name="I.E. Miguel Grau")
    make.workshop(venue=olaya, title="Taller en Olaya")
    make.workshop(title="Taller en otra sede")
    page = signed_in(coordinator.email, 390, 844, java_script_enabled=False)
    page.goto(f"{live_server}/workshops/")
    page.fill("#school_q", "olaya")
    page.get_by_role("button", name="Filtrar").click()
    page.select_option("#school", str(olaya.id))
    screenshot(page, "workshops-list-no-javascript-390")
    page.get_by_role("button", name="Filtrar").click()
    expect(page.locator("table.workshop-list")).to_contain_text("Taller en Olaya")
    expect(page.locator("table.workshop-list")).not_to_contain_text("Taller en otra sede")
    # The list's text can be there before its stylesheets (a slow CI machine measured the
    # unstyled table at 1,187 px): measure the laid-out page.
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
