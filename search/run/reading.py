"""Runs on disk: the ``run.json`` that ties an out directory to its study, and reading a
finished run back (its study, its data) for the report, forecasts and reproductions."""

from __future__ import annotations

import json
from pathlib import Path

import optuna

from search import study as studies
from search.data import Series
from search.environment import STORAGE
from search.errors import UsageError
from search.files import write_json
from search.outdir import OutDir
from search.study import RunIdentity
from search.study.contents import kept_series


def write_run_file(out: Path, space_file: str, study_name: str, storage_url: str) -> None:
    """``<out>/run.json``: which study this directory belongs to, and where it is kept
    (its URL with any password masked; nothing for the directory's own ``study.db``)."""
    own = storage_url == studies.default_storage_url(out)
    write_json(
        {
            "space": space_file,
            "study": study_name,
            "storage": None if own else studies.mask_url(storage_url),
        },
        OutDir(out).run_file,
    )


def run_directories(root: str | Path) -> list[Path]:
    """``root`` if it holds a run, else the runs in its sub-folders (a batch)."""
    root = Path(root)
    run_file = OutDir(root).run_file
    if run_file.exists():
        return [root]
    name = run_file.name
    runs = sorted(p.parent for p in root.glob(f"*/{name}"))
    if not runs:
        raise UsageError(
            f"{root}: no run here (no {name}, nor in its folders); give a run's out directory"
        )
    return runs


def load_run(out: str | Path, storage: str | None = None) -> optuna.Study:
    """The study of the run in ``out``, found through its ``run.json``."""
    out = Path(out)
    info = _run_file(out)
    url = studies.resolve_storage(storage, info.get("storage") or studies.default_storage_url(out))
    if "***" in url:
        raise UsageError(
            f"{out}: the run's storage {url} needs its password; give the URL with {STORAGE.origin}"
        )
    return studies.load_study(studies.open_storage(url), info["study"])


def run_identity(study: optuna.Study) -> RunIdentity:
    """What a run's study says about the run; a clear error for a study no run made."""
    identity = RunIdentity.read(study)
    if identity is None:
        raise UsageError(f"study {study.study_name!r} holds no run of this product")
    return identity


def run_series(study: optuna.Study) -> Series:
    """The series a run searched on: the one its study keeps (a queued search's), else
    read again from where it came from."""
    kept = kept_series(study)
    if kept is not None:
        return kept
    identity = run_identity(study)
    series = identity.source.load()
    if series.fingerprint() != identity.data_fingerprint:
        raise UsageError(
            f"{identity.source.data} has changed since the run searched it; give the data "
            "to use with --data"
        )
    return series


def storage_label(out: Path, storage: str | None) -> str:
    """Where a run's study is kept, as a report names it (a URL's password masked)."""
    try:
        info = _run_file(out)
    except UsageError:
        info = {}
    url = storage or info.get("storage")
    return studies.mask_url(url) if url else f"{OutDir(out).study_db}"


def _run_file(out: Path) -> dict:
    path = OutDir(out).run_file
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise UsageError(
            f"{out}: no run here (no {path.name}); give a run's out directory"
        ) from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot be read ({exc})") from None
