"""The inputs of a forecast: values at given lags before each label, gathered causally.

A forecast of the value at position ``j`` reads values before ``j`` only, and only what was
known at ``j``: a gap that the data closed before ``j`` is interpolated, but a gap still open
at ``j`` (its next real value is ``j`` itself or later) is carried forward from the last real
value before it. So no input is ever computed from its own label or a later value, in
training or in scoring.
"""

from __future__ import annotations

import numpy as np

from search.data.series import Series


def window_lags(window: int) -> np.ndarray:
    """The lags of a window of ``window`` values, oldest first: ``window`` … 1."""
    return np.arange(window, 0, -1)


def lagged(series: Series, labels: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """``(len(labels), len(lags))``: for each label ``j``, the values at ``j - lag``, in the
    series' own precision (a CSV's float64)."""
    labels = np.asarray(labels, dtype="int64")
    lags = np.asarray(lags, dtype="int64")
    positions = labels[:, None] - lags[None, :]
    if len(labels) and positions.min() < 0:
        raise ValueError(f"label {labels.min()} has no value {lags.max()} steps before it")
    inputs = series.values[positions]
    if series.causal is not None:
        # Positions after the last real value before the label lie in a gap still open
        # at the label: what was known then is the value carried forward.
        late = positions > series.last_real[labels - 1][:, None]
        inputs = np.where(late, series.causal[positions], inputs)
    return np.ascontiguousarray(inputs)


def actual(series: Series, origins: np.ndarray, horizon: int = 1) -> np.ndarray:
    """The values forecast from each origin, ``horizon`` steps: ``(n, horizon)``."""
    return series.values[np.asarray(origins)[:, None] + np.arange(horizon)].astype("float64")
