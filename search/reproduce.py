"""Training one recorded trial again, from its configuration and its seed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import keras
import keras_tuner as kt
import optuna

from search.data import Series
from search.errors import UsageError
from search.model.hypermodel import ForecastHyperModel
from search.model.trainer import Outcome, Trainer
from search.space import Space, load_space, space_from_text
from search.states import StopReason
from search.study import RunIdentity, TrialRecord, read_records
from search.study import records as rec
from search.study.contents import kept_space


@dataclass
class Reproduction:
    """A trial as recorded and as trained again."""

    record: TrialRecord
    outcome: Outcome
    note: str = ""

    @property
    def difference(self) -> float:
        """Relative difference of the validation MAE, reproduced against recorded."""
        return self.outcome.val_mae / self.record.val_mae - 1


def reproduce(
    study: optuna.Study, identity: RunIdentity, number: int, series: Series
) -> Reproduction:
    """Train trial ``number`` of ``study`` again: same space, data, configuration and seed,
    for as many epochs as it ran."""
    return retrain(run_space(study, identity), series, study, number)


def run_space(study: optuna.Study, identity: RunIdentity) -> Space:
    """The space the run searched, with the command line's changes; refused if its file
    has changed since in what decides a trial."""
    path = Path(identity.space_path or identity.space_file)
    text = kept_space(study)  # a queued search keeps its space; a run reads its file again
    declared = load_space(path) if text is None else space_from_text(text, identity.space_file)
    space = declared.replace(**identity.overrides)
    if space.fingerprint() != identity.space_fingerprint:
        raise UsageError(f"{path} has changed since the run; its trials can no longer be retrained")
    return space


def retrain(space: Space, series: Series, study: optuna.Study, number: int) -> Reproduction:
    """Train trial ``number`` again as its search did, with ``space`` (the run's, with its
    overrides); the outcome holds the last fold's model."""
    record = next((r for r in read_records(study) if r.number == number), None)
    if record is None:
        raise UsageError(f"the study has no trial {number}")
    if record.val_mae is None or record.seed is None:
        raise UsageError(f"trial {number} is {record.status}: it has no result to reproduce")
    notes = []
    epochs = space.setting("epochs")
    hyperband = study.trials[number].user_attrs.get(rec.KERAS_TUNER) or {}
    stop_after = None
    if (
        record.stopped in (StopReason.PRUNED, StopReason.BUDGET, StopReason.CANCELLED)
        and record.epochs
    ):
        stop_after = record.epochs  # it stopped early: train it as far as it went
        notes.append(f"it was {record.stopped} after {record.epochs} epochs")
    if "tuner/epochs" in hyperband:
        epochs = int(hyperband["tuner/epochs"])
        if "tuner/trial_id" in hyperband:
            notes.append(
                "Hyperband trained it on from another trial's weights; here it starts afresh"
            )
    trainer = Trainer(
        series,
        epochs=epochs,
        patience=space.setting("patience"),
        folds=space.setting("folds"),
        horizon=space.setting("horizon"),
    )
    hypermodel = ForecastHyperModel(space, trainer, study.user_attrs.get(rec.LEARNING_RATES))
    hp = kt.HyperParameters()
    hp.values = dict(record.config)
    keras.backend.clear_session()
    keras.utils.set_random_seed(record.seed)
    model = hypermodel.build(hp)
    trained = 0

    def on_epoch(fold: int, epoch: int, value: float) -> str | None:
        nonlocal trained
        trained += 1
        return record.stopped if stop_after is not None and trained >= stop_after else None

    return Reproduction(record, hypermodel.train(hp, model, on_epoch=on_epoch), "; ".join(notes))
