"""The mstl, arima and auto_ets baselines: one step ahead from the values before each point only,
better than the last value on a seasonal series, and scored beside the others."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from search.baselines import Unfit, score_baselines
from search.baselines import arima as arima_module
from search.baselines.arima import ARIMA
from search.baselines.auto_ets import AutoETS
from search.baselines.ets import ETS
from search.baselines.mstl import MSTLForecaster
from search.data import Series, backtest_folds, builtin_series

END = 200


def _seasonal(length: int = 300, season: int = 12, seed: int = 3) -> Series:
    """A season of ``season`` steps on a slow trend, with noise and a little wander."""
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    values = (
        50
        + 0.05 * t
        + 8 * np.sin(2 * np.pi * t / season)
        + 3 * np.cos(4 * np.pi * t / season)
        + np.cumsum(rng.normal(0, 0.2, length))
        + rng.normal(0, 0.5, length)
    )
    return Series("seasonal", values.astype("float32"), split=END, seasons=(season,))


@pytest.fixture(params=["mstl", "arima", "arima_decomposed", "auto_ets"])
def member(request, monkeypatch):
    """Each member, fitted again by ``member(series)``; arima both seasonal and on the
    values less the seasons (as for a season too long for a seasonal ARIMA)."""
    if request.param == "arima_decomposed":
        monkeypatch.setattr(arima_module, "SEASONAL_BUDGET", 0)

    def fitted(series: Series):
        made = {"mstl": MSTLForecaster, "auto_ets": AutoETS}.get(request.param, ARIMA)
        baseline = made(series.seasons, series.split)
        baseline.fit(series, END)
        return baseline

    return fitted


def test_a_forecast_reads_only_the_values_before_it(member):
    series = _seasonal()
    labels = np.arange(END, len(series.values))
    before = member(series)
    one_step = before.forecast(series, labels)
    ahead = before.forecast_ahead(series, labels[:-3], 3)
    k = 250
    values = series.values.copy()
    values[k] += 40.0
    changed = replace(series, values=values)
    after = member(changed)
    moved = after.forecast(changed, labels)
    assert np.array_equal(moved[labels <= k], one_step[labels <= k])
    assert moved[labels == k + 1] != one_step[labels == k + 1]
    origins = labels[:-3]
    moved_ahead = after.forecast_ahead(changed, origins, 3)
    assert np.array_equal(moved_ahead[origins <= k], ahead[origins <= k])
    assert not np.array_equal(moved_ahead[origins == k + 1], ahead[origins == k + 1])


def test_it_beats_the_last_value_on_a_seasonal_series(member):
    series = _seasonal()
    labels = np.arange(END, len(series.values))
    values = series.values.astype("float64")
    forecast = member(series).forecast(series, labels)
    mae = np.mean(np.abs(forecast - values[labels]))
    naive = np.mean(np.abs(values[labels - 1] - values[labels]))
    assert mae < 0.5 * naive


def test_one_step_ahead_is_the_forecast_and_the_end_can_be_forecast_from(member):
    series = _seasonal()
    baseline = member(series)
    origins = np.arange(5, len(series.values))
    one_step = baseline.forecast(series, origins)
    assert np.array_equal(baseline.forecast_ahead(series, origins, 1)[:, 0], one_step)
    assert np.array_equal(baseline.forecast_ahead(series, origins[:-4], 5)[:, 0], one_step[:-4])
    # The answer forecasts past the series' end from its last value.
    beyond = baseline.forecast_ahead(series, np.array([len(series.values)]), 24)
    assert beyond.shape == (1, 24) and np.isfinite(beyond).all()


@pytest.mark.parametrize("budget", [arima_module.SEASONAL_BUDGET, 0])
def test_arima_ahead_is_statsforecast_s_own_forecast(budget, monkeypatch):
    monkeypatch.setattr(arima_module, "SEASONAL_BUDGET", budget)
    series = _seasonal()
    arima = ARIMA(series.seasons, series.split)
    arima.fit(series, END)
    assert arima.decomposed == (budget == 0)
    values = series.values.astype("float64")
    season = arima._season(np.arange(len(values) + 6))
    for origin in (END + 40, len(values)):
        own = arima.model.forward(y=(values - season[: len(values)])[:origin], h=6)["mean"]
        ours = arima.forecast_ahead(series, np.array([origin]), 6)[0]
        # statsforecast's Kalman filter against the difference equation: the same once the
        # filter has settled.
        assert ours == pytest.approx(own + season[origin : origin + 6], abs=1e-3)


def test_mstl_without_a_usable_season_cannot_be_fitted():
    series = replace(_seasonal(), seasons=())
    with pytest.raises(Unfit, match="no season is known"):
        MSTLForecaster(series.seasons, series.split).fit(series, END)
    short = replace(_seasonal(), seasons=(12, 150))
    mstl = MSTLForecaster(short.seasons, short.split)
    mstl.fit(short, END)
    assert mstl.periods == (12,)  # 150 has no two whole cycles in 200 values
    with pytest.raises(Unfit, match="two whole cycles"):
        mstl.fit(short, 20)


def test_each_is_scored_as_a_baseline():
    series = builtin_series("course-lecture", test=200)
    scores = {s.name: s for s in score_baselines(series, backtest_folds(series, 1))}
    for name in ("mstl", "arima", "auto_ets"):
        assert scores[name].error is None, scores[name].error
        assert np.isfinite(scores[name].val_mae) and np.isfinite(scores[name].test_mae)
    assert list(scores)[-3:] == ["mstl", "arima", "auto_ets"]
    assert "no season" in scores["auto_ets"].description  # 365 is beyond statsforecast's
    assert "season of 365 is too long" in scores["arima"].description


def test_auto_ets_takes_a_multiplicative_season_where_the_season_grows_with_the_level():
    rng = np.random.default_rng(4)
    t = np.arange(240)
    values = (40 + 0.8 * t) * (1 + 0.25 * np.sin(2 * np.pi * t / 12)) + rng.normal(0, 1, 240)
    series = Series("growing", values.astype("float32"), split=END, seasons=(12,))
    member = AutoETS(series.seasons, series.split)
    member.fit(series, END)
    assert member.form.endswith("M)")
    labels = np.arange(END, 240)
    additive = ETS(series.seasons, series.split)
    additive.fit(series, END)
    mae = lambda f: np.mean(np.abs(f.forecast(series, labels) - values[labels]))  # noqa: E731
    assert mae(member) < 0.8 * mae(additive)
