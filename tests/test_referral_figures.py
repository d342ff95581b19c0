"""Referrals in the program's figures: by kind of service and outcome for a period, counted by
hand, outcomes dated, small counts suppressed in the table, its CSV and on the dashboard.

The fixture, all in November 2026:
  employment   6 referrals: 1 completed (ended 20/11), 5 still open (one of them completed
               on 05/12, after the period: open in November)
  psychological 2 referrals: 1 declined (ended 10/11), 1 withdrawn (ended 12/11)
  one referral of 31/10 (October) counts nowhere in November.
November: employment 1 completed + 5 open = 6; psychological 1 + 1 = 2; total 8.
"""
import csv
import io
from datetime import date

import pytest
from flask_babel import force_locale

from tests.access.rules_referrals import add_partner, add_referral
from youthagainstguns.auth.models import Role
from youthagainstguns.referrals.enums import ReferralStatus as S
from youthagainstguns.referrals.enums import ServiceKind
from youthagainstguns.reports import figures
from youthagainstguns.reports.figures import Period
from youthagainstguns.reports.program_report import build_program_report, program_tables

NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))
QUERY = {"kind": "month", "day": "2026-11-15"}


@pytest.fixture
def referrals(make):
    """The fixture above."""
    jobs = add_partner(make, "Oficios para la Paz", [ServiceKind.EMPLOYMENT])
    care = add_partner(make, "Escucha Activa", [ServiceKind.PSYCHOLOGICAL])

    def refer(partner, day, status=S.SENT, ended_on=None):
        add_referral(make, make.mentee(), partner, status=status, referred_on=day,
                     ended_on=ended_on)

    refer(jobs, date(2026, 11, 3), S.COMPLETED, date(2026, 11, 20))
    refer(jobs, date(2026, 11, 4), S.COMPLETED, date(2026, 12, 5))  # after the period
    for day in (5, 6, 7, 8):
        refer(jobs, date(2026, 11, day))
    refer(care, date(2026, 11, 2), S.DECLINED, date(2026, 11, 10))
    refer(care, date(2026, 11, 2), S.WITHDRAWN, date(2026, 11, 12))
    refer(jobs, date(2026, 10, 31))


def test_referrals_by_kind_and_dated_outcome(referrals):
    """Are November's referrals counted per kind by their outcome on 30/11 (one completed in
    December still open), October's left out?"""
    assert figures.referrals_by_kind(NOVEMBER) == [
        (ServiceKind.EMPLOYMENT, {"open": 5, "completed": 1, "declined": 0,
                                  "did_not_attend": 0, "withdrawn": 0}),
        (ServiceKind.PSYCHOLOGICAL, {"open": 0, "completed": 0, "declined": 1,
                                     "did_not_attend": 0, "withdrawn": 1}),
    ]


def test_the_referrals_table_is_suppressed_so_no_total_gives_a_count_away(app, referrals):
    """Is every count of 1 to 4 "<5", and in each row and column with a total either no cell
    or at least two hidden, so that no small count is found by subtraction?"""
    with app.test_request_context(), force_locale("es"):
        table = next(t for t in program_tables(build_program_report(NOVEMBER))
                     if t.key == "referrals")
        shown = [[str(getattr(v, "shown", v)) for v in row]
                 for row in [*table.rows, table.total]]
        labels = [str(ServiceKind.EMPLOYMENT.label), str(ServiceKind.PSYCHOLOGICAL.label)]
    assert [row[0] for row in shown] == [*labels, "Total"]
    employment, psychological = shown[0][1:], shown[1][1:]
    assert employment[:2] == ["*", "<5"]  # 1 completed, so the 5 open are hidden too
    assert psychological[2] == psychological[4] == "<5"  # declined, withdrawn
    cells = [row[1:] for row in (*table.rows, table.total)]
    for line in [*cells, *zip(*cells, strict=True)]:
        assert sum(v.suppressed for v in line) != 1, line  # none hidden, or at least two
    assert all(v.value == 0 or v.value >= 5 for line in cells for v in line
               if not v.suppressed)


def test_the_referrals_show_on_the_report_its_csv_and_the_dashboard(referrals, client,
                                                                     login_as):
    """Do the report page, its referrals CSV and the staff dashboard show the table, with
    "<5" and never the completed 1 or the declined 1 as numbers?"""
    login_as(Role.COORDINATOR)
    page = client.get("/reports/program", query_string=QUERY).get_data(as_text=True)
    assert 'aria-labelledby="referrals-heading"' in page
    response = client.get("/reports/program/referrals.csv", query_string=QUERY)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][0].lstrip("\ufeff") == "Servicio" and rows[-1][0] == "Total"
    assert "<5" in rows[1] and "1" not in [cell for row in rows[1:] for cell in row[1:]]
    home = client.get("/home").get_data(as_text=True)  # the dashboard shows the same section
    assert 'aria-labelledby="referrals-heading"' in home
