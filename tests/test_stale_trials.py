"""A trial whose worker went silent before its first heartbeat is failed and retried, as one
whose heartbeats lapsed (issue 24, item 1)."""

from __future__ import annotations

import time
from pathlib import Path

import keras_tuner as kt
import optuna
import pytest
from optuna.trial import TrialState

from search.oracles import OptunaOracle, make_pruner
from search.space import Int, Space
from search.study import open_storage, retry_once
from search.study import records as rec

GRACE = 1
# SQLite keeps heartbeats to the second: a trial is stale once strictly more than the grace
# period has passed, so wait two seconds past it.
PAST_GRACE = GRACE + 2.2
# A live trial beats well within the grace period, as a worker's does (a quarter of it).
BEAT = 0.2


def _oracle(folder: Path, seed: int = 1) -> tuple[OptunaOracle, optuna.Study]:
    """A worker's oracle on the study shared in ``folder``, with heartbeats as a worker
    opens it."""
    storage = open_storage(
        _url(folder), heartbeat_interval=GRACE, grace_period=GRACE, on_stale=retry_once
    )
    study = optuna.create_study(
        storage=storage,
        study_name="stale",
        direction="minimize",
        load_if_exists=True,
        pruner=make_pruner("none", epochs=5),
    )
    oracle = OptunaOracle(
        study=study,
        sampler="optuna-random",
        budget=3,
        heartbeat=BEAT,
        objective=kt.Objective("val_mae", "min"),
        hyperparameters=Space(units=Int(8, 64)).hyperparameters(),
        seed=seed,
    )
    oracle._set_project_dir(str(folder), "unused")
    return oracle, study


def _url(folder: Path) -> str:
    return f"sqlite:///{folder / 'study.db'}"


class _Died(Exception):
    """The worker dying between asking for a trial and its first heartbeat."""


def test_a_trial_abandoned_before_its_first_heartbeat_is_failed_and_retried(tmp_path, monkeypatch):
    dying, study = _oracle(tmp_path)

    def die(live):
        raise _Died

    monkeypatch.setattr(dying, "_suggest", die)  # the sampler's suggestions never return
    with pytest.raises(_Died):
        dying.populate_space("0")
    (abandoned,) = study.get_trials(deepcopy=False)
    assert abandoned.state == TrialState.RUNNING

    time.sleep(PAST_GRACE)
    other, _ = _oracle(tmp_path, seed=2)
    response = other.populate_space("0")  # its stale check runs first
    try:
        trials = study.get_trials(deepcopy=False)
        assert trials[0].state == TrialState.FAIL
        assert trials[1].user_attrs.get(rec.RETRY_OF) == abandoned.number
        assert response["status"] == "RUNNING"
        assert rec.read_records(study)[0].error.startswith(rec.STALE_ERROR)
    finally:
        other.close()


def test_a_running_trial_that_never_wrote_a_heartbeat_goes_stale_in_the_end(tmp_path):
    """A trial asked by a worker without this fix (or one killed in the instant between its
    ask and its first heartbeat) has no heartbeat at all: it is failed and retried too."""
    checker, study = _oracle(tmp_path)
    checker.budget = 1  # only the silent trial's retry may run
    silent = optuna.create_study(
        storage=_url(tmp_path), study_name="stale", load_if_exists=True
    ).ask({"units": optuna.distributions.IntDistribution(8, 64)})
    deadline = time.monotonic() + 3 * PAST_GRACE
    try:
        while time.monotonic() < deadline:
            if checker.populate_space("0")["status"] == "RUNNING":
                break
            time.sleep(0.5)
        trials = study.get_trials(deepcopy=False)
        assert trials[silent.number].state == TrialState.FAIL
        assert trials[-1].user_attrs.get(rec.RETRY_OF) == silent.number
        assert trials[-1].state == TrialState.RUNNING
    finally:
        checker.close()


def test_a_live_trial_is_not_failed_while_it_beats(tmp_path):
    owner, study = _oracle(tmp_path)
    assert owner.populate_space("0")["status"] == "RUNNING"
    other, _ = _oracle(tmp_path, seed=2)
    try:
        time.sleep(PAST_GRACE)
        other.populate_space("1")
        assert study.get_trials(deepcopy=False)[0].state == TrialState.RUNNING
    finally:
        owner.close()
        other.close()
