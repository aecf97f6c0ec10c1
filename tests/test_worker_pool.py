"""Worker processes that outlive a search: a run's next space and a service worker's next
queued search are searched by the processes of the one before, and none is left behind."""

from __future__ import annotations

import io
import os
import time

import optuna
from conftest import write_space

from search.cli import main
from search.stopping import Stopper
from search.worker import process as worker_process


def _pids(url: str, name: str) -> list[int]:
    study = optuna.load_study(study_name=name, storage=url)
    return [int(t.user_attrs["worker"].rsplit(":", 1)[1]) for t in study.trials]


def _gone(pids: set[int], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(os.path.exists(f"/proc/{pid}") for pid in pids):
            return True
        time.sleep(0.1)
    return False


def test_a_run_of_several_spaces_searches_them_all_in_one_worker_process(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spaces = [write_space(tmp_path, name, trials=3) for name in ("first", "second", "third")]
    assert main(["run", *map(str, spaces), "--quiet"]) == 0
    pids = {
        name: _pids(f"sqlite:///results/{name}/study.db", name)
        for name in ("first", "second", "third")
    }
    assert all(len(p) == 3 for p in pids.values())
    used = {pid for p in pids.values() for pid in p}
    assert len(used) == 1, pids  # one process, not one per space
    assert _gone(used)  # and it exits with the run


def test_a_service_worker_hands_each_queued_search_to_the_same_processes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    names = ["qa", "qb", "qc"]
    spaces = [write_space(tmp_path, name, trials=4, tuner="tpe") for name in names]
    assert main(["submit", *map(str, spaces), "--storage", url]) == 0
    assert main(["worker", "--storage", url, "--workers", "2", "--quiet"]) == 0
    pids = {name: _pids(url, name) for name in names}
    assert all(len(p) >= 4 for p in pids.values())
    used = {pid for p in pids.values() for pid in p}
    assert len(used) == 2, pids  # two processes for three searches, not six
    assert _gone(used)


def test_a_process_grown_half_way_to_its_limit_is_not_offered_another_search(monkeypatch):
    events = worker_process._WorkerEvents(io.StringIO())
    events.begin(Stopper(), 0.2)  # a standby would be readied at 0.1
    memory = iter([100.0, 105.0, 111.0])
    monkeypatch.setattr(worker_process, "resident_megabytes", lambda: next(memory))
    events.trial_ended(0)
    events.trial_ended(1)
    assert events.may_take_another()  # grown 5 %
    events.trial_ended(2)
    assert not events.may_take_another()  # grown 11 %: a fresh process takes the next one
    events.begin(Stopper(), None)  # no limit: never recycled, always offered
    assert events.may_take_another()
