"""What a user takes away: the answer, saved by every run (with or without a test part),
its statistical members fitted on all the data with the run's seasons."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import write_space

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
