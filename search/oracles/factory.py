"""Choosing the oracle for a run's tuner: an Optuna sampler or one of Keras Tuner's
algorithms, each recording its trials in the study."""

from __future__ import annotations

from typing import Any

import keras_tuner as kt
import optuna

from search.errors import UsageError
from search.oracles.base import StopCheck, StudyOracle
from search.oracles.keras_tuner_oracles import (
    BayesianOptimizationOracle,
    GridSearchOracle,
    HyperbandOracle,
    RandomSearchOracle,
)
from search.oracles.optuna_oracle import OptunaOracle
from search.vocabulary import OPTUNA_SAMPLERS, TUNERS

OBJECTIVE = kt.Objective("val_mae", direction="min")


def make_oracle(
    tuner: str,
    *,
    study: optuna.Study,
    hyperparameters: kt.HyperParameters,
    trials: int,
    epochs: int,
    seed: int,
    max_failures: int,
    stop: StopCheck | None = None,
    heartbeat: float | None = None,
    stand_by: bool = True,
) -> StudyOracle:
    """The oracle for ``tuner``: an Optuna sampler or one of Keras Tuner's algorithms.
    ``stand_by`` (Optuna samplers): once the budget is spent, wait while other workers'
    trials run, to run their retries should they fail; else stop at once."""
    common: dict[str, Any] = dict(
        study=study,
        stop=stop,
        heartbeat=heartbeat,
        objective=OBJECTIVE,
        hyperparameters=hyperparameters,
        seed=seed,
        max_retries_per_trial=0,
        max_consecutive_failed_trials=max_failures,
    )
    if tuner in OPTUNA_SAMPLERS:
        return OptunaOracle(sampler=tuner, budget=trials, stand_by=stand_by, **common)
    if tuner == "random":
        return RandomSearchOracle(max_trials=trials, **common)
    if tuner == "bayesian":
        return BayesianOptimizationOracle(max_trials=trials, **common)
    if tuner == "grid":
        return GridSearchOracle(max_trials=trials, **common)
    if tuner == "hyperband":
        oracle = HyperbandOracle(max_epochs=epochs, factor=3, **common)
        oracle.max_trials = trials  # Keras Tuner's Hyperband has no trial budget of its own
        return oracle
    raise UsageError(f"unknown tuner {tuner!r}; expected one of {', '.join(TUNERS)}")
