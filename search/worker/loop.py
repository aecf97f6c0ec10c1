"""One worker's search: trial after trial on a planned run's study, until the study's budget
or the run's time is spent.

Everything is built once, from the plan the worker is handed: the storage, the study with
its pruner, the trainer, the hypermodel and the best-model keeper (``SearchLoop``); the
oracle and the tuner when the search starts (``run``), since a Keras Tuner algorithm's
project may be taken only then.
"""

from __future__ import annotations

from search.errors import UsageError
from search.events import FanOut, TrialEvents
from search.model.best import BestModelKeeper
from search.model.hypermodel import ForecastHyperModel
from search.model.trainer import Trainer
from search.oracles import make_oracle, make_pruner
from search.plan import Plan
from search.seeds import derive
from search.states import Status
from search.stopping import Stopper
from search.study import CancelWatch, load_study, read_records
from search.study import records as rec
from search.tuner.project import fail_unfinished, project
from search.tuner.tuner import ForecastTuner
from search.vocabulary import KERAS_TUNER_ALGORITHMS
from search.worker.artifacts import ArtifactKeeper


class SearchLoop:
    """A worker's search of ``plan``: ``worker`` says which of the run's workers it is (its
    sampler draws apart from the others'), ``stopper`` when to stop, ``events`` who hears
    of each trial."""

    def __init__(
        self,
        plan: Plan,
        *,
        worker: int = 0,
        stopper: Stopper | None = None,
        events: TrialEvents | None = None,
    ):
        space = plan.space
        self.plan = plan
        self.worker = worker
        self.stopper = stopper or Stopper()
        epochs, folds = space.setting("epochs"), space.setting("folds")
        # Each fold's epochs are steps of their own (see Trainer.step).
        pruner = make_pruner(plan.pruner, epochs=epochs)
        self.study = load_study(plan.storage(heartbeats=True), plan.study_name, pruner=pruner)
        self.stopper.cancelled = CancelWatch(self.study)
        trainer = Trainer(
            plan.series,
            epochs=epochs,
            patience=space.setting("patience"),
            folds=folds,
            horizon=space.setting("horizon"),
        )
        self.hypermodel = ForecastHyperModel(
            space, trainer, self.study.user_attrs.get(rec.LEARNING_RATES)
        )
        keepers: list[TrialEvents] = [
            BestModelKeeper(plan.out, trainer, plan.identity, plan.study_name)
        ]
        if plan.options.artifacts:
            keepers.append(ArtifactKeeper(plan.options.artifacts, self.study, plan.out))
        self.events = FanOut(*keepers, events or TrialEvents())

    def run(self) -> None:
        """Search until the study's budget or the run's time is spent, or a signal came."""
        plan, space = self.plan, self.plan.space
        oracle = make_oracle(
            plan.tuner,
            study=self.study,
            hyperparameters=space.hyperparameters(),
            trials=plan.trials,
            epochs=space.setting("epochs"),
            # Workers sharing a study must not draw the same values.
            seed=derive(space.setting("seed"), self.worker),
            max_failures=space.setting("max_failures"),
            stop=self.stopper.reason,
            heartbeat=plan.options.heartbeat,
            stand_by=plan.options.stand_by,
        )
        with project(plan.out, plan.tuner) as (directory, overwrite):
            if plan.tuner in KERAS_TUNER_ALGORITHMS:
                fail_unfinished(self.study)
            tuner = ForecastTuner(
                oracle,
                self.hypermodel,
                seed=space.setting("seed"),
                stopper=self.stopper,
                events=self.events,
                directory=str(directory),
                project_name=space.name,
                overwrite=overwrite,
            )
            try:
                tuner.search(verbose=0)
            except RuntimeError as exc:
                if "consecutive failures" not in str(exc):
                    raise
                raise UsageError(
                    f"stopped after {space.setting('max_failures')} failed trials in a row; "
                    f"the last one: {self._last_error()}"
                ) from None
            finally:
                oracle.close()

    def _last_error(self) -> str:
        failed = [r for r in read_records(self.study) if r.status == Status.FAILED]
        return failed[-1].error if failed else "unknown"
