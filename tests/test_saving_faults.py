"""A trial that trained to its end keeps its result when its files cannot be saved
(issue 24, item 2): a full disk, a shared folder's hiccup, a model that will not save."""

from __future__ import annotations

import optuna
from optuna.trial import TrialState

from search.model import best as best_model
from search.plan import RunOptions, plan_run
from search.run.execute import start_run
from search.study import records as rec
from search.worker import artifacts
from search.worker.loop import SearchLoop


def _refuse(*args, **kwargs):
    raise OSError(28, "No space left on device")


def test_a_trial_whose_files_cannot_be_saved_still_completes(
    space_file, tmp_path, monkeypatch, capsys
):
    store = tmp_path / "artifacts"
    store.mkdir()
    options = RunOptions(
        out=str(tmp_path / "out"), artifacts=str(store), quiet=True, recycle_growth=None
    )
    plan = plan_run(space_file(trials=1), options)
    start_run(plan)
    monkeypatch.setattr(best_model, "save_best", _refuse)  # the best model
    monkeypatch.setattr(artifacts, "keep_file", _refuse)  # the learning curve
    SearchLoop(plan, worker=0).run()

    study = optuna.load_study(study_name=plan.study_name, storage=plan.storage_url)
    (trial,) = study.get_trials(deepcopy=False)
    assert trial.state == TrialState.COMPLETE
    assert trial.value == trial.user_attrs[rec.VAL_MAE]
    warning = trial.user_attrs[rec.WARNING]
    assert "best model" in warning and "learning curve" in warning
    assert "No space left on device" in warning
    assert rec.ERROR not in trial.user_attrs
    assert "No space left on device" in capsys.readouterr().err
