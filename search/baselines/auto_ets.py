"""Exponential smoothing with its form chosen by AICc (statsforecast's AutoETS): additive or
multiplicative errors, trend (none, additive, damped) and season, as R's ets chooses.

The ``ets`` member is additive Holt-Winters; a season that grows with the level (sales,
expenditure, production) is multiplicative, and only a member that may choose so fits it.
Fitted on the values before ``end``, then run forward over the whole series with its
parameters and starting states fixed (``forward``), so that every forecast is one step
ahead from the real values before it, as the trials' are.

statsforecast's ETS takes a season of at most 24 steps: the member takes the longest usable
season up to that (a week of daily values, a day of hourly ones), none beyond it.
"""

from __future__ import annotations

import warnings

import numpy as np

from search.baselines.ets import MIN_VALUES, carried, usable_season
from search.baselines.forecasters import Baseline, Unfit
from search.data import Series

# The longest season statsforecast's ETS takes.
LONGEST = 24


class AutoETS(Baseline):
    """statsforecast's AutoETS, its form chosen by AICc on the values before ``end``."""

    name = "auto_ets"

    def __init__(self, seasons: tuple[int, ...], split: int):
        self.seasons = tuple(s for s in seasons if s <= LONGEST)
        self.season = usable_season(self.seasons, split)
        self.form = ""
        self._model = None
        self._fitted: np.ndarray | None = None
        self._values: np.ndarray | None = None

    def describe(self) -> str:
        form = f"{self.form}, " if self.form else ""
        season = f"season of {self.season}" if self.season else "no season"
        return f"exponential smoothing of the form AICc chooses ({form}{season}; statsforecast)"

    def fit(self, series: Series, end: int) -> None:
        from statsforecast.models import AutoETS as StatsforecastETS

        values = carried(series)
        if end < MIN_VALUES:
            raise Unfit(f"{end} training values are too few (at least {MIN_VALUES})")
        season = usable_season(self.seasons, end) or 1
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = StatsforecastETS(season_length=season).fit(values[:end])
                fitted = model.forward(y=values, h=1, fitted=True)["fitted"]
        except (ValueError, np.linalg.LinAlgError, ZeroDivisionError) as exc:
            raise Unfit(f"statsforecast could not fit it ({exc})") from None
        fitted = np.asarray(fitted, dtype="float64")
        if not np.isfinite(fitted[end:]).all():
            raise Unfit("its forecasts are not finite numbers")
        error, trend, seasonal, damped = model.model_["components"][:4]
        self.form = f"ETS({error},{trend}{'d' if damped != 'N' else ''},{seasonal})"
        self._model, self._fitted, self._values = model, fitted, values

    def forecast(self, series: Series, labels: np.ndarray) -> np.ndarray:
        return self._fitted[labels]

    def forecast_ahead(self, series: Series, origins: np.ndarray, horizon: int) -> np.ndarray:
        """From each origin, the fitted model run over the values before it, then
        ``horizon`` steps on (one run an origin)."""
        if horizon == 1:
            return self.forecast(series, origins)[:, None]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return np.stack(
                [
                    self._model.forward(y=self._values[:origin], h=horizon)["mean"]
                    for origin in np.asarray(origins)
                ]
            ).astype("float64")
