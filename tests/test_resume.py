"""A run killed in the middle of a trial resumes: nothing completed is lost or trained again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import optuna
import pytest
from conftest import REPO, code
from sqlalchemy.exc import SQLAlchemyError

from search.leaderboard import read_leaderboard


def _command(space, out, *extra):
    return [sys.executable, "-m", "search", "run", str(space), "--out", str(out), *extra]


def _wait_for_a_running_epoch(out, process, name="tiny", timeout=120.0):
    """Wait until one trial is complete and the next has finished an epoch."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        if (out / "study.db").exists():
            try:
                trials = optuna.load_study(
                    study_name=name, storage=f"sqlite:///{out / 'study.db'}"
                ).get_trials(deepcopy=False)
            except (KeyError, optuna.exceptions.StorageInternalError, SQLAlchemyError):
                trials = []  # the run is still creating its study
            complete = [t for t in trials if t.state.name == "COMPLETE"]
            running = [t for t in trials if t.state.name == "RUNNING" and t.intermediate_values]
            if complete and running:
                return complete, running[0]
        time.sleep(0.2)
    raise AssertionError("the run never reached its second trial")


# Keras Tuner's own state, the harder path; an Optuna sampler's run killed mid-trial is
# test_workers' killed-worker test.
@pytest.mark.parametrize("tuner", ["random"])
def test_a_killed_run_resumes_without_losing_or_retraining_a_trial(space_file, tmp_path, tuner):
    space = space_file(units=code("Int(2, 12)"), epochs=80, trials=2, batch_size=1024, tuner=tuner)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        _command(space, out, "--grace", "2"),
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    complete, running = _wait_for_a_running_epoch(out, process)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    kept = {t.number: (t.datetime_start, t.value) for t in complete}
    killed_params = running.params

    time.sleep(3)  # longer than the grace period: the killed trial's heartbeat is stale
    result = subprocess.run(
        _command(space, out, "--grace", "2"),
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    study = optuna.load_study(study_name="tiny", storage=f"sqlite:///{out / 'study.db'}")
    trials = study.get_trials(deepcopy=False)
    for number, (start, value) in kept.items():
        assert (trials[number].datetime_start, trials[number].value) == (start, value)
    finished = [t for t in trials if t.state.name == "COMPLETE"]
    assert len(finished) == 2
    # The killed configuration was trained again, to the end.
    assert any(t.params == killed_params and t.number > running.number for t in finished)
    table = read_leaderboard(out / "leaderboard.csv")
    rows = table[~table["status"].isin(("baseline", "ensemble"))]
    assert rows["trial"].is_unique
    killed_row = rows[rows["trial"] == running.number].iloc[0]
    assert killed_row["status"] in ("failed", "interrupted")
    assert "retried as trial" in killed_row["error"]
