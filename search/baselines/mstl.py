"""MSTL: the seasons taken out by repeated STL, a trend smoothed on what is left, by statsmodels.

Fitted on the values before ``end``: statsmodels' MSTL decomposes them into every season of
the series with at least two whole cycles in them (and one value more, which MSTL needs),
and an exponential smoothing without a season (no trend, an additive trend or a damped one,
the lowest AICc) is fitted on the seasonally adjusted values. Past ``end`` each seasonal
component repeats its last cycle; the smoothing runs on over the adjusted values with its
parameters and starting states fixed, so a forecast is the one-step trend forecast from the
values before it plus the carried seasons.

Each component repeats its last cycle, as R's mstl forecasts do. (Each component's mean
cycle, taken out before ``end`` as after it, forecast better on the series measured: 4.70
against 5.62 on course-lecture's validation part, 2.53 against 2.85 on course-exercise's;
the arima member takes out that one.)

statsmodels rather than statsforecast: statsforecast's MSTL runs forward by decomposing the
whole series again, so a forecast would see the values after it; and its decomposition is
statsmodels' STL. What a fit costs (measured on a 2-core machine under load): 0.3 s for 163
monthly values with a season of 12, 1.4 to 1.9 s for 2400 daily ones with seasons of 7 and
365, 1.2 to 1.6 s for 6960 hourly ones with seasons of 24 and 168, 3 s for the 13,978
half-hourly training values of the demand example (48 and 336): about half of it the
decomposition, the rest the three smoothings.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from search.baselines.ets import MIN_VALUES, carried
from search.baselines.forecasters import NO_SEASON, Baseline, Unfit
from search.data import Series

# The trend models tried on the adjusted values: (trend, damped).
_TRENDS = ((None, False), ("add", False), ("add", True))


def fitting_seasons(seasons: tuple[int, ...], length: int) -> tuple[int, ...]:
    """The seasons with two whole cycles and a value more in ``length`` values (MSTL drops
    any period of half the values or more)."""
    return tuple(sorted(s for s in set(seasons) if s > 1 and 2 * s < length))


@dataclass(frozen=True)
class Decomposition:
    """The seasonal components of ``fitted`` values, carried on past them."""

    periods: tuple[int, ...]
    fitted: np.ndarray  # the components' sum over the fitted values
    last: tuple[np.ndarray, ...]  # each component's last cycle
    mean: tuple[np.ndarray, ...]  # each component's mean cycle, by position modulo its period

    def at(self, positions: np.ndarray) -> np.ndarray:
        """The seasons' sum at any positions: the decomposition's within the fitted values,
        each component's last cycle repeated after them."""
        positions = np.asarray(positions)
        end = len(self.fitted)
        inside = positions < end
        total = np.zeros(positions.shape)
        total[inside] = self.fitted[positions[inside]]
        after = positions[~inside] - end
        for cycle in self.last:
            total[~inside] += cycle[after % len(cycle)]
        return total

    def periodic(self, positions: np.ndarray) -> np.ndarray:
        """The seasons' sum at any positions, each component's mean cycle: the same season
        before the end of the fitted values as after it."""
        positions = np.asarray(positions)
        return sum(
            (cycle[positions % len(cycle)] for cycle in self.mean), np.zeros(positions.shape)
        )


def decompose(train: np.ndarray, periods: tuple[int, ...]) -> Decomposition:
    """statsmodels' MSTL of ``train`` into ``periods``."""
    return _decompose(np.ascontiguousarray(train, "float64").tobytes(), periods)


