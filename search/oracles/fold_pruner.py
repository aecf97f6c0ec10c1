"""Pruning fold by fold: a wrapped Optuna pruner sees only the trial's current validation fold.

A trial reports epoch ``e`` of fold ``k`` at step ``k * steps_per_fold + e`` (see
``Trainer.step``). Optuna's median pruner compares a trial's best value over all its steps with
the others' at the current step, and warms up over the trial's first steps only: a trial good
on fold 0 is never pruned on a worse fold 1, and fold 1's first, noisy epochs are judged. Shown
one fold at a time, re-based to steps from 0, the wrapped pruner judges each fold as if it were
the whole trial: its warm-up and best-so-far restart with each fold.
"""

from __future__ import annotations

import copy
from collections.abc import Container
from typing import Any, cast

import optuna
from optuna.pruners import BasePruner
from optuna.trial import FrozenTrial, TrialState

# What a wrapped pruner stores on a trial (successive halving's rungs) is kept under this, one
# key space for each fold, so that each fold's rungs start afresh.
_NAMESPACE = "fold_pruner:"


class FoldwisePruner(BasePruner):
    """``pruner``, deciding on the current fold of ``steps_per_fold`` steps alone.

    With one fold (every step below ``steps_per_fold``) it decides as ``pruner`` does.
    """

    def __init__(self, pruner: BasePruner, *, steps_per_fold: int) -> None:
        if steps_per_fold < 1:
            raise ValueError(f"steps_per_fold must be at least 1, got {steps_per_fold}")
        self.pruner = pruner
        self.steps_per_fold = steps_per_fold

    def prune(self, study: optuna.Study, trial: FrozenTrial) -> bool:
        step = trial.last_step
        fold = 0 if step is None else step // self.steps_per_fold
        view = _FoldStudy(study, fold, self.steps_per_fold)
        return self.pruner.prune(cast(optuna.Study, view), view.show(trial))


def in_fold(trial: FrozenTrial, fold: int, steps_per_fold: int) -> FrozenTrial:
    """A copy of ``trial`` as fold ``fold`` alone: that fold's intermediate values at steps
    from 0, and the system attributes a pruner stored for that fold under their own names."""
    start = fold * steps_per_fold
    seen = copy.copy(trial)
    seen.intermediate_values = {
        step - start: value
        for step, value in trial.intermediate_values.items()
        if start <= step < start + steps_per_fold
    }
    prefix = _prefix(fold)
    attrs = {k: v for k, v in trial.system_attrs.items() if not k.startswith(_NAMESPACE)}
    attrs.update(
        {k[len(prefix) :]: v for k, v in trial.system_attrs.items() if k.startswith(prefix)}
    )
    seen.system_attrs = attrs
    return seen


def _prefix(fold: int) -> str:
    return f"{_NAMESPACE}{fold}:"


class _FoldStudy:
    """The study as the wrapped pruner sees it: every trial shown in one fold (those that never
    reached it with no intermediate values). Anything else is the study's own."""

    def __init__(self, study: optuna.Study, fold: int, steps_per_fold: int) -> None:
        self._study = study
        self._fold = fold
        self._steps_per_fold = steps_per_fold
        self._storage = _FoldStorage(study._storage, _prefix(fold))

    def show(self, trial: FrozenTrial) -> FrozenTrial:
        return in_fold(trial, self._fold, self._steps_per_fold)

    def get_trials(
        self, deepcopy: bool = True, states: Container[TrialState] | None = None
    ) -> list[FrozenTrial]:
        trials = self._study.get_trials(deepcopy=deepcopy, states=states)
        return [self.show(t) for t in trials]

    @property
    def trials(self) -> list[FrozenTrial]:
        return self.get_trials()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._study, name)


class _FoldStorage:
    """The study's storage, except that a trial's system attributes written through it belong
    to the fold. Reads are the storage's own: the pruners wrapped read trials via the study."""

    def __init__(self, storage: optuna.storages.BaseStorage, prefix: str) -> None:
        self._storage = storage
        self._prefix = prefix

    def set_trial_system_attr(self, trial_id: int, key: str, value: Any) -> None:
        self._storage.set_trial_system_attr(trial_id, self._prefix + key, value)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._storage, name)
