"""Split-conformal intervals: the quantile rule, its refusals, and errors cross-fitted so
that the answer's weights never saw the points they are measured on."""

from __future__ import annotations

import numpy as np
import pytest

from search.data.forecasts import Forecasts
from search.ensemble import Candidate, choose
from search.ensemble.intervals import cross_fitted_residuals, half_width, parse_levels
from search.errors import UsageError


def test_the_half_width_is_the_conformal_rank_of_the_absolute_errors():
    errors = np.array([-5.0, 1.0, -2.0, 4.0, 3.0, -6.0, 7.0, 8.0, -9.0])  # |e|: 1..9
    # n = 9: the ceil(10 * 0.8) = 8th smallest at 80 %, the 9th (the largest) at 90 %.
    assert half_width(errors, 80) == 8.0
    assert half_width(errors, 90) == 9.0
    with pytest.raises(
        UsageError, match=r"a 95 % interval needs at least 19 errors .* there are 9"
    ):
        half_width(errors, 95)
    assert half_width(np.arange(19.0), 95) == 18.0  # 19 errors are just enough


def test_levels_are_percentages_between_0_and_100():
    assert parse_levels("80,95") == (80.0, 95.0)
    assert parse_levels("97.5") == (97.5,)
    for bad in ("", "80,100", "0", "high"):
        with pytest.raises(UsageError, match="--levels"):
            parse_levels(bad)


def test_errors_are_cross_fitted_over_the_two_halves_of_validation():
    rng = np.random.default_rng(0)
    actual = rng.normal(0, 1, (100, 1))
    # One member good on the first half, the other on the second: weights chosen on one
    # half are wrong on the other, and the errors say so.
    good_first = actual + np.r_[rng.normal(0, 0.1, 50), rng.normal(0, 2, 50)][:, None]
    good_second = actual + np.r_[rng.normal(0, 2, 50), rng.normal(0, 0.1, 50)][:, None]
    candidates = [Candidate("a", Forecasts(good_first)), Candidate("b", Forecasts(good_second))]
    actuals = Forecasts(actual)
    residuals = cross_fitted_residuals(candidates, actuals)
    # By hand: on the second half, the answer chosen on the first.
    first = choose(
        [Candidate(c.name, Forecasts(c.forecasts.valid[:50])) for c in candidates],
        Forecasts(actual[:50]),
    )
    weights = {m.name: m.weight for m in first.members}
    by_hand = actual[50:] - (
        weights.get("a", 0) * good_first[50:] + weights.get("b", 0) * good_second[50:]
    )
    assert np.allclose(residuals[50:], by_hand)
    # In sample, the answer's errors are smaller than out of it.
    whole = choose(candidates, actuals)
    fitted = sum(m.weight * {"a": good_first, "b": good_second}[m.name] for m in whole.members)
    assert half_width(residuals, 80) > 1.3 * half_width(actual - fitted, 80)
