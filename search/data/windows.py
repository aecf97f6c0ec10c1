"""Windows of consecutive values, made with numpy's sliding-window view (no tf.data)."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def training_windows(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Every run of ``window`` values in ``values`` as inputs, the value after it as label.

    Returns ``x`` of shape ``(n, window, 1)`` and ``y`` of shape ``(n,)``.
    """
    runs = sliding_window_view(np.asarray(values, dtype="float32"), window + 1)
    return np.ascontiguousarray(runs[:, :window, None]), np.ascontiguousarray(runs[:, window])


def forecast_windows(values: np.ndarray, window: int, start: int) -> np.ndarray:
    """For each step ``t`` from ``start`` to the end, the ``window`` real values before it.

    Shape ``(len(values) - start, window, 1)``: the inputs of one-step forecasts of
    ``values[start:]``.
    """
    if start < window:
        raise ValueError(f"start {start} leaves fewer than {window} values before it")
    history = np.asarray(values[start - window : len(values) - 1], dtype="float32")
    return np.ascontiguousarray(sliding_window_view(history, window)[:, :, None])