# The arima member takes the same seasons out of the same values when its season is long:
# one decomposition serves both (it is most of either's cost). Eight: a run's folds and
# test part, each baseline scored on all of them before the next.
@lru_cache(maxsize=8)
def _decompose(train: bytes, periods: tuple[int, ...]) -> Decomposition:
    from statsmodels.tsa.seasonal import MSTL

    values = np.frombuffer(train, "float64")
    # The trend and low-pass smoothers evaluated every tenth of the shortest season and
    # interpolated between, as R's stl does by default (a tenth of each smoother's window,
    # about a season or more): 4.5 times faster on a year of half-hourly values, the
    # seasons moved by 0.03 % of their spread.
    jump = -(-min(periods) // 10)
    stl = {"trend_jump": jump, "low_pass_jump": jump}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels' convergence chatter
        fit = MSTL(values, periods=list(periods), stl_kwargs=stl).fit()
    seasonal = np.asarray(fit.seasonal, "float64")
    seasonal = seasonal.reshape(len(values), len(periods))
    last = tuple(seasonal[-m:, i].copy() for i, m in enumerate(periods))
    phases = [np.arange(len(values)) % m for m in periods]
    mean = tuple(
        np.bincount(phase, seasonal[:, i], m) / np.bincount(phase, minlength=m)
        for i, (phase, m) in enumerate(zip(phases, periods, strict=True))
    )
    return Decomposition(periods, seasonal.sum(axis=1), last, mean)


class MSTLForecaster(Baseline):
    """MSTL's seasons carried on, plus exponential smoothing of the adjusted values."""

    name = "mstl"

    def __init__(self, seasons: tuple[int, ...], split: int):
        self.seasons = tuple(seasons)
        self.periods = fitting_seasons(self.seasons, split)
        self.trend: str = ""
        self.params: dict = {}
        self._decomposition: Decomposition | None = None
        self._fitted: np.ndarray | None = None

    def describe(self) -> str:
        if not self.periods:
            return "MSTL seasons plus exponential smoothing, no usable season (statsmodels)"
        seasons = ", ".join(map(str, self.periods))
        trend = f", {self.trend}" if self.trend else ""
        return f"MSTL seasons of {seasons} plus exponential smoothing{trend} (statsmodels)"

    def fit(self, series: Series, end: int) -> None:
        from statsmodels.tsa.holtwinters import ExponentialSmoothing

        values = carried(series)
        train = values[:end]
        if len(train) < MIN_VALUES:
            raise Unfit(f"{len(train)} training values are too few (at least {MIN_VALUES})")
        periods = fitting_seasons(self.seasons, end)
        if not periods:
            raise Unfit(_no_season(self.seasons, end))
        self.periods = periods
        try:
            decomposition = decompose(train, periods)
            adjusted = values - decomposition.at(np.arange(len(values)))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # statsmodels' convergence chatter
                fits = {
                    (trend, damped): ExponentialSmoothing(
                        adjusted[:end],
                        trend=trend,
                        damped_trend=damped,
                        initialization_method="estimated",
                    ).fit()
                    for trend, damped in _TRENDS
                }
                (trend, damped), best = min(fits.items(), key=lambda item: _aicc(item[1]))
                params = best.params
                forward = ExponentialSmoothing(
                    adjusted,
                    trend=trend,
                    damped_trend=damped,
                    initialization_method="known",
                    initial_level=params["initial_level"],
                    initial_trend=params["initial_trend"] if trend else None,
                ).fit(
                    smoothing_level=params["smoothing_level"],
                    smoothing_trend=params["smoothing_trend"] if trend else None,
                    damping_trend=params["damping_trend"] if damped else None,
                    optimized=False,
                )
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise Unfit(f"statsmodels could not fit it ({exc})") from None
        fitted = np.asarray(forward.fittedvalues, "float64")
        if not np.isfinite(fitted).all():
            raise Unfit("its forecasts are not finite numbers (the fit did not converge)")
        self.trend = "damped trend" if damped else "additive trend" if trend else "no trend"
        self.params = {k: float(v) for k, v in params.items() if np.isscalar(v)}
        self._decomposition = decomposition
        self._fitted = fitted
        self._phi = float(params["damping_trend"]) if damped else 1.0
        self._level = np.asarray(forward.level, "float64")
        self._slope = np.asarray(forward.trend, "float64") if trend else np.zeros(len(values))

    def forecast(self, series: Series, labels: np.ndarray) -> np.ndarray:
        labels = np.asarray(labels)
        return self._fitted[labels] + self._decomposition.at(labels)

    def forecast_ahead(self, series: Series, origins: np.ndarray, horizon: int) -> np.ndarray:
        """From the smoothing's states after the value before each origin: the level plus
        the (damped) slope's sum over the steps ahead, plus the carried seasons."""
        if horizon == 1:
            return self.forecast(series, origins)[:, None]
        origins = np.asarray(origins)
        before = origins[:, None] - 1
        steps = np.arange(1, horizon + 1)
        reach = np.cumsum(self._phi**steps)[None, :]  # phi + ... + phi^h
        ahead = self._level[before] + reach * self._slope[before]
        ahead += self._decomposition.at(before + steps[None, :])
        # The first step is the one-step forecast, to the last bit (none past the end).
        inside = origins < len(self._fitted)
        ahead[inside, 0] = self.forecast(series, origins[inside])
        return ahead


def _aicc(fit) -> float:
    value = float(fit.aicc)
    return value if np.isfinite(value) else np.inf


def _no_season(seasons: tuple[int, ...], length: int) -> str:
    if not seasons:
        return NO_SEASON
    known = ", ".join(map(str, seasons))
    return (
        f"no season ({known}) has two whole cycles and a value more in its {length} training values"
    )
