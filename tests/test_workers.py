"""One shared study: several workers and machines, SQLite and PostgreSQL, deaths and signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import optuna
import pytest
from conftest import code, polling_storage, recorded
from sqlalchemy.exc import SQLAlchemyError

from search.cli import main
from search.cli.option_types import growth
from search.environment import FORKSERVER
from search.errors import StorageError
from search.events import standby_growth
from search.leaderboard import read_leaderboard
from search.worker.spawn import Forkserver

FINISHED = ("COMPLETE", "PRUNED")


def _tiny(space_file, **fields):
    defaults = dict(
        units=code("Int(2, 12)"),
        loss=code("Choice('mse', 'mae')"),
        epochs=4,
        trials=12,
        tuner="tpe",
    )
    defaults.update(fields)
    return space_file(**defaults)


def _command(space, out, *extra):
    return [sys.executable, "-m", "search", "run", str(space), "--out", str(out), *extra]


def _trials(url, name):
    study = optuna.load_study(study_name=name, storage=polling_storage(url))
    return study.get_trials(deepcopy=False)


def _leaderboard_trials(out):
    table = read_leaderboard(out / "leaderboard.csv")
    return table[~table["status"].isin(("baseline", "ensemble"))]


def test_two_workers_finish_a_shared_study_together(
    space_file, tmp_path, postgres_url, study_name, capsys
):
    out = tmp_path / "out"
    code_ = main(
        [
            "run",
            str(_tiny(space_file)),
            "--workers",
            "2",
            "--storage",
            postgres_url,
            "--study",
            study_name,
            "--out",
            str(out),
        ]
    )
    printed = capsys.readouterr()
    assert code_ == 0, printed.err
    assert printed.err == ""
    trials = _trials(postgres_url, study_name)
    assert [t.state.name for t in trials].count("COMPLETE") + [t.state.name for t in trials].count(
        "PRUNED"
    ) == 12
    assert sorted(t.number for t in trials) == list(range(len(trials)))
    trained = [t for t in trials if t.state.name in FINISHED]
    assert len({t.user_attrs["worker"] for t in trained}) >= 2  # both workers trained
    rows = _leaderboard_trials(out)
    assert sorted(rows["trial"]) == sorted(t.number for t in recorded(trials))


def test_two_commands_on_two_out_directories_join_one_study(
    space_file, tmp_path, postgres_url, study_name
):
    space = _tiny(space_file, trials=8)
    shared = ["--storage", postgres_url, "--study", study_name]
    first = main(
        ["run", str(space), "--out", str(tmp_path / "a"), "--quiet", "--trials", "1", *shared]
    )  # creates the study, as the first machine does
    assert first == 0
    processes = [
        subprocess.Popen(
            _command(space, tmp_path / name, "--quiet", *shared), stderr=subprocess.PIPE, text=True
        )
        for name in ("a", "b")
    ]
    for process in processes:
        assert process.wait(timeout=300) == 0, process.stderr.read()
    trials = _trials(postgres_url, study_name)
    trained = [t for t in trials if t.state.name in FINISHED]
    assert len(trained) == 8
    assert len({t.user_attrs["worker"] for t in trained}) >= 2
    for name in ("a", "b"):  # each machine's leaderboard shows every machine's trials
        assert len(_leaderboard_trials(tmp_path / name)) == len(recorded(trials))


def _wait(predicate, process, timeout=120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            found = predicate()
        except (KeyError, SQLAlchemyError, StorageError, optuna.exceptions.StorageInternalError):
            found = None  # the study is still being created
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError("timed out")


def _running_with_epochs(url, name, count=1):
    running = [
        t
        for t in _trials(url, name)
        if t.state.name == "RUNNING" and len(t.intermediate_values) >= 2
    ]
    return running if len(running) >= count else None


def test_a_worker_killed_mid_trial_is_replaced_and_its_trial_retried(
    space_file, tmp_path, postgres_url, study_name
):
    space = _tiny(space_file, epochs=60, trials=6, batch_size=1024)
    process = subprocess.Popen(
        _command(
            space,
            tmp_path / "out",
            "--workers",
            "2",
            "--grace",
            "2",
            "--storage",
            postgres_url,
            "--study",
            study_name,
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    victim = _wait(lambda: _running_with_epochs(postgres_url, study_name, 2), process)[0]
    pid = int(victim.user_attrs["worker"].rsplit(":", 1)[1])
    os.kill(pid, signal.SIGKILL)
    _, err = process.communicate(timeout=600)
    assert process.returncode == 0, err
    assert "was killed by SIGKILL; starting a new one" in err

    trials = _trials(postgres_url, study_name)
    assert sum(t.state.name in FINISHED for t in trials) == 6
    killed = next(t for t in trials if t.number == victim.number)
    assert killed.state.name == "FAIL"
    retries = [t for t in trials if t.user_attrs.get("retry_of") == victim.number]
    assert len(retries) == 1 and retries[0].params == victim.params
    assert retries[0].state.name in FINISHED
    rows = _leaderboard_trials(tmp_path / "out")
    assert rows["trial"].is_unique and len(rows) == len(recorded(trials))
    assert (
        f"retried as trial {retries[0].number}"
        in rows.set_index("trial").loc[victim.number, "error"]
    )


# SIGTERM takes the same path with its own number (143); Ctrl-C is the one users press.
@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130)])
def test_a_signal_stops_at_the_next_epoch_and_the_run_resumes(space_file, tmp_path, signum, status):
    space = _tiny(space_file, epochs=150, trials=2, batch_size=1024, tuner="optuna-random")
    out = tmp_path / "out"
    url = f"sqlite:///{out / 'study.db'}"
    process = subprocess.Popen(
        _command(space, out), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    running = _wait(lambda: _running_with_epochs(url, "tiny"), process)[0]
    process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    assert process.returncode == status, err
    assert "run the same command again to resume" in err

    stopped = next(t for t in _trials(url, "tiny") if t.number == running.number)
    assert stopped.state.name == "FAIL" and stopped.user_attrs["status"] == "interrupted"
    rows = _leaderboard_trials(out)  # the leaderboard is whole and says what happened
    assert rows.set_index("trial").loc[running.number, "status"] == "interrupted"

    assert subprocess.run(_command(space, out, "--quiet"), timeout=600).returncode == 0
    trials = _trials(url, "tiny")
    assert sum(t.state.name == "COMPLETE" for t in trials) == 2
    assert any(t.user_attrs.get("retry_of") == running.number for t in trials)


def test_a_password_in_the_storage_url_is_never_shown(
    space_file, tmp_path, postgres_url, study_name, capsys, monkeypatch
):
    # The server trusts local connections and so takes any password: enough to see where
    # a password would show.
    secret_url = postgres_url.replace("postgres@", "postgres:s3cret-pw@")
    out = tmp_path / "out"
    assert (
        main(
            [
                "run",
                str(_tiny(space_file, trials=2)),
                "--storage",
                secret_url,
                "--study",
                study_name,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    printed = capsys.readouterr()
    for text in (printed.out, printed.err, _written(out)):
        assert "s3cret-pw" not in text
    assert "***" in json.loads((out / "run.json").read_text())["storage"]

    assert main(["report", str(out)]) == 2  # the masked URL cannot be used ...
    assert "SEARCH_STORAGE" in capsys.readouterr().err
    monkeypatch.setenv("SEARCH_STORAGE", secret_url)  # ... the real one, given again, can
    assert main(["report", str(out)]) == 0
    assert "s3cret-pw" not in capsys.readouterr().out
    assert (out / "report.md").exists() and "s3cret-pw" not in _written(out)


def _written(out):
    """Every text file a run or a report wrote, run.log, leaderboard and report included."""
    return "".join(
        p.read_text()
        for p in out.rglob("*")
        if p.is_file() and p.suffix in (".csv", ".json", ".log", ".md")
    )


def test_a_database_that_does_not_answer_fails_fast_and_masks_the_password(
    space_file, tmp_path, capsys
):
    started = time.monotonic()
    url = "postgresql://someone:s3cret-pw@127.0.0.1:9/nothing"
    assert (
        main(["run", str(_tiny(space_file)), "--storage", url, "--out", str(tmp_path / "out")]) == 2
    )
    assert time.monotonic() - started < 30
    err = capsys.readouterr().err
    assert "cannot open storage postgresql://someone:***@127.0.0.1:9/nothing" in err
    assert "s3cret-pw" not in err
    assert not (tmp_path / "out").exists()


def test_keras_tuner_algorithms_refuse_several_workers(space_file, tmp_path, capsys):
    assert (
        main(
            [
                "run",
                str(_tiny(space_file, tuner="bayesian")),
                "--workers",
                "2",
                "--out",
                str(tmp_path / "out"),
            ]
        )
        == 2
    )
    assert "use an Optuna sampler" in capsys.readouterr().err


def test_the_study_opens_in_optuna_dashboard(space_file, tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(_tiny(space_file, trials=1)), "--out", str(out), "--quiet"]) == 0
    port = 18000 + os.getpid() % 1000
    dashboard = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "optuna-dashboard"),
            f"sqlite:///{out / 'study.db'}",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/studies", timeout=2
                ) as answer:
                    studies = json.load(answer)["study_summaries"]
                    break
            except OSError:
                assert dashboard.poll() is None and time.monotonic() < deadline
                time.sleep(0.5)
        assert [s["study_name"] for s in studies] == ["tiny"]
    finally:
        dashboard.terminate()
        dashboard.wait(timeout=30)


@pytest.mark.parametrize("limit, ready_at", [("0.25", 0.125), ("0.1", 0.05), ("off", None)])
def test_a_standby_is_readied_half_way_to_the_memory_limit(limit, ready_at):
    """A run whose workers stay small never holds a standby process (about 0.75 GB)."""
    assert standby_growth(growth(limit)) == ready_at


def test_a_worker_hands_over_to_a_readied_process_and_no_trial_is_lost(
    space_file, tmp_path, monkeypatch
):
    """Memory that grows past the limit (here: any growth at all) makes each worker process
    hand over after its trial; the next process was readied meanwhile and carries on."""
    monkeypatch.setenv("SEARCH_RECYCLE_GROWTH", "-1")
    path = space_file(units=code("Int(2, 6)"), trials=4)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--quiet"]) == 0
    study = optuna.load_study(study_name="tiny", storage=f"sqlite:///{out / 'study.db'}")
    trials = study.trials
    assert [t.state.name for t in trials] == ["COMPLETE"] * 4
    workers = [t.user_attrs["worker"] for t in trials]
    assert len(set(workers)) == 4  # a fresh process for every trial
    log = (out / "run.log").read_text()
    assert "starting a new one" not in log and "standby" not in log


def test_a_run_forks_its_workers_from_a_forkserver_of_its_own_and_stops_it(
    space_file, tmp_path, monkeypatch
):
    """Without SEARCH_FORKSERVER (set for this test session), a run starts its own
    forkserver, forks both workers from it, and leaves no process behind."""
    monkeypatch.delenv(FORKSERVER.name)
    started = []
    start = Forkserver.start

    def counted(**kwargs):
        started.append(start(**kwargs))
        return started[-1]

    monkeypatch.setattr(Forkserver, "start", staticmethod(counted))
    out = tmp_path / "out"
    space = _tiny(space_file, trials=4, tuner="optuna-random")
    assert main(["run", str(space), "--out", str(out), "--workers", "2", "--quiet"]) == 0
    assert len(started) == 1
    server = started[0].process
    assert server.poll() is not None and not os.path.exists(started[0].path)
    trials = _trials(f"sqlite:///{out / 'study.db'}", "tiny")
    pids = {int(t.user_attrs["worker"].rsplit(":", 1)[1]) for t in trials}
    assert len(pids) == 2 and server.pid not in pids
    for pid in pids:  # forked workers are gone with their forkserver
        assert not os.path.exists(f"/proc/{pid}") or "Z" in _state(pid)


def _state(pid):
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0]
