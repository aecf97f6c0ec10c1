"""The answer made ready to hand over when a run ends, its networks as the space's ``refit``
setting says:

- ``none`` (the default): each network as the search trained it, trained again exactly as
  its trial was (same configuration, seed and folds) to be saved; its test forecasts are
  the ones its trial kept, and the retrained copy is checked against them.
- ``full``: each network trained again on everything before the test part, for as many
  epochs as its folds found best, its test forecasts kept in the study as a refit. Without a
  validation part to stop on, such a refit is one more random draw of the network: on the
  real-series benchmark it cost more than it gained (docs/answer.md), hence not the default.

The statistical members are scored from fits on everything before the test part (see
``search.baselines.scoring``); the answer handed over fits them on all the data
(``search.ensemble.saved``).

Trains models: imported only where a run ends, never by the leaderboard.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import keras
import keras_tuner as kt
import numpy as np
import optuna

from search.data import Series
from search.ensemble.answer import Ensemble, answer_of, candidates_of
from search.ensemble.intervals import cross_fitted_residuals
from search.ensemble.saved import save_answer, save_network
from search.files import replace_file
from search.forecasting import stamp_text
from search.inputs import Assembly, InputSpec
from search.inputs.standalone import stand_alone
from search.model.hypermodel import ForecastHyperModel
from search.model.trainer import Trainer
from search.model.training import build_optimizer, forecast_with, start_linear_skip
from search.outdir import OutDir
from search.reproduce import retrain
from search.space import Space
from search.study import RunIdentity
from search.study import records as rec
from search.study.forecasts import (
    Refit,
    keep_refit,
    read_actuals,
    read_refits,
    read_trial_forecasts,
)

# A retrained network whose test forecasts differ from its trial's by more than this (in
# the series' units, relative to their mean magnitude) did not come out the same.
SAME = 1e-4


def refit_answer(
    space: Space,
    series: Series,
    study: optuna.Study,
    out: Path | None = None,
    say: Callable[[str], None] = print,
) -> list[Refit]:
    """Make the answer's networks ready as ``space``'s ``refit`` setting says, and, given
    ``out``, keep the answer in ``out/answer`` (see ``search.ensemble.saved``); the refits
    made (none unless ``refit`` is ``full``)."""
    answer = answer_of(study)
    if answer is None:
        return []
    if space.setting("refit") == "none":
        if read_refits(study):  # a run resumed without the refits an earlier one made
            study.set_user_attr(rec.REFITS, {})
        if out is not None:
            _save_as_trained(space, series, study, answer, Path(out), say)
        return []
    done = read_refits(study)
    paths = None if out is None else OutDir(out)
    same = out is None or _saved_refit(Path(out)) in ("full", None)
    todo = [
        number
        for number in answer.trials
        if number not in done
        or (paths is not None and not (same and paths.answer_model(number).exists()))
    ]
    if todo:
        say(
            f"refitting the answer's {len(todo)} network{'s' if len(todo) > 1 else ''} on "
            f"everything before the test part (trial{'s' if len(todo) > 1 else ''} "
            f"{', '.join(map(str, todo))})"
        )
    made = []
    for number in todo:
        refit, model = _refit(space, series, study, number)
        keep_refit(study, refit)
        if out is not None:
            save_network(out, number, model)
        made.append(refit)
    final = answer_of(study)
    if final is None:
        return made
    study.set_user_attr(rec.ENSEMBLE, final.get_config())
    if out is not None:
        _write(space, series, study, Path(out), final)
    return made


def _save_as_trained(
    space: Space,
    series: Series,
    study: optuna.Study,
    answer: Ensemble,
    out: Path,
    say: Callable[[str], None],
) -> None:
    """Save ``answer`` with each network as its trial trained it."""
    paths = OutDir(out)
    same = _saved_refit(out) == "none"
    todo = [n for n in answer.trials if not (same and paths.answer_model(n).exists())]
    if todo:
        say(
            f"saving the answer's {len(todo)} network{'s' if len(todo) > 1 else ''} as the "
            f"search trained them (trained again: trial{'s' if len(todo) > 1 else ''} "
            f"{', '.join(map(str, todo))})"
        )
    for number in todo:
        started = time.perf_counter()
        outcome = retrain(space, series, study, number).outcome
        kept = read_trial_forecasts(study.trials[number])
        if kept is not None and kept.test is not None and outcome.test_forecasts is not None:
            gap = float(np.max(np.abs(outcome.test_forecasts - kept.test)))
            scale = float(np.mean(np.abs(kept.test))) or 1.0
            if gap > SAME * scale:
                say(
                    f"  warning: trial {number} trained again forecasts the test part up to "
                    f"{gap:.4g} away from its trial's; the saved network is the new one"
                )
        save_network(out, number, stand_alone(outcome.model, outcome.assembly))
        say(f"  trial {number} trained again in {time.perf_counter() - started:.1f} s")
    study.set_user_attr(rec.ENSEMBLE, answer.get_config())
    _write(space, series, study, out, answer)


def _saved_refit(out: Path) -> str | None:
    """How the networks saved in ``out/answer`` were made (``none`` or ``full``); None
    without a saved answer. An answer saved before the setting was made by a full refit."""
    try:
        info = json.loads(OutDir(out).answer_file.read_text())
    except (OSError, ValueError):
        return None
    return info.get("refit", "full") if isinstance(info, dict) else None


def _write(space: Space, series: Series, study: optuna.Study, out: Path, answer: Ensemble) -> None:
    specs = {
        number: InputSpec.of(study.trials[number].user_attrs[rec.CONFIG], series, _horizon(space))
        for number in answer.trials
    }
    end = len(series.values)
    about = {
        "study": study.study_name,
        "data": series.name,
        "split": series.split,
        "test_start": series.test_start if series.has_test else None,
        "seasons": list(series.seasons),
        "calendar_origin": series.calendar_origin,
        "fitted_through": stamp_text(series.time[-1]) if series.time is not None else end - 1,
        "refit": space.setting("refit"),
    }
    save_answer(out, answer, specs, end, about)
    identity, actuals = RunIdentity.read(study), read_actuals(study)
    if identity is not None and actuals is not None:
        residuals = cross_fitted_residuals(candidates_of(study, identity.folds), actuals)
        replace_file(OutDir(out).answer_residuals, lambda target: np.save(target, residuals))


def refit_epochs(trial: optuna.trial.FrozenTrial) -> int:
    """The mean of the trial's best epochs over its folds: how long its refit trains."""
    best = trial.user_attrs.get(rec.FOLD_BEST_EPOCHS) or [trial.user_attrs.get(rec.BEST_EPOCH, 1)]
    return max(1, round(float(np.mean(best))))


