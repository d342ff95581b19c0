"""Issue 12 in a browser: a coordinator filters the speaker form's ~50 district checkboxes by
typing, and picks a school contact's school in the searchable select."""
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import choose_in_combobox, log_in
from youthagainstguns.auth.models import Role, User
from youthagainstguns.speakers.models import Speaker


def _coordinator_page(browser, live_server, make, width: int, height: int):
    """Return a logged-in coordinator's page at the given viewport, in Spanish and Lima time."""
    context = browser.new_context(viewport={"width": width, "height": height}, locale="es-PE",
                                  timezone_id="America/Lima")
    page = context.new_page()
    page.set_default_timeout(10_000)
    log_in(page, live_server, make.user(Role.COORDINATOR).email)
    return page


def test_district_filter_hides_unticked_non_matches_and_keeps_ticked(browser, live_server,
                                                                     make, db, screenshot):
    """Does typing "jesus" leave only Jesús María (accents ignored), does a ticked district
    stay visible under another filter, and does Enter in the filter not submit the form?"""
    speaker = make.speaker(alias="La Voz")
    page = _coordinator_page(browser, live_server, make, 390, 844)
    page.goto(f"{live_server}/speakers/{speaker.id}/edit")
    districts = page.locator(".district-list li")
    total = districts.count()
    assert total > 40
    page.get_by_label("Comas").check()
    page.locator("#districts-filter").fill("jesus")
    visible = page.locator(".district-list li:visible")
    expect(visible).to_have_text(["Comas", "Jesús María"])  # the ticked one stays
    page.get_by_label("Jesús María").check()
    page.locator("#districts-filter").fill("ATE")
    expect(visible).to_contain_text(["Ate", "Comas", "Jesús María"])
    assert visible.count() < total
    screenshot(page, "speaker-district-filter-390")
    page.locator("#districts-filter").press("Enter")  # must not submit the form
    expect(page).to_have_url(f"{live_server}/speakers/{speaker.id}/edit")
    page.locator("#districts-filter").fill("")
    expect(districts.filter(visible=True)).to_have_count(total)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(f"{live_server}/speakers/{speaker.id}")
    db.session.expire_all()
    assert db.session.get(Speaker, speaker.id).excluded_district_names == [
        "Comas", "Jesús María"]
    page.context.close()


def test_school_contact_school_is_picked_in_the_combobox(browser, live_server, make, db):
    """Can a coordinator create a school contact by typing part of the school's name and
    picking it, though 30 other schools share the word?"""
    olaya = make.school(name="I.E. José Olaya", district="Comas")
    for n in range(30):
        make.school(name=f"I.E. Olaya Anexo {n:02d}", district="Callao")
    page = _coordinator_page(browser, live_server, make, 1280, 900)
    page.goto(f"{live_server}/users/new")
    page.locator("#full_name").fill("Rosa Quispe")
    page.locator("#email").fill("rosa@example.org")
    page.locator("#role").select_option("school")
    choose_in_combobox(page, "school_id", "josé ola", "I.E. José Olaya — Comas")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    user = db.session.scalar(sa.select(User).where(User.email == "rosa@example.org"))
    assert user is not None and user.school_id == olaya.id
    page.context.close()
