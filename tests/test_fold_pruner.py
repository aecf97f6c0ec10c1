"""Pruning fold by fold: each validation fold judged on its own, with its own warm-up."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import optuna
import pytest
from optuna.pruners import BasePruner, MedianPruner, PercentilePruner, SuccessiveHalvingPruner
from optuna.trial import TrialState

from search.oracles import make_pruner
from search.oracles.fold_pruner import FoldwisePruner

optuna.logging.set_verbosity(optuna.logging.WARNING)

EPOCHS = 10  # steps per fold
STARTUP = 3
WARMUP = 3

# Curves of one fold: falling, as training goes.
FALLING = [1.0 + 1.0 / (1 + e) for e in range(EPOCHS)]


def _median() -> MedianPruner:
    return MedianPruner(n_startup_trials=STARTUP, n_warmup_steps=WARMUP)


def _foldwise(pruner: BasePruner) -> FoldwisePruner:
    return FoldwisePruner(pruner, steps_per_fold=EPOCHS)


def _run(study: optuna.Study, folds: Sequence[Sequence[float]]) -> tuple[int, int] | None:
    """Report each fold's curve at step ``fold * EPOCHS + epoch``, as the trainer does; the
    (fold, epoch) the trial was pruned at, or None if it completed."""
    trial = study.ask()
    for fold, curve in enumerate(folds):
        for epoch, value in enumerate(curve):
            trial.report(value, fold * EPOCHS + epoch)
            if trial.should_prune():
                study.tell(trial, state=TrialState.PRUNED)
                return fold, epoch
    study.tell(trial, float(np.nanmin(folds[-1])))
    return None


def _others(study: optuna.Study, levels: Sequence[float]) -> None:
    """STARTUP completed trials, fold k of each at ``levels[k]`` above FALLING, a little apart."""
    for i in range(STARTUP):
        assert _run(study, [[v + level + 0.01 * i for v in FALLING] for level in levels]) is None


def test_plain_median_never_prunes_a_trial_good_on_fold_0_and_worst_on_fold_1():
    # Fold 1 is harder (later folds of a growing series have larger errors): its values are
    # all above fold 0's, so the plain pruner's best-so-far, fold 0's, always looks good.
    levels = [0.0, 2.0]
    good_then_bad = [[v - 0.5 for v in FALLING], [v + 2.0 + 1.0 for v in FALLING]]

    plain = optuna.create_study(pruner=_median())
    _others(plain, levels)
    assert _run(plain, good_then_bad) is None  # the fault: worst on fold 1, never pruned

    foldwise = optuna.create_study(pruner=_foldwise(_median()))
    _others(foldwise, levels)
    assert _run(foldwise, good_then_bad) == (1, WARMUP)  # pruned once fold 1's warm-up ends


def test_the_warm_up_applies_to_each_fold():
    # Fold 1 is easier here: the plain pruner compares fold 0's best with fold 1's first,
    # noisy epoch of the others, and prunes there.
    levels = [0.0, -1.0]
    bad_start = [list(FALLING), [5.0] * WARMUP + [0.1] * (EPOCHS - WARMUP)]

    plain = optuna.create_study(pruner=_median())
    _others(plain, levels)
    assert _run(plain, bad_start) == (1, 0)

    foldwise = optuna.create_study(pruner=_foldwise(_median()))
    _others(foldwise, levels)
    assert _run(foldwise, bad_start) is None  # bad within fold 1's warm-up only


def test_halving_rungs_restart_with_each_fold():
    def halving() -> FoldwisePruner:
        return _foldwise(SuccessiveHalvingPruner(min_resource=2, reduction_factor=2))

    study = optuna.create_study(pruner=halving())
    assert _run(study, [FALLING, FALLING]) is None
    attrs = study.trials[0].system_attrs
    assert {"fold_pruner:0:completed_rung_0", "fold_pruner:1:completed_rung_0"} <= set(attrs)
    # Good on fold 0, worse on fold 1: pruned at fold 1's first rung, step 2 of the fold.
    assert _run(study, [[v - 0.5 for v in FALLING], [v + 1.0 for v in FALLING]]) == (1, 2)


def _random_curves(rng: np.random.Generator, n: int) -> list[list[float]]:
    walks = 2.0 + np.cumsum(rng.normal(-0.05, 0.2, size=(n, EPOCHS)), axis=1)
    walks[rng.random((n, EPOCHS)) < 0.05] = np.nan  # now and then a diverged epoch
    return walks.tolist()


@pytest.mark.parametrize(
    "make",
    [
        _median,
        lambda: PercentilePruner(25.0, n_startup_trials=2, n_warmup_steps=1, interval_steps=2),
        lambda: SuccessiveHalvingPruner(min_resource=1, reduction_factor=2),
    ],
    ids=["median", "percentile", "halving"],
)
@pytest.mark.parametrize("seed", range(5))
def test_with_one_fold_it_decides_as_the_wrapped_pruner(make: Callable[[], BasePruner], seed):
    plain = optuna.create_study(pruner=make())
    foldwise = optuna.create_study(pruner=_foldwise(make()))
    for curve in _random_curves(np.random.default_rng(seed), 12):
        assert _run(plain, [curve]) == _run(foldwise, [curve])
    states = [t.state for t in plain.trials]
    assert states == [t.state for t in foldwise.trials]
    assert TrialState.PRUNED in states and TrialState.COMPLETE in states


def test_make_pruner_prunes_median_and_halving_fold_by_fold():
    for name, inner in (("median", MedianPruner), ("halving", SuccessiveHalvingPruner)):
        pruner = make_pruner(name, epochs=EPOCHS)
        assert isinstance(pruner, FoldwisePruner)
        assert isinstance(pruner.pruner, inner)
        assert pruner.steps_per_fold == EPOCHS
    assert isinstance(make_pruner("hyperband", epochs=EPOCHS), optuna.pruners.HyperbandPruner)
    assert isinstance(make_pruner("none", epochs=EPOCHS), optuna.pruners.NopPruner)
