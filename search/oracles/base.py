"""The part every oracle of this product shares: its trials are recorded in an Optuna study.

Keras Tuner's split stays as it is: the oracle decides and keeps the record, the tuner
trains. Here the record is the study, whatever algorithm decides.
"""

from __future__ import annotations

import math
import os
import socket
import warnings
from collections.abc import Callable
from typing import Any

import keras_tuner as kt
import optuna
from optuna.trial import TrialState

from search.study import Heartbeat
from search.study import records as rec
from search.trainer import Outcome

StopCheck = Callable[[], "str | None"]
TrialStatus = kt.engine.trial.TrialStatus

# The end of a failed trial's traceback is kept in the study, for whoever debugs it.
_TRACEBACK_CHARS = 4000

# Keras Tuner's hyperband bookkeeping, kept beside the trial rather than as parameters.
_TUNER_VALUES = "tuner/"


def ask(study: optuna.Study, fixed_distributions: dict | None = None) -> optuna.Trial:
    """``study.ask``, without Optuna's warning that heartbeats belong to ``optimize``: this
    product records heartbeats for asked trials itself (see ``search.study.Heartbeat``)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Heartbeat of storage is supposed")
        return study.ask(fixed_distributions)


def worker_name() -> str:
    """Which machine and process ran a trial."""
    return f"{socket.gethostname()}:{os.getpid()}"


class StudyOracle(kt.Oracle):
    """A Keras Tuner oracle whose trials live in an Optuna study.

    ``stop`` tells, before each new trial, whether the run must end (``budget``,
    ``interrupted``). ``heartbeat`` is the interval, in seconds, of the sign of life a
    running trial writes to the study.
    """

    def __init__(
        self,
        *,
        study: optuna.Study,
        stop: StopCheck | None = None,
        heartbeat: float | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.study = study
        self._stop = stop
        self._heartbeat_interval = heartbeat
        self._live: dict[str, optuna.Trial] = {}
        self._beats: dict[str, Heartbeat] = {}
        self._pruned: set[str] = set()
        self._outcomes: dict[str, Outcome] = {}

    # -- opening --------------------------------------------------------------------------

    def _stop_reason(self) -> str | None:
        return self._stop() if self._stop is not None else None

    def _open(self, trial_id: str, live: optuna.Trial) -> None:
        self._live[trial_id] = live
        live.set_user_attr(rec.WORKER, worker_name())
        if self._heartbeat_interval:
            self._beats[trial_id] = Heartbeat(
                self.study._storage, live._trial_id, self._heartbeat_interval
            )

    def study_number(self, trial_id: str) -> int:
        """The study's number for a running Keras Tuner trial."""
        return self._live[trial_id].number

    def start(self, trial_id: str, config: dict[str, Any], seed: int) -> None:
        """Record what the trial is about to train, before it trains."""
        live = self._live[trial_id]
        live.set_user_attr(rec.CONFIG, _plain(config))
        live.set_user_attr(rec.SEED, seed)

    # -- while training -------------------------------------------------------------------

    def report(self, trial_id: str, step: int, val_mae: float) -> bool:
        """Record one epoch's validation MAE at its step; whether the pruner stops the trial
        here."""
        live = self._live[trial_id]
        live.report(val_mae, step)
        if live.should_prune():
            self._pruned.add(trial_id)
            return True
        return False

    def record(self, trial_id: str, outcome: Outcome, *, keep_forecast: bool = False) -> None:
        """Keep what the trial reached beside it in the study."""
        self._outcomes[trial_id] = outcome
        live = self._live[trial_id]
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
        ):
            live.set_user_attr(key, value)
        if keep_forecast:
            live.set_user_attr(rec.FORECAST, _rounded(outcome.forecast))
            if outcome.test_forecast is not None:
                live.set_user_attr(rec.TEST_FORECAST, _rounded(outcome.test_forecast))

    def best_value(self) -> float | None:
        """The lowest validation MAE of the study so far, every worker's trials included."""
        values = [
            t.user_attrs.get(rec.VAL_MAE, t.value)
            for t in self.study.get_trials(
                deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED)
            )
        ]
        values = [v for v in values if v is not None and math.isfinite(v)]
        return min(values) if values else None

    # -- ending ---------------------------------------------------------------------------

    def end_trial(self, trial: kt.engine.trial.Trial) -> None:
        """Tell the study how the trial ended, then let Keras Tuner do its bookkeeping."""
        live = self._live.pop(trial.trial_id, None)
        if live is not None:
            self._tell(trial, live)
        self._stop_heartbeat(trial.trial_id)
        self._outcomes.pop(trial.trial_id, None)
        super().end_trial(trial)

    def _tell(self, trial: kt.engine.trial.Trial, live: optuna.Trial) -> None:
        outcome = self._outcomes.get(trial.trial_id)
        extra = {
            k: v for k, v in trial.hyperparameters.values.items() if k.startswith(_TUNER_VALUES)
        }
        if extra:
            live.set_user_attr("keras_tuner", extra)
        if trial.status == TrialStatus.COMPLETED and outcome is not None:
            if trial.trial_id in self._pruned:
                self._pruned.discard(trial.trial_id)
                self.study.tell(live, state=TrialState.PRUNED)
            else:
                self.study.tell(live, outcome.val_mae)
            return
        live.set_user_attr(rec.ERROR, error_line(trial.message) or "the trial did not finish")
        if trial.message:
            live.set_user_attr(rec.TRACEBACK, trial.message[-_TRACEBACK_CHARS:])
        self.study.tell(live, state=TrialState.FAIL)

    def abandon(self, trial_id: str, status: str, error: str) -> optuna.trial.FrozenTrial | None:
        """End a trial that will not finish here (``interrupted``): failed, with a reason."""
        live = self._live.pop(trial_id, None)
        self._stop_heartbeat(trial_id)
        if live is None:
            return None
        live.set_user_attr(rec.STATUS, status)
        live.set_user_attr(rec.ERROR, error)
        return self.study.tell(live, state=TrialState.FAIL)

    def _stop_heartbeat(self, trial_id: str) -> None:
        beat = self._beats.pop(trial_id, None)
        if beat is not None:
            beat.stop()

    def close(self) -> None:
        """Stop every heartbeat this oracle started."""
        for trial_id in list(self._beats):
            self._stop_heartbeat(trial_id)


def error_line(message: str | None) -> str | None:
    """The last line of a traceback, without the exception's module path."""
    if not message:
        return None
    lines = [line.strip() for line in message.strip().splitlines() if line.strip()]
    if not lines:
        return None
    last = lines[-1]
    head, sep, rest = last.partition(": ")
    if sep and "." in head and " " not in head:
        last = f"{head.rsplit('.', 1)[-1]}: {rest}"
    return last[:500]


def _rounded(values: Any) -> list[float]:
    return [round(float(v), 6) for v in values]


def _plain(config: dict[str, Any]) -> dict[str, Any]:
    """Configuration values as JSON-ready Python scalars."""
    plain = {}
    for key, value in config.items():
        if hasattr(value, "item"):
            value = value.item()
        plain[key] = value
    return plain
