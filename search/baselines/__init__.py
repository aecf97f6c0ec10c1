"""The forecasters a network has to beat, scored on exactly the trials' points."""

from search.baselines.forecasters import Baseline, Unfit
from search.baselines.scoring import BaselineScore, baselines_for, best_baseline, score_baselines

__all__ = [
    "Baseline",
    "BaselineScore",
    "Unfit",
    "baselines_for",
    "best_baseline",
    "score_baselines",
]
