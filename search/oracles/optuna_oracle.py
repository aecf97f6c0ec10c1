"""An Optuna sampler and pruner deciding for Keras Tuner, one study shared by all workers."""

from __future__ import annotations

import socket
import time
import zlib
from typing import Any

import keras_tuner as kt
import optuna
from optuna.trial import TrialState

from search.errors import UsageError
from search.oracles.base import StudyOracle, TrialStatus, ask
from search.oracles.distributions import distribution, is_active, suggest
from search.oracles.fold_pruner import FoldwisePruner
from search.oracles.grid import ConditionalGridSampler, grid_points
from search.seeds import derive
from search.study import records as rec
from search.study.budget import budget_slots
from search.study.heartbeat import fail_stale
from search.study.retries import duplicate_retry, retry
from search.study.storage import quiet_experimental
from search.vocabulary import OPTUNA_SAMPLERS, PRUNERS

# How long a worker with nothing to start waits before it looks at the study again.
IDLE_SECONDS = 2.0

# Pruning waits for this many finished trials, and this many epochs of a trial, before
# it compares: early epochs of recurrent models say little.
PRUNE_STARTUP_TRIALS = 4
PRUNE_WARMUP_EPOCHS = 5


class OptunaOracle(StudyOracle):
    """Asks the study for each trial's values: Optuna's sampler decides, its pruner stops.

    ``budget`` counts trials of the whole study, whichever worker runs them: completed,
    pruned and failed ones, and those running now. A trial whose worker died or was
    interrupted does not count once its retry is queued. Once it is spent, a worker that
    ``stand_by`` waits while others' trials run (their retries would be run here); one that
    does not stops, to take other work (a service worker, with a queue of searches).
    """

    def __init__(self, *, sampler: str, budget: int, stand_by: bool = True, **kwargs: Any):
        kwargs.setdefault("max_trials", None)
        super().__init__(**kwargs)
        self.sampler = sampler
        self.budget = budget
        self.stand_by = stand_by
        self._sampler_set = False

    def populate_space(self, trial_id: str) -> dict[str, Any]:
        if self._stop_reason():
            return {"status": TrialStatus.STOPPED}
        if not self._sampler_set:
            # Made here, not earlier: only now does the space hold every hyperparameter a
            # custom build_model declares (Keras Tuner discovers them when the tuner starts).
            self.study.sampler = make_sampler(
                self.sampler, seed=self._sampler_seed(), hyperparameters=self.hyperparameters
            )
            if self.sampler == "optuna-grid":  # a grid ends when every point is tried
                self.budget = min(self.budget, len(grid_points(self.hyperparameters)))
            self._sampler_set = True
        fail_stale(self.study)
        trials = self.study.get_trials(deepcopy=False)
        waiting = any(t.state == TrialState.WAITING for t in trials)
        if not waiting:
            used, running = budget_slots(trials, below=None)
            if used >= self.budget:
                if running and self.stand_by:
                    # A running trial may still fail and need its retry run here.
                    time.sleep(IDLE_SECONDS)
                    return {"status": TrialStatus.IDLE}
                return {"status": TrialStatus.STOPPED}
        live = ask(self.study)
        if duplicate_retry(self.study, live):
            return {"status": TrialStatus.IDLE}
        if live.user_attrs.get(rec.RETRY_OF) is None:
            used, _ = budget_slots(self.study.get_trials(deepcopy=False), below=live.number)
            if used >= self.budget:
                # Another worker took the last slot at the same moment.
                live.set_user_attr(rec.SURPLUS, True)
                self.study.tell(live, state=TrialState.FAIL)
                return {"status": TrialStatus.IDLE}
        values = self._suggest(live)
        self._open(trial_id, live)
        return {"status": TrialStatus.RUNNING, "values": values}

    def _sampler_seed(self) -> int:
        """The run's seed, moved on by what the study already holds.

        A fresh single-worker run is reproducible; a process that takes over (a resumed
        run, a recycled worker) or joins from another machine does not draw the values
        already drawn by the one before it.
        """
        trials = self.study.get_trials(deepcopy=False)
        here = socket.gethostname()
        if any(str(t.user_attrs.get(rec.WORKER, here)).split(":")[0] != here for t in trials):
            return derive(self.seed, len(trials), zlib.crc32(here.encode()))
        return derive(self.seed, len(trials))

    def _suggest(self, live: optuna.Trial) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for hp in self.hyperparameters.space:
            if hp.name in values or not is_active(hp, values):
                continue
            dist = distribution(hp)
            values[hp.name] = hp.value if dist is None else suggest(live, hp.name, dist)
        return values

    def abandon(self, trial_id: str, status: str, error: str) -> None:
        """Queue the trial's configuration to run again, then fail the trial.

        In that order: a worker that looks at the study between the two steps sees the
        retry waiting and stays to run it, rather than a spent budget with nothing running.
        """
        recorder = self._recorders.get(trial_id)
        if recorder is not None and not recorder.taken_over:
            retry(self.study, recorder.live)
        super().abandon(trial_id, status, error)


def make_sampler(
    name: str, *, seed: int, hyperparameters: kt.HyperParameters
) -> optuna.samplers.BaseSampler:
    """The Optuna sampler called ``name``."""
    if name == "tpe":
        with quiet_experimental():
            return optuna.samplers.TPESampler(
                seed=seed, multivariate=True, group=True, constant_liar=True, n_startup_trials=8
            )
    if name == "optuna-random":
        return optuna.samplers.RandomSampler(seed=seed)
    if name == "qmc":
        return optuna.samplers.QMCSampler(seed=seed, scramble=True)
    if name == "cmaes":
        return optuna.samplers.CmaEsSampler(seed=seed, warn_independent_sampling=False)
    if name == "optuna-grid":
        return ConditionalGridSampler(grid_points(hyperparameters), seed=seed)
    raise UsageError(
        f"unknown Optuna sampler {name!r}; expected one of {', '.join(OPTUNA_SAMPLERS)}"
    )


def make_pruner(name: str, *, epochs: int) -> optuna.pruners.BasePruner:
    """The Optuna pruner called ``name`` (``none`` never prunes); ``epochs`` is the most
    epochs of one fold, the steps each fold has (see ``Trainer.step``).

    Median and halving judge each fold on its own: its warm-up, best value and rungs restart
    with the fold, so a trial good on one fold and bad on the next is still pruned.
    """
    if name == "median":
        median = optuna.pruners.MedianPruner(
            n_startup_trials=PRUNE_STARTUP_TRIALS, n_warmup_steps=PRUNE_WARMUP_EPOCHS
        )
        return FoldwisePruner(median, steps_per_fold=epochs)
    if name == "halving":
        halving = optuna.pruners.SuccessiveHalvingPruner(min_resource=PRUNE_WARMUP_EPOCHS)
        return FoldwisePruner(halving, steps_per_fold=epochs)
    if name == "hyperband":
        # Not fold by fold: its brackets read trials from the storage, past any view of the study.
        return optuna.pruners.HyperbandPruner(
            min_resource=min(PRUNE_WARMUP_EPOCHS, epochs), max_resource=epochs
        )
    if name == "none":
        return optuna.pruners.NopPruner()
    raise UsageError(f"unknown pruner {name!r}; expected one of {', '.join(PRUNERS)}")
