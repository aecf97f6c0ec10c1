"""Forecasts from a run's best model: one step ahead over a series, then steps beyond it."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view

from search.data import Series
from search.errors import UsageError

FORECAST_FILE = "forecast.csv"


def one_step(model: keras.Model, values: np.ndarray, window: int) -> np.ndarray:
    """The forecast of each value from ``window`` on, from the real values before it."""
    inputs = sliding_window_view(np.asarray(values[:-1], dtype="float32"), window)
    return np.asarray(model.predict(inputs, batch_size=4096, verbose=0), "float64").reshape(-1)


def ahead(model: keras.Model, values: np.ndarray, window: int, steps: int) -> np.ndarray:
    """``steps`` values beyond the end, each forecast fed back as the next input."""
    history = list(np.asarray(values[-window:], dtype="float32"))
    forecasts = []
    for _ in range(steps):
        value = float(
            np.asarray(model.predict_on_batch(np.array([history[-window:]]))).reshape(-1)[0]
        )
        forecasts.append(value)
        history.append(value)
    return np.array(forecasts)


def forecast_table(
    model: keras.Model, info: dict[str, Any], series: Series, steps: int
) -> pd.DataFrame:
    """``time``, ``actual``, ``forecast`` and ``kind`` (``one-step`` or ``ahead``) for every
    value from the first full window to ``steps`` past the end. Time stamps continue the
    series' own where it has them."""
    window = int(info["window"])
    values = series.values
    if len(values) <= window:
        raise UsageError(
            f"{series.name} has {len(values)} values; the model needs more than its window "
            f"of {window}"
        )
    time = series.time if series.time is not None else np.arange(len(values))
    past = pd.DataFrame(
        {
            "time": time[window:],
            "actual": values[window:].astype("float64"),
            "forecast": one_step(model, values, window),
            "kind": "one-step",
        }
    )
    if steps <= 0:
        return past
    future = pd.DataFrame(
        {
            "time": _continue(time, steps),
            "actual": np.nan,
            "forecast": ahead(model, values, window, steps),
            "kind": "ahead",
        }
    )
    return pd.concat([past, future], ignore_index=True)


def _continue(time: np.ndarray, steps: int) -> np.ndarray:
    """``steps`` more time stamps, spaced as the last ones are."""
    if len(time) < 2:
        return np.arange(1, steps + 1) + (time[-1] if len(time) else 0)
    step = pd.Series(np.diff(time)).mode().iloc[0]
    return time[-1] + step * np.arange(1, steps + 1)