def refit_trial(space: Space, series: Series, study: optuna.Study, number: int) -> Refit:
    """Train trial ``number``'s configuration, with its seed, on every value before the test
    part; its forecasts of the test part, one per origin."""
    return _refit(space, series, study, number)[0]


def _horizon(space: Space) -> int:
    return int(space.setting("horizon"))


def _refit(
    space: Space, series: Series, study: optuna.Study, number: int
) -> tuple[Refit, keras.Model]:
    """The refit, and its model wrapped to read raw values."""
    trial = study.trials[number]
    config, seed = trial.user_attrs[rec.CONFIG], trial.user_attrs[rec.SEED]
    epochs = refit_epochs(trial)
    trainer = Trainer(
        series,
        epochs=epochs,
        patience=None,
        folds=space.setting("folds"),
        horizon=_horizon(space),
    )
    hypermodel = ForecastHyperModel(space, trainer, study.user_attrs.get(rec.LEARNING_RATES))
    hp = kt.HyperParameters()
    hp.values = dict(config)
    keras.backend.clear_session()
    keras.utils.set_random_seed(seed)
    started = time.perf_counter()
    model = hypermodel.build(hp)
    assembly = Assembly.fit(trainer.spec(config), series, series.test_start, config["scaling"])
    train = assembly.labels(series, 0, series.test_start)
    x, y = assembly.inputs(series, train), assembly.target(series, train)
    start_linear_skip(model, x, y)
    build_optimizer(model)
    model.fit(x, y, batch_size=int(config["batch_size"]), epochs=epochs, shuffle=True, verbose=0)
    test = assembly.labels(series, series.test_start, len(series.values))
    forecast = np.zeros((0, _horizon(space)))
    if len(test):
        forecast = forecast_with(
            model, assembly.inputs(series, test), assembly, assembly.base(series, test)
        )
    seconds = round(time.perf_counter() - started, 3)
    return Refit(number, epochs, forecast, seconds), stand_alone(model, assembly)
