"""The search service: searches queued in a database, worked on by worker processes that know
nothing but the database URL, some killed, some joining late; results read from the
database alone."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid

import optuna
import pytest
from conftest import code, polling_storage

from search.cli import main
from search.environment import FORKSERVER
from search.leaderboard import read_leaderboard
from search.study.budget import budget_slots

FINISHED = ("COMPLETE", "PRUNED")
TRIALS = 3


@pytest.fixture
def queue(tmp_path, storage_url):
    """Three tiny searches with names no other test uses, deleted afterwards."""
    tag = uuid.uuid4().hex[:6]
    folder = tmp_path / "submitter"
    folder.mkdir()
    names = [f"q{tag}{letter}" for letter in "abc"]
    for name in names:
        (folder / f"{name}.py").write_text(
            "from search import Choice, Int, Space\n"
            f"space = Space(data='course-exercise', units=Int(2, 12), loss=Choice('mse', 'mae'),"
            f" window=8, batch_size=1024, epochs=40, patience=None, trials={TRIALS},"
            " tuner='tpe', jit_compile=False)\n"
        )
    yield folder, names
    for name in names:
        with contextlib.suppress(KeyError):
            optuna.delete_study(study_name=name, storage=storage_url)


def _status(url, names, capsys):
    capsys.readouterr()
    assert main(["status", "--storage", url, "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    return {row["name"]: row for row in rows if row["name"] in names}


def _worker(url, names, folder, artifacts):
    """A worker command, as on a machine of its own: its own forkserver (not the test
    session's), and its own process group, killed whole with every process it started."""
    folder.mkdir()
    command = [sys.executable, "-m", "search", "worker", "--storage", url, "--only", *names]
    env = {k: v for k, v in os.environ.items() if k != FORKSERVER.name}
    return subprocess.Popen(
        [*command, "--artifacts", str(artifacts), "--quiet"],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _trials(url, name):
    study = optuna.load_study(study_name=name, storage=polling_storage(url))
    return study.get_trials(deepcopy=False)


def _parent(pid):
    if pid is None:
        return None
    with contextlib.suppress(OSError), open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(")", 1)[1].split()[1])
    return None


def _running_under(url, names, process, started=True):
    """A trial of the queue that ``process``'s own worker processes are training (forked
    by its forkserver, a child of ``process``): past its second epoch, or (``started``
    False) asked for and not yet through its first."""
    for name in names:
        for trial in _trials(url, name):
            if trial.state.name != "RUNNING" or "worker" not in trial.user_attrs:
                continue
            if "retry_of" in trial.user_attrs:  # a retry lost again is not retried twice
                continue
            epochs = len(trial.intermediate_values)
            if (epochs < 2) if started else (epochs > 0):
                continue
            pid = int(trial.user_attrs["worker"].rsplit(":", 1)[1])
            if _parent(_parent(pid)) == process.pid:
                return name, trial
    return None


def _wait(predicate, timeout=180.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_a_queue_is_worked_to_its_end_by_workers_that_die_and_join(
    queue, tmp_path, storage_url, capsys, monkeypatch
):
    folder, names = queue
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    monkeypatch.chdir(folder)
    spaces = [str(folder / f"{name}.py") for name in names]
    assert main(["submit", *spaces, "--storage", storage_url, "--grace", "3"]) == 0
    printed = capsys.readouterr().out
    assert all(f"queued {n}" in printed for n in names)
    before = _status(storage_url, names, capsys)
    assert [(r["state"], r["finished"], r["trials"]) for r in before.values()] == [
        ("queued", 0, TRIALS)
    ] * 3

    # Two workers, each in an empty directory: no space file, no CSV, nothing but the URL.
    first = _worker(storage_url, names, tmp_path / "machine-1", artifacts)
    second = _worker(storage_url, names, tmp_path / "machine-2", artifacts)
    victim_search, victim = _wait(lambda: _running_under(storage_url, names, first))
    during = _status(storage_url, names, capsys)[victim_search]
    assert during["state"] == "running" and during["workers"] >= 1
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()

    # Its trial stays "running" until its heartbeat is older than the grace period; then
    # the status counts it lost, and a live worker runs it again. A worker killed after
    # asking for a trial and before its first epoch ends was recorded leaves one likewise.
    third = _worker(storage_url, names, tmp_path / "machine-3", artifacts)
    early_search, early = _wait(lambda: _running_under(storage_url, names, third, False))
    os.killpg(third.pid, signal.SIGKILL)
    third.wait()
    third = _worker(storage_url, names, tmp_path / "machine-4", artifacts)
    seen = {name: 0 for name in names}
    deadline = time.monotonic() + 600
    while (second.poll() is None or third.poll() is None) and time.monotonic() < deadline:
        for name, row in _status(storage_url, names, capsys).items():
            # Every look: counts that only grow, within the budget, and a state that fits.
            assert seen[name] <= row["finished"] <= TRIALS, row
            assert row["running"] - row["stale"] <= 2 and row["workers"] <= 2, row
            assert row["state"] == ("done" if row["finished"] == TRIALS else row["state"])
            seen[name] = row["finished"]
        time.sleep(1)
    for process in (second, third):
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err

    after = _status(storage_url, names, capsys)
    for name in names:
        row = after[name]
        assert (row["state"], row["finished"], row["running"]) == ("done", TRIALS, 0), row
        trials = _trials(storage_url, name)
        assert sum(t.state.name in FINISHED for t in trials) == TRIALS
        assert budget_slots(trials) == (TRIALS, 0)  # no trial counted twice
        # The leaderboard's best: complete and pruned trials, a pruned one by its best epoch.
        scored = [t.user_attrs.get("val_mae", t.value) for t in trials if t.state.name in FINISHED]
        assert row["best_val_mae"] == min(v for v in scored if v is not None)
    for search, lost in ((victim_search, victim), (early_search, early)):
        killed = next(t for t in _trials(storage_url, search) if t.number == lost.number)
        assert killed.state.name == "FAIL"
        retries = [
            t for t in _trials(storage_url, search) if t.user_attrs.get("retry_of") == lost.number
        ]
        # No configuration lost: one killed while its values were still being drawn is
        # retried with those it had, the rest drawn again.
        assert len(retries) == 1 and retries[0].params.items() >= killed.params.items()
        assert killed.params.items() >= lost.params.items()
        assert retries[0].state.name in FINISHED

    # The morning: a third machine reads every result from the database alone.
    reader = tmp_path / "reader"
    reader.mkdir()
    monkeypatch.chdir(reader)
    for name in names:
        assert (
            main(
                ["report", "--storage", storage_url, "--study", name, "--artifacts", str(artifacts)]
            )
            == 0
        )
        read = _trial_rows(reader / "results" / name)
        seen = [
            _trial_rows(tmp_path / machine / "results" / "worker" / name)
            for machine in ("machine-1", "machine-2", "machine-3", "machine-4")
            if (tmp_path / machine / "results" / "worker" / name).exists()
        ]
        # The worker that ended its last trial wrote what the report reads from the study
        # alone (one that moved on to the next search earlier saw less; one killed later,
        # on another search, may have been that worker).
        assert read in seen
    model = reader / "results" / victim_search / "best_model.keras"
    check = "import keras, sys; keras.saving.load_model(sys.argv[1], safe_mode=True)"
    subprocess.run([sys.executable, "-c", check, str(model)], check=True)


def _trial_rows(out):
    table = read_leaderboard(out / "leaderboard.csv")
    table = table[~table["status"].isin(("baseline", "ensemble"))].sort_values("trial")
    scores = table["val_mae"].round(6).fillna(-1.0)  # a failed trial has none
    return list(zip(table["trial"], table["status"], scores, strict=True))


def test_submit_refuses_bad_input_and_writes_nothing(space_file, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    good = space_file("good")
    for bad, expected in (
        ([str(space_file("nope", window=5000))], "too few for windows of 5000"),
        ([str(good), "--features", "temperature"], "--features"),
        ([str(space_file("kt", tuner="bayesian"))], "keeps its state in one process"),
        ([str(tmp_path / "missing.py")], "missing.py"),
    ):
        capsys.readouterr()
        assert main(["submit", *bad, "--storage", url]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and expected in err, err
        assert not (tmp_path / "queue.db").exists()
    assert main(["submit", str(good), "--storage", url]) == 0
    assert main(["submit", str(good), "--storage", url]) == 2
    assert "already in" in capsys.readouterr().err
    assert main(["submit", str(good), "--storage", url, "--replace"]) == 0


def test_run_and_submit_refuse_the_same_space_with_the_same_line(space_file, tmp_path, capsys):
    bad = str(space_file("bad", units=code("Int(4, 2)")))
    assert main(["run", bad, "--out", str(tmp_path / "out")]) == 2
    from_run = capsys.readouterr().err
    assert main(["submit", bad, "--storage", f"sqlite:///{tmp_path / 'q.db'}"]) == 2
    assert capsys.readouterr().err == from_run


def test_a_cancelled_search_starts_no_trial_and_status_says_so(space_file, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    assert main(["submit", str(space_file("later")), "--storage", url]) == 0
    assert main(["cancel", "later", "--storage", url]) == 0
    assert main(["cancel", "nothing", "--storage", url]) == 2
    capsys.readouterr()
    assert main(["worker", "--storage", url, "--work-dir", str(tmp_path / "w")]) == 0
    assert "the queue is empty" in capsys.readouterr().out
    assert _trials(url, "later") == []
    assert main(["status", "--storage", url]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("later"))
    assert line.split()[1:3] == ["cancelled", "0/2"]


def test_an_artifact_folder_that_does_not_exist_is_refused_before_anything_runs(
    space_file, tmp_path, capsys
):
    missing = str(tmp_path / "nowhere")
    out = tmp_path / "out"
    assert main(["run", str(space_file()), "--out", str(out), "--artifacts", missing]) == 2
    assert "artifact folder" in capsys.readouterr().err and not out.exists()
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    assert main(["submit", str(space_file("queued")), "--storage", url]) == 0
    assert main(["worker", "--storage", url, "--artifacts", missing]) == 2
    assert "artifact folder" in capsys.readouterr().err
    assert _trials(url, "queued") == []


def test_the_worker_that_ends_a_search_with_a_test_part_saves_its_answer(
    space_file, tmp_path, monkeypatch
):
    url = f"sqlite:///{tmp_path / 'queue.db'}"
    space = space_file("held", linear_skip=True, seasonal_lags=True)
    assert main(["submit", str(space), "--storage", url, "--test", "365"]) == 0
    work = tmp_path / "w"
    assert main(["worker", "--storage", url, "--work-dir", str(work), "--quiet"]) == 0
    study = optuna.load_study(study_name="held", storage=url)
    assert study.user_attrs["refit_by"]
    # Read from the database alone on another machine: the answer's test MAE is that of
    # its networks as the search trained them (no refit by default).
    reader = tmp_path / "reader"
    reader.mkdir()
    monkeypatch.chdir(reader)
    assert main(["report", "--storage", url, "--study", "held"]) == 0
    table = read_leaderboard(reader / "results" / "held" / "leaderboard.csv")
    answer = table[table["status"] == "ensemble"].iloc[0]
    assert not bool(answer["refit"]) and answer["test_mae"] > 0
    saved = work / "held" / "answer" / "answer.json"
    assert saved.exists()
    # A second worker finds nothing to do, and saves nothing again.
    before = saved.stat().st_mtime_ns
    assert main(["worker", "--storage", url, "--work-dir", str(work)]) == 0
    assert saved.stat().st_mtime_ns == before
    assert not optuna.load_study(study_name="held", storage=url).user_attrs.get("refits")


def test_a_command_holds_no_database_connection_once_it_returns(space_file, postgres_url, capsys):
    import socket

    import psycopg

    from search.study import close_storages, open_storage

    name = f"search:{socket.gethostname()}:{os.getpid()}"[:63]

    def held() -> int:
        with psycopg.connect(postgres_url) as admin:
            query = "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"
            return admin.execute(query, (name,)).fetchone()[0]

    storage = open_storage(postgres_url)
    storage.get_all_studies()
    assert held() >= 1  # a storage in use names its machine and process to the server
    close_storages()
    assert held() == 0
    assert storage.get_all_studies() == []  # and is still usable: it connects again
    close_storages()
    # Commands called again and again in one process, as a notebook or a test does.
    assert main(["submit", str(space_file("polled")), "--storage", postgres_url]) == 0
    for _ in range(5):
        assert main(["status", "--storage", postgres_url]) == 0
    capsys.readouterr()
    assert held() == 0
