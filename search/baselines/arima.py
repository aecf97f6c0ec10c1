"""An automatically chosen (seasonal) ARIMA, by statsforecast's AutoARIMA.

Fitted on the values before ``end`` (Hyndman and Khandakar's stepwise search on AICc, as
R's auto.arima, approximating the likelihood during the search as R does beyond 150
values or a season beyond 12), then run forward over the whole series with its
coefficients fixed, so that every forecast is one step ahead from the real values before
it, as the trials' are: over the training values, statsforecast's own filter; past them,
the model's difference equation, fed its one-step errors (statsforecast's forecasts from
the same values agree to 1e-4 once its filter has settled).

Its season is the longest usable one (``usable_season``), seasonal ARIMA only while the
training part's length times the season squared is at most ``SEASONAL_BUDGET``: the
search's cost grows about so (its state holds P + 1 seasons of values), 2 to 15 µs for
each unit measured, and past it a search takes tens of seconds (6960 hourly values with a
season of 24: 28 s) or never ends. A longer season is taken out first instead, with every
other season that has two whole cycles in the values, and a non-seasonal ARIMA is fitted
on what is left. What is taken out is each component's mean cycle in the MSTL
decomposition of ``search.baselines.mstl``: one periodic season, the same before ``end`` as
after it. On the decomposition's own seasons before ``end`` (which follow the noise) and
their last cycle after it, the search chose models near the edge of invertibility that
forecast worse; on the values themselves, a non-seasonal ARIMA forecast worse still.
Mean absolute errors of the one-step forecasts past ``end``:

| values | mean cycle | own seasons, then last cycle | values themselves |
|---|---|---|---|
| 2400 of 3000 daily, seasons 7 and 365 (synthetic) | 0.98 | 1.23 or 3.31 (*) | 1.66 |
| 6960 of 8700 hourly, seasons 24 and 168 (synthetic) | 0.93 | 1.18 | 1.27 |
| course-lecture's training part, season 365 | 4.80 | 5.73 | |
| course-exercise's training part, season 365 | 2.52 | 2.85 | |

(*) the search's choice turned on the values' last bits. Taking out the yearly season
only, and keeping the weekly one in a seasonal ARIMA: 1.30, and 5.7 s.

What a fit costs (measured on a 2-core machine under load): 0.3 s for 163 monthly values
with a season of 12 (seasonal ARIMA), 1.2 to 1.7 s for 2400 daily ones with seasons of 7
and 365 and 0.8 to 1.3 s for 6960 hourly ones with 24 and 168 (decomposed: most of it the
decomposition, which the mstl member's fit on the same values shares); the first fit in a
process imports statsforecast, 0.4 s more after statsmodels (statsforecast 2 compiles
nothing at run time).

statsforecast rather than statsmodels: statsmodels has no automatic order search, and its
SARIMAX fits one order more slowly than AutoARIMA searches its whole stepwise path (one
SARIMAX fit: 0.8 s on the monthly values, 9.6 s on the daily ones with a season of 7, 76 s
on the hourly ones with 24; AutoARIMA's search: 0.3 s, 1.4 s, 28 s).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy.signal import lfilter, lfiltic

from search.baselines.ets import MIN_VALUES, carried, usable_season
from search.baselines.forecasters import Baseline, Unfit
from search.baselines.mstl import Decomposition, decompose, fitting_seasons
from search.data import Series

# A seasonal ARIMA while training values times season squared stays within this: at most
# about 4 s a search on the machine measured.
SEASONAL_BUDGET = 300_000


class ARIMA(Baseline):
    """AutoARIMA: seasonal for a short season, on deseasonalised values for a long one."""

    name = "arima"

    def __init__(self, seasons: tuple[int, ...], split: int):
        self.seasons = tuple(seasons)
        self.season = usable_season(self.seasons, split)
        # Decided on the training part, so every fold's fit is the same kind of model.
        self.decomposed = bool(self.season) and split * self.season**2 > SEASONAL_BUDGET
        self.order = ""
        self.model = None  # statsforecast's fitted AutoARIMA
        self._decomposition: Decomposition | None = None

    def describe(self) -> str:
        if not self.season:
            return "automatic ARIMA, no season (statsforecast)"
        if self.decomposed:
            return (
                f"automatic ARIMA on the values less MSTL's mean seasonal cycles (a season of "
                f"{self.season} is too long for a seasonal one; statsforecast, statsmodels)"
            )
        return f"automatic seasonal ARIMA, season of {self.season} (statsforecast)"

    def fit(self, series: Series, end: int) -> None:
        from statsforecast.arima import arima_string
        from statsforecast.models import AutoARIMA

        values = carried(series)
        if end < MIN_VALUES:
            raise Unfit(f"{end} training values are too few (at least {MIN_VALUES})")
        m = 1 if self.decomposed or not self.season else self.season
        self._decomposition = None
        if self.decomposed:
            periods = fitting_seasons(self.seasons, end)
            if periods:
                self._decomposition = decompose(values[:end], periods)
        target = values - self._season(np.arange(len(values)))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # statsforecast's convergence chatter
                model = AutoARIMA(season_length=m, approximation=end > 150 or m > 12)
                model.fit(target[:end])
                run = model.forward(y=target[:end], h=1, fitted=True)
        except Exception as exc:  # statsforecast raises bare Exceptions ("no suitable model")
            raise Unfit(f"statsforecast could not fit it ({exc})") from None
        self.model = model
        self.order = arima_string(model.model_).strip()
        self._polynomials(model.model_)
        positions = np.arange(len(values))
        # What the difference equation runs on: the values less seasons and regression.
        noise = target - self._regression(positions)
        # statsforecast's one-step errors over the training values; after them, the
        # equation's own. (statsforecast's fitted values past the training ones would not
        # do: as R's, they are each value less its standardised error, which holds a trace
        # of the value itself until the filter has settled.)
        inside = target[:end] - np.asarray(run["fitted"], "float64")
        errors = _run_on(noise, inside, self._ar, self._ma)
        # The forecasts from end on, and of the value after the series' last (for the
        # answer's forecasts from its end): each from the values and errors before it.
        after = np.arange(end, len(values) + 1)
        ahead = _before(noise, after, len(self._ar), noise[0]) @ self._ar[::-1]
        ahead += _before(errors, after, len(self._ma), 0.0) @ self._ma[::-1]
        fitted = np.r_[np.asarray(run["fitted"], "float64"), ahead + self._regression(after)]
        if not np.isfinite(fitted).all():
            raise Unfit("its forecasts are not finite numbers (the fit did not converge)")
        self._fitted, self._noise, self._errors = fitted, noise, errors

    def forecast(self, series: Series, labels: np.ndarray) -> np.ndarray:
        labels = np.asarray(labels)
        return self._fitted[labels] + self._season(labels)

    def forecast_ahead(self, series: Series, origins: np.ndarray, horizon: int) -> np.ndarray:
        """The ARIMA's difference equation run on from the values and one-step errors before
        each origin: its first step the fitted one-step forecast, each later one fed the
        forecasts before it and no error."""
        if horizon == 1:
            return self.forecast(series, origins)[:, None]
        origins = np.asarray(origins)
        ar, ma = self._ar, self._ma
        # Before the series' start: its first value, and no error.
        past = _before(self._noise, origins, len(ar), self._noise[0])
        errors = _before(self._errors, origins, len(ma), 0.0)
        step = self._fitted[origins] - self._regression(origins)
        steps = [step]
        for _ in range(horizon - 1):
            past = np.c_[past, step][:, 1:]
            errors = np.c_[errors, np.zeros(len(origins))][:, 1:]
            step = past @ ar[::-1] + errors @ ma[::-1]
            steps.append(step)
        positions = origins[:, None] + np.arange(horizon)[None, :]
        ahead = np.stack(steps, axis=1) + self._regression(positions) + self._season(positions)
        ahead[:, 0] = self.forecast(series, origins)  # the same, to the last bit
        return ahead

    def _season(self, positions: np.ndarray) -> np.ndarray:
        if self._decomposition is None:
            return np.zeros(np.shape(positions))
        return self._decomposition.periodic(positions)

    def _regression(self, positions: np.ndarray) -> np.ndarray:
        # statsforecast's drift regressor is 1, 2, ... from the series' first value.
        return self._intercept + self._drift * (np.asarray(positions) + 1.0)

    def _polynomials(self, model: dict) -> None:
        """The model written as one difference equation: the value after ``ar`` times the
        values before it (nearest first) plus ``ma`` times the errors before it, each
        polynomial multiplied out of its seasonal and differencing factors."""
        coef = {name: float(value) for name, value in model["coef"].items()}
        p, q, big_p, big_q, m, d, big_d = (int(k) for k in model["arma"])

        def seasonal(prefix: str, count: int, sign: float) -> np.ndarray:
            poly = np.zeros(count * m + 1)
            poly[0] = 1.0
            for k in range(1, count + 1):
                poly[k * m] = sign * coef[f"{prefix}{k}"]
            return poly

        ar = np.r_[1.0, [-coef[f"ar{k}"] for k in range(1, p + 1)]]
        ar = np.convolve(ar, seasonal("sar", big_p, -1.0))
        for _ in range(d):
            ar = np.convolve(ar, [1.0, -1.0])
        for _ in range(big_d):
            ar = np.convolve(ar, np.r_[1.0, np.zeros(m - 1), -1.0])
        ma = np.r_[1.0, [coef[f"ma{k}"] for k in range(1, q + 1)]]
        ma = np.convolve(ma, seasonal("sma", big_q, 1.0))
        self._ar, self._ma = -ar[1:], ma[1:]
        self._intercept = coef.get("intercept", 0.0)
        self._drift = coef.get("drift", 0.0)


def _run_on(noise: np.ndarray, inside: np.ndarray, ar: np.ndarray, ma: np.ndarray) -> np.ndarray:
    """The one-step errors over ``noise``: ``inside`` over its first values, then the
    difference equation's, each from the values and errors before it."""
    end = len(inside)
    if end == len(noise):  # fitted on all of it: nothing after to run on
        return inside
    ar_poly, ma_poly = np.r_[1.0, -ar], np.r_[1.0, ma]
    # The filter's state after the values and errors before end (lfiltic takes them
    # nearest first).
    state = lfiltic(ar_poly, ma_poly, inside[::-1], noise[:end][::-1])
    return np.r_[inside, lfilter(ar_poly, ma_poly, noise[end:], zi=state)[0]]


def _before(values: np.ndarray, origins: np.ndarray, width: int, pad: float) -> np.ndarray:
    """``(n, width)``: the ``width`` values before each origin, oldest first, ``pad``
    before the series' start."""
    index = origins[:, None] - np.arange(width, 0, -1)[None, :]
    out = values[np.clip(index, 0, None)]
    out[index < 0] = pad
    return out
