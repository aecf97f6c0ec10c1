"""Exponential smoothing with a trend and a season (Holt-Winters, ETS(A,A,A)), by statsmodels.

Fitted on the training part; then run forward over the rest of the series with its
parameters and starting states fixed, so every forecast is one step ahead from the values
before it, as the trials' are.

statsmodels rather than statsforecast: its Holt-Winters takes seasons of any length (a year
of daily values, a week of half-hourly ones), where statsforecast's ETS gives up the season
beyond 24 steps; and it lets the fitted states be run forward without refitting.
"""

from __future__ import annotations

import warnings

import numpy as np

from search.baselines.forecasters import Baseline, Unfit
from search.data import Series

# statsmodels' heuristic start needs at least this many values before a season.
MIN_VALUES = 10


def usable_season(seasons: tuple[int, ...], length: int) -> int | None:
    """The longest season with two full cycles (and the heuristic start's margin) in
    ``length`` training values."""
    usable = [s for s in seasons if length >= max(2 * s, MIN_VALUES + 2 * (s // 2))]
    return max(usable) if usable else None


class ETS(Baseline):
    """Additive Holt-Winters: level, trend and the longest season that fits."""

    name = "ets"

    def __init__(self, seasons: tuple[int, ...], split: int):
        self.seasons = seasons
        self.season = usable_season(seasons, split)
        self._fitted: np.ndarray | None = None
        self.params: dict = {}

    def describe(self) -> str:
        if self.season:
            return (
                f"exponential smoothing, additive trend and season of {self.season} (statsmodels)"
            )
        return "exponential smoothing, additive trend, no season (statsmodels)"

    def fit(self, series: Series, end: int) -> None:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        values = carried(series)
        train = values[:end]
        if len(train) < MIN_VALUES:
            raise Unfit(f"{len(train)} training values are too few (at least {MIN_VALUES})")
        seasonal = "add" if self.season else None
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # statsmodels' convergence chatter
                fit = ExponentialSmoothing(
                    train,
                    trend="add",
                    seasonal=seasonal,
                    seasonal_periods=self.season,
                    initialization_method="heuristic",
                ).fit()
                params = fit.params
                forward = ExponentialSmoothing(
                    values,
                    trend="add",
                    seasonal=seasonal,
                    seasonal_periods=self.season,
                    initialization_method="known",
                    initial_level=params["initial_level"],
                    initial_trend=params["initial_trend"],
                    initial_seasonal=params["initial_seasons"] if self.season else None,
                ).fit(
                    smoothing_level=params["smoothing_level"],
                    smoothing_trend=params["smoothing_trend"],
                    smoothing_seasonal=params["smoothing_seasonal"] if self.season else None,
                    optimized=False,
                )
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise Unfit(f"statsmodels could not fit it ({exc})") from None
        fitted = np.asarray(forward.fittedvalues, dtype="float64")
        if not np.isfinite(fitted).all():
            raise Unfit("its forecasts are not finite numbers (the fit did not converge)")
        self._fitted = fitted
        self.params = dict(params)
        self._states = (
            np.asarray(forward.level, "float64"),
            np.asarray(forward.trend, "float64"),
            np.asarray(forward.season, "float64") if self.season else None,
        )

    def forecast(self, series: Series, labels: np.ndarray) -> np.ndarray:
        return self._fitted[labels]

    def forecast_ahead(self, series: Series, origins: np.ndarray, horizon: int) -> np.ndarray:
        """From the states after the value before each origin: level plus the trend times
        the steps ahead plus the season's last known value at that phase."""
        if horizon == 1:
            return self.forecast(series, origins)[:, None]
        level, trend, season = self._states
        before = np.asarray(origins)[:, None] - 1
        steps = np.arange(1, horizon + 1)[None, :]
        forecast = level[before] + steps * trend[before]
        if season is not None:
            m = self.season
            forecast = forecast + season[before + steps - m * ((steps - 1) // m + 1)]
        return forecast


def carried(series: Series) -> np.ndarray:
    """The whole series with gaps carried forward: a smoother runs through every value in
    turn, so an interpolated value would tell it of the value after the gap."""
    values = series.causal if series.causal is not None else series.values
    return values.astype("float64")
