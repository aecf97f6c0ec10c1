"""A grid over a space with conditions: every distinct configuration once.

A plain Cartesian grid (Optuna's ``GridSampler``) also enumerates the values of inactive
hyperparameters (the units of a third layer in a one-layer model), so most models would be
trained several times. Here the grid is the list of distinct configurations, and each trial
takes the next one that no trial of the study has taken.
"""

from __future__ import annotations

from typing import Any

import keras_tuner as kt
import numpy as np
import optuna
from optuna.distributions import BaseDistribution
from optuna.trial import FrozenTrial

from search.errors import UsageError
from search.oracles.distributions import is_active

_GRID_ID = "search:grid_id"
_hp = kt.engine.hyperparameters


def grid_points(hyperparameters: kt.HyperParameters) -> list[dict[str, Any]]:
    """Every distinct configuration: each active hyperparameter at each of its values,
    inactive ones left out (fixed ones at their value)."""
    points: list[dict[str, Any]] = [{}]
    for hp in hyperparameters.space:
        if isinstance(hp, _hp.Float) and hp.step is None:
            raise UsageError(
                f"optuna-grid needs finite values, but {hp.name!r} is a range with no step; "
                "give it a step or use Choice"
            )
        values = [hp.value] if isinstance(hp, _hp.Fixed) else list(hp.values)
        points = [
            {**point, hp.name: value} if is_active(hp, point) else point
            for point in points
            for value in (values if is_active(hp, point) else [None])
        ]
    return points


class ConditionalGridSampler(optuna.samplers.BaseSampler):
    """Gives each new trial a configuration of ``points`` that no trial of the study has
    had (at random among those left, so that workers starting at once rarely collide)."""

    def __init__(self, points: list[dict[str, Any]], *, seed: int | None = None):
        self.points = points
        self._rng = np.random.RandomState(seed)
        self._fallback = optuna.samplers.RandomSampler(seed=seed)

    def infer_relative_search_space(self, study, trial) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(self, study, trial, search_space) -> dict[str, Any]:
        return {}

    def before_trial(self, study: optuna.Study, trial: FrozenTrial) -> None:
        if "fixed_params" in trial.system_attrs:  # a queued retry: its values are given
            return
        taken = {
            t.system_attrs[_GRID_ID]
            for t in study.get_trials(deepcopy=False)
            if _GRID_ID in t.system_attrs
        }
        left = [i for i in range(len(self.points)) if i not in taken]
        chosen = int(self._rng.choice(left)) if left else int(self._rng.randint(len(self.points)))
        study._storage.set_trial_system_attr(trial._trial_id, _GRID_ID, chosen)

    def sample_independent(
        self, study, trial: FrozenTrial, name: str, distribution: BaseDistribution
    ) -> Any:
        point = self.points[trial.system_attrs[_GRID_ID]] if _GRID_ID in trial.system_attrs else {}
        if name in point:
            return point[name]
        return self._fallback.sample_independent(study, trial, name, distribution)
