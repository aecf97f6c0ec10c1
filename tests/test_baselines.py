"""The baselines: recomputed independently, scored on the trials' points, honest when unfit."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from search.baselines import BaselineScore, score_baselines
from search.baselines.theta import Theta
from search.data import DataSource, backtest_folds, builtin_series
from search.metrics import mase_scale
from search.yardstick import Yardstick

SEASONAL_LAGS = [364, 365, 366, 730]


def _numpy_baselines(values: np.ndarray, train_end: int, labels: np.ndarray) -> dict[str, float]:
    """Seasonal naive and the seasonal linear AR, written out with numpy alone."""
    values = values.astype("float64")
    lags = np.array([*range(1, 21), *SEASONAL_LAGS])
    rows = np.arange(lags.max(), train_end)
    design = np.column_stack([values[rows - lag] for lag in lags] + [np.ones(len(rows))])
    coef = np.linalg.lstsq(design, values[rows], rcond=None)[0]
    scored = np.column_stack([values[labels - lag] for lag in lags] + [np.ones(len(labels))])
    return {
        "seasonal_naive_365": float(np.mean(np.abs(values[labels - 365] - values[labels]))),
        "seasonal_ar": float(np.mean(np.abs(scored @ coef - values[labels]))),
    }


@pytest.mark.parametrize("name", ["course-exercise", "course-lecture"])
def test_seasonal_baselines_agree_with_numpy_alone(name):
    series = builtin_series(name, test=200)
    scores = {s.name: s for s in score_baselines(series, backtest_folds(series, 1))}
    valid = np.arange(series.split, series.test_start)
    test = np.arange(series.test_start, len(series.values))
    expected_valid = _numpy_baselines(series.values, series.split, valid)
    expected_test = _numpy_baselines(series.values, series.test_start, test)  # refit before it
    for baseline in ("seasonal_naive_365", "seasonal_ar"):
        assert scores[baseline].val_mae == pytest.approx(expected_valid[baseline], abs=1e-6)
        assert scores[baseline].test_mae == pytest.approx(expected_test[baseline], abs=1e-6)


def test_the_seasonal_linear_ar_is_the_one_to_beat_on_the_exercise_series():
    series = builtin_series("course-exercise")
    yardstick = Yardstick.measure(series, backtest_folds(series, 1))
    seasonal = yardstick.baseline("seasonal_ar")
    assert seasonal.val_mae < 2.75
    assert seasonal.val_mae < yardstick.baseline("linear_ar").val_mae - 0.4
    assert yardstick.best.val_mae <= seasonal.val_mae
    assert yardstick.best.name in ("seasonal_ar", "ets", "theta", "mstl", "arima")


def test_ets_forecasts_one_step_ahead_from_its_training_fit():
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    series = builtin_series("course-lecture")
    ets = {s.name: s for s in score_baselines(series, backtest_folds(series, 1))}["ets"]
    assert ets.error is None and "season of 365" in ets.description
    # Independently: fit on the training part, then run the additive Holt-Winters
    # recursions on over the validation part with the fitted parameters and states.
    train = series.values[: series.split].astype("float64")
    fit = ExponentialSmoothing(
        train, trend="add", seasonal="add", seasonal_periods=365, initialization_method="heuristic"
    ).fit()
    alpha, beta, gamma = (
        fit.params[k] for k in ("smoothing_level", "smoothing_trend", "smoothing_seasonal")
    )
    level, trend, season = fit.level[-1], fit.trend[-1], list(fit.season[-365:])
    errors = []
    for value in series.values[series.split :].astype("float64"):
        errors.append(abs(level + trend + season[0] - value))
        new_level = alpha * (value - season[0]) + (1 - alpha) * (level + trend)
        season.append(gamma * (value - level - trend) + (1 - gamma) * season.pop(0))
        trend = beta * (new_level - level) + (1 - beta) * trend
        level = new_level
    assert ets.val_mae == pytest.approx(float(np.mean(errors)), abs=1e-6)


def test_every_baseline_forecasts_a_point_from_the_values_before_it_only():
    series = builtin_series("course-lecture", test=100)
    folds = backtest_folds(series, 2)
    before = score_baselines(series, folds)
    # Change the test part: no validation figure of any baseline moves.
    values = series.values.copy()
    values[series.test_start :] += np.linspace(0, 50, len(series.test), dtype="float32")
    after = score_baselines(replace(series, values=values), folds)
    for a, b in zip(before, after, strict=True):
        assert a.name == b.name and a.error is None
        assert a.val_mae == b.val_mae and a.fold_maes == b.fold_maes
        assert a.test_mae != b.test_mae
    # Change the second fold's block: the first fold's figures stay.
    values = series.values.copy()
    values[folds[1].start :] *= 1.5
    changed = score_baselines(replace(series, values=values), folds)
    for a, b in zip(before, changed, strict=True):
        assert a.fold_maes[0] == b.fold_maes[0]
        assert a.fold_maes[1] != b.fold_maes[1]
        assert a.val_mae == pytest.approx(np.mean(a.fold_maes), abs=1e-6)


def test_a_baseline_that_cannot_be_fitted_is_reported_with_why(sine_csv):
    numeric = DataSource(str(sine_csv), column="value", season=()).load()
    scores = {s.name: s for s in score_baselines(numeric, backtest_folds(numeric, 1))}
    for name in ("seasonal_naive", "seasonal_ar"):
        assert scores[name].val_mae is None
        assert scores[name].error.startswith("cannot be fitted: no season is known")
    assert "no season" in scores["ets"].description and scores["ets"].val_mae is not None
    # A daily series of 240 values: a year is far longer than its training part.
    daily = DataSource(str(sine_csv), column="value").load()
    scores = {s.name: s for s in score_baselines(daily, backtest_folds(daily, 1))}
    assert scores["seasonal_naive_7"].val_mae is not None
    assert "365 is not shorter than the training part" in scores["seasonal_naive_365"].error
    assert "lags 6" not in scores["seasonal_ar"].description  # inside the 20-value window
    assert scores["seasonal_ar"].val_mae is not None


def test_mase_scale_is_the_training_part_s_seasonal_naive_mae():
    series = builtin_series("course-exercise")
    scale, lag = mase_scale(series)
    values = series.values[: series.split].astype("float64")
    assert lag == 365
    assert scale == pytest.approx(float(np.mean(np.abs(values[365:] - values[:-365]))), rel=1e-6)


def test_the_yardstick_round_trips_and_reads_a_run_made_before_it():
    series = builtin_series("course-lecture")
    yardstick = Yardstick.measure(series, backtest_folds(series, 1))
    assert Yardstick.from_config(yardstick.get_config()) == yardstick
    old = Yardstick.of_run({"baselines": {"naive": 5.9, "linear_ar": 4.9}, "noise_floor": 4.0})
    assert old.best == BaselineScore("linear_ar", "linear_ar", val_mae=4.9)
    assert old.noise_floor == 4.0 and old.mase(1.0) is None
    assert yardstick.skill(yardstick.best.val_mae) == 0
    assert yardstick.skill(yardstick.best.val_mae * 0.9) == pytest.approx(0.1)


def test_theta_runs_statsmodels_fit_forward_from_the_values_before_each_origin():
    from statsmodels.tsa.forecasting.theta import ThetaModel
    from statsmodels.tsa.seasonal import seasonal_decompose

    series = builtin_series("course-exercise")
    theta = Theta(series.seasons, series.split)
    theta.fit(series, series.split)
    train = series.values[: series.split].astype("float64")
    # From the end of its training part: statsmodels' own forecast of 5 steps.
    own = ThetaModel(train, period=365, use_test=False).fit().forecast(5)
    ahead = theta.forecast_ahead(series, np.array([series.split]), 5)[0]
    assert np.allclose(ahead, np.asarray(own), atol=1e-9)
    # From a later origin, by hand: the seasonal indices of the training part, the SES
    # level run over every value before it, half the slope's path.
    alpha, b0 = theta.params["alpha"], theta.params["b0"]
    method = "mul" if theta._multiplicative else "add"
    index = seasonal_decompose(train, model=method, period=365).seasonal[:365]
    values = series.values.astype("float64")
    origin = series.split + 123
    phases = index[np.arange(origin) % 365]
    adjusted = values[:origin] / phases if method == "mul" else values[:origin] - phases
    level = adjusted[0]
    for value in adjusted:
        level = alpha * value + (1 - alpha) * level
    ahead = theta.forecast_ahead(series, np.array([origin]), 3)[0]
    for h in range(1, 4):
        trend = 0.5 * b0 * (h - 1 + 1 / alpha - (1 - alpha) ** origin / alpha)
        phase = index[(origin + h - 1) % 365]
        expected = (level + trend) * phase if method == "mul" else level + trend + phase
        assert ahead[h - 1] == pytest.approx(expected, abs=1e-9)
