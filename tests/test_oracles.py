"""Keras Tuner hyperparameters on Optuna, and the study-backed oracles' budget."""

from __future__ import annotations

import keras_tuner as kt
import optuna
import pytest
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.trial import TrialState

from search.oracles import OptunaOracle, make_pruner
from search.oracles.distributions import distribution
from search.space import Float, Int, Space
from search.study import records as rec
from search.study.budget import budget_slots


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
    assert budget_slots(study.get_trials(deepcopy=False), below=None) == (0, 0)
    second = study.ask()
    assert budget_slots(study.get_trials(deepcopy=False), below=None) == (1, 1)
    study.tell(second, 2.0)
    assert budget_slots(study.get_trials(deepcopy=False), below=None) == (1, 0)


def test_a_trial_failed_for_silence_uses_no_slot_before_its_retry_is_queued():
    """Optuna fails a silent worker's trial, then queues its retry: between the two, the
    count of finished trials must not go up (and come down once the retry is there)."""
    study = optuna.create_study()
    silent, failed = study.ask(), study.ask()
    failed.set_user_attr(rec.ERROR, "ValueError: no model for you")
    study.tell(failed, state=TrialState.FAIL)
    study.tell(silent, state=TrialState.FAIL)  # as Optuna's heartbeat check does
    assert budget_slots(study.get_trials(deepcopy=False), below=None) == (1, 0)
    study.enqueue_trial({}, user_attrs={rec.RETRY_OF: silent.number})
    assert budget_slots(study.get_trials(deepcopy=False), below=None) == (1, 0)
    retry = study.ask()
    study.tell(retry, state=TrialState.FAIL)  # silent again: not retried a third time
    assert budget_slots(study.get_trials(deepcopy=False), below=None) == (2, 0)


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


def _open(oracle, trial_id):
    response = oracle.populate_space(trial_id)
    assert response["status"] == "RUNNING", response
    return oracle.recorder(trial_id)


def test_an_interrupted_retry_is_retried_again_and_uses_no_slot():
    """Ctrl-C early in a resumed run: the trial it stops was itself a retry. It is queued
    again, and the study still has its whole budget for other configurations."""
    oracle, study = _oracle(Space(units=Int(8, 64)), budget=2)
    first = _open(oracle, "0")
    oracle.abandon("0", "interrupted", "interrupted by signal 2")
    retry = _open(oracle, "1")
    assert retry.live.user_attrs[rec.RETRY_OF] == first.number
    oracle.abandon("1", "interrupted", "interrupted by signal 2")
    again = _open(oracle, "2")
    assert again.live.user_attrs[rec.RETRY_OF] == retry.number
    assert again.live.params == first.live.params  # the same configuration, not lost
    assert budget_slots(study.get_trials(deepcopy=False), below=None) == (1, 1)


def test_two_workers_queueing_the_same_retry_run_it_once():
    oracle, study = _oracle(Space(units=Int(8, 64)), budget=3)
    first = _open(oracle, "0")
    study.tell(first.live, state=TrialState.FAIL)
    for _ in range(2):  # two workers found the stale trial at the same moment
        study.enqueue_trial(first.live.params, user_attrs={rec.RETRY_OF: first.number})
    retry = _open(oracle, "1")
    assert retry.live.user_attrs[rec.RETRY_OF] == first.number
    assert oracle.populate_space("2")["status"] == "IDLE"  # the twin is dropped
    surplus = study.trials[-1]
    assert surplus.user_attrs.get(rec.SURPLUS) and surplus.state == TrialState.FAIL
    fresh = _open(oracle, "3")
    assert rec.RETRY_OF not in fresh.live.user_attrs


def test_a_trial_failed_by_another_worker_is_given_up_quietly(tmp_path):
    """Its heartbeat lapsed: another worker failed it. The owner's next report says so,
    and nothing it writes afterwards raises or changes the study."""
    from search.study import TrialTakenOver

    oracle, study = _oracle(Space(units=Int(8, 64)), budget=3)
    recorder = _open(oracle, "0")
    assert recorder.epoch(0, 3.0) is False
    other = optuna.load_study(study_name=study.study_name, storage=study._storage)
    other.tell(recorder.number, state=TrialState.FAIL)
    with pytest.raises(TrialTakenOver):
        recorder.epoch(1, 2.9)
    recorder.note(rec.STOPPED, "taken_over")
    recorder.tell()
    recorder.fail("late")
    frozen = study.trials[recorder.number]
    assert frozen.state == TrialState.FAIL and rec.STOPPED not in frozen.user_attrs
    assert rec.ERROR not in frozen.user_attrs


def test_a_grid_over_conditional_dimensions_holds_each_model_once():
    from search.oracles.grid import grid_points
    from search.space import Choice

    space = Space(depth=Int(1, 3), units=Choice(8, 16), tuner="optuna-grid")
    points = grid_points(space.hyperparameters())
    assert len(points) == 2 + 4 + 8  # one, two or three layers of 8 or 16 units
    assert len({tuple(sorted(p.items())) for p in points}) == len(points)
    oracle, study = _oracle(space, budget=100, sampler="optuna-grid")
    seen = set()
    for number in range(len(points)):
        values = oracle.populate_space(str(number))["values"]
        seen.add(
            tuple(sorted((k, v) for k, v in values.items() if k.startswith(("depth", "units"))))
        )
        study.tell(number, 1.0)
    assert len(seen) == len(points)
    assert oracle.populate_space("x")["status"] == "STOPPED"
