"""The Optuna study that records a run: its storage, its identity and its trials."""

from __future__ import annotations

from typing import Any

import optuna

from search.errors import StorageError, UsageError
from search.names import RESULT_KEYS
from search.study.heartbeat import Heartbeat
from search.study.records import RETRY_OF, RUN, TrialRecord, read_records, run_identity
from search.study.storage import STUDY_FILE, default_storage_url, mask_url, open_storage

__all__ = [
    "STUDY_FILE",
    "Heartbeat",
    "TrialRecord",
    "check_identity",
    "create_study",
    "default_storage_url",
    "delete_study",
    "load_study",
    "mask_url",
    "open_storage",
    "read_records",
    "retry_once",
    "run_identity",
]


def create_study(
    storage: optuna.storages.BaseStorage, name: str, identity: dict[str, Any]
) -> optuna.Study:
    """The study ``name``, created with ``identity`` if new; checked against it if not.

    Create it once, before any worker starts: concurrent creation races on a new database.
    """
    study = optuna.create_study(
        storage=storage, study_name=name, direction="minimize", load_if_exists=True
    )
    existing = run_identity(study)
    if existing:
        check_identity(existing, identity, name)
        # Steering settings (trials, target, tuner) follow the newest command.
        study.set_user_attr(RUN, {**existing, **_steering(identity)})
    else:
        study.set_user_attr(RUN, identity)
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


_STEERING = ("trials", "target", "tuner", "pruner")


def _steering(identity: dict[str, Any]) -> dict[str, Any]:
    return {k: identity[k] for k in _STEERING if k in identity}


def check_identity(existing: dict[str, Any], wanted: dict[str, Any], where: str) -> None:
    """Refuse to mix two different runs in one study; say what differs and what to do."""
    differences = []
    if existing.get("data_fingerprint") != wanted.get("data_fingerprint"):
        differences.append(f"data {existing.get('data')!r} → {wanted.get('data')!r}")
    if existing.get("space_fingerprint") != wanted.get("space_fingerprint"):
        differences += _config_differences(
            existing.get("space_config", {}), wanted.get("space_config", {})
        )
        if not differences:
            differences.append("the search space")
    if existing.get("space") != wanted.get("space") and existing.get("space"):
        differences.insert(0, f"space {existing.get('space')!r} → {wanted.get('space')!r}")
    if differences:
        raise UsageError(
            f"{where} holds another run ({'; '.join(differences[:3])}); use --fresh to start "
            "it over, or --out (or --study) for a new one"
        )


def _config_differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What differs between two spaces' configurations, in what decides a trial's result."""
    found = []
    for key in RESULT_KEYS:
        a, b = old.get(key), new.get(key)
        if key == "fields":
            a, b = a or {}, b or {}
            for name in sorted(set(a) | set(b)):
                if a.get(name) != b.get(name):
                    found.append(f"{name} {_short(a.get(name))} → {_short(b.get(name))}")
        elif key in ("points", "build_model"):
            if (a or {}) != (b or {}):
                found.append(f"{key} changed")
        elif a != b:
            found.append(f"{key} {_short(a)} → {_short(b)}")
    return found


def _short(value: Any) -> str:
    if isinstance(value, dict) and "type" in value:
        args = ", ".join(f"{v}" for k, v in value.items() if k != "type")
        return f"{value['type']}({args})"
    return repr(value)


def retry_once(study: optuna.Study, trial: optuna.Trial | optuna.trial.FrozenTrial) -> None:
    """Queue ``trial``'s configuration to run again, unless it was itself a retry."""
    if trial.user_attrs.get(RETRY_OF) is None:
        study.enqueue_trial(trial.params, user_attrs={RETRY_OF: trial.number})
