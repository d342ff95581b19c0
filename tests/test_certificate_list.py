"""The certificate list by workshop: held and closed workshops, newest first, each on exactly
one page even when many start at the same minute."""
import re

import pytest

from youthagainstguns.auth.models import Role
from youthagainstguns.workshops.models import WorkshopStatus

LINK = re.compile(r'href="/workshops/(\d+)/certificates"')


@pytest.fixture
def same_minute(make, app):
    """More held and closed workshops than a page holds, all starting at the same minute,
    and one of every other status; return the held and closed ones' ids."""
    venue, per_page = make.school(), app.config["ITEMS_PER_PAGE"]
    shown = [make.held_workshop(venue=venue, status=status).id
             for status in [WorkshopStatus.HELD, WorkshopStatus.CLOSED] * (per_page // 2 + 3)]
    for status in WorkshopStatus:
        if status not in (WorkshopStatus.HELD, WorkshopStatus.CLOSED):
            make.held_workshop(venue=venue, status=status)
    return shown


def test_every_held_or_closed_workshop_is_listed_once_across_pages(same_minute, client,
                                                                   login_as):
    """Do the pages together list each held or closed workshop exactly once, no other, newest
    first with ties in a fixed order, and count the pages right?"""
    login_as(Role.COORDINATOR)
    first = client.get("/certificates").get_data(as_text=True)
    second = client.get("/certificates?page=2").get_data(as_text=True)
    listed = [int(i) for i in LINK.findall(first) + LINK.findall(second)]
    assert listed == sorted(same_minute, reverse=True)
    assert "Página 1 de 2" in first or "Page 1 of 2" in first
