"""Creating, opening and deleting the study that records a run."""

from __future__ import annotations

from typing import Any

import optuna

from search.errors import StorageError
from search.study.forecasts import keep_run_forecasts
from search.study.identity import RunIdentity


def create_study(
    storage: optuna.storages.BaseStorage,
    name: str,
    identity: RunIdentity,
    opening: dict[str, Any] | None = None,
) -> optuna.Study:
    """The study ``name``, created with ``identity`` if new; checked against it if not.
    A new study queues a first trial with the ``opening`` values (see ``Space.opening``).

    Create it once, before any worker starts: concurrent creation races on a new database.
    """
    study = optuna.create_study(
        storage=storage, study_name=name, direction="minimize", load_if_exists=True
    )
    existing = RunIdentity.read(study)
    if existing is not None:
        existing.check_same_run(identity, name)
        existing.steered_by(identity).write(study)
    else:
        identity.write(study)
        yardstick = identity.yardstick
        if yardstick.actuals is not None:
            keep_run_forecasts(study, yardstick.actuals, yardstick.forecasts)
        if opening and not study.get_trials(deepcopy=False):
            study.enqueue_trial(opening)
    return study


def load_study(
    storage: optuna.storages.BaseStorage,
    name: str,
    *,
    sampler: optuna.samplers.BaseSampler | None = None,
    pruner: optuna.pruners.BasePruner | None = None,
) -> optuna.Study:
    """The existing study ``name``; a clear error if there is none."""
    try:
        return optuna.load_study(study_name=name, storage=storage, sampler=sampler, pruner=pruner)
    except KeyError:
        names = [s.study_name for s in optuna.get_all_study_summaries(storage)]
        known = f"; it holds {', '.join(map(repr, names))}" if names else "; it holds none"
        raise StorageError(f"no study named {name!r} in this storage{known}") from None


def delete_study(storage: optuna.storages.BaseStorage, name: str) -> bool:
    """Delete the study ``name`` if it exists; whether it did."""
    try:
        optuna.delete_study(study_name=name, storage=storage)
    except KeyError:
        return False
    return True
