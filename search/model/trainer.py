"""Training a forecaster and scoring it: one-step forecasts of each validation fold from the
real values before each point, MAE in the series' own units; then, at the best epoch, one
forecast of the test part, which nothing else reads."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import keras
import numpy as np

from search.data import Series, actual, backtest_folds
from search.inputs import Assembly, InputSpec
from search.metrics import mae
from search.model.fold import FOLD_ENDS, Diverged, FoldOutcome, Prepared, Validation
from search.model.training import (
    Inputs,
    build_optimizer,
    forecast_with,
    start_linear_skip,
    trainable_parameters,
)
from search.states import StopReason

# Called after each epoch with (fold index from 0, epoch from 0, val_mae); returns a reason
# to stop the trial (a ``StopReason``: pruned, out of time, interrupted...), or None.
EpochHook = Callable[[int, int, float], "str | None"]

# Builds a fresh, compiled model for a fold (given its index from 0).
ModelFactory = Callable[[int], keras.Model]


@dataclass
class Outcome:
    """What one trial reached: its folds, and the test part forecast by the last one."""

    folds: list[FoldOutcome]
    stopped: str
    train_seconds: float
    params: int
    test_mae: float | None = None
    test_forecasts: np.ndarray | None = field(default=None, repr=False)  # (origins, horizon)
    # The last fold's model at its best epoch, and how it was given its inputs: what the
    # test forecasts came from.
    model: keras.Model | None = field(default=None, repr=False, compare=False)
    assembly: Assembly | None = field(default=None, repr=False, compare=False)

    @property
    def val_mae(self) -> float:
        """The mean of the folds' validation MAEs (of those reached, if it stopped early)."""
        return float(np.mean([f.val_mae for f in self.folds]))

    @property
    def fold_maes(self) -> list[float]:
        return [f.val_mae for f in self.folds]

    @property
    def best_epoch(self) -> int:
        """The best epoch of the last fold: the weights the test part and the saved model
        come from."""
        return self.folds[-1].best_epoch

    @property
    def epochs(self) -> int:
        """Epochs trained, over every fold."""
        return sum(f.epochs for f in self.folds)

    @property
    def curve(self) -> list[float]:
        return [value for f in self.folds for value in f.curve]

    @property
    def forecast(self) -> np.ndarray:
        """The validation forecasts of every fold reached, in time order: one per origin,
        of its first step."""
        return self.valid_forecasts[:, 0]

    @property
    def valid_forecasts(self) -> np.ndarray:
        """``(origins, horizon)``: every fold reached's validation forecasts, in time order."""
        return np.concatenate([f.forecast for f in self.folds])

    @property
    def fold_best_epochs(self) -> list[int]:
        return [f.best_epoch for f in self.folds]

    @property
    def step_maes(self) -> list[float]:
        """The validation MAE of each step ahead, the mean over the folds reached."""
        return [float(v) for v in np.mean([f.step_maes for f in self.folds], axis=0)]


