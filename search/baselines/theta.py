"""The theta method (Assimakopoulos and Nikolopoulos, 2000, in Hyndman and Billah's form):
simple exponential smoothing plus half the slope of a straight line, on values with the
longest usable season taken out by classical decomposition, by statsmodels.

Fitted on the training part (statsmodels' two-step estimate: least squares for the slope,
SES for the smoothing), then run forward over the rest of the series with the slope, the
smoothing and the seasonal indices fixed, so that every forecast is one step ahead from the
values before it, as the trials' are. The M3 competition's best method, and a member that
forecasts unlike a network.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.signal import lfilter

from search.baselines.ets import MIN_VALUES, carried, usable_season
from search.baselines.forecasters import Baseline, Unfit
from search.data import Series


class Theta(Baseline):
    """Theta (theta = 2): SES plus half the linear trend, deseasonalised."""

    name = "theta"

    def __init__(self, seasons: tuple[int, ...], split: int):
        self.season = usable_season(seasons, split)
        self.params: dict = {}
        self._level: np.ndarray | None = None
        self._indices: np.ndarray | None = None
        self._multiplicative = False

    def describe(self) -> str:
        if self.season:
            return f"theta method, season of {self.season} taken out (statsmodels)"
        return "theta method, no season (statsmodels)"

    def fit(self, series: Series, end: int) -> None:
        from statsmodels.tsa.forecasting.theta import ThetaModel
        from statsmodels.tsa.seasonal import seasonal_decompose

        values = carried(series)
        train = values[:end]
        if len(train) < MIN_VALUES:
            raise Unfit(f"{len(train)} training values are too few (at least {MIN_VALUES})")
        m = self.season
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # statsmodels' convergence chatter
                model = ThetaModel(train, period=m or 1, deseasonalize=bool(m), use_test=False)
                result = model.fit()
                if m:
                    # The decomposition statsmodels deseasonalised with, its phases counted
                    # from the first value.
                    method = "mul" if model.method.startswith("mul") else "add"
                    indices = seasonal_decompose(train, model=method, period=m).seasonal[:m]
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise Unfit(f"statsmodels could not fit it ({exc})") from None
        self.params = {"alpha": float(result.params["alpha"]), "b0": float(result.params["b0"])}
        if m:
            self._multiplicative = method == "mul"
            self._indices = np.asarray(indices, dtype="float64")
        alpha = self.params["alpha"]
        adjusted = self._deseasonalised(values)
        # The SES level after each value, from statsmodels' start (the first value).
        start = [(1 - alpha) * adjusted[0]]
        self._level = lfilter([alpha], [1.0, alpha - 1.0], adjusted, zi=start)[0]
        if not np.isfinite(self._level).all():
            raise Unfit("its forecasts are not finite numbers")

    def forecast(self, series: Series, labels: np.ndarray) -> np.ndarray:
        return self.forecast_ahead(series, labels, 1)[:, 0]

    def forecast_ahead(self, series: Series, origins: np.ndarray, horizon: int) -> np.ndarray:
        """From the level after the value before each origin: the SES forecast, plus half
        the slope's path over ``h`` steps (Hyndman and Billah's expression), seasoned."""
        alpha, b0 = self.params["alpha"], self.params["b0"]
        origins = np.asarray(origins)[:, None]
        steps = np.arange(1, horizon + 1)[None, :]
        seen = (1 - alpha) ** origins.astype("float64")  # T: the values before the origin
        trend = 0.5 * b0 * (steps - 1 + 1 / alpha - seen / alpha)
        forecast = self._level[origins - 1] + trend
        if self._indices is None:
            return forecast
        index = self._indices[(origins + steps - 1) % len(self._indices)]
        return forecast * index if self._multiplicative else forecast + index

    def _deseasonalised(self, values: np.ndarray) -> np.ndarray:
        if self._indices is None:
            return values
        index = self._indices[np.arange(len(values)) % len(self._indices)]
        return values / index if self._multiplicative else values - index
