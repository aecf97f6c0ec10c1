"""Results from the database alone: a run directory made from a study on a machine that ran
none of its trials, so that ``report``, ``forecast`` and ``reproduce`` work there as on the
machine that ran them."""

from __future__ import annotations

from pathlib import Path

from search import study as studies
from search.environment import ARTIFACTS
from search.outdir import OutDir
from search.run.reading import run_identity, write_run_file
from search.study import read_records
from search.study.artifacts import artifact_store, fetch_files


def bring_run(
    storage_url: str, name: str, out: Path, artifacts: str | None, *, model: bool = True
) -> str | None:
    """Make ``out`` the run directory of study ``name``: its ``run.json`` and, with
    ``model``, the best trial's model from the artifact folder ``artifacts``. A line to tell
    the user when the best model could not be brought, else None."""
    study = studies.load_study(studies.open_storage(storage_url), name)
    identity = run_identity(study)
    out.mkdir(parents=True, exist_ok=True)
    write_run_file(out, identity.space_file, name, storage_url)
    # Ranked as the report ranks them; imported here, as the report's package holds Keras
    # and listing the queue must not.
    from search.report.analysis import scored

    ranked = scored(read_records(study), identity.folds)
    if not ranked or not model:
        return None
    if artifacts is None:
        return f"no artifact folder given ({ARTIFACTS.origin}): no best model"
    store = artifact_store(artifacts)
    names = (OutDir(out).best_model.name, OutDir(out).best_model_info.name)
    for record in ranked:
        if len(fetch_files(store, study, record.number, names, out)) == 2:
            if record.number != ranked[0].number:
                return (
                    f"the best trial ({ranked[0].number}) has no model in {artifacts}; "
                    f"took trial {record.number}'s"
                )
            return None
    return f"no trial's model is in {artifacts}"
