"""Small-cell suppression: counts 1–4 hidden, complements so no total gives one away."""
import html as htmllib
import random
import re

import pytest

from youthagainstguns.auth.models import Role
from youthagainstguns.reports.suppression import (
    SHOWN_COMPLEMENT,
    SHOWN_SMALL,
    Cell,
    Table,
    rate,
    share_rate,
    single,
    suppress,
    suppress_column,
)
from youthagainstguns.workshops.models import AttendanceStatus

P = AttendanceStatus.PRESENT


def _lines(table: Table) -> list[list[Cell]]:
    """Every group of cells shown with its total (total last), read off the table as a reader
    would: each row with its row total, each column with its column total, and each margin
    with the grand total."""
    lines = []
    if table.row_totals:
        lines += [[*row, total] for row, total in zip(table.cells, table.row_totals,
                                                        strict=True)]
    if table.column_totals:
        lines += [[*column, total] for column, total in zip(zip(*table.cells, strict=True),
                                                              table.column_totals, strict=True)]
    if table.grand_total and table.row_totals:
        lines.append([*table.row_totals, table.grand_total])
    if table.grand_total and table.column_totals:
        lines.append([*table.column_totals, table.grand_total])
    return lines


def assert_subtraction_fails(table: Table) -> None:
    """No hidden count is the total minus what is shown: every line with a shown total hides
    no cell or at least two, and none of its hidden values is what subtraction leaves."""
    for line in _lines(table):
        *cells, total = line
        hidden = [cell for cell in line if cell.suppressed]
        assert len(hidden) != 1, [cell.shown for cell in line]
        if hidden and not total.suppressed:
            left = total.value - sum(cell.value for cell in cells if not cell.suppressed)
            assert all(cell.value != left for cell in hidden if cell.value)


def _shown(cells: list[Cell]) -> list[str]:
    return [cell.shown for cell in cells]


def test_a_lone_small_count_takes_the_smallest_other_with_it():
    """Is [3, 10, 12] with a total of 25 shown as <5, *, 12: 25 − 12 no longer gives 3?"""
    cells, total = suppress_column([3, 10, 12], total=25)
    assert _shown(cells) == [SHOWN_SMALL, SHOWN_COMPLEMENT, "12"] == ["<5", "*", "12"]
    assert total == Cell(25, "25", False)
    assert_subtraction_fails(suppress([[3], [10], [12]], column_totals=[25]))


def test_two_small_counts_need_no_complement():
    """Are 3 and 4 both hidden as <5, and 20 left shown?"""
    cells, total = suppress_column([3, 4, 20], total=27)
    assert _shown(cells) == ["<5", "<5", "20"] and total.shown == "27"


def test_without_a_total_only_small_counts_are_hidden():
    """With no total shown there is nothing to subtract from: is 10 left shown?"""
    cells, total = suppress_column([3, 10])
    assert _shown(cells) == ["<5", "10"] and total is None


def test_a_complement_in_a_row_forces_one_in_its_column():
    """Does hiding 10 beside the 3 in the first row lead to hiding 6 and 7 in the second?"""
    table = suppress([[3, 10, 0], [6, 7, 8]], row_totals=[13, 21],
                     column_totals=[9, 17, 8], grand_total=34)
    assert [_shown(row) for row in table.cells] == [["<5", "*", "0"], ["*", "*", "8"]]
    assert _shown(table.row_totals) == ["13", "21"]
    assert _shown(table.column_totals) == ["9", "17", "8"] and table.grand_total.shown == "34"
    assert_subtraction_fails(table)


def test_a_small_row_total_is_protected_against_the_grand_total():
    """A row total of 3 is hidden; is a second row total hidden so 25 − 12 − 10 is not 3?"""
    table = suppress([[1, 2], [4, 6], [5, 7]], row_totals=[3, 10, 12], grand_total=25)
    assert _shown(table.row_totals) == ["<5", "*", "12"]
    assert [_shown(row) for row in table.cells] == [["<5", "<5"], ["<5", "*"], ["5", "7"]]
    assert table.grand_total.shown == "25"
    assert_subtraction_fails(table)


def test_zeros_are_shown_and_never_taken_as_complements():
    """Are the zeros beside a 3 shown, and the 9 hidden instead?"""
    cells, total = suppress_column([3, 0, 0, 9], total=12)
    assert _shown(cells) == ["<5", "0", "0", "*"] and total.shown == "12"
    cells, total = suppress_column([0, 0], total=0)
    assert _shown(cells) == ["0", "0"] and total.shown == "0"


