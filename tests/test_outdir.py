"""The names a run leaves on disk and in its study: one module says each, and they stay as
they were (runs made before read the same files and words)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from search.events import Exit
from search.outdir import QUEUE_FILE, RESULTS, WORK_DIR, OutDir, range_test_files
from search.states import SCORED, SearchState, Status, StopReason, SweepEnd


def test_every_path_of_an_out_directory_keeps_its_name():
    out = OutDir(Path("results/lstm"))
    names = {
        out.run_file: "run.json",
        out.run_log: "run.log",
        out.study_db: "study.db",
        out.leaderboard: "leaderboard.csv",
        out.best_model: "best_model.keras",
        out.best_model_info: "best_model.json",
        out.best_model_lock: ".best_model.lock",
        out.keras_tuner: "keras_tuner",
        out.keras_tuner_lock: "keras_tuner.lock",
        out.range_tests: "lr_find",
        out.answer_dir: "answer",
        out.answer_file: "answer/answer.json",
        out.answer_model(3): "answer/trial_3.keras",
        out.report: "report.md",
        out.figures: "figures",
        out.figure("history"): "figures/history.png",
        out.forecast: "forecast.csv",
    }
    for path, name in names.items():
        assert out.link(path) == name
    assert out.range_test("lstm-adam-huber-standard")["png"] == Path(
        "results/lstm/lr_find/lstm-adam-huber-standard.png"
    )
    assert {k: v.name for k, v in out.lr_find.items()} == {
        "csv": "lr_find.csv",
        "json": "lr_find.json",
        "png": "lr_find.png",
    }
    assert range_test_files(Path("x/a.b"))["csv"] == Path("x/a.b.csv")  # a dot in a group


def test_the_defaults_are_under_results():
    assert OutDir.default("lstm") == OutDir(Path("results/lstm")) == OutDir("results/lstm")
    defaults = [p.as_posix() for p in (RESULTS, QUEUE_FILE, WORK_DIR)]
    assert defaults == ["results", "results/queue.db", "results/worker"]


def test_fresh_removes_the_run_s_files_and_leaves_the_report():
    out = OutDir(Path("o"))
    removed = {out.link(p) for p in out.fresh()}
    assert removed == {
        "leaderboard.csv",
        "run.json",
        "run.log",
        "best_model.keras",
        "best_model.json",
        "answer",
        "keras_tuner",
        "keras_tuner.lock",
        "lr_find",
    }


def test_states_are_their_words_wherever_they_are_written(tmp_path):
    assert [str(s) for s in Status] == [
        "complete",
        "pruned",
        "failed",
        "interrupted",
        "running",
        "waiting",
        "baseline",
        "ensemble",
    ]
    assert [str(s) for s in SearchState] == ["queued", "running", "done", "failed", "cancelled"]
    assert StopReason.BUDGET == "budget" and f"{StopReason.TAKEN_OVER}" == "taken_over"
    assert str(SweepEnd.DIVERGED) == "diverged" and SCORED == ("complete", "pruned")
    assert f"{Status.PRUNED:<8s}|" == "pruned  |"
    assert json.dumps({"status": Status.FAILED}) == '{"status": "failed"}'
    path = tmp_path / "t.csv"
    pd.DataFrame({"status": [Status.COMPLETE, Status.BASELINE]}).to_csv(path, index=False)
    assert path.read_text() == "status\ncomplete\nbaseline\n"
    assert {"complete": 1}[Status.COMPLETE] == 1 and Status("pruned") is Status.PRUNED


def test_exit_statuses():
    assert (Exit.DONE, Exit.RECYCLE) == (0, 75)
