"""How forecasts are scored: MAE in the series' units, MASE and skill against a baseline."""

from __future__ import annotations

import numpy as np

from search.data import Series, lagged


def mae(forecast: np.ndarray, actual: np.ndarray) -> float:
    """Mean absolute error, in float64."""
    return float(np.mean(np.abs(np.asarray(forecast, "float64") - np.asarray(actual, "float64"))))


def mase_scale(series: Series) -> tuple[float | None, int]:
    """The denominator of MASE and its lag: the in-sample MAE, over the training part, of the
    seasonal naive forecast of the shortest season (the naive forecast, lag 1, when the
    series has no season shorter than its training part)."""
    lag = next((s for s in series.seasons if s < series.split - 1), 1)
    labels = series.labels(lag, series.split)
    if not len(labels):
        return None, lag
    scale = mae(lagged(series, labels, np.array([lag]))[:, 0], series.values[labels])
    return (scale if scale > 0 else None), lag


def skill(value: float | None, reference: float | None) -> float | None:
    """``1 - value / reference``: above 0 when ``value`` beats the reference, 0.1 for 10 %
    better. None when either is unknown."""
    if value is None or reference is None or not reference > 0:
        return None
    return 1 - value / reference
