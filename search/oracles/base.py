"""The part every oracle of this product shares: its trials are recorded in an Optuna study.

Keras Tuner's split stays as it is: the oracle decides and keeps the record, the tuner
trains. Here the record is the study, whatever algorithm decides.
"""

from __future__ import annotations

import os
import socket
import warnings
from collections.abc import Callable
from typing import Any

import keras_tuner as kt
import optuna

from search.study import Heartbeat
from search.study import records as rec
from search.study.heartbeat import first_heartbeat
from search.study.writing import TrialRecorder

StopCheck = Callable[[], "str | None"]
TrialStatus = kt.engine.trial.TrialStatus

# The end of a failed trial's traceback is kept in the study, for whoever debugs it.
_TRACEBACK_CHARS = 4000

# Keras Tuner's hyperband bookkeeping, kept beside the trial rather than as parameters.
_TUNER_VALUES = "tuner/"


def ask(study: optuna.Study, fixed_distributions: dict | None = None) -> optuna.Trial:
    """``study.ask``, naming the worker that drew the trial (even one it gives back as
    surplus), without Optuna's warning that heartbeats belong to ``optimize``: this product
    records heartbeats for asked trials itself (see ``search.study.Heartbeat``), the first
    one at once, so that the trial can go stale whatever happens before it trains."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Heartbeat of storage is supposed")
        live = study.ask(fixed_distributions)
    first_heartbeat(study._storage, live._trial_id)
    live.set_user_attr(rec.WORKER, worker_name())
    return live


def worker_name() -> str:
    """Which machine and process ran a trial."""
    return f"{socket.gethostname()}:{os.getpid()}"


class StudyOracle(kt.Oracle):
    """A Keras Tuner oracle whose trials live in an Optuna study.

    Beside Keras Tuner's own calls (``create_trial``, ``end_trial``), a tuner asks for the
    ``recorder`` of each trial it runs, which writes the trial into the study, and
    ``abandon``s a trial it cannot finish. ``stop`` tells, before each new trial, whether the
    run must end (``budget``, ``interrupted``). ``heartbeat`` is the interval, in seconds,
    of the sign of life a running trial writes to the study.
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
        self._recorders: dict[str, TrialRecorder] = {}
        self._beats: dict[str, Heartbeat] = {}

    def _stop_reason(self) -> str | None:
        return self._stop() if self._stop is not None else None

    def _open(self, trial_id: str, live: optuna.Trial) -> None:
        self._recorders[trial_id] = TrialRecorder(self.study, live)
        if self._heartbeat_interval:
            self._beats[trial_id] = Heartbeat(
                self.study._storage, live._trial_id, self._heartbeat_interval
            )

    def recorder(self, trial_id: str) -> TrialRecorder:
        """What writes the running Keras Tuner trial ``trial_id`` into the study."""
        return self._recorders[trial_id]

    def end_trial(self, trial: kt.engine.trial.Trial) -> None:
        """Tell the study how the trial ended, then let Keras Tuner do its bookkeeping."""
        recorder = self._recorders.pop(trial.trial_id, None)
        if recorder is not None:
            self._tell(trial, recorder)
        self._stop_heartbeat(trial.trial_id)
        super().end_trial(trial)

    def _tell(self, trial: kt.engine.trial.Trial, recorder: TrialRecorder) -> None:
        extra = {
            k: v for k, v in trial.hyperparameters.values.items() if k.startswith(_TUNER_VALUES)
        }
        if extra:
            recorder.note(rec.KERAS_TUNER, extra)
        if trial.status == TrialStatus.COMPLETED and recorder.outcome is not None:
            recorder.tell()
            return
        recorder.fail(
            error_line(trial.message) or "the trial did not finish",
            traceback=trial.message[-_TRACEBACK_CHARS:] if trial.message else None,
        )

    def abandon(self, trial_id: str, status: str, error: str) -> None:
        """End a trial that will not finish here (``interrupted``): failed, with a reason."""
        recorder = self._recorders.pop(trial_id, None)
        self._stop_heartbeat(trial_id)
        if recorder is not None:
            recorder.fail(error, status=status)

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
