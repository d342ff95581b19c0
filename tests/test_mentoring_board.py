"""The monitoring board: each rule just either side of its threshold, its exact counts, the cap
on each list with its "see all" pages, and a query count that does not grow with the data."""
from datetime import date, timedelta

import pytest

from youthagainstguns.auth.models import Role
from youthagainstguns.mentoring import board
from youthagainstguns.mentoring.digest import digest_counts
from youthagainstguns.mentoring.models import MatchStatus


def _days_ago(today, n):
    return today - timedelta(days=n)


def _ids(rows, attribute="match_id"):
    return {getattr(row, attribute) for row in rows}


def test_quiet_matches_counted_from_the_last_session(make, today):
    """Is a match whose last session was 31 days ago flagged, and 29 days ago not?"""
    start = _days_ago(today, 90)
    quiet = make.match(make.mentor(), make.mentee(), start_date=start)
    make.session(quiet, held_on=_days_ago(today, 31))
    make.session(quiet, held_on=_days_ago(today, 60))
    recent = make.match(make.mentor(), make.mentee(), start_date=start)
    make.session(recent, held_on=_days_ago(today, 29))
    rows = board.quiet_matches(today)
    assert _ids(rows) == {quiet.id}
    assert rows[0].days == 31


def test_quiet_matches_without_sessions_count_from_the_start(make, today):
    """Without any session, is the start date what counts (31 days flagged, 29 not)?"""
    old = make.match(make.mentor(), make.mentee(), start_date=_days_ago(today, 31))
    make.match(make.mentor(), make.mentee(), start_date=_days_ago(today, 29))
    make.match(make.mentor(), make.mentee(), status=MatchStatus.PAUSED,
             start_date=_days_ago(today, 90))
    assert _ids(board.quiet_matches(today)) == {old.id}


@pytest.mark.parametrize("elapsed, due", [
    (14, 0), (15, 1), (30, 1), (31, 2), (60, 2), (61, 3), (91, 4),
])
def test_check_ins_due_twice_in_the_first_month_then_monthly(db, elapsed, due):
    """Are check-ins due by day 14 and day 30, then every 30 days (in the engine's SQL)?"""
    start = date(2026, 1, 1)
    assert board.check_ins_due(start, start + timedelta(days=elapsed)) == due


def test_overdue_check_ins_around_each_threshold(make, today):
    """Which active matches are behind on staff check-ins?"""
    def match(days_since_start, *check_in_days_ago):
        m = make.match(make.mentor(), make.mentee(), start_date=_days_ago(today, days_since_start))
        for days in check_in_days_ago:
            make.check_in(m, _days_ago(today, days))
        return m

    match(13)                                  # nothing due yet
    late_first = match(15)                     # first check-in due by day 14
    match(20, 5)                               # first done
    late_second = match(31, 20)                # second due by day 30
    match(31, 20, 2)                           # both done
    match(100, 90, 75, 45, 29)                 # four due, last 29 days ago
    lapsed = match(100, 90, 75, 45, 31)        # four done, but none in the last 30 days
    assert _ids(board.overdue_check_ins(today)) == {late_first.id, late_second.id, lapsed.id}
    assert board.rule_count("check_ins", today) == 3


def test_expiring_background_checks(make, today):
    """Are checks expiring in 29 days flagged and in 31 not; expired ones only if matched?"""
    soon = make.mentor(check_expires=today + timedelta(days=29))
    make.mentor(check_expires=today + timedelta(days=31))
    expired_matched = make.mentor(check_expires=_days_ago(today, 1))
    make.match(expired_matched, make.mentee())
    make.mentor(check_expires=_days_ago(today, 1))
    make.mentor(check_expires=today + timedelta(days=5), inactive_since=_days_ago(today, 2))
    rows = board.expiring_checks(today)
    assert [(r.mentor_id, r.expired) for r in rows] == [
        (expired_matched.id, True), (soon.id, False)]


def test_waiting_mentees_after_fourteen_days(make, today):
    """Is a consented, unmatched mentee referred 15 days ago listed, and 13 days ago not?"""
    waiting = make.mentee(referred_on=_days_ago(today, 15))
    make.mentee(referred_on=_days_ago(today, 13))
    make.mentee(referred_on=_days_ago(today, 40), consent=False)
    proposed = make.mentee(referred_on=_days_ago(today, 40))
    make.match(make.mentor(), proposed, status=MatchStatus.PROPOSED)
    withdrawn = make.mentee(referred_on=_days_ago(today, 40), consent=False)
    make.consent(withdrawn, withdrawn_on=_days_ago(today, 1))
    rows = board.waiting_mentees(today)
    assert _ids(rows, "mentee_id") == {waiting.id}
    assert rows[0].days == 15


def test_mentoring_hours_count_only_this_month(make):
    """Are only sessions held in the given calendar month summed?"""
    match = make.match(make.mentor(), make.mentee(), start_date=date(2026, 9, 1))
    make.session(match, held_on=date(2026, 10, 31), duration_minutes=45)
    make.session(match, held_on=date(2026, 11, 1), duration_minutes=60)
    make.session(match, held_on=date(2026, 11, 26), duration_minutes=30)
    make.session(match, held_on=date(2026, 12, 1), duration_minutes=100)
    assert board.minutes_this_month(date(2026, 11, 26)) == 90
    assert board.minutes_this_month(date(2026, 12, 31)) == 100


