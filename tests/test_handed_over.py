"""What a user takes away: the answer, saved by every run (with or without a test part),
its statistical members fitted on all the data with the run's seasons."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import code, write_space

from search.cli import main


def _weekly_run(folder, test: str):
    """A tiny run on a CSV without time stamps, its season given (--season 7)."""
    rng = np.random.default_rng(4)
    t = np.arange(600)
    values = 50 + 5 * np.sin(2 * np.pi * t / 7) + np.cumsum(rng.normal(0, 0.3, t.size))
    data = folder / "weekly.csv"
    pd.DataFrame({"y": values}).to_csv(data, index=False)
    space = write_space(folder, trials=2, epochs=2)
    out = folder / "out"
    command = ["run", str(space), "--data", str(data), "--column", "y", "--season", "7"]
    assert main([*command, "--test", test, "--out", str(out), "--quiet"]) == 0
    return out, data, values


@pytest.fixture(scope="module")
def untested_run(tmp_path_factory):
    """With no test part."""
    return _weekly_run(tmp_path_factory.mktemp("untested"), "0")


@pytest.fixture(scope="module")
def tested_run(tmp_path_factory):
    """With a test part."""
    return _weekly_run(tmp_path_factory.mktemp("tested"), "60")


def test_a_run_without_a_test_part_saves_its_answer_fitted_on_everything(untested_run):
    out, _, values = untested_run
    info = json.loads((out / "answer" / "answer.json").read_text())
    assert info["fit_end"] == len(values) and info["test_start"] is None
    assert info["seasons"] == [7]
    assert set(info["versions"]) == {"python", "keras", "statsmodels", "search"}


def test_forecast_uses_the_answer_and_says_what_it_is(untested_run, capsys, tmp_path):
    out, _, _ = untested_run
    info = json.loads((out / "answer" / "answer.json").read_text())
    assert main(["forecast", str(out), "--steps", "5", "--output", str(tmp_path / "f.csv")]) == 0
    said = capsys.readouterr().out
    assert said.startswith("the answer: ")
    assert f"{info['members'][0]['weight']:.2f} {info['members'][0]['name']}" in said
    assert "fitted on all 600 values" in said
    table = pd.read_csv(tmp_path / "f.csv")
    assert (table["kind"] == "ahead").sum() == 5 and table["forecast"].notna().all()


@pytest.mark.parametrize("run", ["untested_run", "tested_run"])
def test_forecast_of_another_file_keeps_the_run_s_seasons(run, request, tmp_path):
    # The same values in another file, whose own series knows no season: the answer's
    # members are rebuilt with the run's (--season 7), so it forecasts as on the run's own.
    out, data, _ = request.getfixturevalue(run)
    own, other = tmp_path / "own.csv", tmp_path / "other.csv"
    assert main(["forecast", str(out), "--steps", "3", "--output", str(own)]) == 0
    copy = tmp_path / "copy.csv"
    copy.write_text(data.read_text())
    command = ["forecast", str(out), "--data", str(copy), "--column", "y", "--steps", "3"]
    assert main([*command, "--output", str(other)]) == 0
    mine, theirs = pd.read_csv(own), pd.read_csv(other)
    assert np.allclose(mine["forecast"], theirs["forecast"], rtol=0, atol=1e-9)


def test_a_history_too_short_for_the_answer_is_refused_in_one_line(untested_run, capsys, tmp_path):
    out, _, values = untested_run
    short = tmp_path / "short.csv"
    pd.DataFrame({"y": values[:12]}).to_csv(short, index=False)
    assert main(["forecast", str(out), "--data", str(short), "--column", "y"]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "short.csv" in error


def test_the_python_api_forecasts_what_the_command_line_does(untested_run, tmp_path):
    import search

    out, _, values = untested_run
    assert main(["forecast", str(out), "--steps", "4", "--output", str(tmp_path / "f.csv")]) == 0
    written = pd.read_csv(tmp_path / "f.csv")
    ahead = written[written["kind"] == "ahead"]
    answer = search.load(out)
    assert list(answer.members) == [m["name"] for m in answer.saved.info["members"]]
    own = answer.forecast(4)
    assert np.allclose(own["forecast"], ahead["forecast"], rtol=0, atol=1e-6)
    assert own.index.tolist() == ahead["time"].tolist()
    # A history passed in: the same values as a Series give the same forecast; other values
    # another one.
    given = answer.forecast(4, history=pd.Series(values))
    assert np.allclose(given["forecast"], own["forecast"], rtol=0, atol=1e-6)
    moved = answer.forecast(4, history=pd.Series(values + 10.0))
    assert not np.allclose(moved["forecast"], own["forecast"])


def test_a_history_with_time_stamps_in_its_index_continues_them(tmp_path):
    import search

    folder = tmp_path
    months = pd.date_range("2000-01-01", periods=150, freq="MS")
    y = 20 + 3 * np.sin(2 * np.pi * months.month / 12) + np.arange(150) * 0.05
    frame = pd.DataFrame({"y": y}, index=pd.Index(months, name="month"))
    frame.to_csv(folder / "monthly.csv")
    space = write_space(folder, trials=1, epochs=1)
    out = folder / "out"
    command = ["run", str(space), "--data", str(folder / "monthly.csv"), "--column", "y"]
    assert main([*command, "--out", str(out), "--quiet"]) == 0
    forecast = search.load(out).forecast(3, history=frame.iloc[:140])
    assert forecast.index.equals(pd.DatetimeIndex(months[140:143], name="time"))
    assert forecast["forecast"].notna().all()


def test_a_space_is_a_keras_tuner_hypermodel_a_stock_tuner_searches(tmp_path):
    import keras_tuner as kt

    import search

    space = write_space(tmp_path, units=code("Choice(4, 8)"), epochs=1)
    tuner = kt.RandomSearch(
        search.hypermodel(space),
        objective=kt.Objective("val_mae", "min"),
        max_trials=2,
        directory=str(tmp_path / "kt"),
        project_name="stock",
    )
    tuner.search()
    best = tuner.oracle.get_best_trials(1)[0]
    assert np.isfinite(best.score) and best.score < 10
    assert best.hyperparameters.get("units") in (4, 8)


def test_the_python_page_s_example_runs(untested_run, tmp_path, monkeypatch):
    import re
    import shutil
    from pathlib import Path

    out, data, _ = untested_run
    # The page's run and its file, where the example looks for them, with time stamps.
    monkeypatch.chdir(tmp_path)
    shutil.copytree(out, tmp_path / "results" / "demo")
    values = pd.read_csv(data)["y"]
    dates = pd.date_range("2020-01-01", periods=len(values), freq="D")
    pd.DataFrame({"date": dates, "y": values}).to_csv(
        tmp_path / "results" / "demo.csv", index=False
    )
    page = (Path(__file__).resolve().parent.parent / "docs" / "python.md").read_text()
    example = re.findall(r"```python\n(.*?)```", page, re.S)[0]
    exec(compile(example, "docs/python.md", "exec"), {})


def test_forecast_gives_intervals_from_the_answer_s_errors_out_of_sample(
    untested_run, capsys, tmp_path
):
    import search
    from search.ensemble.intervals import half_width

    out, _, _ = untested_run
    command = ["forecast", str(out), "--steps", "14", "--output", str(tmp_path / "f.csv")]
    assert main(command) == 0
    assert "intervals at 80, 95 %" in capsys.readouterr().out
    table = pd.read_csv(tmp_path / "f.csv")
    assert {"lo_80", "hi_80", "lo_95", "hi_95"} <= set(table.columns)
    assert (table["lo_95"] <= table["lo_80"]).all() and (table["lo_80"] < table["forecast"]).all()
    assert (table["forecast"] < table["hi_80"]).all() and (table["hi_80"] <= table["hi_95"]).all()
    # A one-step forecast's half-width is the conformal quantile of the kept errors.
    errors = np.load(out / "answer" / "residuals.npy")[:, 0]
    one_step = table[table["kind"] == "one-step"]
    assert np.allclose(one_step["hi_80"] - one_step["forecast"], half_width(errors, 80))
    # Far ahead is less sure than one step ahead.
    ahead = table[table["kind"] == "ahead"]
    width = (ahead["hi_80"] - ahead["lo_80"]).to_numpy()
    assert width[-1] > width[0]
    # The Python API gives the same.
    api = search.load(out).forecast(14, levels=(80, 95))
    assert np.allclose(api["lo_95"], ahead["lo_95"], atol=1e-6)


def test_a_level_the_errors_cannot_support_is_refused_in_one_line(untested_run, capsys):
    out, _, _ = untested_run
    assert main(["forecast", str(out), "--levels", "99.9"]) == 2
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1 and "a 99.9 % interval needs at least 999" in error
    assert main(["forecast", str(out), "--levels", "80,120"]) == 2
    assert "each level is above 0 and below 100" in capsys.readouterr().err


def test_the_report_draws_the_answer_s_forecast_with_its_bands(untested_run, tmp_path):
    import shutil

    out, _, _ = untested_run
    copy = tmp_path / "run"
    shutil.copytree(out, copy)
    assert main(["report", str(copy)]) == 0
    text = (copy / "report.md").read_text()
    section = text.split("## The answer's forecast")[1].split("\n## ")[0]
    assert "of the 7 steps past the end of the data with its 80 % and 95 % prediction" in section
    assert (copy / "figures" / "answer.png").stat().st_size > 10_000
