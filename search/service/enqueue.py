"""``submit``: check searches exactly as ``run`` does, then queue each in the database as a
study that holds everything a worker on another machine needs."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import optuna

from search import study as studies
from search.errors import UsageError
from search.plan import CheckedSearch, RunOptions, check_search, default_out
from search.service.queue import list_searches
from search.service.submission import Submission
from search.study.contents import keep_series, keep_space
from search.vocabulary import OPTUNA_SAMPLERS

# Options that belong to one machine's run, not to a queued search.
_LOCAL = ("out", "storage", "study", "artifacts", "fresh", "workers", "quiet")


def submit(
    space_paths: Sequence[str | Path],
    options: RunOptions,
    storage_url: str,
    *,
    budget: float | str | None = None,
    replace: bool = False,
) -> list[str]:
    """Queue one search per space in ``storage_url``; their names. Every space and its
    data are checked first, and nothing is written unless all are good."""
    checked = [check_search(path, options) for path in space_paths]
    names = [_name(c, options) for c in checked]
    for check in checked:
        if check.space.uses_keras_tuner_algorithm:
            raise UsageError(
                f"{check.space_file}: Keras Tuner's {check.tuner!r} keeps its state in one "
                "process, and a queued search is worked on by many; use an Optuna sampler "
                f"({', '.join(OPTUNA_SAMPLERS)})"
            )
    repeated = {n for n in names if names.count(n) > 1}
    if repeated:
        raise UsageError(
            f"two searches would be named {sorted(repeated)[0]!r}; submit them one by one "
            "with --study NAME"
        )
    existing = _existing_names(storage_url)
    taken = [n for n in names if n in existing]
    if taken and not replace:
        raise UsageError(
            f"a search named {taken[0]!r} is already in {studies.mask_url(storage_url)}; "
            "give another --study, or --replace to start it over"
        )
    _refuse_busy(storage_url, taken)
    for check in checked:
        check.identity  # noqa: B018 - its baselines are measured before anything is written
    storage = studies.open_storage(storage_url)
    for check, name in zip(checked, names, strict=True):
        if name in existing:
            studies.delete_study(storage, name)
        _queue(storage, check, name, options, budget)
    return names


def _refuse_busy(storage_url: str, names: Sequence[str]) -> None:
    """Refuse to replace a search that workers are still training: deleting its study
    under them would lose their trials and fail their workers. ``cancel`` ends it."""
    if not names:
        return
    searches = list_searches(studies.open_storage(storage_url))
    busy = [s for s in searches if s.name in names and s.alive > 0]
    if busy:
        search = busy[0]
        raise UsageError(
            f"search {search.name!r} has {search.alive} trial(s) running on "
            f"workers; cancel it (python -m search cancel {search.name}) and --replace it "
            "once status shows none running"
        )


def _name(check: CheckedSearch, options: RunOptions) -> str:
    return options.study or default_out(check.declared, options).name


def _existing_names(storage_url: str) -> set[str]:
    if studies.sqlite_not_created(storage_url):
        return set()  # the submit may yet be refused
    storage = studies.open_storage(storage_url)
    return {s.study_name for s in storage.get_all_studies()}


def _queue(
    storage: optuna.storages.RDBStorage,
    check: CheckedSearch,
    name: str,
    options: RunOptions,
    budget: float | str | None,
) -> None:
    study = studies.create_study(storage, name, check.identity, opening=check.space.opening())
    keep_space(study, check.space_text)
    keep_series(study, check.series)
    if budget is None:
        seconds = check.space.setting("budget")
    else:
        seconds = None if budget == "none" else float(budget)
    given = {k: v for k, v in asdict(options).items() if k not in _LOCAL and v is not None}
    Submission(
        space_file=check.space_file,
        budget=seconds,
        grace=options.grace,
        submitted=time.time(),
        options=given,
    ).write(study)  # last: workers see the search only once all of it is there
