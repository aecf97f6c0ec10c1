"""The forecasters a network has to beat, scored on exactly the trials' points."""

from search.baselines.forecasters import Baseline, Unfit
from search.baselines.scoring import (
    BaselineScore,
    actuals,
    baselines_for,
    best_baseline,
    measure_baselines,
    score_baselines,
)

__all__ = [
    "Baseline",
    "BaselineScore",
    "Unfit",
    "actuals",
    "baselines_for",
    "best_baseline",
    "measure_baselines",
    "score_baselines",
]
