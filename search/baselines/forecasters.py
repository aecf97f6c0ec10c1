"""The simple forecasters a network has to beat.

Each is fitted on the values before a point (``fit``) and then forecasts any later label one
step ahead from the real values before it (``forecast``), exactly as a trial does; or
``horizon`` steps from each origin (``forecast_ahead``), each step's forecast fed back as
the next input.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from search.data import Series, lagged, seasonal_lags, window_lags


class Unfit(Exception):
    """A baseline that cannot be fitted on this series; the message says why."""


class Baseline:
    """A forecaster with a ``name`` (its leaderboard row) and a one-line ``description``."""

    name = "baseline"

    def describe(self) -> str:
        raise NotImplementedError

    def fit(self, series: Series, end: int) -> None:
        """Learn from ``series.values[:end]`` (nothing to learn by default)."""

    def forecast(self, series: Series, labels: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    # How many values before a point the forecaster reads.
    reach = 1

    def next_values(self, past: np.ndarray) -> np.ndarray:
        """The next value after each row of ``past`` (oldest first, ``reach`` wide)."""
        raise NotImplementedError

    def forecast_ahead(self, series: Series, origins: np.ndarray, horizon: int) -> np.ndarray:
        """``(n, horizon)``: the next ``horizon`` values from each origin, from the real
        values before it, each forecast fed back as the next input."""
        if horizon == 1:
            return self.forecast(series, origins)[:, None]
        past = lagged(series, origins, window_lags(self.reach)).astype("float64")
        steps = []
        for _ in range(horizon):
            step = self.next_values(past)
            steps.append(step)
            past = np.c_[past[:, 1:], step]
        return np.stack(steps, axis=1)


class Naive(Baseline):
    """The last value."""

    name = "naive"

    def next_values(self, past: np.ndarray) -> np.ndarray:
        return past[:, -1]

    def describe(self) -> str:
        return "the last value"

    def forecast(self, series: Series, labels: np.ndarray) -> np.ndarray:
        return lagged(series, labels, np.array([1]))[:, 0].astype("float64")


class MovingAverage(Baseline):
    """The mean of the last ``window`` values."""

    name = "moving_average"

    def __init__(self, window: int):
        self.window = window
        self.reach = window

    def next_values(self, past: np.ndarray) -> np.ndarray:
        return past.mean(axis=1)

    def describe(self) -> str:
        return f"the mean of the last {self.window} values"

    def forecast(self, series: Series, labels: np.ndarray) -> np.ndarray:
        return lagged(series, labels, window_lags(self.window)).astype("float64").mean(axis=1)


class SeasonalNaive(Baseline):
    """The value one season ago."""

    def __init__(self, season: int | None):
        self.season = season
        self.name = f"seasonal_naive_{season}" if season else "seasonal_naive"
        self.reach = season or 1

    def next_values(self, past: np.ndarray) -> np.ndarray:
        return past[:, -self.reach]

    def describe(self) -> str:
        if not self.season:
            return "the value one season ago"
        return f"the value {self.season} steps ago (one season)"

    def fit(self, series: Series, end: int) -> None:
        if not self.season:
            raise Unfit(NO_SEASON)
        if self.season >= series.split:
            raise Unfit(
                f"its season of {self.season} is not shorter than the training part "
                f"({series.split} values)"
            )

    def forecast(self, series: Series, labels: np.ndarray) -> np.ndarray:
        return lagged(series, labels, np.array([self.season]))[:, 0].astype("float64")


class LinearAR(Baseline):
    """A least-squares linear autoregression, with an intercept, on values at given lags."""

    def __init__(self, name: str, lags: Sequence[int], description: str):
        self.name = name
        self.lags = np.array(sorted(set(lags), reverse=True))
        self._description = description
        self.coef: np.ndarray | None = None
        self.reach = int(self.lags.max())

    def next_values(self, past: np.ndarray) -> np.ndarray:
        return np.c_[past[:, self.reach - self.lags], np.ones(len(past))] @ self.coef

    def describe(self) -> str:
        return self._description

    def _design(self, series: Series, labels: np.ndarray) -> np.ndarray:
        return np.c_[lagged(series, labels, self.lags).astype("float64"), np.ones(len(labels))]

    def fit(self, series: Series, end: int) -> None:
        labels = series.labels(int(self.lags.max()), end)
        if len(labels) < 2 * (len(self.lags) + 1):
            raise Unfit(
                f"{len(labels)} training values are too few for its {len(self.lags) + 1} "
                "coefficients"
            )
        self.coef, *_ = np.linalg.lstsq(
            self._design(series, labels), series.values[labels].astype("float64"), rcond=None
        )

    def forecast(self, series: Series, labels: np.ndarray) -> np.ndarray:
        return self._design(series, labels) @ self.coef


def linear_ar(window: int) -> LinearAR:
    """The linear autoregression on the last ``window`` values."""
    return LinearAR("linear_ar", window_lags(window), f"least squares on the last {window} values")


class SeasonalAR(LinearAR):
    """The linear autoregression on the last ``window`` values plus seasonal lags."""

    def __init__(self, seasons: Sequence[int], window: int, split: int):
        lags, self.left_out = seasonal_lags(seasons, window, split)
        extra = sorted(set(lags) - {int(lag) for lag in window_lags(window)})
        described = f" and lags {', '.join(map(str, extra))}" if extra else ""
        if self.left_out:
            seasons_out = ", ".join(map(str, self.left_out))
            described += f" (season {seasons_out} left out: too long for the training part)"
        super().__init__(
            "seasonal_ar", lags, f"least squares on the last {window} values{described}"
        )
        self.seasons = tuple(seasons)

    def fit(self, series: Series, end: int) -> None:
        if not self.seasons:
            raise Unfit(NO_SEASON)
        if len(self.left_out) == len(self.seasons):
            raise Unfit(
                f"the training part ({series.split} values) is too short for lags one season "
                f"back (season {', '.join(map(str, self.seasons))})"
            )
        super().fit(series, end)


# Why a forecaster that needs a season cannot be fitted without one.
NO_SEASON = (
    "no season is known for this series (seasons come from the time stamps); name the time "
    "column with --time-column, or give season= in the space or --season, such as 7 for "
    "daily data"
)
