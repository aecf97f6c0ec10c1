"""Keras Tuner's own algorithms, each recording its trials in the study."""

from __future__ import annotations

from typing import Any

import keras_tuner as kt
from optuna.trial import TrialState

from search.oracles.base import StudyOracle, TrialStatus, ask
from search.oracles.distributions import distribution, is_active
from search.study import records as rec

_KT_TRIAL = "keras_tuner_trial"


class _Recorded(StudyOracle):
    """Lets the Keras Tuner algorithm decide, then records its choice in the study.

    These algorithms keep their state in one process (their project directory), so a
    run with one of them has a single worker; that is what makes the enqueue-then-ask
    below safe.
    """

    def populate_space(self, trial_id: str) -> dict[str, Any]:
        if self._stop_reason():
            return {"status": TrialStatus.STOPPED}
        return super().populate_space(trial_id)

    def create_trial(self, tuner_id: str) -> kt.engine.trial.Trial:
        trial = super().create_trial(tuner_id)
        if trial.status == TrialStatus.RUNNING and trial.trial_id not in self._recorders:
            self._open(trial.trial_id, self._ask(trial))
        return trial

    def _ask(self, trial: kt.engine.trial.Trial):
        values = trial.hyperparameters.values
        distributions = {}
        for hp in self.hyperparameters.space:
            dist = distribution(hp)
            if dist is not None and hp.name in values and is_active(hp, values):
                distributions[hp.name] = dist
        params = {name: values[name] for name in distributions}
        attrs = {_KT_TRIAL: trial.trial_id}
        earlier = self._earlier_attempt(trial.trial_id, params)
        if earlier is not None:
            attrs[rec.RETRY_OF] = earlier
        self.study.enqueue_trial(params, user_attrs=attrs)
        return ask(self.study, distributions)

    def _earlier_attempt(self, trial_id: str, params: dict[str, Any]) -> int | None:
        """The failed study trial this Keras Tuner retry runs again, if any."""
        for t in reversed(self.study.get_trials(deepcopy=False, states=(TrialState.FAIL,))):
            if t.user_attrs.get(_KT_TRIAL) == trial_id and t.params == params:
                return t.number
        return None


class RandomSearchOracle(_Recorded, kt.oracles.RandomSearchOracle):
    """Keras Tuner's random search."""


class BayesianOptimizationOracle(_Recorded, kt.oracles.BayesianOptimizationOracle):
    """Keras Tuner's Gaussian-process Bayesian optimisation."""


class HyperbandOracle(_Recorded, kt.oracles.HyperbandOracle):
    """Keras Tuner's Hyperband: short trials first, the best ones trained longer."""


class GridSearchOracle(_Recorded, kt.oracles.GridSearchOracle):
    """Keras Tuner's grid search over every combination of values."""
