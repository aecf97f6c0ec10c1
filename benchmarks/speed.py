"""Seconds per epoch of one architecture through three pipelines: the product's, a plain
``fit`` on a numpy window array, and the course's ``tf.data`` (``benchmarks/bench.py``)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def pipeline_speed(series, epochs: int) -> pd.DataFrame:
    """Seconds per epoch of one LSTM(64) (window 20, batch 32) through the product's
    pipeline, a plain ``fit`` on a numpy window array, and the course's ``tf.data``
    pipeline; the median epoch, the first (which compiles) left out."""
    import warnings

    import keras

    # Keras warns that a tf.data pipeline without .repeat() ends each epoch: it is meant to.
    warnings.filterwarnings("ignore", message=".*ran out of data", category=UserWarning)
    warnings.filterwarnings("ignore", message=".*shuffle=True.*", category=UserWarning)
    sys.path.insert(0, str(HERE))
    from contenders import windowed_dataset
    from numpy.lib.stride_tricks import sliding_window_view

    from search.model.build import build_model
    from search.model.trainer import Trainer

    config = dict(
        cell="lstm", depth=1, units=64, bidirectional=False, dropout=0.0, optimizer="adam",
        learning_rate=1e-3, loss="mse", batch_size=32, window=20, scaling="standard",
    )  # fmt: skip

    class EpochTimer(keras.callbacks.Callback):
        """Times each epoch; ``per_epoch`` is the median, the first (which compiles) left out."""

        def __init__(self):
            super().__init__()
            self.seconds: list[float] = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

        def per_epoch(self) -> float:
            return float(np.median(self.seconds[1:] or self.seconds))

    runs = epochs + 1
    keras.utils.set_random_seed(0)
    timer = EpochTimer()
    Trainer(series, epochs=runs, patience=None).fit(build_model(config), config, callbacks=[timer])
    product = timer.per_epoch()

    def plain_model() -> keras.Model:
        model = keras.Sequential(
            [keras.Input((20, 1)), keras.layers.LSTM(64), keras.layers.Dense(1)]
        )
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
        return model

    train = series.train.astype("float32")
    runs_of_21 = sliding_window_view(train, 21)
    x, y = runs_of_21[:, :20].copy(), runs_of_21[:, 20].copy()
    timer = EpochTimer()
    plain_model().fit(x[..., None], y, batch_size=32, epochs=runs, verbose=0, callbacks=[timer])
    numpy_fit = timer.per_epoch()
    dataset = windowed_dataset(train, 20, 32).map(lambda w, label: (w[..., None], label))
    timer = EpochTimer()
    plain_model().fit(dataset, epochs=runs, verbose=0, callbacks=[timer])
    course = timer.per_epoch()
    return pd.DataFrame(
        [
            ["this product (validation after every epoch included)", product, 1.0],
            ["plain model.fit on a numpy window array", numpy_fit, numpy_fit / product],
            ["the course's tf.data pipeline", course, course / product],
        ],
        columns=["pipeline", "seconds_per_epoch", "relative_to_product"],
    )
