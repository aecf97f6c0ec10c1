"""Forecasts kept in the study, so that anything can be recombined after a search without
training again: each finished trial's out-of-fold validation forecasts (every fold's
origins in time order) and its test part's, the baselines' likewise, the actual values they
are scored against, and the test forecasts of networks refit before the test part."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import optuna

from search.data.forecasts import Forecasts, decode, encode
from search.study import records as rec


@dataclass(frozen=True)
class Refit:
    """A network trained again on everything before the test part, for ``epochs`` epochs:
    its test forecasts."""

    trial: int
    epochs: int
    test: np.ndarray
    seconds: float

    def get_config(self) -> dict[str, Any]:
        return {"epochs": self.epochs, "test": encode(self.test), "seconds": self.seconds}


def keep_run_forecasts(
    study: optuna.Study, actuals: Forecasts, baselines: dict[str, Forecasts]
) -> None:
    """Keep the actual values and the baselines' forecasts beside the run (once, when its
    study is created)."""
    study.set_user_attr(rec.ACTUALS, actuals.get_config())
    study.set_user_attr(rec.BASELINE_FORECASTS, {n: f.get_config() for n, f in baselines.items()})


def read_actuals(study: optuna.Study) -> Forecasts | None:
    """The values every forecast is scored against (``valid`` and ``test``), if kept."""
    kept = study.user_attrs.get(rec.ACTUALS)
    return Forecasts.from_config(kept) if kept else None


def read_baseline_forecasts(study: optuna.Study) -> dict[str, Forecasts]:
    kept = study.user_attrs.get(rec.BASELINE_FORECASTS) or {}
    return {name: Forecasts.from_config(config) for name, config in kept.items()}


def read_trial_forecasts(trial: optuna.trial.FrozenTrial) -> Forecasts | None:
    """A finished trial's forecasts, as its worker kept them; None for a trial that kept
    none (failed, or recorded before forecasts were kept)."""
    valid = decode(trial.user_attrs.get(rec.VALID_FORECASTS))
    if valid is None:
        return None
    return Forecasts(valid, decode(trial.user_attrs.get(rec.TEST_FORECASTS)))


def keep_refit(study: optuna.Study, refit: Refit) -> None:
    """Keep a refit network's test forecasts (a finished trial's own attributes can no
    longer be written, so they are kept beside the study, by trial number)."""
    refits = dict(study.user_attrs.get(rec.REFITS) or {})
    refits[str(refit.trial)] = refit.get_config()
    study.set_user_attr(rec.REFITS, refits)


def read_refits(study: optuna.Study) -> dict[int, Refit]:
    kept = study.user_attrs.get(rec.REFITS) or {}
    return {
        int(number): Refit(int(number), c["epochs"], decode(c["test"]), c.get("seconds", 0.0))
        for number, c in kept.items()
    }
