"""Issue 12 in a browser: a coordinator filters long checklists by typing (the speaker form's
~50 districts, the workshop form's speakers), and picks a school contact's school and a
speaker account's speaker in searchable selects."""
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import choose_in_combobox
from youthagainstguns.auth.models import Role, User
from youthagainstguns.speakers.models import Speaker
from youthagainstguns.workshops.models import Workshop


def _new_account(page, live_server, db, role: str, field: str, typed: str, option: str):
    """Fill the new-account form for `role`, pick `option` in the combobox `field` after
    typing `typed`, save, and return the account saved (None if none was)."""
    page.goto(f"{live_server}/users/new")
    page.locator("#full_name").fill("Rosa Quispe")
    page.locator("#email").fill("rosa@example.org")
    page.locator("#role").select_option(role)
    choose_in_combobox(page, field, typed, option)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    return db.session.scalar(sa.select(User).where(User.email == "rosa@example.org"))


def test_district_filter_hides_unticked_non_matches_and_keeps_ticked(signed_in, live_server,
                                                                     make, db, screenshot):
    """Does typing "jesus" leave only Jesús María (accents ignored), does a ticked district
    stay visible under another filter, and does Enter in the filter not submit the form?"""
    speaker = make.speaker(alias="La Voz")
    page = signed_in(make.user(Role.COORDINATOR).email, 390, 844)
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


def test_school_contact_school_is_picked_in_the_combobox(signed_in, live_server, make, db):
    """Can a coordinator create a school contact by typing part of the school's name and
    picking it, though 30 other schools share the word?"""
    olaya = make.school(name="I.E. José Olaya", district="Comas")
    for n in range(30):
        make.school(name=f"I.E. Olaya Anexo {n:02d}", district="Callao")
    page = signed_in(make.user(Role.COORDINATOR).email)
    user = _new_account(page, live_server, db, "school", "school_id", "josé ola",
                        "I.E. José Olaya — Comas")
    assert user is not None and user.school_id == olaya.id


def test_speaker_account_links_an_inactive_speaker_found_by_alias(signed_in, live_server,
                                                                  make, db):
    """Does the account form's speaker search offer an inactive speaker among 30 sharing the
    word, and does saving link the account to the one picked?"""
    returning = make.speaker(alias="Voz del Cerro", active=False)
    for n in range(30):
        make.speaker(alias=f"Voz {n:02d}")
    page = signed_in(make.user(Role.COORDINATOR).email)
    user = _new_account(page, live_server, db, "speaker", "speaker_id", "cerro", "Voz del Cerro")
    assert user is not None and user.speaker.id == returning.id


def test_workshop_speaker_filter_finds_one_among_many(signed_in, live_server, make, db,
                                                     tomorrow, screenshot):
    """With 60 active speakers, does typing part of an alias (accents ignored) leave only the
    matches and the ticked ones, and does the workshop save with both speakers ticked?"""
    make.school(name="I.E. José Olaya", district="Comas")
    for n in range(58):
        make.speaker(alias=f"Ponente {n:02d}")
    make.speaker(alias="La Voz del Cerro")
    make.speaker(alias="Ángel Ríos")
    page = signed_in(make.user(Role.COORDINATOR).email, 390, 844, is_mobile=True)
    page.goto(f"{live_server}/workshops/new")
    speakers = page.locator(".speaker-choices li")
    expect(speakers).to_have_count(60)
    page.locator("#title").fill("Taller con dos voces")
    choose_in_combobox(page, "venue_id", "olaya", "I.E. José Olaya — Comas")
    page.locator("#day").fill(tomorrow.isoformat())
    page.locator("#start_time").fill("09:00")
    page.locator("#end_time").fill("10:30")
    page.locator("#capacity").fill("30")
    page.locator("#speakers-filter").fill("voz")
    visible = page.locator(".speaker-choices li:visible")
    expect(visible).to_have_text(["La Voz del Cerro"])
    page.get_by_label("La Voz del Cerro").check()
    page.locator("#speakers-filter").fill("angel")
    expect(visible).to_have_text(["La Voz del Cerro", "Ángel Ríos"])
    page.get_by_label("Ángel Ríos").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "workshop-speaker-filter-390")
    page.locator("main button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("Taller con dos voces")
    workshop = db.session.scalar(sa.select(Workshop).where(
        Workshop.title == "Taller con dos voces"))
    assert sorted(s.alias for s in workshop.speakers) == ["La Voz del Cerro", "Ángel Ríos"]
