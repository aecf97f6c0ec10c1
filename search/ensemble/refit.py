"""The answer's networks trained again on everything before the test part, for as many
epochs as their folds found best, then made to forecast the test part: the statistical
members are fitted there too (see ``search.baselines.scoring``), so the two start level.

Trains models: imported only where a run ends with a test part, never by the leaderboard.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import keras
import keras_tuner as kt
import numpy as np
import optuna

from search.data import Series
from search.ensemble.answer import answer_of
from search.ensemble.saved import save_answer, save_network
from search.inputs import Assembly, InputSpec
from search.inputs.standalone import stand_alone
from search.model.hypermodel import ForecastHyperModel
from search.model.trainer import Trainer
from search.model.training import build_optimizer, forecast_with, start_linear_skip
from search.outdir import OutDir
from search.space import Space
from search.study import records as rec
from search.study.forecasts import Refit, keep_refit, read_refits


def refit_answer(
    space: Space,
    series: Series,
    study: optuna.Study,
    out: Path | None = None,
    say: Callable[[str], None] = print,
) -> list[Refit]:
    """Refit each network of the study's answer not refit yet, keep its test forecasts in
    the study and, given ``out``, the answer in ``out/answer`` (see ``search.ensemble.saved``);
    the refits made. Nothing to do without a test part."""
    answer = answer_of(study)
    if answer is None or not series.has_test:
        return []
    done = read_refits(study)
    paths = None if out is None else OutDir(out)
    todo = [
        number
        for number in answer.trials
        if number not in done or (paths is not None and not paths.answer_model(number).exists())
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
        specs = {
            number: InputSpec.of(
                study.trials[number].user_attrs[rec.CONFIG], series, _horizon(space)
            )
            for number in final.trials
        }
        about = {
            "study": study.study_name,
            "data": series.name,
            "test_start": series.test_start,
            "calendar_origin": series.calendar_origin,
        }
        save_answer(Path(out), final, specs, series.test_start, about)
    return made


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
    forecast = forecast_with(
        model, assembly.inputs(series, test), assembly, assembly.base(series, test)
    )
    seconds = round(time.perf_counter() - started, 3)
    return Refit(number, epochs, forecast, seconds), stand_alone(model, assembly)
