"""One fold of a trial's training: its data made ready (``Prepared``), the callback that
scores each epoch on it and stops on patience, divergence or request (``Validation``), and
what it reached (``FoldOutcome``)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import keras_tuner as kt
import numpy as np

from search.data import Fold, Scaler
from search.inputs import Assembly
from search.metrics import mae
from search.model.training import Inputs, forecast_with
from search.states import StopReason

# What ends one fold and lets the next one train; any other reason ends the trial.
FOLD_ENDS = (None, StopReason.EARLY_STOPPING, StopReason.DIVERGED)


class Diverged(kt.errors.FailedTrialError):
    """The loss or the forecasts stopped being finite numbers; retrying will not help."""


@dataclass
class FoldOutcome:
    """What training on one fold reached, scored at its best epoch."""

    val_mae: float
    best_epoch: int
    epochs: int
    curve: list[float]
    forecast: np.ndarray = field(repr=False)  # (origins, horizon)
    step_maes: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Prepared:
    """One fold of a series made ready for one configuration's inputs and scaling: training
    inputs and scaled targets, validation inputs and raw labels, and what each validation
    forecast's difference is added back to (``base_valid``)."""

    fold: Fold
    assembly: Assembly
    x: Inputs
    y: np.ndarray
    x_valid: Inputs
    y_valid: np.ndarray
    base_valid: np.ndarray

    @property
    def scaler(self) -> Scaler:
        return self.assembly.scaler


class Validation(keras.callbacks.Callback):
    """Scores each epoch, keeps the best weights, stops on patience, NaN or request."""

    def __init__(
        self,
        data: Prepared,
        patience: int | None,
        on_epoch: Callable[[int, float], str | None] | None,
    ):
        super().__init__()
        self.data = data
        self.patience = patience
        self.on_epoch = on_epoch
        self.curve: list[float] = []
        self.trained = 0  # epochs run, the one that diverged included
        self.best = math.inf
        self.best_epoch: int | None = None
        self.best_weights: list[np.ndarray] | None = None
        self.best_forecast: np.ndarray | None = None
        self.best_steps: list[float] = []
        self.stopped: str | None = None

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.trained += 1
        logs = logs if logs is not None else {}
        loss = logs.get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            self._diverged(f"the loss became {float(loss)} at epoch {epoch + 1}")
            return
        data = self.data
        forecast = forecast_with(self.model, data.x_valid, data.assembly, data.base_valid)
        score = mae(forecast, self.data.y_valid)
        if not math.isfinite(score):
            self._diverged(f"the forecasts became {score} at epoch {epoch + 1}")
            return
        logs["val_mae"] = score
        self.curve.append(score)
        if score < self.best:
            self.best, self.best_epoch = score, epoch
            self.best_weights = self.model.get_weights()
            self.best_forecast = forecast
            self.best_steps = np.mean(np.abs(forecast - data.y_valid), axis=0).tolist()
        elif self.patience is not None and epoch - self.best_epoch >= self.patience:
            self._stop(StopReason.EARLY_STOPPING)
        if self.on_epoch is not None:
            reason = self.on_epoch(epoch, score)
            if reason:
                self._stop(reason)

    def _diverged(self, why: str) -> None:
        """A model that diverged after a scored epoch keeps its best epoch; one that never
        scored one has nothing to keep."""
        if self.best_epoch is None:
            raise Diverged(why)
        if self.stopped is None:
            self.stopped = StopReason.DIVERGED
        self.model.stop_training = True

    def _stop(self, reason: str) -> None:
        # A reason from outside (pruned, out of time, interrupted) ends the whole trial, so
        # it outranks early stopping, which ends only this fold.
        if self.stopped in FOLD_ENDS:
            self.stopped = reason
        self.model.stop_training = True

    def on_train_end(self, logs: dict | None = None) -> None:
        if self.best_weights is not None:
            self.model.set_weights(self.best_weights)

    def outcome(self, initial_epoch: int) -> FoldOutcome:
        return FoldOutcome(
            val_mae=self.best,
            best_epoch=self.best_epoch + 1,
            epochs=self.trained + initial_epoch,
            curve=self.curve,
            forecast=self.best_forecast,
            step_maes=self.best_steps,
        )
