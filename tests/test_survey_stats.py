"""The survey results' statistics against values worked out by hand and Student's t tables."""
import pytest

from youthagainstguns.surveys.stats import paired_change, t_975, unpaired_change


@pytest.mark.parametrize("degrees, table", [
    (1, 12.706), (4, 2.776), (10, 2.228), (30, 2.042),
    (31, 2.040), (40, 2.021), (60, 2.000), (120, 1.980), (1000, 1.962),
])
def test_t_matches_the_printed_table(degrees, table):
    """Is t at 97.5 % the printed table's value, beyond the 30 rows kept too?"""
    assert t_975(degrees) == pytest.approx(table, abs=0.001)


def test_t_between_rows_and_below_one():
    """Does a Welch fractional degree fall between its rows, and is less than one refused?"""
    assert t_975(4) > t_975(4.5) > t_975(5)
    with pytest.raises(ValueError):
        t_975(0.5)


def test_paired_change_by_hand():
    """Five students' before and after (2→4, 3→3, 1→4, 2→5, 3→4): differences 2, 0, 3, 3, 1,
    mean 1,8, sample variance 1,7, so 1,8 ± 2,776 × √(1,7 / 5) = [0,181; 3,419]."""
    change = paired_change([(2, 4), (3, 3), (1, 4), (2, 5), (3, 4)])
    assert (change.answers_before, change.answers_after) == (5, 5)
    assert (change.mean_before, change.mean_after) == pytest.approx((2.2, 4.0))
    assert change.change == pytest.approx(1.8)
    assert (change.low, change.high) == pytest.approx((0.1813, 3.4187), abs=1e-4)


def test_unpaired_change_by_hand():
    """Before 1–5 (mean 3, variance 2,5), after 3, 4, 5 (mean 4, variance 1): Welch's
    degrees 5,88, t ≈ 2,462, margin 2,462 × √(0,5 + 1/3) = 2,247."""
    change = unpaired_change([1, 2, 3, 4, 5], [3, 4, 5])
    assert change.change == pytest.approx(1.0)
    assert (change.low, change.high) == pytest.approx((-1.247, 3.247), abs=2e-3)


def test_too_few_answers_give_no_interval():
    """With one pair, or a group of one, is there a change but no interval; with none,
    nothing?"""
    one = paired_change([(2, 5)])
    assert one.change == 3 and one.low is one.high is None
    assert unpaired_change([2], [3, 4]).low is None
    assert paired_change([]) is None and unpaired_change([], [1]) is None
    same = unpaired_change([3, 3], [4, 4])
    assert (same.low, same.high) == (1, 1)
