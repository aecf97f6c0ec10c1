"""Every baseline scored on exactly the points the trials are scored on.

Per validation fold, each baseline is fitted on everything before the fold's block and
forecasts the block; its ``val_mae`` is the mean over folds, as a trial's is. The fit of the
last fold forecasts the test part.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

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
from search.data import Fold, Series, actual


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
    (plain and seasonal) and exponential smoothing."""
    window = series.reference_window
    seasonal_naive = [SeasonalNaive(s) for s in series.seasons] or [SeasonalNaive(None)]
    return [
        Naive(),
        *seasonal_naive,
        MovingAverage(window),
        linear_ar(window),
        SeasonalAR(series.seasons, window, series.split),
        ETS(series.seasons, series.split),
    ]


def score_baselines(series: Series, folds: list[Fold], horizon: int = 1) -> list[BaselineScore]:
    """Each baseline's validation MAE (mean over ``folds``), per-fold MAEs and test MAE,
    over ``horizon`` steps from each origin, as the trials are scored."""
    return [_score(baseline, series, folds, horizon) for baseline in baselines_for(series)]


def _score(baseline: Baseline, series: Series, folds: list[Fold], horizon: int) -> BaselineScore:
    maes, steps = [], []

    def errors(start: int, end: int) -> np.ndarray:
        origins = series.origins(start, end, horizon)
        forecast = baseline.forecast_ahead(series, origins, horizon)
        return np.abs(forecast - actual(series, origins, horizon))

    try:
        for fold in folds:
            baseline.fit(series, fold.start)
            error = errors(fold.start, fold.end)
            maes.append(float(np.mean(error)))
            steps.append(error.mean(axis=0))
        test = None
        if series.has_test:
            test = float(np.mean(errors(series.test_start, len(series.values))))
    except Unfit as exc:
        return BaselineScore(baseline.name, baseline.describe(), error=f"cannot be fitted: {exc}")
    if not all(np.isfinite(maes)):
        return BaselineScore(
            baseline.name,
            baseline.describe(),
            error="cannot be fitted: its forecasts are not finite",
        )
    return BaselineScore(
        baseline.name,
        baseline.describe(),
        val_mae=round(float(np.mean(maes)), 6),
        test_mae=None if test is None else round(test, 6),
        fold_maes=tuple(round(m, 6) for m in maes),
        step_maes=tuple(round(float(m), 6) for m in np.mean(steps, axis=0)) if horizon > 1 else (),
    )


def best_baseline(scores: list[BaselineScore]) -> BaselineScore | None:
    """The baseline with the lowest validation MAE: the one a network has to beat."""
    fitted = [s for s in scores if s.val_mae is not None]
    return min(fitted, key=lambda s: s.val_mae) if fitted else None
