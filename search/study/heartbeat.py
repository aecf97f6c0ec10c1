"""A running trial's sign of life, written to the study while the trial trains, and the check
that fails trials whose worker went silent."""

from __future__ import annotations

import threading

import optuna
from optuna.storages._heartbeat import is_heartbeat_enabled
from optuna.storages._rdb import models
from optuna.trial import TrialState

from search.study.storage import quiet_experimental


class Heartbeat:
    """Records a heartbeat for one trial every ``interval`` seconds until stopped.

    Optuna's own heartbeat runs only inside ``study.optimize``; trials asked for with
    ``study.ask`` need their own.
    """

    def __init__(self, storage: optuna.storages.BaseStorage, trial_id: int, interval: float):
        self._storage = storage
        self._trial_id = trial_id
        self._interval = interval
        self._stop = threading.Event()
        self._storage.record_heartbeat(trial_id)  # a trial with no heartbeat is never stale
        self._thread = threading.Thread(
            target=self._beat, name=f"heartbeat-{trial_id}", daemon=True
        )
        self._thread.start()

    def _beat(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self._storage.record_heartbeat(self._trial_id)
            except Exception:  # a dropped connection must not kill the trial; retry next beat
                continue

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def first_heartbeat(storage: optuna.storages.BaseStorage, trial_id: int) -> None:
    """Record a heartbeat for a trial just asked for, if ``storage`` keeps heartbeats.

    Optuna's stale check skips a running trial that never wrote one, so a worker that dies
    before its trial's heartbeat thread starts (while the sampler suggests, say) would
    otherwise leave that trial running for ever.
    """
    if is_heartbeat_enabled(storage):
        storage.record_heartbeat(trial_id)


def fail_stale(study: optuna.Study) -> None:
    """Fail the study's running trials whose heartbeat lapsed, calling the storage's
    stale-trial callback for each (Optuna's ``fail_stale_trials``).

    A running trial with no heartbeat at all (asked by a worker that died at once, or before
    ``first_heartbeat`` existed) is given one: if no worker beats for it within the grace
    period, a later check fails it the same way. Comparing its start with the clock instead
    would mix the machines' clocks.
    """
    storage = study._storage
    if not is_heartbeat_enabled(storage):
        return
    with quiet_experimental():
        optuna.storages.fail_stale_trials(study)
    for trial_id in _never_beat(storage, study._study_id):
        storage.record_heartbeat(trial_id)


def _never_beat(storage: optuna.storages.BaseStorage, study_id: int) -> list[int]:
    """The ids of the study's running trials that have no heartbeat."""
    rdb = getattr(storage, "_backend", storage)  # Optuna wraps an RDB storage in a cache
    if not isinstance(rdb, optuna.storages.RDBStorage):
        return []
    trial, beat = models.TrialModel, models.TrialHeartbeatModel
    session = rdb.scoped_session()
    try:
        rows = (
            session.query(trial.trial_id)
            .outerjoin(beat, beat.trial_id == trial.trial_id)
            .filter(trial.study_id == study_id, trial.state == TrialState.RUNNING)
            .filter(beat.trial_heartbeat_id.is_(None))
            .all()
        )
    finally:
        session.close()
    return [row[0] for row in rows]
