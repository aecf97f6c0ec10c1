"""What the study keeps about a run and each of its trials, and how it is read back.

The study is the record of what happened: the leaderboard and the report are built from
it alone, whichever worker or machine ran each trial.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import optuna
from optuna.trial import TrialState

from search.states import UNFINISHED, Status

# Trial user attributes.
CONFIG = "config"
VAL_MAE = "val_mae"
TEST_MAE = "test_mae"
FOLD_MAES = "fold_maes"
STEP_MAES = "step_maes"  # the validation MAE of each step ahead, with a horizon above 1
LAST_MAE = "last_val_mae"
EPOCHS = "epochs"
BEST_EPOCH = "best_epoch"
PARAMS = "params"
TRAIN_SECONDS = "train_seconds"
STOPPED = "stopped"
ERROR = "error"
WARNING = "warning"  # what went wrong beside a trial that kept its result (a file not saved)
TRACEBACK = "traceback"
STATUS = "status"
SEED = "seed"
WORKER = "worker"
RETRY_OF = "retry_of"
SURPLUS = "surplus"
FORECAST = "forecast"
KERAS_TUNER = "keras_tuner"  # Hyperband's bookkeeping of a trial (its epochs, its parent)
TEST_FORECAST = "test_forecast"
EPOCH_SECONDS = "epoch_seconds"  # when each epoch ended, in seconds from the trial's start
FOLD_BEST_EPOCHS = "fold_best_epochs"  # each fold's best epoch: how long a refit trains
# Every validation origin's forecasts and the test part's, compact (see search.study.forecasts).
VALID_FORECASTS = "valid_forecasts"
TEST_FORECASTS = "test_forecasts"

# Study user attributes: which run this study belongs to, and the learning rates its range
# tests suggested (by group of configurations).
RUN = "run"
LEARNING_RATES = "learning_rates"
ACTUALS = "actuals"  # the values forecasts are scored against, validation and test
BASELINE_FORECASTS = "baseline_forecasts"
REFITS = "refits"  # networks trained again before the test part, by trial number
ENSEMBLE = "ensemble"  # the answer chosen at the end of the run: its members and weights

STALE_ERROR = "its worker stopped answering (no heartbeat)"


@dataclass
class TrialRecord:
    """One trial as the study holds it."""

    number: int
    status: Status
    val_mae: float | None
    config: dict[str, Any]
    test_mae: float | None = None
    fold_maes: list[float] = field(default_factory=list)
    step_maes: list[float] = field(default_factory=list)
    last_val_mae: float | None = None
    epochs: int | None = None
    best_epoch: int | None = None
    params: int | None = None
    train_seconds: float | None = None
    stopped: str | None = None
    error: str | None = None
    seed: int | None = None
    worker: str | None = None
    started: datetime | None = None
    finished: datetime | None = None
    retry_of: int | None = None
    curve: list[float] = field(default_factory=list)
    epoch_seconds: list[float] = field(default_factory=list)

    def first_below(self, target: float) -> tuple[int, datetime] | None:
        """The first epoch (counted from 1, over every fold) whose validation MAE was below
        ``target``, and when it ended; None if none was, or the times were not kept."""
        if self.started is None:
            return None
        # Studies made before the times were kept have none: zip stops at once.
        pairs = zip(self.curve, self.epoch_seconds, strict=False)
        for index, (value, seconds) in enumerate(pairs):
            if value < target:
                return index + 1, self.started + timedelta(seconds=seconds)
        return None


def rank_key(record: TrialRecord, folds: int) -> tuple[bool, float]:
    """How trials are ranked: by validation MAE, except that a trial scored on fewer folds
    than the run's (pruned or out of time before its last one) comes after every trial
    scored on all of them, since its mean is over other blocks than theirs."""
    partial = 0 < len(record.fold_maes) < folds
    return partial, record.val_mae if record.val_mae is not None else math.inf


def best_trial(
    trials: Iterable[optuna.trial.FrozenTrial], folds: int
) -> tuple[optuna.trial.FrozenTrial, float] | None:
    """The trial the leaderboard ranks first among ``trials``, and its validation MAE: the
    completed and pruned ones ranked by ``rank_key`` (a pruned trial by its best epoch's
    MAE, not its last); None if none has a score."""
    found = []
    for trial in trials:
        if trial.state not in (TrialState.COMPLETE, TrialState.PRUNED):
            continue
        if trial.user_attrs.get(SURPLUS):
            continue
        value = trial.user_attrs.get(VAL_MAE, trial.value)
        if value is None or not math.isfinite(value):
            continue
        record = TrialRecord(
            trial.number,
            trial_status(trial),
            value,
            {},
            fold_maes=list(trial.user_attrs.get(FOLD_MAES) or []),
        )
        found.append((rank_key(record, folds), trial.number, trial, float(value)))
    if not found:
        return None
    _, _, trial, value = min(found, key=lambda entry: entry[:2])
    return trial, value


def read_records(study: optuna.Study) -> list[TrialRecord]:
    """Every trial of ``study`` in the order they started, surplus trials left out."""
    trials = study.get_trials(deepcopy=False)
    retried = {
        t.user_attrs[RETRY_OF]: t.number for t in trials if t.user_attrs.get(RETRY_OF) is not None
    }
    return [_record(t, retried) for t in trials if not t.user_attrs.get(SURPLUS)]


def _record(trial: optuna.trial.FrozenTrial, retried: dict[int, int]) -> TrialRecord:
    attrs = trial.user_attrs
    status = trial_status(trial)
    error = attrs.get(ERROR)
    if status in UNFINISHED:
        if error is None:
            error = STALE_ERROR
        if trial.number in retried:
            error = f"{error}; retried as trial {retried[trial.number]}"
    value = attrs.get(VAL_MAE)
    if value is None and trial.value is not None and math.isfinite(trial.value):
        value = trial.value
    curve = [trial.intermediate_values[step] for step in sorted(trial.intermediate_values)]
    return TrialRecord(
        number=trial.number,
        status=status,
        val_mae=value,
        config=dict(attrs.get(CONFIG) or trial.params),
        test_mae=attrs.get(TEST_MAE),
        fold_maes=list(attrs.get(FOLD_MAES) or []),
        step_maes=list(attrs.get(STEP_MAES) or []),
        last_val_mae=attrs.get(LAST_MAE),
        epochs=attrs.get(EPOCHS, len(curve) or None),
        best_epoch=attrs.get(BEST_EPOCH),
        params=attrs.get(PARAMS),
        train_seconds=attrs.get(TRAIN_SECONDS),
        stopped=attrs.get(STOPPED),
        error=error,
        seed=attrs.get(SEED),
        worker=attrs.get(WORKER),
        started=trial.datetime_start,
        finished=trial.datetime_complete,
        retry_of=attrs.get(RETRY_OF),
        curve=curve,
        epoch_seconds=list(attrs.get(EPOCH_SECONDS) or []),
    )


def trial_status(trial: optuna.trial.FrozenTrial) -> Status:
    """The status the leaderboard shows for ``trial``."""
    if trial.state == TrialState.COMPLETE:
        return Status.COMPLETE
    if trial.state == TrialState.PRUNED:
        return Status.PRUNED
    if trial.state == TrialState.FAIL:
        return Status(trial.user_attrs.get(STATUS, Status.FAILED))
    if trial.state == TrialState.WAITING:
        return Status.WAITING
    return Status.RUNNING