class Trainer:
    """Fits models on a series' training windows and scores them on its validation folds.

    ``epochs`` caps training on each fold; ``patience`` stops it after that many epochs
    without a better validation MAE (``None``: never). The best epoch's weights are kept.
    With ``folds`` above 1, each fold trains a fresh model on everything before its block,
    with its own scaling.
    """

    def __init__(
        self,
        series: Series,
        *,
        epochs: int,
        patience: int | None,
        folds: int = 1,
        horizon: int = 1,
    ):
        self.series = series
        self.horizon = horizon
        self.epochs = epochs
        self.patience = patience
        self.folds = backtest_folds(series, folds)
        self.prepare = lru_cache(maxsize=16)(self._prepare)
        self._test = lru_cache(maxsize=8)(self._prepare_test)

    def step(self, fold: int, epoch: int) -> int:
        """The study's step for an epoch of a fold: each fold's epochs have their own steps,
        so a pruner compares a fold's epochs only with the same fold's of other trials."""
        return fold * self.epochs + epoch

    def spec(self, config: dict[str, Any]) -> InputSpec:
        """The inputs ``config`` gives its model on this series."""
        return InputSpec.of(config, self.series, self.horizon)

    def prepared(self, config: dict[str, Any], fold: int = 0) -> Prepared:
        """Fold ``fold`` made ready for ``config``'s inputs and scaling."""
        return self.prepare(self.spec(config), config["scaling"], fold)

    def assembly(self, config: dict[str, Any], fold: int) -> Assembly:
        """How ``config``'s model of ``fold`` was given its inputs: the saved model's."""
        return self.prepared(config, fold).assembly

    def _prepare(self, spec: InputSpec, scaling: str, fold: int = 0) -> Prepared:
        series, part = self.series, self.folds[fold]
        assembly = Assembly.fit(spec, series, part.start, scaling)
        train = assembly.labels(series, 0, part.start)
        valid = assembly.labels(series, part.start, part.end)
        return Prepared(
            fold=part,
            assembly=assembly,
            x=assembly.inputs(series, train),
            y=assembly.target(series, train),
            x_valid=assembly.inputs(series, valid),
            y_valid=actual(series, valid, spec.horizon),
            base_valid=assembly.base(series, valid),
        )

    def _prepare_test(
        self, spec: InputSpec, scaling: str, fold: int
    ) -> tuple[Inputs, np.ndarray, np.ndarray]:
        series = self.series
        assembly = self.prepare(spec, scaling, fold).assembly
        labels = assembly.labels(series, series.test_start, len(series.values))
        return (
            assembly.inputs(series, labels),
            actual(series, labels, spec.horizon),
            assembly.base(series, labels),
        )

    def fit(
        self,
        model_for: ModelFactory | keras.Model,
        config: dict[str, Any],
        *,
        on_epoch: EpochHook | None = None,
        callbacks: Sequence[keras.callbacks.Callback] = (),
        epochs: int | None = None,
        initial_epoch: int = 0,
        verbose: int = 0,
    ) -> Outcome:
        """Train on each fold in turn with the configuration's batch size, window and
        scaling, then forecast the test part once with the last fold's best weights.

        ``model_for`` builds the model of each fold (a single model will do for one fold).
        ``on_epoch`` sees each epoch's validation MAE and may stop the trial with a reason;
        Keras ``callbacks`` run after the validation, so ``logs["val_mae"]`` is there.
        """
        if isinstance(model_for, keras.Model):
            model_for = _only(model_for)
        spec, scaling = self.spec(config), config["scaling"]
        reached: list[FoldOutcome] = []
        stopped, model = StopReason.MAX_EPOCHS, None
        started = time.perf_counter()
        for index in range(len(self.folds)):
            model = model_for(index)
            data = self.prepare(spec, scaling, index)
            if initial_epoch == 0:
                start_linear_skip(model, data.x, data.y)
            build_optimizer(model)
            hook = None if on_epoch is None else _for_fold(on_epoch, index)
            validation = Validation(data, self.patience, hook)
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
            if validation.best_epoch is None:
                raise Diverged("training stopped before the first epoch ended")
            reached.append(validation.outcome(initial_epoch))
            if validation.stopped not in FOLD_ENDS:
                stopped = validation.stopped
                break  # pruned, out of time, interrupted: no further fold
            if stopped != StopReason.DIVERGED:
                stopped = validation.stopped or StopReason.MAX_EPOCHS
        outcome = Outcome(
            folds=reached,
            stopped=stopped,
            train_seconds=time.perf_counter() - started,
            params=trainable_parameters(model),
            model=model,
            assembly=self.prepare(spec, scaling, len(reached) - 1).assembly,
        )
        if self.series.has_test and stopped != StopReason.INTERRUPTED:
            x, y, base = self._test(spec, scaling, len(reached) - 1)
            assembly = outcome.assembly
            forecast = forecast_with(model, x, assembly, base)
            outcome.test_forecasts = forecast
            outcome.test_mae = mae(forecast, y)
        return outcome


def _only(model: keras.Model) -> ModelFactory:
    def model_for(fold: int) -> keras.Model:
        if fold:
            raise ValueError("several folds need a new model for each; pass a factory")
        return model

    return model_for


def _for_fold(on_epoch: EpochHook, fold: int) -> Callable[[int, float], str | None]:
    return lambda epoch, value: on_epoch(fold, epoch, value)
