"""Forecasts that need no network, scored the same way as every trial."""

from __future__ import annotations

import numpy as np

from search.data.series import Series
from search.data.windows import forecast_windows, training_windows

BASELINES = ("naive", "moving_average", "linear_ar")


def _mae(forecast: np.ndarray, actual: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(forecast, "float64") - actual)))


def baseline_forecasts(series: Series, window: int | None = None) -> dict[str, np.ndarray]:
    """One-step forecasts of the validation part by each baseline.

    ``naive`` repeats the last value; ``moving_average`` is the mean of the window;
    ``linear_ar`` is a least-squares linear autoregression (with intercept) on the window,
    fitted on the training part only.
    """
    window = window or series.reference_window
    inputs = forecast_windows(series.values, window, series.split)[:, :, 0].astype("float64")
    x, y = training_windows(series.train, window)
    design = np.c_[x[:, :, 0].astype("float64"), np.ones(len(x))]
    coef, *_ = np.linalg.lstsq(design, y.astype("float64"), rcond=None)
    return {
        "naive": inputs[:, -1],
        "moving_average": inputs.mean(axis=1),
        "linear_ar": np.c_[inputs, np.ones(len(inputs))] @ coef,
    }


def baseline_scores(series: Series, window: int | None = None) -> dict[str, float]:
    """Validation MAE of each baseline, in the series' own units."""
    actual = series.valid.astype("float64")
    return {
        name: _mae(forecast, actual)
        for name, forecast in baseline_forecasts(series, window).items()
    }
