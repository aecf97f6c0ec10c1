"""Every baseline scored on exactly the points the trials are scored on.

Per validation fold, each baseline is fitted on everything before the fold's block and
forecasts the block; its ``val_mae`` is the mean over folds, as a trial's is. The test part
is forecast by a fit on everything before it (a refit, as the ensemble's networks get). The
windows before the validation part (``search.data.earlier_windows``) are forecast the same
way, for the answer's choice of its statistical mix; they move no score.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from search.baselines.arima import ARIMA
from search.baselines.auto_ets import AutoETS
from search.baselines.ets import ETS
from search.baselines.forecasters import (
    Baseline,
    MovingAverage,
    Naive,
    SeasonalAR,
    SeasonalNaive,
    Unfit,
    linear_ar,
)
from search.baselines.mstl import MSTLForecaster
from search.baselines.theta import Theta
from search.data import Fold, Series, actual, earlier_windows
from search.data.forecasts import Forecasts


@dataclass(frozen=True)
class BaselineScore:
    """What one baseline reached, or why it could not be fitted (``error``)."""

    name: str
    description: str
    val_mae: float | None = None
    test_mae: float | None = None
    fold_maes: tuple[float, ...] = field(default=())
    error: str | None = None
    step_maes: tuple[float, ...] = field(default=())

    def get_config(self) -> dict[str, Any]:
        return {
            **asdict(self),
            "fold_maes": list(self.fold_maes),
            "step_maes": list(self.step_maes),
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> BaselineScore:
        return cls(
            **{
                **config,
                "fold_maes": tuple(config.get("fold_maes") or ()),
                "step_maes": tuple(config.get("step_maes") or ()),
            }
        )


def baselines_for(series: Series) -> list[Baseline]:
    """The forecasters to beat on ``series``: the naive ones, the linear autoregressions
    (plain and seasonal), exponential smoothing (additive, and of the form AICc chooses),
    the theta method, MSTL and ARIMA."""
    window = series.reference_window
    seasonal_naive = [SeasonalNaive(s) for s in series.seasons] or [SeasonalNaive(None)]
    return [
        Naive(),
        *seasonal_naive,
        MovingAverage(window),
        linear_ar(window),
        SeasonalAR(series.seasons, window, series.split),
        ETS(series.seasons, series.split),
        Theta(series.seasons, series.split),
        # mstl before arima: a long season's decomposition, made for mstl, serves arima.
        MSTLForecaster(series.seasons, series.split),
        ARIMA(series.seasons, series.split),
        AutoETS(series.seasons, series.split),
    ]


def score_baselines(series: Series, folds: list[Fold], horizon: int = 1) -> list[BaselineScore]:
    """Each baseline's validation MAE (mean over ``folds``), per-fold MAEs and test MAE,
    over ``horizon`` steps from each origin, as the trials are scored."""
    return [score for score, _ in measure_baselines(series, folds, horizon)]


def measure_baselines(
    series: Series, folds: list[Fold], horizon: int = 1
) -> list[tuple[BaselineScore, Forecasts | None]]:
    """Each baseline's scores and its forecasts (None for one that cannot be fitted)."""
    windows = earlier_windows(series)
    return [_score(b, series, folds, windows, horizon) for b in baselines_for(series)]


def actuals(series: Series, folds: list[Fold], horizon: int = 1) -> Forecasts:
    """The values every forecast is scored against: each fold's origins' targets in time
    order, and the test part's."""
    blocks = [actual(series, series.origins(f.start, f.end, horizon), horizon) for f in folds]
    test = None
    if series.has_test:
        origins = series.origins(series.test_start, len(series.values), horizon)
        test = actual(series, origins, horizon)
    earlier = [
        actual(series, series.origins(w.start, w.end, horizon), horizon)
        for w in earlier_windows(series)
    ]
    return Forecasts(
        np.concatenate(blocks),
        test,
        True,
        tuple(len(b) for b in blocks),
        np.concatenate(earlier) if earlier else None,
    )


def _score(
    baseline: Baseline, series: Series, folds: list[Fold], windows: list[Fold], horizon: int
) -> tuple[BaselineScore, Forecasts | None]:
    maes, steps, forecasts = [], [], []

    def forecast(start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        origins = series.origins(start, end, horizon)
        ahead = baseline.forecast_ahead(series, origins, horizon)
        return ahead, np.abs(ahead - actual(series, origins, horizon))

    try:
        for fold in folds:
            baseline.fit(series, fold.start)
            ahead, error = forecast(fold.start, fold.end)
            forecasts.append(ahead)
            maes.append(float(np.mean(error)))
            steps.append(error.mean(axis=0))
        earlier = _earlier(baseline, series, windows, horizon)
        test = tested = None
        if series.has_test:
            baseline.fit(series, series.test_start)
            tested, error = forecast(series.test_start, len(series.values))
            test = float(np.mean(error))
    except Unfit as exc:
        why = f"cannot be fitted: {exc}"
        return BaselineScore(baseline.name, baseline.describe(), error=why), None
    if not all(np.isfinite(maes)):
        why = "cannot be fitted: its forecasts are not finite"
        return BaselineScore(baseline.name, baseline.describe(), error=why), None
    score = BaselineScore(
        baseline.name,
        baseline.describe(),
        val_mae=round(float(np.mean(maes)), 6),
        test_mae=None if test is None else round(test, 6),
        fold_maes=tuple(round(m, 6) for m in maes),
        step_maes=tuple(round(float(m), 6) for m in np.mean(steps, axis=0)) if horizon > 1 else (),
    )
    return score, Forecasts(np.concatenate(forecasts), tested, refit=True, earlier=earlier)


def _earlier(
    baseline: Baseline, series: Series, windows: list[Fold], horizon: int
) -> np.ndarray | None:
    """Forecasts of ``windows``, each from a fit on everything before it; None where the
    baseline cannot be fitted so early or forecasts what is not finite."""
    blocks = []
    for window in windows:
        if window.start < baseline.reach:  # a season longer than the history before it
            return None
        try:
            baseline.fit(series, window.start)
        except Unfit:
            return None
        blocks.append(
            baseline.forecast_ahead(
                series, series.origins(window.start, window.end, horizon), horizon
            )
        )
    found = np.concatenate(blocks) if blocks else None
    return found if found is not None and np.isfinite(found).all() else None


def best_baseline(scores: list[BaselineScore]) -> BaselineScore | None:
    """The baseline with the lowest validation MAE: the one a network has to beat."""
    fitted = [s for s in scores if s.val_mae is not None]
    return min(fitted, key=lambda s: s.val_mae) if fitted else None
