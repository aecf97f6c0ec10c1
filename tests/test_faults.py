"""Faults between and beside runs: a leaderboard corrupted on disk, and two commands started
on the same out directory at once.

(A run killed mid-trial, a worker killed, signals and a database that does not answer are
in test_resume.py and test_workers.py.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import optuna
import pandas as pd
import pytest
from conftest import REPO, code, recorded
from sqlalchemy.exc import SQLAlchemyError

from search.cli import main
from search.leaderboard import read_leaderboard

FINISHED = ("COMPLETE", "PRUNED")


def _command(space, out, *extra):
    return [sys.executable, "-m", "search", "run", str(space), "--out", str(out), *extra]


def _env():
    return {**os.environ, "PYTHONPATH": str(REPO)}


def _trials(out, name="tiny"):
    return optuna.load_study(study_name=name, storage=f"sqlite:///{out / 'study.db'}").get_trials(
        deepcopy=False
    )


def _rows(out):
    table = read_leaderboard(out / "leaderboard.csv")
    return table[~table["status"].isin(("baseline", "ensemble"))]


CORRUPTIONS = {
    "cut mid-row": lambda text: text[: len(text) // 2],
    "binary garbage": lambda text: b"\x00\xff\xfe garbage \x81\n\x00".decode("latin-1") * 50,
    "an unclosed quote": lambda text: text.replace("\n", '\n"', 1),
    "empty": lambda text: "",
}


def test_a_corrupted_leaderboard_is_rebuilt_from_the_study(space_file, tmp_path, capsys):
    path = space_file(units=code("Int(2, 6)"), trials=2)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet"]) == 0
    leaderboard = out / "leaderboard.csv"
    original = pd.read_csv(leaderboard)
    assert len(_rows(out)) == 2
    text = leaderboard.read_text()
    for index, (name, corrupt) in enumerate(CORRUPTIONS.items()):
        leaderboard.write_text(corrupt(text), encoding="latin-1")
        # The next run (which has nothing left to train) or a report rebuilds it whole.
        command = ["run", str(path), "--out", str(out), "--quiet"] if index % 2 == 0 else []
        status = main(command or ["report", str(out)])
        printed = capsys.readouterr()
        assert status == 0, (name, printed.err)
        pd.testing.assert_frame_equal(pd.read_csv(leaderboard), original, obj=name)
    assert len(_trials(out)) == 2  # nothing was trained again


def test_two_runs_started_on_one_out_directory_share_its_study(space_file, tmp_path):
    """With an Optuna sampler (the default), a second command on the same out directory
    is one more worker on the run's study: together they run the trials once."""
    space = space_file(units=code("Int(2, 12)"), loss=code("Choice('mse', 'mae')"), trials=6)
    out = tmp_path / "out"
    processes = [
        subprocess.Popen(
            _command(space, out, "--quiet"),
            env=_env(),
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for process in processes:
        _, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        assert err == ""
    trials = _trials(out)
    assert sum(t.state.name in FINISHED for t in trials) == 6
    assert sorted(t.number for t in trials) == list(range(len(trials)))
    rows = _rows(out)
    assert rows["trial"].is_unique
    assert sorted(rows["trial"]) == sorted(t.number for t in recorded(trials))
    # Run again, the study is complete: nothing more is trained.
    assert subprocess.run(_command(space, out, "--quiet"), env=_env(), timeout=600).returncode == 0
    assert len(_trials(out)) == len(trials)


def _running_with_an_epoch(out, process, timeout=180.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            trials = _trials(out) if (out / "study.db").exists() else []
        except (KeyError, SQLAlchemyError, optuna.exceptions.StorageInternalError):
            trials = []  # the study is still being created
        if any(t.state.name == "RUNNING" and t.intermediate_values for t in trials):
            return
        time.sleep(0.2)
    raise AssertionError("the first run never reached its first epoch")


@pytest.mark.parametrize("fresh", [False, True])
def test_a_second_run_of_a_keras_tuner_search_in_progress_is_refused_cleanly(
    space_file, tmp_path, capsys, fresh
):
    """Keras Tuner's algorithms keep their state in the out directory, one process at a
    time: a second command refuses at once (status 2, one line) and touches nothing, not
    even with --fresh."""
    space = space_file(tuner="random", units=code("Int(2, 12)"), epochs=5000, batch_size=1024)
    out = tmp_path / "out"
    first = subprocess.Popen(
        _command(space, out, "--quiet"),
        env=_env(),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _running_with_an_epoch(out, first)
        kept = {
            name: ((out / name).stat().st_ino, (out / name).read_bytes())
            for name in ("leaderboard.csv", "run.json", "keras_tuner.lock")
        }
        status = main(["run", str(space), "--out", str(out), *(["--fresh"] if fresh else [])])
        printed = capsys.readouterr()
        assert first.poll() is None  # the first run was still going on all along
        assert status == 2, printed.err
        lines = printed.err.splitlines()
        assert len(lines) == 1 and "Traceback" not in printed.err
        assert f"error: {out} is in use by another run" in lines[0]
        assert "wait for that run to end, or use another --out" in lines[0]
        for name, (inode, content) in kept.items():
            assert ((out / name).stat().st_ino, (out / name).read_bytes()) == (inode, content)
        assert [t.state.name for t in _trials(out)] == ["RUNNING"]
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=120)
    assert first.returncode == 128 + signal.SIGTERM
