"""Greedy ensemble selection with replacement (Caruana et al., 2004), as AutoGluon-TimeSeries
fits its final ensemble: start from nothing, add at each step the member whose addition
gives the lowest MAE of the running mean, allow repeats; a member's weight is the share of
steps that chose it."""

from __future__ import annotations

import itertools

import numpy as np

from search.data.forecasts import Forecasts

# Selection steps: AutoGluon's default; the weights move in steps of 1 %.
STEPS = 100


def greedy_weights(predictions: np.ndarray, actual: np.ndarray, steps: int = STEPS) -> np.ndarray:
    """Weights (summing to 1) of the members, rows of ``predictions`` ``(members, points)``,
    for forecasting ``actual`` ``(points,)`` by their weighted mean.

    The weights are those of the step with the lowest MAE (the first, on ties): more steps
    past it would only add noise. Step one picks the best single member, so the ensemble is
    never worse than it on these points. Ties between members go to the first.
    """
    predictions = np.asarray(predictions, dtype="float64")
    actual = np.asarray(actual, dtype="float64")
    if predictions.ndim != 2 or predictions.shape[1] != actual.shape[0]:
        raise ValueError(f"predictions {predictions.shape} do not match actual {actual.shape}")
    counts = np.zeros(len(predictions))
    total = np.zeros(actual.shape[0])
    best_loss, best_counts = np.inf, counts
    for step in range(1, steps + 1):
        losses = np.mean(np.abs((total + predictions) / step - actual), axis=1)
        chosen = int(np.argmin(losses))
        counts = counts.copy()
        counts[chosen] += 1
        total = total + predictions[chosen]
        if losses[chosen] < best_loss:
            best_loss, best_counts = losses[chosen], counts
    return best_counts / best_counts.sum()


def held_out_mae(predictions: np.ndarray, actual: np.ndarray, blocks: int = 2) -> float:
    """The MAE of greedy selection on points it did not choose its weights on: the points
    cut into ``blocks`` consecutive blocks, weights chosen on each block and scored on the
    others; the mean over every scoring.

    The weights chosen on all the points score well on them by construction; this says
    what such a choice is worth where it was not made."""
    predictions = np.asarray(predictions, dtype="float64")
    actual = np.asarray(actual, dtype="float64")
    edges = np.linspace(0, actual.shape[0], blocks + 1).astype(int)
    errors = []
    for start, end in itertools.pairwise(edges):
        weights = greedy_weights(predictions[:, start:end], actual[start:end])
        outside = np.r_[0:start, end : actual.shape[0]]
        errors.append(np.abs(weights @ predictions[:, outside] - actual[outside]))
    return float(np.mean(np.concatenate(errors)))


def statistical_mix(members: list[Forecasts], actuals: Forecasts) -> np.ndarray:
    """Weights of the statistical ``members`` chosen by greedy selection on the validation
    points and the windows before them (``actuals.earlier``), so that a few dozen validation
    points do not decide alone. A member that could not forecast every earlier window gets
    no weight; where none could (or there are no such windows), validation alone decides."""
    actual = actuals.valid.reshape(-1)
    valid = np.stack([m.valid.reshape(-1) for m in members])
    earlier = actuals.earlier
    fits = [
        earlier is not None and m.earlier is not None and m.earlier.shape == earlier.shape
        for m in members
    ]
    if not any(fits):
        return greedy_weights(valid, actual)
    rows = np.flatnonzero(fits)
    before = np.stack([members[i].earlier.reshape(-1) for i in rows])
    weights = np.zeros(len(members))
    weights[rows] = greedy_weights(
        np.hstack([before, valid[rows]]), np.concatenate([earlier.reshape(-1), actual])
    )
    return weights
