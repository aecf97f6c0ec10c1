"""The morning: report, best model, forecasts, a reproduced trial, a batch's leaderboard."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import code, write_space

from search.cli import main
from search.leaderboard import read_leaderboard


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """A finished run of 12 tiny trials (enough for Optuna's parameter importances)."""
    folder = tmp_path_factory.mktemp("run")
    space = write_space(
        folder,
        units=code("Int(2, 10)"),
        loss=code("Choice('mse', 'mae')"),
        epochs=5,
        trials=12,
        batch_size=1024,
    )
    out = folder / "out"
    assert main(["run", str(space), "--out", str(out), "--quiet"]) == 0
    return out


def _best_row(out):
    table = read_leaderboard(out / "leaderboard.csv")
    return table[table["rank"].notna() & table["trial"].notna()].iloc[0]  # the best trial


def test_the_report_has_every_section_and_its_figures(finished_run, capsys):
    assert main(["report", str(finished_run)]) == 0
    assert "report: " in capsys.readouterr().out
    text = (finished_run / "report.md").read_text()
    for heading in (
        "# Search report: tiny on course-exercise",
        "## Best configuration",
        "## Top 10 configurations",
        "## The answer's forecast",
        "## The best configuration's forecast",
        "## Search history",
        "## What mattered",
        "## Learning curves",
    ):
        assert heading in text
    for row in (
        "| noise floor | 2.4349 |",
        "| seasonal\\_ar | 2.6767 |",
        "| ets | 2.6298 |",
        "| linear\\_ar | 3.1803 |",
        "| naive | 3.7013 |",
    ):
        assert row in text
    assert "**Chosen on validation: trial" in text and "There is no test part" in text
    figures = {p.name for p in (finished_run / "figures").iterdir()}
    assert figures == {
        "answer.png",
        "forecast.png",
        "error.png",
        "history.png",
        "mattered.png",
        "curves.png",
        "importance.png",
    }
    for name in figures:
        assert f"(figures/{name})" in text
        assert (finished_run / "figures" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_best_model_loads_safely_elsewhere_and_gives_the_leaderboard_s_mae(finished_run):
    script = """
import json, sys
import keras, numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from search.data import builtin_series
out = sys.argv[1]
info = json.load(open(out + "/best_model.json"))
model = keras.saving.load_model(out + "/best_model.keras", safe_mode=True)
series, window = builtin_series("course-exercise"), info["window"]
inputs = sliding_window_view(series.values[series.split - window:-1], window)
forecast = model.predict(inputs, verbose=0)
print(json.dumps({"trial": info["trial"], "mae": float(np.mean(np.abs(forecast - series.valid)))}))
"""
    result = subprocess.run(
        [sys.executable, "-c", script, str(finished_run)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    best = _best_row(finished_run)
    assert found["trial"] == best["trial"]
    assert abs(found["mae"] - best["val_mae"]) < 1e-4


def test_forecast_writes_one_step_forecasts_and_steps_ahead(finished_run, capsys):
    assert main(["forecast", str(finished_run), "--steps", "7", "--best-trial"]) == 0
    table = pd.read_csv(finished_run / "forecast.csv")
    window = json.loads((finished_run / "best_model.json").read_text())["window"]
    assert list(table.columns) == ["time", "actual", "forecast", "kind"]
    assert (table["kind"] == "one-step").sum() == 3651 - window
    ahead = table[table["kind"] == "ahead"]
    assert ahead["time"].tolist() == list(range(3651, 3658)) and ahead["actual"].isna().all()
    assert np.isfinite(table["forecast"]).all()
    valid = table[(table["kind"] == "one-step") & (table["time"] >= 3000)]
    mae = (valid["forecast"] - valid["actual"]).abs().mean()
    assert abs(mae - _best_row(finished_run)["val_mae"]) < 1e-4
    assert "7 ahead" in capsys.readouterr().out


def test_forecast_of_other_data_continues_its_dates(finished_run, sine_csv, tmp_path):
    output = tmp_path / "sine-forecast.csv"
    assert (
        main(
            [
                "forecast",
                str(finished_run),
                "--data",
                str(sine_csv),
                "--column",
                "value",
                "--steps",
                "3",
                "--output",
                str(output),
                "--best-trial",  # the answer's yearly members need a year of history
            ]
        )
        == 0
    )
    table = pd.read_csv(output)
    assert table["time"].iloc[-3:].tolist() == ["2024-08-28", "2024-08-29", "2024-08-30"]


def test_reproduce_trains_a_trial_again_to_its_recorded_mae(finished_run, capsys):
    best = _best_row(finished_run)
    assert main(["reproduce", str(finished_run), "--trial", str(best["trial"])]) == 0
    printed = capsys.readouterr().out
    reproduced = float(printed.split("reproduced ")[1].split()[0])
    assert abs(reproduced / best["val_mae"] - 1) < 0.05
    assert main(["reproduce", str(finished_run), "--trial", "999"]) == 2


def test_run_log_has_a_line_for_each_start_and_end(finished_run):
    lines = (finished_run / "run.log").read_text().splitlines()
    assert lines[0].split(" ", 1)[1].startswith("run started: tiny: 12 trials")
    for number in range(12):
        assert any(f"trial {number} started on worker 1: " in line for line in lines)
        assert any(f"trial {number} complete, val_mae " in line for line in lines)
    assert lines[-1].endswith("run ended")


def test_a_batch_of_spaces_gives_one_combined_leaderboard(
    space_file, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    spaces = [
        space_file(name, cell=cell, trials=2)
        for name, cell in (("lstm_tiny", "lstm"), ("gru_tiny", "gru"), ("rnn_tiny", "rnn"))
    ]
    assert main(["run", *map(str, spaces), "--quiet"]) == 0
    assert main(["report", "results"]) == 0
    table = read_leaderboard(tmp_path / "results" / "leaderboard.csv")
    trials = table[~table["status"].isin(("baseline", "ensemble"))]
    assert sorted(trials["space"].unique()) == ["gru_tiny", "lstm_tiny", "rnn_tiny"]
    assert trials["rank"].is_monotonic_increasing and trials["val_mae"].is_monotonic_increasing
    assert (table["status"] == "ensemble").sum() == 3  # one answer for each run
    assert table["rank"].dropna().tolist() == list(range(1, 10))  # ranked together
    assert (table["status"] == "baseline").sum() == 10  # one data set: its baselines once
    text = (tmp_path / "results" / "report.md").read_text()
    assert "lstm\\_tiny/report.md" in text or "lstm_tiny/report.md" in text
    for name in ("lstm_tiny", "gru_tiny", "rnn_tiny"):
        assert (tmp_path / "results" / name / "report.md").exists()


def test_values_from_data_are_escaped_in_the_report(space_file, tmp_path):
    path = tmp_path / "odd.csv"
    values = 10 + np.sin(np.arange(200) / 5)
    path.write_text("t,a|b <i>x</i>\n" + "".join(f"{i},{v:.4f}\n" for i, v in enumerate(values)))
    out = tmp_path / "out"
    assert (
        main(
            [
                "run",
                str(space_file(trials=1, window=5)),
                "--data",
                str(path),
                "--column",
                "a|b <i>x</i>",
                "--out",
                str(out),
                "--quiet",
            ]
        )
        == 0
    )
    assert main(["report", str(out)]) == 0
    text = (out / "report.md").read_text()
    assert "a\\|b &lt;i&gt;x&lt;/i&gt;" in text
    assert "<i>" not in text


def test_each_epoch_is_timed_in_the_study(finished_run):
    from search.run.reading import load_run
    from search.study import read_records

    records = [r for r in read_records(load_run(finished_run)) if r.status == "complete"]
    assert records
    for record in records:
        seconds = record.epoch_seconds
        assert len(seconds) == len(record.curve) == record.epochs
        assert seconds[0] > 0 and all(a < b for a, b in itertools.pairwise(seconds))
        # From the trial's start: its sampling and model building come before training.
        assert record.train_seconds - 1 < seconds[-1] < record.train_seconds + 5


def test_the_report_says_when_a_validation_mae_first_went_below_the_target():
    from datetime import datetime, timedelta

    from search.report.headline import _target_reached
    from search.study import TrialRecord

    start = datetime(2026, 12, 1, 20, 0, 0)

    def trial(number, began, curve, seconds):
        return TrialRecord(
            number,
            "complete",
            min(curve),
            {},
            started=start + timedelta(seconds=began),
            finished=start + timedelta(seconds=began + seconds[-1]),
            curve=curve,
            epoch_seconds=seconds,
        )

    records = [
        trial(0, 0, [3.4, 3.1, 3.05], [10.0, 20.0, 30.0]),
        # Started later, but below 3 at its second epoch, 31 s into the search; trial 2 was
        # below 3 by its end too, at 45 s.
        trial(1, 25, [3.2, 2.95, 2.90], [3.0, 6.0, 9.0]),
        trial(2, 30, [3.5, 2.99], [5.0, 15.0]),
    ]
    line = _target_reached(3.0, records)
    assert "first beaten by trial 1 (2.9000)" in line
    assert "first went below it 31 s after the search started (trial 1, epoch 2)" in line
    # Without the times (a study from before they were kept): by the trial's end.
    for record in records:
        record.epoch_seconds = []
    assert "34 s after the first trial started" in _target_reached(3.0, records)
