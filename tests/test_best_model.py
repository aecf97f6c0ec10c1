"""The best model in a run's out directory agrees with the leaderboard and belongs to the
run's own study (issue 24, item 1)."""

from __future__ import annotations

import json

import keras_tuner as kt
import numpy as np

from search.cli import main
from search.model.best import read_info, save_best
from search.model.build import build_model
from search.model.fold import FoldOutcome
from search.model.trainer import Outcome, Trainer
from search.plan import RunOptions, plan_run


def _outcome(*maes: float) -> Outcome:
    folds = [
        FoldOutcome(val_mae=m, best_epoch=1, epochs=1, curve=[m], forecast=np.zeros((1, 1)))
        for m in maes
    ]
    return Outcome(folds=folds, stopped="max_epochs", train_seconds=1.0, params=10)


def _saver(space_file, tmp_path, **fields):
    """Saves a model as trial ``number`` with the given fold MAEs into a planned run's out
    directory, as a worker of ``study`` does."""
    plan = plan_run(
        space_file(**fields), RunOptions(out=str(tmp_path / "out"), quiet=True, recycle_growth=None)
    )
    plan.out.mkdir(parents=True)
    trainer = Trainer(plan.series, epochs=1, patience=None, folds=plan.space.setting("folds"))
    config = plan.space.declare(kt.HyperParameters())
    model = build_model(config, trainer.spec(config), jit_compile=False)

    def save(number: int, *maes: float, study: str = plan.study_name) -> bool:
        return save_best(
            plan.out,
            model,
            trainer=trainer,
            config=config,
            outcome=_outcome(*maes),
            number=number,
            identity=plan.identity,
            study=study,
        )

    return plan.out, save


def test_a_trial_scored_on_every_fold_replaces_a_partial_one_saved_first(space_file, tmp_path):
    out, save = _saver(space_file, tmp_path, folds=2)
    assert save(0, 0.5)  # pruned in its first fold, on a lower mean than the next
    assert save(1, 0.8, 1.0)  # the leaderboard ranks it first: every fold scored
    assert (read_info(out)["trial"], read_info(out)["fold"]) == (1, 2)
    assert not save(2, 0.3)  # partial again: after every full trial, whatever its mean
    assert not save(3, 0.9, 1.1)
    assert save(4, 0.7, 0.7)
    assert read_info(out)["trial"] == 4


def test_the_saved_model_names_its_study_and_another_study_s_best_is_replaced(space_file, tmp_path):
    out, save = _saver(space_file, tmp_path)
    assert save(0, 0.5, study="first")
    assert (read_info(out)["study"], read_info(out)["trial"]) == ("first", 0)
    assert save(0, 2.0, study="second")  # worse, but the first study's is stale here
    assert (read_info(out)["study"], read_info(out)["val_mae"]) == ("second", 2.0)
    assert not save(1, 3.0, study="second")


def _tampered(out, **changes):
    path = out / "best_model.json"
    info = json.loads(path.read_text())
    info.update(changes)
    path.write_text(json.dumps(info))


def test_a_new_study_in_an_old_out_directory_saves_its_own_best(space_file, tmp_path):
    path, out = space_file(trials=1), tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--study", "first", "--quiet"]) == 0
    assert read_info(out)["study"] == "first"
    _tampered(out, val_mae=0.0)  # a best no trial of the next study can beat
    assert main(["run", str(path), "--out", str(out), "--study", "second", "--quiet"]) == 0
    info = read_info(out)
    assert (info["study"], info["trial"]) == ("second", 0) and info["val_mae"] > 0


def test_forecast_refuses_the_best_model_of_another_study(space_file, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["run", str(space_file(trials=1)), "--out", str(out), "--quiet"]) == 0
    assert main(["forecast", str(out), "--best-trial"]) == 0
    _tampered(out, study="another")
    capsys.readouterr()
    assert main(["forecast", str(out), "--best-trial"]) == 2
    message = capsys.readouterr().err.strip()
    assert len(message.splitlines()) == 1
    assert "'another'" in message and "'tiny'" in message and "run" in message
