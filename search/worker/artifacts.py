"""A worker's part in the artifact store: each trial's learning curve, and the best model
whenever this worker's trial is the study's best so far (see ``search.study.artifacts``)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import optuna
import pandas as pd

from search.events import TrialEvents
from search.model.best import read_info
from search.outdir import LEARNING_CURVE, OutDir
from search.study.artifacts import artifact_store, keep_file

if TYPE_CHECKING:
    import keras

    from search.model.trainer import Outcome


class ArtifactKeeper(TrialEvents):
    """Keeps files beside the trials of ``study`` in the artifact folder ``path``; the best
    model is read from the out directory ``out``, where the best-model keeper (heard first)
    has just saved it."""

    def __init__(self, path: str, study: optuna.Study, out: Path):
        self.store = artifact_store(path)
        self.study = study
        self.out = out

    def new_best(
        self, number: int, model: keras.Model, config: dict[str, Any], outcome: Outcome
    ) -> None:
        info = read_info(self.out)
        if info is None or info.get("trial") != number:
            return  # this machine's out directory already held a better one
        out = OutDir(self.out)
        for path in (out.best_model, out.best_model_info):
            keep_file(self.store, self.study, number, path)

    def trial_trained(self, number: int, outcome: Outcome) -> None:
        rows = [
            {"fold": fold, "epoch": epoch, "val_mae": value}
            for fold, reached in enumerate(outcome.folds, start=1)
            for epoch, value in enumerate(reached.curve, start=1)
        ]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / LEARNING_CURVE
            pd.DataFrame(rows, columns=["fold", "epoch", "val_mae"]).to_csv(path, index=False)
            keep_file(self.store, self.study, number, path)