def test_a_small_total_is_hidden():
    """Is a total of 3 shown as <5, like the counts it adds up?"""
    cells, total = suppress_column([2, 1], total=3)
    assert _shown(cells) == ["<5", "<5"] and total == Cell(3, "<5", True)
    assert suppress_column([], total=4)[1].shown == "<5"


def test_rates_from_hidden_counts_are_hidden():
    """Is an attendance rate hidden when attended or enrolled is hidden, or nobody enrolled?"""
    (attended, enrolled, other), _total = suppress_column([3, 10, 40], total=53)
    assert rate(attended, enrolled) is None  # a count under 5
    assert rate(other, enrolled) is None  # a complement: 10 is hidden too
    assert rate(Cell(8, "8", False), Cell(10, "10", False)) == 0.8
    assert rate(Cell(0, "0", False), Cell(0, "0", False)) is None


def test_a_headline_count_and_its_share_alone():
    """Is a count shown alone hidden only from 1 to 4, and a share hidden when either of its
    counts is?"""
    assert [single(n).shown for n in (0, 3, 5)] == ["0", SHOWN_SMALL, "5"]
    assert share_rate(8, 10) == 0.8
    assert share_rate(3, 10) is None and share_rate(8, 4) is None and share_rate(0, 0) is None


def test_rows_must_be_the_same_length():
    """Is a ragged table refused rather than suppressed wrongly?"""
    with pytest.raises(ValueError, match="same number"):
        suppress([[1, 2], [3]])


def test_random_tables_never_give_a_hidden_count_away():
    """Whatever the counts, are all 1–4 hidden, and does every shown total hide 0 or ≥ 2?"""
    rng = random.Random(13)  # noqa: S311  (a repeatable test sequence, not a secret)
    for _unused in range(300):
        rows, columns = rng.randint(1, 5), rng.randint(1, 5)
        counts = [[rng.choice((0, 0, 1, 2, 3, 4, 5, 6, 9, 15, 40)) for _c in range(columns)]
                  for _r in range(rows)]
        sums = [sum(row) for row in counts]
        columns_sums = [sum(column) for column in zip(*counts, strict=True)]
        table = suppress(counts, row_totals=sums if rng.random() < .7 else None,
                         column_totals=columns_sums if rng.random() < .7 else None,
                         grand_total=sum(sums) if rng.random() < .7 else None)
        cells = [cell for row in table.cells for cell in row]
        assert all(cell.suppressed for cell in cells if 0 < cell.value < 5)
        assert not any(cell.suppressed for cell in cells if cell.value == 0)
        assert_subtraction_fails(table)


# The program totals page ------------------------------------------------------------------

def _section(page: str, heading: str) -> list[list[str]]:
    """The rows of the table in the section labelled by `heading`, as shown text."""
    section = re.search(rf'aria-labelledby="{heading}">(.*?)</section>', page, re.S).group(1)
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[htmllib.unescape(re.sub(r"<[^>]+>", "", cell))
             for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_program_page_hides_a_second_district_so_the_total_gives_nothing_away(
        make, client, login_as):
    """With 3 students in Ancón and 12 in Comas, and 15 in all: is the 3 shown as <5, the 12
    hidden too, and is there no 12 anywhere on the page to subtract from 15?"""
    rosa, flaco = make.speaker(alias="Rosa"), make.speaker(alias="El Flaco")
    make.class_of(make.school(district="Ancón"), [P] * 3, speakers=[rosa])
    make.class_of(make.school(district="Comas"), [P] * 12, speakers=[flaco])
    login_as(Role.COORDINATOR)
    page = client.get("/reports/program").get_data(as_text=True)

    districts = _section(page, "since-districts-heading")
    assert districts == [["Ancón", "<5"], ["Comas", "*"],
                         [districts[-1][0], "15"]]  # the total row
    speakers = {alias: students for alias, _workshops, students
                in _section(page, "since-speakers-heading")}
    assert speakers == {"Rosa": "<5", "El Flaco": "*"}  # 15 is at the top of the page too
    assert '<span class="stat-n">15</span>' in page
    text = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[-1])
    text = re.sub(r"\d\d/\d\d/\d{4}", " ", text)  # the period's dates (December: 12)
    assert "12" not in re.findall(r"\d+", text)  # 15 − 12 would be the 3
    assert "complementary suppression" in page or "supresión complementaria" in page
