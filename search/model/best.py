"""The best trial's model, kept in the out directory with what is needed to use it.

``best_model.keras`` reads raw values and returns the next value in the series' units:
scaling, differencing and lag picking are inside it, as built-in layers, so it loads with
``keras.saving.load_model(path, safe_mode=True)``. A model of the window alone reads a
``(batch, window)`` array, oldest first; one with more inputs reads them by name (see
``search.inputs.standalone``). ``best_model.json`` says which study and trial it is, how it
was trained and what it reads.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
from datetime import datetime
from pathlib import Path
from typing import Any

import keras

from search.errors import UsageError
from search.events import TrialEvents
from search.files import replace_file, write_json
from search.inputs import InputSpec
from search.inputs.standalone import stand_alone
from search.model.trainer import Outcome, Trainer
from search.outdir import OutDir
from search.states import Status
from search.study import RunIdentity, TrialRecord
from search.study.records import rank_key


def save_best(
    out: str | Path,
    model: keras.Model,
    *,
    trainer: Trainer,
    config: dict[str, Any],
    outcome: Outcome,
    number: int,
    identity: RunIdentity,
    study: str,
) -> bool:
    """Keep ``model`` (trial ``number`` of ``study``) as the out directory's best model
    unless one that ranks above it is there, ranked as the leaderboard ranks (see
    ``rank_key``); whether it was kept. Another study's model is replaced whatever its
    score. Safe with several workers: one writes at a time, each file is replaced whole."""
    paths = OutDir(out)
    window = int(config["window"])
    assembly = trainer.assembly(config, len(outcome.folds) - 1)
    folds = len(trainer.folds)
    mine = rank_key(
        TrialRecord(number, Status.COMPLETE, outcome.val_mae, config, fold_maes=outcome.fold_maes),
        folds,
    )
    with _locked(paths):
        current = read_info(out)
        # Another study's model is stale here (a new study in an old out directory); one
        # saved before best_model.json named its study is taken as this study's.
        same_study = current is not None and current.get("study", study) == study
        if same_study and _saved_rank(current, folds) <= mine:
            return False
        replace_file(paths.best_model, lambda path: stand_alone(model, assembly).save(path))
        info = {
            "study": study,
            "trial": number,
            "val_mae": outcome.val_mae,
            "test_mae": outcome.test_mae,
            "best_epoch": outcome.best_epoch,
            "fold": len(outcome.folds),
            "window": window,
            **assembly.get_config(),
            "data": identity.data,
            "data_fingerprint": identity.data_fingerprint,
            "split": identity.split,
            "test_start": identity.test_start,
            "calendar_origin": trainer.series.calendar_origin,
            "space": identity.space,
            "configuration": config,
            "input": _reads(assembly.spec),
            "output": "the next value, in the series' own units"
            if assembly.spec.horizon == 1
            else f"the next {assembly.spec.horizon} values, in the series' own units",
            "saved": datetime.now().astimezone().isoformat(timespec="seconds"),
        }
        write_json(info, paths.best_model_info)
    return True


def _saved_rank(info: dict[str, Any], folds: int) -> tuple[bool, float]:
    """The saved model's ``rank_key``: ``fold`` is how many folds its trial was scored on."""
    reached = int(info.get("fold") or folds)
    return 0 < reached < folds, float(info["val_mae"])


def _reads(spec: InputSpec) -> str:
    if spec.plain:
        return f"a (batch, {spec.window}) array of raw values, oldest first"
    return (
        f"named inputs: history (batch, {spec.history}) raw values, oldest first"
        + (f"; features (batch, {spec.window}, {len(spec.features)})" if spec.features else "")
        + (f"; known (batch, {len(spec.known) * spec.horizon})" if spec.known else "")
        + (f"; calendar (batch, {2 * len(spec.phases)})" if spec.phases else "")
        + f" ({spec.describe()})"
    )


def read_info(out: str | Path) -> dict[str, Any] | None:
    """What ``best_model.json`` says, or None if there is no best model yet."""
    try:
        info = json.loads(OutDir(out).best_model_info.read_text())
    except (FileNotFoundError, ValueError):
        return None
    return info if isinstance(info.get("val_mae"), (int, float)) else None


def load_best(out: str | Path) -> tuple[keras.Model, dict[str, Any]]:
    """The out directory's best model, loaded safely, and its description; refused when
    it belongs to another study than the directory's run."""
    out, model = Path(out), OutDir(out).best_model
    info = read_info(out)
    if info is None or not model.exists():
        raise UsageError(
            f"{out}: no best model here ({model.name}); it is written when a run's first "
            "trial completes"
        )
    saved, run = info.get("study"), _run_study(out)
    if saved is not None and run is not None and saved != run:
        raise UsageError(
            f"{out}: {model.name} is trial {info.get('trial')} of study {saved!r}, not of "
            f"this run's study {run!r}; run the search again here to save one of its trials"
        )
    return keras.saving.load_model(model, safe_mode=True, compile=False), info


def _run_study(out: Path) -> str | None:
    """The study the out directory's ``run.json`` names; None without one."""
    try:
        study = json.loads(OutDir(out).run_file.read_text()).get("study")
    except (OSError, ValueError, AttributeError):
        return None
    return study if isinstance(study, str) else None


class BestModelKeeper(TrialEvents):
    """Saves each trial that beats the study's best so far (a worker's part of the run)."""

    def __init__(self, out: Path, trainer: Trainer, identity: RunIdentity, study: str):
        self.out = out
        self.trainer = trainer
        self.identity = identity
        self.study = study

    def new_best(self, number: int, model: keras.Model, config: dict, outcome: Outcome) -> None:
        if math.isfinite(outcome.val_mae):
            save_best(
                self.out,
                model,
                trainer=self.trainer,
                config=config,
                outcome=outcome,
                number=number,
                identity=self.identity,
                study=self.study,
            )


@contextlib.contextmanager
def _locked(out: OutDir):
    with open(out.best_model_lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
