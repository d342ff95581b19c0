"""A coordinator pairs a mentee by searching the ready mentors by name, on a phone and on a
desktop."""
import re

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import choose_in_combobox
from youthagainstguns.auth.models import Role
from youthagainstguns.mentoring.models import Match


def test_coordinator_pairs_a_mentee_with_a_mentor_found_by_name(signed_in, live_server, make,
                                                                db, screenshot):
    """Does typing part of a name offer only the ready mentors holding it, does picking one
    and proposing create the match, and is there no sideways scrolling at 390 px?"""
    coordinator = make.user(Role.COORDINATOR)
    chosen = make.mentor(user=make.user(Role.MENTOR, full_name="Rosa Quispe Mamani"),
                         max_mentees=2)  # one mentee per screen width
    make.mentor(user=make.user(Role.MENTOR, full_name="Rosa Huamán Flores"))
    make.mentor(steps=("interview",), user=make.user(Role.MENTOR, full_name="Rosa Sin Evaluar"))
    for width, height in ((390, 844), (1280, 900)):
        mentee = make.mentee()
        page = signed_in(coordinator.email, width, height)
        page.goto(f"{live_server}/mentoring/mentees/{mentee.id}/matches/new")
        expect(page.locator("#mentor_id")).to_be_hidden()  # the combobox stands in for it
        page.locator("#mentor_id-combobox").fill("rosa")
        listbox = page.locator("#mentor_id-listbox")
        expect(listbox.get_by_role("option")).to_have_count(2)
        expect(listbox).not_to_contain_text("Rosa Sin Evaluar")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"pairing-combobox-{width}")
        page.locator("#mentor_id-combobox").press("Escape")
        page.locator(".unavailable-mentors summary").click()
        expect(page.locator(".unavailable-mentors")).to_contain_text("Rosa Sin Evaluar")
        screenshot(page, f"pairing-unavailable-{width}")
        choose_in_combobox(page, "mentor_id", "quispe", "Rosa Quispe Mamani")
        page.get_by_role("button", name="Proponer emparejamiento").click()
        expect(page).to_have_url(re.compile(r"/mentoring/matches/\d+$"))
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Match.id))
                             .where(Match.mentor_id == chosen.id)) == 2
