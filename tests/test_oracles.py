"""Keras Tuner hyperparameters on Optuna, and the study-backed oracles' budget."""

from __future__ import annotations

import keras_tuner as kt
import optuna
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState

from search.oracles import OptunaOracle, make_pruner
from search.oracles.distributions import distribution
from search.oracles.optuna_oracle import _slots
from search.space import Float, Int, Space
from search.study import records as rec


def _one(declare):
    hp = kt.HyperParameters()
    declare(hp)
    return hp.space[0]


@pytest.mark.parametrize(
    "declare, expected",
    [
        (lambda hp: hp.Int("a", 1, 9, step=2), IntDistribution(1, 9, step=2)),
        (lambda hp: hp.Int("a", 8, 128, sampling="log"), IntDistribution(8, 128, log=True)),
        (
            lambda hp: hp.Int("a", 16, 128, step=2, sampling="log"),
            CategoricalDistribution([16, 32, 64, 128]),
        ),
        (
            lambda hp: hp.Float("a", 1e-5, 1e-2, sampling="log"),
            FloatDistribution(1e-5, 1e-2, log=True),
        ),
        (lambda hp: hp.Float("a", 0.0, 0.5, step=0.1), FloatDistribution(0.0, 0.5, step=0.1)),
        (lambda hp: hp.Choice("a", ["mse", "mae"]), CategoricalDistribution(["mse", "mae"])),
        (lambda hp: hp.Boolean("a"), CategoricalDistribution([False, True])),
        (lambda hp: hp.Fixed("a", 3), None),
    ],
)
def test_keras_tuner_hyperparameters_map_onto_optuna_distributions(declare, expected):
    assert distribution(_one(declare)) == expected


def _oracle(space, budget=3, sampler="optuna-random"):
    study = optuna.create_study(pruner=make_pruner("none", epochs=5))
    oracle = OptunaOracle(
        study=study,
        sampler=sampler,
        budget=budget,
        objective=kt.Objective("val_mae", "min"),
        hyperparameters=space.hyperparameters(),
        seed=1,
    )
    oracle._set_project_dir("/tmp", "unused")
    return oracle, study


def test_the_optuna_oracle_asks_only_for_active_hyperparameters():
    oracle, study = _oracle(Space(depth=Int(1, 3), units=Int(8, 64)), budget=30)
    for number in range(12):
        response = oracle.populate_space(str(number))
        values = response["values"]
        depth = values["depth"]
        layers = {k for k in values if k.startswith("units_")}
        assert layers == {f"units_{i}" for i in range(1, depth + 1)}
        assert set(study.trials[number].params) == {"depth", *layers}
        assert values["cell"] == "lstm"  # fixed values are passed through, not sampled


def test_the_budget_counts_the_whole_study_and_stops_when_spent():
    oracle, study = _oracle(Space(units=Int(8, 64)), budget=2)
    for number in range(2):
        oracle.populate_space(str(number))
        study.tell(study.trials[number].number, 1.0)
    assert oracle.populate_space("2")["status"] == "STOPPED"


def test_failed_trials_with_a_retry_do_not_use_a_slot():
    study = optuna.create_study()
    first = study.ask()
    study.tell(first, state=TrialState.FAIL)
    study.enqueue_trial({}, user_attrs={rec.RETRY_OF: first.number})
    assert _slots(study.get_trials(deepcopy=False), below=None) == (0, 0)
    second = study.ask()
    assert _slots(study.get_trials(deepcopy=False), below=None) == (1, 1)
    study.tell(second, 2.0)
    assert _slots(study.get_trials(deepcopy=False), below=None) == (1, 0)


def test_learning_rate_keeps_its_log_scale_in_the_study():
    oracle, study = _oracle(Space(learning_rate=Float(1e-5, 1e-2, log=True)), budget=5)
    oracle.populate_space("0")
    assert study.trials[0].distributions["learning_rate"] == FloatDistribution(1e-5, 1e-2, log=True)


def test_the_sampler_is_the_one_named():
    oracle, study = _oracle(Space(units=Int(8, 64)), sampler="tpe")
    oracle.populate_space("0")
    assert isinstance(study.sampler, optuna.samplers.TPESampler)


def test_derived_seeds_of_different_runs_never_line_up():
    from search.seeds import derive

    seeds = {derive(run, k) for run in range(30) for k in range(30)}
    assert len(seeds) == 900  # seed 1's third trial is not seed 3's first
    assert derive(1, 2) == derive(1, 2) and all(0 <= s < 2**31 for s in seeds)
