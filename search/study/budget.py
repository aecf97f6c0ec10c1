"""How much of a study's trial budget is spent: the one count that workers, status lines and
the service all use, so that no trial is counted twice."""

from __future__ import annotations

from collections.abc import Sequence

import optuna
from optuna.trial import TrialState

from search.study import records as rec


def budget_slots(
    trials: Sequence[optuna.trial.FrozenTrial], *, below: int | None = None
) -> tuple[int, int]:
    """Trials that count against the budget, and how many of them are running.

    Completed, pruned and failed trials count, and running ones; a failed trial whose retry
    is queued does not (its retry takes its place), nor one about to be retried, nor one
    that found the budget spent. With ``below``, only trials numbered below it count: the
    earlier ones own the slots.
    """
    superseded = {t.user_attrs.get(rec.RETRY_OF) for t in trials} - {None}
    used = running = 0
    for t in trials:
        if below is not None and t.number >= below:
            continue
        if t.user_attrs.get(rec.SURPLUS) or t.state == TrialState.WAITING:
            continue
        if t.state == TrialState.FAIL and (t.number in superseded or _retry_coming(t)):
            continue
        used += 1
        running += t.state == TrialState.RUNNING
    return used, running


def _retry_coming(trial: optuna.trial.FrozenTrial) -> bool:
    """Whether a failed trial is one Optuna failed for its worker's silence, and not a
    retry itself: its retry is queued a moment after (``retries.retry_once``), and between
    the two it must not count, or the trials finished would go up and then down."""
    attrs = trial.user_attrs
    # Every failure of a live worker is recorded with its error; silence records none.
    return rec.ERROR not in attrs and attrs.get(rec.RETRY_OF) is None
