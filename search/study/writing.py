"""What one running trial writes into the study, from its start to its result.

An oracle hands its tuner one recorder per trial: the conversation between them stays as
narrow as Keras Tuner's own (create the trial, report epochs, end it), and everything the
study keeps about a trial is written here.
"""

from __future__ import annotations

import math
import time
from typing import Any

import optuna
from optuna.exceptions import UpdateFinishedTrialError
from optuna.trial import TrialState

from search.data.forecasts import encode
from search.states import Status
from search.study import records as rec
from search.study.outcome import TrialOutcome
from search.study.records import rank_key


class TrialTakenOver(Exception):
    """The study ended this trial while it ran: its heartbeat lapsed for longer than the
    grace period and another worker failed it (and queued its retry). Whatever it reaches
    now is no longer recorded."""


class TrialRecorder:
    """Writes one running trial of ``study``: its configuration and seed, each epoch's
    validation MAE (and whether the pruner stops it there), and its result."""

    def __init__(self, study: optuna.Study, live: optuna.Trial):
        self.study = study
        self.live = live
        self.pruned = False
        self.outcome: TrialOutcome | None = None
        self.taken_over = False
        # Epochs are timed from the trial's start as the study records it, so that a
        # reader adds them to datetime_start (sampling and model building included).
        started = getattr(live, "datetime_start", None)
        self._started = started.timestamp() if started is not None else time.time()
        self._epoch_ends: list[float] = []

    @property
    def number(self) -> int:
        return self.live.number

    def start(self, config: dict[str, Any], seed: int) -> None:
        """What the trial is about to train, written before it trains."""
        self.note(rec.CONFIG, _plain(config))
        self.note(rec.SEED, seed)

    def epoch(self, step: int, val_mae: float) -> bool:
        """Record one epoch's validation MAE at its step; whether the pruner stops the
        trial here. Raises ``TrialTakenOver`` once the study has ended the trial."""
        self._epoch_ends.append(round(time.time() - self._started, 3))
        try:
            self.live.report(val_mae, step)
        except UpdateFinishedTrialError:
            self.taken_over = True
            raise TrialTakenOver(f"trial {self.number} was ended by another worker") from None
        if self.live.should_prune():
            self.pruned = True
        return self.pruned

    def beats_best(self, outcome: TrialOutcome, folds: int) -> bool:
        """Whether ``outcome`` ranks above every finished trial of the study, every
        worker's included (see ``rank_key``: a trial scored on fewer than ``folds`` folds
        ranks after those scored on all)."""
        mine = rank_key(_record(outcome), folds)
        for trial in self.study.get_trials(
            deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED)
        ):
            value = trial.user_attrs.get(rec.VAL_MAE, trial.value)
            if value is None or not math.isfinite(value):
                continue
            theirs = rec.TrialRecord(
                trial.number,
                rec.trial_status(trial),
                value,
                {},
                fold_maes=trial.user_attrs.get(rec.FOLD_MAES) or [],
            )
            if rank_key(theirs, folds) <= mine:
                return False
        return True

    def result(self, outcome: TrialOutcome, *, keep_forecast: bool = False) -> None:
        """Keep what the trial reached beside it; ``keep_forecast`` keeps its forecasts
        too (for the best trial, whose forecasts the report draws)."""
        self.outcome = outcome
        test = None if outcome.test_mae is None else round(outcome.test_mae, 6)
        for key, value in (
            (rec.VAL_MAE, outcome.val_mae),
            (rec.TEST_MAE, test),
            (rec.FOLD_MAES, [round(v, 6) for v in outcome.fold_maes]),
            (rec.LAST_MAE, round(outcome.curve[-1], 6)),
            (rec.EPOCHS, outcome.epochs),
            (rec.BEST_EPOCH, outcome.best_epoch),
            (rec.PARAMS, outcome.params),
            (rec.TRAIN_SECONDS, round(outcome.train_seconds, 3)),
            (rec.STOPPED, outcome.stopped),
            (rec.EPOCH_SECONDS, self._epoch_ends),
        ):
            self.note(key, value)
        steps = outcome.step_maes
        if len(steps) > 1:
            self.note(rec.STEP_MAES, [round(v, 6) for v in steps])
        self.note(rec.FOLD_BEST_EPOCHS, outcome.fold_best_epochs)
        # Every trial's forecasts, compact: an ensemble is chosen from them after the search.
        self.note(rec.VALID_FORECASTS, encode(outcome.valid_forecasts))
        if outcome.test_forecasts is not None:
            self.note(rec.TEST_FORECASTS, encode(outcome.test_forecasts))
        if keep_forecast:
            self.note(rec.FORECAST, _rounded(outcome.forecast))
            if outcome.test_forecasts is not None:
                self.note(rec.TEST_FORECAST, _rounded(outcome.test_forecasts[:, 0]))

    def tell(self) -> None:
        """End the trial in the study with what it reached: complete, or pruned."""
        if self.taken_over or self.outcome is None:
            return
        # Another worker may have failed it a moment ago (a heartbeat lapse): then its
        # retry stands, and this result is dropped.
        if self.pruned:
            self.study.tell(self.live, state=TrialState.PRUNED, skip_if_finished=True)
        else:
            self.study.tell(self.live, self.outcome.val_mae, skip_if_finished=True)

    def fail(
        self, error: str, *, status: Status | None = None, traceback: str | None = None
    ) -> None:
        """End the trial as failed (or ``status``, such as ``interrupted``), with why."""
        if self.taken_over:
            return
        try:
            if self._epoch_ends:
                self.live.set_user_attr(rec.EPOCH_SECONDS, self._epoch_ends)
            if status is not None:
                self.live.set_user_attr(rec.STATUS, status)
            self.live.set_user_attr(rec.ERROR, error)
            if traceback:
                self.live.set_user_attr(rec.TRACEBACK, traceback)
            self.study.tell(self.live, state=TrialState.FAIL, skip_if_finished=True)
        except UpdateFinishedTrialError:
            self.taken_over = True

    def note(self, key: str, value: Any) -> None:
        """Keep ``value`` beside the trial under ``key``."""
        if self.taken_over:
            return
        try:
            self.live.set_user_attr(key, value)
        except UpdateFinishedTrialError:
            self.taken_over = True


def _record(outcome: TrialOutcome) -> rec.TrialRecord:
    return rec.TrialRecord(-1, Status.RUNNING, outcome.val_mae, {}, fold_maes=outcome.fold_maes)


def _rounded(values: Any) -> list[float]:
    return [round(float(v), 6) for v in values]


def _plain(config: dict[str, Any]) -> dict[str, Any]:
    """Configuration values as JSON-ready Python scalars."""
    return {key: value.item() if hasattr(value, "item") else value for key, value in config.items()}
