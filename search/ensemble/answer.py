"""The answer of a run: a weighted ensemble of its best trials and its baselines, chosen by
greedy selection on their out-of-fold forecasts, scored on the test part.

The statistical baselines' mix is chosen on the validation points and on the windows
before them (``search.data.earlier_windows``: two more of the validation part's length,
each forecast from a fit on everything before it), since a few dozen validation points
(two years of a monthly series) pick a member by luck as often as by merit.

The networks' validation scores flatter them twice: the search picked their configurations
on those points, and the selection then picks among them on the same points. So the
networks join the statistical mix only where they earn it out of sample within the
validation part: with the weights chosen on one half of its points, the mix with networks
must forecast the other half better than the statistical mix alone (both ways round, see
``held_out_mae``).

The result is shrunk toward the best statistical baseline on validation, the forecaster a
network has to beat: it takes ``ANCHOR`` of the answer. The share was chosen before any
test part was looked at, on the real-series benchmark's validation parts forecast from the
two windows before them: the least share that kept every series within 2 % of its best
baseline there (docs/answer.md).

``val_mae``, for the answer as for every other row, is the mean of its folds' MAEs.

It is read from the study alone (the trials' and baselines' kept forecasts, the refits), so
the leaderboard, the report and ``status`` compute the same answer at any time, and a
changed test part changes only its ``test_mae``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import optuna

from search.data.forecasts import Forecasts
from search.ensemble._selection import greedy_weights, held_out_mae, statistical_mix
from search.states import SCORED
from search.study import RunIdentity, TrialRecord, read_records
from search.study.forecasts import (
    read_actuals,
    read_baseline_forecasts,
    read_refits,
    read_trial_forecasts,
)
from search.study.records import rank_key

# The best trials (by validation MAE) the selection may take, beside every baseline: few,
# since each more is one more chance for a network to look good on validation by luck.
TOP_TRIALS = 5

# The share of the answer given to the best statistical baseline on validation.
ANCHOR = 0.6


@dataclass(frozen=True)
class Candidate:
    """A forecaster the selection may take: a trial (``trial`` is its number) or a
    baseline (``trial`` is None), with its forecasts."""

    name: str
    forecasts: Forecasts
    trial: int | None = None

    @property
    def is_network(self) -> bool:
        return self.trial is not None


@dataclass(frozen=True)
class Member:
    """One forecaster of the ensemble, its weight, and what it scores alone (its test MAE
    from the forecasts the answer uses: a network's refit, where it has one)."""

    name: str
    weight: float
    trial: int | None = None
    val_mae: float | None = None
    test_mae: float | None = None

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "weight": self.weight,
            "trial": self.trial,
            "val_mae": self.val_mae,
            "test_mae": self.test_mae,
        }


@dataclass(frozen=True)
class Ensemble:
    """The chosen weights, and what the weighted forecast scores: on validation (over the
    points the weights were chosen on: an optimistic figure), per fold, and on the test
    part (``refit`` when it has networks and each one's test forecast comes from a refit).

    ``held_out`` is the validation MAE of the selection with and without the networks, each
    chosen on one half and scored on the other (None where there was no such choice)."""

    members: tuple[Member, ...]
    val_mae: float
    fold_maes: tuple[float, ...]
    test_mae: float | None
    refit: bool
    candidates: int
    held_out: tuple[float, float] | None = None

    @property
    def networks_left_out(self) -> bool:
        """The networks did not earn a place out of sample, so none was taken."""
        return self.held_out is not None and self.held_out[0] >= self.held_out[1]

    @property
    def network_share(self) -> float:
        """The weight of the networks; the rest is the statistical baselines'."""
        return float(sum(m.weight for m in self.members if m.trial is not None))

    @property
    def trials(self) -> list[int]:
        return [m.trial for m in self.members if m.trial is not None]

    def describe(self) -> str:
        """``0.55 trial 12 + 0.45 ets``: its members, heaviest first."""
        return " + ".join(f"{m.weight:.2f} {m.name}" for m in self.members)

    def get_config(self) -> dict[str, Any]:
        return {
            "members": [m.get_config() for m in self.members],
            "val_mae": self.val_mae,
            "fold_maes": list(self.fold_maes),
            "test_mae": self.test_mae,
            "refit": self.refit,
            "candidates": self.candidates,
            "held_out": None if self.held_out is None else list(self.held_out),
        }


