"""The speaker's new calendar address: a copy button that says it copied (with JavaScript),
and the address selectable in its field without it; a webcal:// link beside it."""
from playwright.sync_api import expect

from youthagainstguns.auth.models import Role


def _new_feed(page, live_server) -> str:
    page.goto(f"{live_server}/workshops/feed")
    page.locator("form[action$='/workshops/feed/regenerate'] button").click()
    page.wait_for_load_state()
    return page.locator("#feed-url").input_value()


def test_copy_button_copies_the_address_and_says_so(signed_in, live_server, make, screenshot):
    """Does "Copy" put the address on the clipboard and show a visible confirmation?"""
    speaker = make.user(Role.SPEAKER)
    make.speaker(user=speaker)
    page = signed_in(speaker.email, 390, 844)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    address = _new_feed(page, live_server)
    webcal = page.locator("a[href^='webcal://']")
    assert webcal.get_attribute("href") == "webcal://" + address.split("://", 1)[1]
    button = page.locator("button[data-copy='feed-url']")
    expect(button).to_be_visible()
    button.click()
    status = page.locator("#feed-copied")
    expect(status).to_have_text(button.get_attribute("data-copied"))
    expect(status).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == address
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "feed-copied-390")


def test_without_javascript_the_address_is_shown_selectable(signed_in, live_server, make):
    """Without JavaScript, is the copy button hidden and the address in a read-only field?"""
    speaker = make.user(Role.SPEAKER)
    make.speaker(user=speaker)
    page = signed_in(speaker.email, java_script_enabled=False)
    address = _new_feed(page, live_server)
    assert address.startswith("http") and address.endswith(".ics")
    expect(page.locator("#feed-url")).to_be_visible()
    expect(page.locator("button[data-copy='feed-url']")).to_be_hidden()
    expect(page.locator("a[href^='webcal://']")).to_be_visible()
