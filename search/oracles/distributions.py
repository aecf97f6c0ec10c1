"""Keras Tuner hyperparameters as Optuna distributions, and suggestions from them."""

from __future__ import annotations

from typing import Any

import keras_tuner as kt
import optuna
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)

_hp = kt.engine.hyperparameters


def distribution(hp: Any) -> BaseDistribution | None:
    """The Optuna distribution of a Keras Tuner hyperparameter; ``None`` for ``Fixed``.

    ``Choice`` and ``Boolean`` become categorical (Keras Tuner's ``ordered`` flag is
    lost); a log range with a step (a multiplier in Keras Tuner) becomes categorical
    over its values; the others map one to one.
    """
    if isinstance(hp, _hp.Fixed):
        return None
    if isinstance(hp, _hp.Boolean):
        return CategoricalDistribution([False, True])
    if isinstance(hp, _hp.Choice):
        return CategoricalDistribution(list(hp.values))
    log = hp.sampling in ("log", "reverse_log")
    if log and hp.step is not None:
        return CategoricalDistribution(list(hp.values))
    if isinstance(hp, _hp.Int):
        return IntDistribution(hp.min_value, hp.max_value, log=log, step=1 if log else hp.step or 1)
    if isinstance(hp, _hp.Float):
        return FloatDistribution(hp.min_value, hp.max_value, log=log, step=None if log else hp.step)
    raise TypeError(f"no Optuna distribution for {type(hp).__name__} {hp.name!r}")


def suggest(trial: optuna.Trial, name: str, dist: BaseDistribution) -> Any:
    """Ask ``trial`` for a value of ``name`` from ``dist``."""
    if isinstance(dist, CategoricalDistribution):
        return trial.suggest_categorical(name, dist.choices)
    if isinstance(dist, IntDistribution):
        return trial.suggest_int(name, dist.low, dist.high, step=dist.step, log=dist.log)
    return trial.suggest_float(name, dist.low, dist.high, step=dist.step, log=dist.log)


def is_active(hp: Any, values: dict[str, Any]) -> bool:
    """Whether every condition of ``hp`` holds for the values chosen so far."""
    return all(condition.is_active(values) for condition in hp.conditions)
