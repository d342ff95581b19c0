"""The statistics of survey results: the mean change from before to after a workshop, with its
95 % confidence interval, on paired answers (the same student, by their code) and on all
answers (before and after as two groups).

Plain Python over the answers' values, which a results query hands in already grouped; no
numerical library is needed for means and Student's t. Who may see a result, and from how
many answers, is decided by the caller (the small-cell rule), not here.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist, fmean, variance

CONFIDENCE = 0.95

# Student's t at 97.5 % (a two-sided 95 % interval) for 1 to 30 degrees of freedom; beyond,
# the Cornish–Fisher expansion below is within 0.001 of the exact value.
_T_975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
          2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
          2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)


def t_975(degrees: float) -> float:
    """Return Student's t quantile at 97.5 % for `degrees` of freedom (at least 1)."""
    if degrees < 1:
        raise ValueError("Student's t needs at least one degree of freedom")
    if degrees <= len(_T_975) and float(degrees).is_integer():
        return _T_975[int(degrees) - 1]
    if degrees < len(_T_975):  # Welch's fractional degrees: between two table rows
        low = _T_975[math.floor(degrees) - 1]
        high = _T_975[math.ceil(degrees) - 1]
        return low + (high - low) * (degrees - math.floor(degrees))
    z = NormalDist().inv_cdf(0.975)
    return (z + (z**3 + z) / (4 * degrees)
            + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * degrees**2))


@dataclass(frozen=True)
class MeanChange:
    """The mean before, the mean after and their difference (after − before), with the 95 %
    confidence interval of the difference (None with too few answers to estimate it)."""

    answers_before: int
    answers_after: int
    mean_before: float
    mean_after: float
    change: float
    low: float | None
    high: float | None


def paired_change(pairs: Sequence[tuple[float, float]]) -> MeanChange | None:
    """Return the mean change over (before, after) pairs of one student each: the mean of
    the differences, with a paired t interval; None without any pair."""
    if not pairs:
        return None
    differences = [after - before for before, after in pairs]
    change = fmean(differences)
    low = high = None
    if len(pairs) > 1:
        margin = t_975(len(pairs) - 1) * math.sqrt(variance(differences) / len(pairs))
        low, high = change - margin, change + margin
    return MeanChange(len(pairs), len(pairs), fmean(b for b, _a in pairs),
                      fmean(a for _b, a in pairs), change, low, high)


def unpaired_change(before: Sequence[float], after: Sequence[float]) -> MeanChange | None:
    """Return the difference of the means of two groups of answers (everyone who answered
    before, everyone after), with Welch's t interval; None when a group is empty."""
    if not before or not after:
        return None
    mean_before, mean_after = fmean(before), fmean(after)
    low = high = None
    if len(before) > 1 and len(after) > 1:
        share_before = variance(before) / len(before)
        share_after = variance(after) / len(after)
        spread = share_before + share_after
        if spread == 0:  # every answer the same in both groups: the change is exact
            low = high = mean_after - mean_before
        else:
            degrees = spread**2 / (share_before**2 / (len(before) - 1)
                                   + share_after**2 / (len(after) - 1))
            margin = t_975(degrees) * math.sqrt(spread)
            low, high = mean_after - mean_before - margin, mean_after - mean_before + margin
    return MeanChange(len(before), len(after), mean_before, mean_after,
                      mean_after - mean_before, low, high)
