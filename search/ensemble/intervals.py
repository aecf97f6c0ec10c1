"""Prediction intervals of the answer, split-conformal (as statsforecast's and
neuralforecast's conformal intervals): the answer's forecast plus and minus a quantile of
its absolute errors on points it was not fitted on.

The errors are the answer's over the validation part, and the answer's weights were chosen
on those points, so its own errors there are too small. They are **cross-fitted**: the
validation points are cut in two halves, the answer is chosen again (the whole rule,
``answer.choose``) on each half, and its errors are taken on the other. The networks among
the candidates were still ranked on all of validation (the search chose them there): a
bias that no held-out part of validation can remove, which is why coverage is measured on
test parts (``benchmarks/coverage.py``).

For ``--steps`` forecasts past the end, where each forecast is fed back as an input, the
error grows with the lead: the answer is run ``k`` steps on from every validation origin
(``SavedAnswer.paths``) and the width of step ``k`` is the quantile of those errors, scaled
by how much cross-fitting widened step one.
"""

from __future__ import annotations

import math

import numpy as np

from search.data.forecasts import Forecasts
from search.ensemble.answer import Candidate, choose
from search.errors import UsageError

LEVELS = (80, 95)


def cross_fitted_residuals(candidates: list[Candidate], actuals: Forecasts) -> np.ndarray:
    """``(origins, horizon)``: the actual values less the answer's forecasts at every
    validation origin, the answer chosen on the other half of the origins."""
    count = actuals.valid.shape[0]
    first, second = np.array_split(np.arange(count), 2)
    residuals = np.full(actuals.valid.shape, np.nan)
    by_name = {c.name: c for c in candidates}
    for inside, outside in ((first, second), (second, first)):
        half = Forecasts(actuals.valid[inside], earlier=actuals.earlier)
        chosen = choose(
            [
                Candidate(
                    c.name,
                    Forecasts(c.forecasts.valid[inside], earlier=c.forecasts.earlier),
                    c.trial,
                )
                for c in candidates
            ],
            half,
        )
        if chosen is None:
            continue
        forecast = sum(m.weight * by_name[m.name].forecasts.valid[outside] for m in chosen.members)
        residuals[outside] = actuals.valid[outside] - forecast
    return residuals


def half_width(residuals: np.ndarray, level: float) -> float:
    """The split-conformal half-width at ``level`` percent: the ``ceil((n + 1) level)``-th
    smallest absolute residual of ``n``. A level that ``n`` cannot support is refused."""
    errors = np.sort(np.abs(np.asarray(residuals, dtype="float64").ravel()))
    errors = errors[np.isfinite(errors)]
    # Rounded first: 20 * 95 / 100 must be 19, not 19.000000000000004.
    rank = math.ceil(round((len(errors) + 1) * level / 100, 9))
    if rank > len(errors):
        least = math.ceil(round(level / (100 - level), 9))
        raise UsageError(
            f"a {level:g} % interval needs at least {least} errors out of sample; there are "
            f"{len(errors)} (a longer validation part, or a lower --levels)"
        )
    return float(errors[rank - 1])


def parse_levels(text: str) -> tuple[float, ...]:
    """``80,95`` as levels in percent, each above 0 and below 100."""
    try:
        levels = tuple(float(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise UsageError(f"--levels {text!r}: give percentages such as 80,95") from None
    if not levels or any(not 0 < level < 100 for level in levels):
        raise UsageError(f"--levels {text!r}: each level is above 0 and below 100, such as 80,95")
    return levels


def level_name(level: float) -> str:
    """``80`` for 80.0, ``97.5`` for 97.5: the suffix of ``lo_`` and ``hi_``."""
    return f"{level:g}"


def test_coverage(
    candidates: list[Candidate], actuals: Forecasts, members: dict[str, float], scale: float
) -> dict[str, float]:
    """How the answer's one-step intervals (``members``: its weights) did on the test part:
    ``coverage_<level>``, the share of test values inside, and ``msis_95``, M4's mean scaled
    interval score (the width plus 2/0.05 times how far a value falls outside, over
    ``scale``, the MASE denominator; lower is better). Empty without a test part or a level
    the validation errors cannot support."""
    if actuals.test is None:
        return {}
    by_name = {c.name: c for c in candidates}
    if any(by_name[name].forecasts.test is None for name in members):
        return {}
    residuals = cross_fitted_residuals(candidates, actuals)[:, 0]
    forecast = sum(w * by_name[name].forecasts.test[:, 0] for name, w in members.items())
    actual = actuals.test[:, 0]
    found = {}
    try:
        for level in LEVELS:
            width = half_width(residuals, level)
            low, high = forecast - width, forecast + width
            found[f"coverage_{level}"] = float(np.mean((actual >= low) & (actual <= high)))
            if level == 95:
                outside = np.maximum(low - actual, 0) + np.maximum(actual - high, 0)
                score = np.mean(2 * width + outside * 2 / 0.05) / (scale or 1.0)
                found["msis_95"] = float(score)
    except UsageError:
        return {}
    return found
