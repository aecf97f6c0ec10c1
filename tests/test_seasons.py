"""A search whose models see the season and an exogenous column, end to end: run, leaderboard,
the saved model from raw values in a fresh process, forecast and reproduce."""

from __future__ import annotations

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
def seasonal_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seasons")
    rng = np.random.default_rng(5)
    t = np.arange(300)
    heat = rng.normal(0, 1, 300)
    values = 20 + 4 * np.sin(2 * np.pi * t / 7) + 3 * heat + rng.normal(0, 0.3, 300)
    dates = np.datetime64("2024-01-01") + t
    data = folder / "shop.csv"
    pd.DataFrame({"date": dates.astype(str), "sales": values, "heat": heat}).to_csv(
        data, index=False
    )
    space = write_space(
        folder,
        data=str(data),
        column="sales",
        features=["heat"],
        season=7,
        window=5,
        seasonal_lags=True,
        calendar=code("Boolean()"),
        linear_skip=True,
        transform=code("Choice('none', 'difference')"),
        conv_filters=code("Choice(0, 2)"),
        epochs=3,
        trials=3,
        batch_size=64,
    )
    out = folder / "out"
    assert main(["run", str(space), "--out", str(out), "--quiet"]) == 0
    return out, data


def _best(out):
    table = read_leaderboard(out / "leaderboard.csv")
    return table[table["rank"].notna() & table["trial"].notna()].iloc[0]  # the best trial


def test_the_leaderboard_ranks_trials_that_read_lags_and_the_feature(seasonal_run):
    out, _ = seasonal_run
    best = _best(out)
    assert np.isfinite(best["val_mae"]) and np.isfinite(best["test_mae"])
    info = json.loads((out / "best_model.json").read_text())
    assert info["inputs"]["lags"] == [15, 14, 13, 8, 7, 6] and info["inputs"]["features"] == [
        "heat"
    ]
    assert "named inputs: history (batch, " in info["input"]


def test_the_saved_model_reproduces_its_mae_from_raw_values_in_a_fresh_process(seasonal_run):
    out, data = seasonal_run
    script = """
import json, sys
import keras, numpy as np
from search.data import DataSource
from search.forecasting import model_inputs
from search.inputs.assembly import raw_inputs
out, data = sys.argv[1], sys.argv[2]
info = json.load(open(out + "/best_model.json"))
model = keras.saving.load_model(out + "/best_model.keras", safe_mode=True)
spec = model_inputs(info)
series = DataSource(data, column="sales", features=("heat",), season=(7,)).load()
labels = np.arange(series.split, series.test_start)
forecast = model.predict(raw_inputs(spec, series, labels), verbose=0).reshape(-1)
print(json.dumps({"mae": float(np.mean(np.abs(forecast - series.values[labels])))}))
"""
    result = subprocess.run(
        [sys.executable, "-c", script, str(out), str(data)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert abs(found["mae"] - _best(out)["val_mae"]) < 1e-3


def test_forecast_and_reproduce_read_the_same_inputs(seasonal_run, capsys):
    out, _ = seasonal_run
    best = _best(out)
    # The best trial alone: its validation forecasts are the ones it was scored by.
    assert main(["forecast", str(out), "--best-trial"]) == 0
    table = pd.read_csv(out / "forecast.csv")
    info = json.loads((out / "best_model.json").read_text())
    first = max(info["inputs"]["lags"]) + info["inputs"]["difference"]
    assert (table["kind"] == "one-step").sum() == 300 - first
    valid = table.iloc[info["split"] - first : info["test_start"] - first]
    assert abs((valid["forecast"] - valid["actual"]).abs().mean() - best["val_mae"]) < 1e-3
    capsys.readouterr()
    # Beyond the end the feature's values are unknown: refused, with the way out.
    assert main(["forecast", str(out), "--best-trial", "--steps", "3"]) == 2
    assert "whose values beyond the series are not known" in capsys.readouterr().err
    assert main(["reproduce", str(out), "--trial", str(int(best["trial"]))]) == 0
    reproduced = float(capsys.readouterr().out.split("reproduced ")[1].split()[0])
    assert abs(reproduced / best["val_mae"] - 1) < 0.05
