"""Oracles: the algorithms that choose each trial's values, all recording into the study."""

from search.oracles.base import StopCheck, StudyOracle, error_line, worker_name
from search.oracles.factory import OBJECTIVE, make_oracle
from search.oracles.keras_tuner_oracles import HyperbandOracle
from search.oracles.optuna_oracle import OptunaOracle, make_pruner, make_sampler

__all__ = [
    "OBJECTIVE",
    "HyperbandOracle",
    "OptunaOracle",
    "StopCheck",
    "StudyOracle",
    "error_line",
    "make_oracle",
    "make_pruner",
    "make_sampler",
    "worker_name",
]
