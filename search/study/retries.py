"""Running a trial's configuration again: after an interruption always, after its worker
died once. Several workers may queue the same retry at once; only one of them runs."""

from __future__ import annotations

import optuna
from optuna.trial import TrialState

from search.study.records import RETRY_OF, SURPLUS


def retry(study: optuna.Study, trial: optuna.Trial | optuna.trial.FrozenTrial) -> None:
    """Queue ``trial``'s configuration to run again: it was interrupted (a signal, a
    hand-over), which says nothing of the configuration, so a retry of a retry runs too."""
    study.enqueue_trial(trial.params, user_attrs={RETRY_OF: trial.number})


def retry_once(study: optuna.Study, trial: optuna.Trial | optuna.trial.FrozenTrial) -> None:
    """Queue the configuration of a trial whose worker stopped answering, unless it was
    itself such a retry: a configuration that kills its worker twice is not tried a third
    time. (Optuna calls this for each stale trial it fails.)"""
    if trial.user_attrs.get(RETRY_OF) is None:
        retry(study, trial)


def duplicate_retry(study: optuna.Study, live: optuna.Trial) -> bool:
    """Whether ``live`` retries a trial that an earlier-numbered trial already retries (two
    workers queued the same retry at once); if so it is marked surplus and failed, and
    whoever drew it should ask again."""
    origin = live.user_attrs.get(RETRY_OF)
    if origin is None:
        return False
    twins = [
        t
        for t in study.get_trials(deepcopy=False)
        if t.user_attrs.get(RETRY_OF) == origin
        and t.number < live.number
        and not t.user_attrs.get(SURPLUS)
    ]
    if not twins:
        return False
    live.set_user_attr(SURPLUS, True)
    study.tell(live, state=TrialState.FAIL, skip_if_finished=True)
    return True
