"""Training a forecaster and scoring it the course's way: one-step forecasts of the
validation part from the real values before each point, MAE in the series' own units."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import keras
import keras_tuner as kt
import numpy as np

from search.data import Scaler, Series, forecast_windows, training_windows

# Larger validation sets are forecast in chunks of this many windows.
_PREDICT_CHUNK = 8192

# Called after each epoch with (epoch, val_mae); returns a reason to stop, or None.
EpochHook = Callable[[int, float], "str | None"]


class Diverged(kt.errors.FailedTrialError):
    """The loss or the forecasts stopped being finite numbers; retrying will not help."""


@dataclass
class Outcome:
    """What one training run reached, scored at its best epoch."""

    val_mae: float
    best_epoch: int
    epochs: int
    curve: list[float]
    stopped: str
    train_seconds: float
    params: int
    forecast: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class Prepared:
    """A series made ready for one window length and scaling."""

    scaler: Scaler
    x: np.ndarray
    y: np.ndarray
    x_valid: np.ndarray
    y_valid: np.ndarray


class Trainer:
    """Fits models on a series' training windows and scores them on its validation part.

    ``epochs`` caps training; ``patience`` stops it after that many epochs without a
    better validation MAE (``None``: never). The best epoch's weights are restored.
    """

    def __init__(self, series: Series, *, epochs: int, patience: int | None):
        self.series = series
        self.epochs = epochs
        self.patience = patience
        self.prepare = lru_cache(maxsize=8)(self._prepare)

    def _prepare(self, window: int, scaling: str) -> Prepared:
        series = self.series
        scaler = Scaler.fit(scaling, series.train)
        scaled = scaler.transform(series.values)
        x, y = training_windows(scaled[: series.split], window)
        return Prepared(
            scaler=scaler,
            x=x,
            y=y,
            x_valid=forecast_windows(scaled, window, series.split),
            y_valid=series.valid.astype("float64"),
        )

    def forecast(self, model: keras.Model, config: dict[str, Any]) -> np.ndarray:
        """One-step forecasts of the validation part, in the series' units."""
        data = self.prepare(int(config["window"]), config["scaling"])
        return _forecast(model, data)

    def fit(
        self,
        model: keras.Model,
        config: dict[str, Any],
        *,
        on_epoch: EpochHook | None = None,
        callbacks: Sequence[keras.callbacks.Callback] = (),
        epochs: int | None = None,
        initial_epoch: int = 0,
        verbose: int = 0,
    ) -> Outcome:
        """Train ``model`` with the configuration's batch size, window and scaling.

        ``on_epoch`` sees each epoch's validation MAE and may stop training with a reason
        (``pruned``, ``budget``, ``interrupted``); Keras ``callbacks`` run after the
        validation, so ``logs["val_mae"]`` is there for them.
        """
        data = self.prepare(int(config["window"]), config["scaling"])
        validation = _Validation(data, self.patience, on_epoch)
        started = time.perf_counter()
        model.fit(
            data.x,
            data.y,
            batch_size=int(config["batch_size"]),
            epochs=epochs or self.epochs,
            initial_epoch=initial_epoch,
            shuffle=True,
            verbose=verbose,
            callbacks=[validation, *callbacks],
        )
        seconds = time.perf_counter() - started
        if validation.best_epoch is None:
            raise Diverged("training stopped before the first epoch ended")
        return Outcome(
            val_mae=validation.best,
            best_epoch=validation.best_epoch + 1,
            epochs=len(validation.curve) + initial_epoch,
            curve=validation.curve,
            stopped=validation.stopped or "max_epochs",
            train_seconds=seconds,
            params=_trainable_parameters(model),
            forecast=validation.best_forecast,
        )


def mae(forecast: np.ndarray, actual: np.ndarray) -> float:
    """Mean absolute error, in float64."""
    return float(np.mean(np.abs(np.asarray(forecast, "float64") - np.asarray(actual, "float64"))))


def _forecast(model: keras.Model, data: Prepared) -> np.ndarray:
    x = data.x_valid
    if len(x) <= _PREDICT_CHUNK:
        raw = np.asarray(model.predict_on_batch(x))
    else:
        raw = model.predict(x, batch_size=_PREDICT_CHUNK, verbose=0)
    return data.scaler.inverse(raw.reshape(-1))


def _trainable_parameters(model: keras.Model) -> int:
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))


class _Validation(keras.callbacks.Callback):
    """Scores each epoch, keeps the best weights, stops on patience, NaN or request."""

    def __init__(self, data: Prepared, patience: int | None, on_epoch: EpochHook | None):
        super().__init__()
        self.data = data
        self.patience = patience
        self.on_epoch = on_epoch
        self.curve: list[float] = []
        self.best = math.inf
        self.best_epoch: int | None = None
        self.best_weights: list[np.ndarray] | None = None
        self.best_forecast: np.ndarray | None = None
        self.stopped: str | None = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs if logs is not None else {}
        loss = logs.get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            raise Diverged(f"the loss became {float(loss)} at epoch {epoch + 1}")
        forecast = _forecast(self.model, self.data)
        score = mae(forecast, self.data.y_valid)
        if not math.isfinite(score):
            raise Diverged(f"the forecasts became {score} at epoch {epoch + 1}")
        logs["val_mae"] = score
        self.curve.append(score)
        if score < self.best:
            self.best, self.best_epoch = score, epoch
            self.best_weights = self.model.get_weights()
            self.best_forecast = forecast
        elif self.patience is not None and epoch - self.best_epoch >= self.patience:
            self._stop("early_stopping")
        if self.on_epoch is not None:
            reason = self.on_epoch(epoch, score)
            if reason:
                self._stop(reason)

    def _stop(self, reason: str) -> None:
        self.stopped = self.stopped or reason
        self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.best_weights is not None:
            self.model.set_weights(self.best_weights)
