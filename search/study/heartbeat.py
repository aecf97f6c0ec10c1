"""A running trial's sign of life, written to the study while the trial trains."""

from __future__ import annotations

import threading

import optuna


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
