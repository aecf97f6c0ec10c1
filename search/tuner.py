"""The tuner: Keras Tuner's worker, which builds, trains and scores one trial at a time.

It asks the oracle for values, reports each epoch to it (and so to the study and its
pruner), and hands the result back; the oracle keeps the record.
"""

from __future__ import annotations

import gc
import os
from typing import Any

import keras
import keras_tuner as kt

from search.errors import RunInterrupted
from search.hypermodel import ForecastHyperModel
from search.oracles import StudyOracle
from search.oracles.keras_tuner_oracles import HyperbandOracle
from search.seeds import derive
from search.stopping import Stopper
from search.trainer import Outcome


class TrialEvents:
    """What a tuner tells whoever watches it; every method may be left as it is.

    ``worker`` says which of a run's workers it is (the supervisor knows; a tuner does not).
    """

    def trial_started(self, number: int, config: dict[str, Any], worker: int = 0) -> None:
        """A trial is about to train."""

    def epoch_ended(
        self, number: int, epoch: int, val_mae: float, worker: int = 0, fold: int = 1
    ) -> None:
        """A trial finished an epoch of a fold (both count from 1)."""

    def new_best(self, number: int, model: keras.Model, config: dict, outcome: Outcome) -> None:
        """A trial beat every finished trial of the study; ``model`` holds its best weights."""

    def trial_ended(self, number: int, worker: int = 0) -> None:
        """The study holds the trial's result."""


class FanOut(TrialEvents):
    """Tells several receivers the same events, in order."""

    def __init__(self, *receivers: TrialEvents):
        self.receivers = receivers

    def trial_started(self, number: int, config: dict[str, Any], worker: int = 0) -> None:
        for receiver in self.receivers:
            receiver.trial_started(number, config, worker)

    def epoch_ended(
        self, number: int, epoch: int, val_mae: float, worker: int = 0, fold: int = 1
    ) -> None:
        for receiver in self.receivers:
            receiver.epoch_ended(number, epoch, val_mae, worker, fold)

    def new_best(self, number: int, model: keras.Model, config: dict, outcome: Outcome) -> None:
        for receiver in self.receivers:
            receiver.new_best(number, model, config, outcome)

    def trial_ended(self, number: int, worker: int = 0) -> None:
        for receiver in self.receivers:
            receiver.trial_ended(number, worker)


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

    def run_trial(self, trial: kt.engine.trial.Trial, *args: Any, **kwargs: Any) -> dict:
        hp = trial.hyperparameters
        number = self.oracle.study_number(trial.trial_id)
        self._numbers[trial.trial_id] = number
        seed = derive(self.seed, number)
        keras.backend.clear_session()
        gc.collect()
        keras.utils.set_random_seed(seed)

        config = self.hypermodel.configuration(hp)
        self.oracle.start(trial.trial_id, config, seed)
        self.events.trial_started(number, config)
        model = self.hypermodel.build(hp)
        self._warm_start(model, hp)

        trainer = self.hypermodel.trainer

        def on_epoch(fold: int, epoch: int, val_mae: float) -> str | None:
            self.events.epoch_ended(number, epoch + 1, val_mae, fold=fold + 1)
            if self.oracle.report(trial.trial_id, trainer.step(fold, epoch), val_mae):
                return "pruned"
            return self.stopper.reason()

        outcome = self.hypermodel.train(
            hp,
            model,
            on_epoch=on_epoch,
            epochs=hp.values.get("tuner/epochs"),
            initial_epoch=hp.values.get("tuner/initial_epoch", 0),
        )
        if outcome.stopped == "interrupted":
            self.oracle.abandon(
                trial.trial_id,
                "interrupted",
                f"interrupted by signal {self.stopper.signum} after {outcome.epochs} epochs",
            )
            self.events.trial_ended(number)
            raise RunInterrupted(self.stopper.signum or 2)

        best = self.oracle.best_value()
        is_best = best is None or outcome.val_mae < best
        if is_best:
            self.events.new_best(number, model, config, outcome)
        self.oracle.record(trial.trial_id, outcome, keep_forecast=is_best)
        if isinstance(self.oracle, HyperbandOracle):
            model.save_weights(self._get_checkpoint_fname(trial.trial_id))
        return {"val_mae": outcome.val_mae}

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