def choose(candidates: list[Candidate], actuals: Forecasts) -> Ensemble | None:
    """The answer among ``candidates``: the statistical mix (``statistical_mix``), joined by
    networks where they earn it out of sample, shrunk toward the best baseline; None when
    none has forecasts of every validation point."""
    usable = [
        c
        for c in candidates
        if c.forecasts.valid.shape == actuals.valid.shape and np.isfinite(c.forecasts.valid).all()
    ]
    if not usable:
        return None
    actual = actuals.valid.reshape(-1)
    stacked = np.stack([c.forecasts.valid.reshape(-1) for c in usable])
    statistical = np.array([not c.is_network for c in usable])
    held_out = None
    if statistical.any():
        weights = np.zeros(len(usable))
        weights[statistical] = statistical_mix(
            [c.forecasts for c in usable if not c.is_network], actuals
        )
        if not statistical.all():
            mixed = weights @ stacked
            pool = np.vstack([mixed, stacked[~statistical]])
            held_out = (held_out_mae(pool, actual), float(np.mean(np.abs(mixed - actual))))
            if held_out[0] < held_out[1]:
                top = greedy_weights(pool, actual)
                weights = weights * top[0]
                weights[~statistical] = top[1:]
        scores = [np.mean(_fold_maes(c.forecasts.valid, actuals)) for c in usable]
        best = min(np.flatnonzero(statistical), key=lambda i: float(scores[i]))
        weights = (1 - ANCHOR) * weights + ANCHOR * (np.arange(len(usable)) == best)
    else:
        weights = greedy_weights(stacked, actual)
    chosen = [(c, float(w)) for c, w in zip(usable, weights, strict=True) if w > 0]
    chosen.sort(key=lambda pair: -pair[1])
    folds = _fold_maes(sum(w * c.forecasts.valid for c, w in chosen), actuals)
    return Ensemble(
        members=tuple(_member(c, w, actuals) for c, w in chosen),
        val_mae=round(float(np.mean(folds)), 6),
        fold_maes=tuple(round(f, 6) for f in folds) if len(folds) > 1 else (),
        test_mae=_test_mae(chosen, actuals),
        refit=any(c.is_network for c, _ in chosen)
        and all(c.forecasts.refit for c, _ in chosen if c.is_network),
        candidates=len(usable),
        held_out=None if held_out is None else (round(held_out[0], 6), round(held_out[1], 6)),
    )


def _fold_maes(valid: np.ndarray, actuals: Forecasts) -> list[float]:
    """The MAE of each validation fold's forecasts."""
    errors = np.abs(valid - actuals.valid)
    sizes = actuals.fold_sizes or (len(errors),)
    return [float(f.mean()) for f in np.split(errors, np.cumsum(sizes)[:-1])]


def _member(candidate: Candidate, weight: float, actuals: Forecasts) -> Member:
    forecasts = candidate.forecasts
    test = None
    if actuals.test is not None and forecasts.test is not None:
        test = round(float(np.mean(np.abs(forecasts.test - actuals.test))), 6)
    valid = round(float(np.mean(_fold_maes(forecasts.valid, actuals))), 6)
    return Member(candidate.name, weight, candidate.trial, valid, test)


def _test_mae(chosen: list[tuple[Candidate, float]], actuals: Forecasts) -> float | None:
    if actuals.test is None:
        return None
    tests = [c.forecasts.test for c, _ in chosen]
    if any(t is None or t.shape != actuals.test.shape for t in tests):
        return None
    forecast = sum(w * t for (_, w), t in zip(chosen, tests, strict=True))
    return round(float(np.mean(np.abs(forecast - actuals.test))), 6)


def candidates_of(study: optuna.Study, folds: int, refits: bool = True) -> list[Candidate]:
    """The study's best trials scored on every fold, then every baseline: each with its
    kept forecasts, a network's test forecasts from its refit where there is one (unless
    ``refits`` is False: then as the search trained it)."""
    kept = read_refits(study) if refits else {}
    ranked = sorted(
        (r for r in read_records(study) if _scored_on_every_fold(r, folds)),
        key=lambda r: rank_key(r, folds),
    )
    found = []
    for record in ranked[:TOP_TRIALS]:
        forecasts = read_trial_forecasts(study.trials[record.number])
        if forecasts is None:
            continue
        refit = kept.get(record.number)
        if refit is not None:
            forecasts = Forecasts(forecasts.valid, refit.test, refit=True)
        found.append(Candidate(f"trial {record.number}", forecasts, record.number))
    baselines = read_baseline_forecasts(study)
    found += [Candidate(name, forecasts) for name, forecasts in baselines.items()]
    return found


def answer_of(study: optuna.Study) -> Ensemble | None:
    """The run's answer, from what ``study`` keeps; None before any trial has forecasts
    (or for a study made before forecasts were kept)."""
    identity = RunIdentity.read(study)
    actuals = read_actuals(study)
    if identity is None or actuals is None:
        return None
    return choose(candidates_of(study, identity.folds), actuals)


def _scored_on_every_fold(record: TrialRecord, folds: int) -> bool:
    if record.status not in SCORED or record.val_mae is None:
        return False
    return folds == 1 or len(record.fold_maes) == folds
