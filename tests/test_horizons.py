"""Forecasting several steps at once: the targets and their inversion, the baselines' own
multi-step forecasts, and a run with ``--horizon 24`` from the search to the saved model."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import code, write_space

from search.baselines.ets import ETS
from search.baselines.forecasters import Naive, SeasonalAR, SeasonalNaive, linear_ar
from search.cli import main
from search.data import Series, actual, builtin_series
from search.inputs import Assembly, InputSpec
from search.leaderboard import read_leaderboard


def _series() -> Series:
    rng = np.random.default_rng(1)
    t = np.arange(500)
    values = 30 + 5 * np.sin(2 * np.pi * t / 12) + 0.05 * t + rng.normal(0, 0.5, 500)
    return Series("toy", values.astype("float32"), split=400, seasons=(12,))


@pytest.mark.parametrize("transform", ["none", "difference", "seasonal_difference"])
def test_targets_of_every_step_are_inverted_exactly(transform):
    series = _series()
    spec = InputSpec.of({"window": 8, "transform": transform}, series, horizon=5)
    assembly = Assembly.fit(spec, series, series.split, "standard")
    origins = assembly.labels(series, series.split, len(series.values))
    assert origins[-1] == len(series.values) - 5  # every target inside the series
    base = assembly.base(series, origins)
    back = assembly.invert(assembly.target(series, origins), base)
    assert np.allclose(back, actual(series, origins, 5), atol=1e-3)
    # Each step's difference is taken from a value known at the origin, never a later one.
    if transform == "none":
        assert not base.any()
    else:
        positions = origins[:, None] - spec.base_lags[None, :]
        assert (positions < origins[:, None]).all()
    if transform == "difference":
        assert np.allclose(base, series.values[origins - 1][:, None])
    if transform == "seasonal_difference":
        assert np.allclose(base, series.values[origins[:, None] + np.arange(5) - 12])


def test_baselines_forecast_every_step_from_the_values_before_the_origin():
    series = builtin_series("course-exercise")
    origins = np.array([3000, 3200, 3600])
    naive = Naive()
    assert np.allclose(
        naive.forecast_ahead(series, origins, 4), series.values[origins - 1][:, None]
    )
    snaive = SeasonalNaive(365)
    expected = series.values[origins[:, None] + np.arange(4) - 365]
    assert np.allclose(snaive.forecast_ahead(series, origins, 4), expected)
    # The linear autoregression feeds each step back, as one would by hand.
    ar = linear_ar(20)
    ar.fit(series, series.split)
    ahead = ar.forecast_ahead(series, origins, 3)
    past = [list(series.values[o - 20 : o].astype("float64")) for o in origins]
    for step in range(3):
        for row, history in enumerate(past):
            value = np.dot(history[-20:], ar.coef[:20]) + ar.coef[20]
            assert ahead[row, step] == pytest.approx(value, rel=1e-6)
            history.append(value)
    seasonal = SeasonalAR((365,), 20, series.split)
    seasonal.fit(series, series.split)
    assert np.allclose(
        seasonal.forecast_ahead(series, origins, 1)[:, 0], seasonal.forecast(series, origins)
    )
    # Exponential smoothing's first step is its one-step forecast; from any origin its
    # steps are what statsmodels forecasts from the same parameters and the values before it.
    ets = ETS((365,), series.split)
    ets.fit(series, series.split)
    many = np.arange(3000, 3600)
    steps = ets.forecast_ahead(series, many, 30)
    assert np.allclose(steps[:, 0], ets.forecast(series, many))
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    p = ets.params
    for origin in (3000, 3400):
        direct = (
            ExponentialSmoothing(
                series.values[:origin].astype("float64"),
                trend="add",
                seasonal="add",
                seasonal_periods=365,
                initialization_method="known",
                initial_level=p["initial_level"],
                initial_trend=p["initial_trend"],
                initial_seasonal=p["initial_seasons"],
            )
            .fit(
                smoothing_level=p["smoothing_level"],
                smoothing_trend=p["smoothing_trend"],
                smoothing_seasonal=p["smoothing_seasonal"],
                optimized=False,
            )
            .forecast(30)
        )
        assert np.allclose(steps[origin - 3000], direct, atol=1e-6)


@pytest.fixture(scope="module")
def horizon_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("horizon")
    space = write_space(
        folder,
        window=code("Choice(8, 12)"),
        seasonal_lags=True,
        linear_skip=True,
        transform="difference",
        epochs=2,
        trials=2,
        batch_size=512,
    )
    out = folder / "out"
    assert main(["run", str(space), "--horizon", "24", "--out", str(out), "--quiet"]) == 0
    return out


def _best(out):
    table = read_leaderboard(out / "leaderboard.csv")
    return table[table["rank"].notna() & table["trial"].notna()].iloc[0], table


def test_a_run_of_24_steps_scores_every_step_and_reports_them(horizon_run, capsys):
    best, table = _best(horizon_run)
    baselines = table[table["status"] == "baseline"]
    assert np.isfinite(best["val_mae"])
    assert main(["report", str(horizon_run)]) == 0
    text = (horizon_run / "report.md").read_text()
    assert "## MAE by step ahead" in text and "(figures/steps.png)" in text
    assert text.count("\n| 24 |") == 1  # a row per step, beside the best baseline's
    assert baselines["val_mae"].notna().sum() >= 5


def test_the_saved_24_step_model_reproduces_its_mae_from_raw_values_elsewhere(horizon_run):
    script = """
import json, sys
import keras, numpy as np
from search.data import actual, builtin_series
from search.forecasting import model_inputs
from search.inputs.assembly import raw_inputs
out = sys.argv[1]
info = json.load(open(out + "/best_model.json"))
model = keras.saving.load_model(out + "/best_model.keras", safe_mode=True)
spec = model_inputs(info)
series = builtin_series("course-exercise")
origins = np.arange(series.split, len(series.values) - 23)
forecast = model.predict(raw_inputs(spec, series, origins), verbose=0)
print(json.dumps({"shape": list(forecast.shape),
                  "mae": float(np.mean(np.abs(forecast - actual(series, origins, 24))))}))
"""
    result = subprocess.run(
        [sys.executable, "-c", script, str(horizon_run)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    best, _ = _best(horizon_run)
    assert found["shape"][1] == 24
    assert abs(found["mae"] - best["val_mae"]) < 1e-3


def test_forecast_uses_the_model_s_own_horizon_and_reproduce_retrains(horizon_run, capsys):
    assert main(["forecast", str(horizon_run), "--steps", "30"]) == 0
    table = pd.read_csv(horizon_run / "forecast.csv")
    ahead = table[table["kind"] == "ahead"]
    assert len(ahead) == 30 and np.isfinite(ahead["forecast"]).all()
    best, _ = _best(horizon_run)
    capsys.readouterr()
    assert main(["reproduce", str(horizon_run), "--trial", str(int(best["trial"]))]) == 0
    reproduced = float(capsys.readouterr().out.split("reproduced ")[1].split()[0])
    assert abs(reproduced / best["val_mae"] - 1) < 0.05


def test_a_horizon_longer_than_the_validation_part_is_refused(tmp_path, capsys):
    space = write_space(tmp_path)
    status = main(["run", str(space), "--horizon", "700", "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 2 and len(err.splitlines()) == 1
    assert "a horizon of 700 steps is longer than the validation part (651 values)" in err
    assert not (tmp_path / "out").exists()
