"""The tuner: Keras Tuner's worker, which builds, trains and scores one trial at a time.

It asks the oracle for values, reports each epoch to it (and so to the study and its
pruner), and hands the result back; the oracle keeps the record.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Callable
from functools import partial
from typing import Any

import keras
import keras_tuner as kt

from search.errors import RunInterrupted
from search.events import TrialEvents
from search.model.hypermodel import ForecastHyperModel
from search.model.trainer import Outcome
from search.oracles import HyperbandOracle, StudyOracle
from search.seeds import derive
from search.states import Status, StopReason
from search.stopping import Stopper
from search.study import TrialRecorder, TrialTakenOver
from search.study import records as rec


class ForecastTuner(kt.Tuner):
    """Runs trials of a ``ForecastHyperModel`` for a ``StudyOracle``.

    Each trial starts from a clean Keras session with a seed derived from ``seed`` and the
    trial's number, so memory does not grow from trial to trial and a trial can be
    reproduced alone.
    """

    def __init__(
        self,
        oracle: StudyOracle,
        hypermodel: ForecastHyperModel,
        *,
        seed: int,
        stopper: Stopper | None = None,
        events: TrialEvents | None = None,
        **kwargs: Any,
    ):
        super().__init__(oracle=oracle, hypermodel=hypermodel, **kwargs)
        self.seed = seed
        self.stopper = stopper or Stopper()
        self.events = events or TrialEvents()
        self._numbers: dict[str, int] = {}
        self._trained = False

    def run_trial(self, trial: kt.engine.trial.Trial, *args: Any, **kwargs: Any) -> dict:
        hp = trial.hyperparameters
        recorder = self.oracle.recorder(trial.trial_id)
        number = recorder.number
        self._numbers[trial.trial_id] = number
        seed = derive(self.seed, number)
        if self._trained:
            # What earlier trials' models left behind; a process's first trial finds nothing
            # to free, and a collection of a freshly forked heap costs it half a second.
            keras.backend.clear_session()
            gc.collect()
        self._trained = True
        keras.utils.set_random_seed(seed)

        config = self.hypermodel.configuration(hp)
        recorder.start(config, seed)
        self.events.trial_started(number, config)
        model = self.hypermodel.build(hp)
        self._warm_start(model, hp)

        trainer = self.hypermodel.trainer

        def on_epoch(fold: int, epoch: int, val_mae: float) -> str | None:
            self.events.epoch_ended(number, epoch + 1, val_mae, fold=fold + 1)
            try:
                if recorder.epoch(trainer.step(fold, epoch), val_mae):
                    return StopReason.PRUNED
            except TrialTakenOver:
                return StopReason.TAKEN_OVER
            return self.stopper.reason()

        outcome = self.hypermodel.train(
            hp,
            model,
            on_epoch=on_epoch,
            epochs=hp.values.get("tuner/epochs"),
            initial_epoch=hp.values.get("tuner/initial_epoch", 0),
        )
        if outcome.stopped == StopReason.INTERRUPTED:
            self.oracle.abandon(
                trial.trial_id,
                Status.INTERRUPTED,
                f"interrupted by signal {self.stopper.signum} after {outcome.epochs} epochs",
            )
            self.events.trial_ended(number)
            raise RunInterrupted(self.stopper.signum or 2)

        if recorder.taken_over:
            # Its heartbeat lapsed and another worker failed it and queued its retry:
            # what it reached is not recorded, and this worker goes on with the next.
            return {"val_mae": outcome.val_mae}
        is_best = recorder.beats_best(outcome, len(trainer.folds))
        # The result first: the files saved next are extras, and one that cannot be written
        # (a full disk, a shared folder's hiccup, a model that will not save) must not cost
        # the trial its score.
        recorder.result(outcome, keep_forecast=is_best)
        self._keep_files(recorder, model, config, outcome, best=is_best)
        if isinstance(self.oracle, HyperbandOracle):
            model.save_weights(self._get_checkpoint_fname(trial.trial_id))
        return {"val_mae": outcome.val_mae}

    def _keep_files(
        self,
        recorder: TrialRecorder,
        model: keras.Model,
        config: dict[str, Any],
        outcome: Outcome,
        *,
        best: bool,
    ) -> None:
        """Save the trial's files (the best model, the learning curve); one that cannot be
        saved is a warning kept beside the trial and told to the user, not a failed trial."""
        number = recorder.number
        unsaved = []
        if best:
            new_best = partial(self.events.new_best, number, model, config, outcome)
            unsaved.append(_unsaved("the best model", new_best))
        trained = partial(self.events.trial_trained, number, outcome)
        unsaved.append(_unsaved("the learning curve", trained))
        problems = [problem for problem in unsaved if problem]
        if problems:
            warning = "; ".join(problems)
            recorder.note(rec.WARNING, warning)
            print(f"warning: trial {number}: {warning}; its result is kept", file=sys.stderr)

    def _populate_initial_space(self) -> None:
        """The space declares every hyperparameter of the built-in model with its
        conditions, so there is nothing to discover: Keras Tuner's way (building a model
        for each condition) is left to spaces with their own build_model."""
        if self.hypermodel.space.build_model is not None:
            super()._populate_initial_space()

    def _warm_start(self, model: keras.Model, hp: kt.HyperParameters) -> None:
        """Hyperband continues a trial of an earlier round from its weights."""
        parent = hp.values.get("tuner/trial_id")
        if parent is not None:
            model.load_weights(self._get_checkpoint_fname(parent))

    def on_trial_end(self, trial: kt.engine.trial.Trial) -> None:
        try:
            super().on_trial_end(trial)
        finally:
            number = self._numbers.pop(trial.trial_id, None)
            if number is not None:
                self.events.trial_ended(number)

    def on_search_end(self) -> None:
        """A finished search keeps no weights but the best model's; one that stopped early
        keeps Hyperband's, which its next rounds start from when it resumes."""
        super().on_search_end()
        if self.stopper.reason() is not None:
            return
        for trial_id in self.oracle.trials:
            path = self._get_checkpoint_fname(trial_id)
            if os.path.exists(path):
                os.remove(path)


def _unsaved(what: str, save: Callable[[], None]) -> str | None:
    """Run ``save``; what went wrong, if it raised."""
    try:
        save()
    except Exception as exc:  # anything: the trial's result is already in the study
        return f"{what} was not saved ({type(exc).__name__}: {exc})"
    return None
