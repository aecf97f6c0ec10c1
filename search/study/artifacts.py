"""Files kept beside a study's trials in Optuna's artifact store: each finished trial's
learning curve, and the model of each trial that was the best when it finished, so that a
machine that ran none of the trials can take the best model from one place.

The store is a folder every machine shares (``--artifacts``);
optuna-dashboard shows its files beside the trials when given the same folder.
"""

from __future__ import annotations

from pathlib import Path

import optuna
from optuna.artifacts import (
    FileSystemArtifactStore,
    download_artifact,
    get_all_artifact_meta,
    upload_artifact,
)

from search.errors import UsageError


def artifact_store(path: str) -> FileSystemArtifactStore:
    """The artifact store in the folder ``path``, which must exist."""
    folder = Path(path)
    if not folder.is_dir():
        raise UsageError(
            f"artifact folder {folder} does not exist; create it (on a path every machine "
            "shares) or give another --artifacts"
        )
    return FileSystemArtifactStore(folder)


def keep_file(store: FileSystemArtifactStore, study: optuna.Study, number: int, path: Path) -> str:
    """Keep the file ``path`` beside trial ``number`` (while it runs); its artifact id."""
    # Optuna's artifact functions take the storage of a FrozenTrial beside it.
    storage = study._storage
    trial_id = storage.get_trial_id_from_study_id_trial_number(study._study_id, number)
    return upload_artifact(
        artifact_store=store,
        file_path=str(path),
        study_or_trial=storage.get_trial(trial_id),
        storage=storage,
    )


def fetch_files(
    store: FileSystemArtifactStore,
    study: optuna.Study,
    number: int,
    names: tuple[str, ...],
    into: Path,
) -> list[Path]:
    """Copy the files named ``names`` kept beside trial ``number`` into the folder
    ``into``; the paths written (none for a name not kept)."""
    trial = study.trials[number]
    kept: dict[str, str] = {}
    for meta in get_all_artifact_meta(trial, storage=study._storage):
        if meta.filename in names:
            kept[meta.filename] = meta.artifact_id
    written = []
    for name, artifact_id in kept.items():
        target = into / name
        partial = target.with_name(f".{name}.part")
        partial.unlink(missing_ok=True)
        download_artifact(artifact_store=store, file_path=str(partial), artifact_id=artifact_id)
        partial.replace(target)
        written.append(target)
    return written
