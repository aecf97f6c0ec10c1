"""Keras Tuner's own files in an out directory: the project a Keras Tuner algorithm resumes
from, and the lock that keeps that project to one process at a time. With an Optuna sampler
the study holds all the state, and Keras Tuner's files go to a temporary directory."""

from __future__ import annotations

import contextlib
import fcntl
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import optuna

from search.errors import UsageError
from search.outdir import OutDir
from search.states import Status
from search.study import records as rec
from search.vocabulary import KERAS_TUNER_ALGORITHMS


def _in_use(out: Path, tuner: str) -> UsageError:
    return UsageError(
        f"{out} is in use by another run; Keras Tuner's {tuner!r} runs in one process at a "
        "time: wait for that run to end, or use another --out (or an Optuna sampler, which "
        "shares a study)"
    )


def check_not_in_use(out: Path, tuner: str) -> None:
    """Refuse, before anything is written, an out directory where a Keras Tuner run is going
    on (its worker holds the lock). The worker of a new command would find out too, but only
    after the run's files had been rewritten, and its refusal would not reach the command's
    exit status."""
    if tuner not in KERAS_TUNER_ALGORITHMS:
        return
    path = OutDir(out).keras_tuner_lock
    if not path.is_file():
        return  # no such run has started here
    with open(path) as lock:  # read-only: writes nothing
        try:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _in_use(out, tuner) from None


@contextlib.contextmanager
def project(out: Path, tuner: str) -> Iterator[tuple[Path, bool]]:
    """Where Keras Tuner keeps its files, and whether to start them over; a Keras Tuner
    algorithm's project is locked while the block runs."""
    if tuner not in KERAS_TUNER_ALGORITHMS:
        with tempfile.TemporaryDirectory(prefix="search-keras-tuner-") as directory:
            yield Path(directory), True
        return
    with open(OutDir(out).keras_tuner_lock, "w") as lock:
        # A few tries: another command's check (check_not_in_use) holds the lock for a
        # moment, and must not make this run give up.
        for attempt in range(20):
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if attempt == 19:
                    raise _in_use(out, tuner) from None
                time.sleep(0.1)
        yield OutDir(out).keras_tuner, False


def fail_unfinished(study: optuna.Study) -> None:
    """Trials left running by a process that died: failed, so the record is true.

    Only for a Keras Tuner algorithm's single worker, which holds the project's lock.
    """
    for trial in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        storage = study._storage
        storage.set_trial_user_attr(trial._trial_id, rec.STATUS, Status.INTERRUPTED)
        storage.set_trial_user_attr(
            trial._trial_id, rec.ERROR, "the run stopped before this trial ended"
        )
        storage.set_trial_state_values(trial._trial_id, optuna.trial.TrialState.FAIL)