def test_board_page_shows_each_rule_with_links(make, client, login_as, today):
    """Does the board list an alert, a quiet match, an expiring check and a waiting mentee,
    each linked to its record?"""
    quiet = make.match(make.mentor(), make.mentee(first_name="Quieto"),
                       start_date=_days_ago(today, 40))
    alert = make.alert(quiet)
    expiring = make.mentor(check_expires=today + timedelta(days=3))
    waiting = make.mentee(first_name="Esperando", referred_on=_days_ago(today, 20))
    login_as(Role.COORDINATOR)
    html = client.get("/mentoring/").get_data(as_text=True)
    for url in (f"/mentoring/alerts/{alert.id}", f"/mentoring/matches/{quiet.id}",
                f"/mentoring/mentors/{expiring.id}", f"/mentoring/mentees/{waiting.id}",
                f"/mentoring/matches/{quiet.id}/check-ins/new"):
        assert url in html


def _quiet_matches(make, today, n):
    """`n` quiet matches, the first the quietest (40 + n days), each one day less quiet."""
    return [make.match(make.mentor(), make.mentee(), start_date=_days_ago(today, 40 + n - i))
            for i in range(n)]


def test_board_shows_the_most_urgent_items_with_the_exact_count(make, client, login_as, today):
    """With 12 quiet matches, does the board list the 10 quietest, say 12, and link to all?"""
    matches = _quiet_matches(make, today, board.BOARD_TOP + 2)
    login_as(Role.COORDINATOR)
    html = client.get("/mentoring/").get_data(as_text=True)
    shown = [m.id for m in matches if f'/mentoring/matches/{m.id}"' in html]
    assert shown == [m.id for m in matches[:board.BOARD_TOP]]
    assert '<span class="badge badge-warn">12</span>' in html
    assert 'href="/mentoring/board/quiet"' in html
    assert "/mentoring/board/alerts" not in html  # nothing beyond the board's own list


def test_counts_match_every_rule_and_the_digest(make, today):
    """Are the board's counts, in one statement, each rule's full length and the digest's?"""
    _quiet_matches(make, today, 3)
    make.alert(make.match(make.mentor(), make.mentee(), start_date=_days_ago(today, 5)))
    make.mentor(check_expires=today + timedelta(days=3))
    for _ in range(2):
        make.mentee(referred_on=_days_ago(today, 20))
    counts = board.rule_counts(today)
    assert counts == {name: len(board.rule_items(name, today)) for name in board.RULES}
    assert counts == {"alerts": 1, "quiet": 3, "check_ins": 3, "checks": 1, "waiting": 2,
                      "referral_follow_ups": 0}
    assert digest_counts(today) == counts
    assert board.board(today)["counts"] == counts


def test_see_all_pages_through_one_rule(make, client, login_as, today, app, monkeypatch):
    """Does a rule's own page list its items a page at a time, most urgent first?"""
    monkeypatch.setitem(app.config, "ITEMS_PER_PAGE", 5)
    waiting = [make.mentee(referred_on=_days_ago(today, 40 - i)) for i in range(12)]
    login_as(Role.COORDINATOR)
    pages = [client.get(f"/mentoring/board/waiting?page={n}").get_data(as_text=True)
             for n in (1, 2, 3)]
    for n, html in enumerate(pages):
        shown = [m.id for m in waiting if f'/mentoring/mentees/{m.id}"' in html]
        assert shown == [m.id for m in waiting[n * 5:n * 5 + 5]]
    assert 'href="/mentoring/board/waiting?page=2"' in pages[0]
    assert 'href="/mentoring/board/waiting?page=2"' in pages[2]
    assert "page=4" not in pages[2]
    assert client.get("/mentoring/board/nothing").status_code == 404


def _board_statements(client, count_queries, path="/mentoring/"):
    with count_queries() as counter:
        response = client.get(path)
    assert response.status_code == 200
    return counter["n"]


def test_board_query_count_does_not_grow_with_the_data(make, client, login_as, today,
                                                       count_queries):
    """Does the board (and a rule's page) run the same statements with 1 item of each rule as
    with 12?"""
    def add(n):
        for _ in range(n):
            match = make.match(make.mentor(check_expires=today + timedelta(days=10)),
                               make.mentee(), start_date=_days_ago(today, 45))
            make.session(match, held_on=_days_ago(today, 35))
            make.alert(match)
            make.mentee(referred_on=_days_ago(today, 20))

    add(1)
    login_as(Role.COORDINATOR)
    few = [_board_statements(client, count_queries, path)
           for path in ("/mentoring/", "/mentoring/board/alerts")]
    add(11)
    many = [_board_statements(client, count_queries, path)
            for path in ("/mentoring/", "/mentoring/board/alerts")]
    assert few == many
    assert many[0] <= 12


def test_board_opens_with_each_rules_count_linking_to_its_group(make, client, login_as, today):
    """Does the board start with every rule's count, each a jump to the group below it, and
    shrink a rule with nothing to do to a one-line group?"""
    _quiet_matches(make, today, 3)
    login_as(Role.COORDINATOR)
    html = client.get("/mentoring/").get_data(as_text=True)
    summary = html[html.index('class="triage-summary"'):html.index('<div class="board">')]
    assert '<a href="#quiet-h"><span class="badge badge-warn">3</span>' in summary
    for rule in board.RULES:
        assert f'href="#{rule}-h"' in summary and f'id="{rule}-h"' in html
    assert '<a href="#alerts-h"><span class="badge badge-ok">0</span>' in summary
    assert 'class="triage-group board-alerts triage-clear"' in html
    assert 'class="triage-group board-alerts"' not in html
