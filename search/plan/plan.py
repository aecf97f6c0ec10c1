"""A run planned: the space, its data, the out directory and the study, all checked before
anything is written. A plan is handed whole to every worker, which plans nothing again."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import Any

import optuna

from search import study as studies
from search.data import Series, backtest_folds
from search.errors import UsageError
from search.events import DEFAULT_RECYCLE_GROWTH
from search.outdir import OutDir
from search.plan.checks import check_inputs, check_length, check_writable
from search.settings import DATA_SETTINGS
from search.space import Space, read_space_text, space_from_text
from search.study import RunIdentity
from search.study.artifacts import artifact_store
from search.tuner.project import check_not_in_use
from search.vocabulary import KERAS_TUNER_ALGORITHMS, OPTUNA_SAMPLERS, default_pruner
from search.yardstick import Yardstick

# What belongs to a space's own data: another --data drops those of the space.
_OF_THE_DATA = tuple(name for name in DATA_SETTINGS if name != "data")


@dataclass
class RunOptions:
    """What the command line may change about a space's run: ``settings`` it gives a new
    value (names of ``search.settings.SETTINGS``), and how the run goes."""

    settings: dict[str, Any] = field(default_factory=dict)
    out: str | None = None
    storage: str | None = None
    study: str | None = None
    artifacts: str | None = None  # a folder for Optuna's artifact store
    stand_by: bool = True  # wait for others' last trials, to run their retries (see oracles)
    fresh: bool = False
    workers: int = 1
    grace: int = 60
    quiet: bool = False
    # A worker whose memory grows by this fraction hands over to a fresh process (None:
    # never; search.events).
    recycle_growth: float | None = DEFAULT_RECYCLE_GROWTH

    @property
    def data(self) -> str | None:
        """The series the command line gives in place of the space's, if any."""
        return self.settings.get("data")

    @property
    def heartbeat(self) -> int:
        """Seconds between a running trial's heartbeats: a few within the grace period."""
        return max(1, self.grace // 4)


@dataclass
class Plan:
    """A run checked and ready: nothing has been written yet.

    ``space_text`` is the space file's text as it was read; the plan's ``space`` is made
    from it and the command line's changes (``identity.overrides``), the same way wherever
    the plan is: where it was checked, in a service worker that read it from the study, in
    a worker process handed its ``state``. A ``Space`` holds the file's functions, which do
    not pickle; the state holds none.
    """

    space_text: str = field(repr=False)
    series: Series = field(repr=False)
    out: Path
    storage_url: str
    study_name: str
    options: RunOptions
    identity: RunIdentity = field(repr=False)

    @property
    def tuner(self) -> str:
        return self.space.setting("tuner")

    @property
    def trials(self) -> int:
        return self.space.setting("trials")

    @property
    def pruner(self) -> str:
        return self.identity.pruner

    @property
    def default_storage(self) -> bool:
        """Whether the study is the out directory's own ``study.db``."""
        return self.storage_url == studies.default_storage_url(self.out)

    def storage(self, *, heartbeats: bool = False) -> optuna.storages.RDBStorage:
        """The study's storage; with ``heartbeats``, as a worker opens it: running trials
        write heartbeats, and a trial silent for the grace period is failed and retried."""
        if not heartbeats:
            return studies.open_storage(self.storage_url)
        return studies.open_storage(
            self.storage_url,
            heartbeat_interval=self.options.heartbeat,
            grace_period=self.options.grace,
            on_stale=studies.retry_once,
        )

    @cached_property
    def space(self) -> Space:
        declared = space_from_text(self.space_text, self.identity.space_file)
        changes = self.identity.overrides
        return declared.replace(**changes) if changes else declared

    def state(self) -> dict[str, Any]:
        """What a worker process is handed: plain values, from which ``Plan(**state)``
        is this plan again."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class CheckedSearch:
    """A space and its data read and checked, with the identity of the search they make:
    what ``run`` plans into an out directory and ``submit`` queues in a database."""

    space_file: str
    space_text: str = field(repr=False)
    declared: Space = field(repr=False)
    space: Space = field(repr=False)
    series: Series = field(repr=False)
    options: RunOptions = field(repr=False)

    @property
    def tuner(self) -> str:
        return self.space.setting("tuner")

    @cached_property
    def identity(self) -> RunIdentity:
        """The search's identity; measuring its baselines takes seconds, so the cheap
        checks of a command come first."""
        changes = overrides(self.declared, self.options)
        return _identity(self.space, self.series, self.space_file, changes)


def check_search(space_path: str | Path, options: RunOptions) -> CheckedSearch:
    """Read the space and its data with the command line's changes, and check that every
    configuration the space may ask for is one the data can give; write nothing."""
    text = read_space_text(space_path)
    declared = space_from_text(text, space_path)
    space = with_options(declared, options, str(space_path))
    series = space.source().load()
    check_length(space, series)
    check_inputs(space, series)
    return CheckedSearch(str(space_path), text, declared, space, series, options)


def plan_run(space_path: str | Path, options: RunOptions) -> Plan:
    """Load and check the space, the data, the out directory and the study; write nothing."""
    checked = check_search(space_path, options)
    out = Path(options.out) if options.out else default_out(checked.declared, options)
    check_writable(out)
    storage_url = studies.resolve_storage(options.storage, studies.default_storage_url(out))
    if options.workers > 1 and checked.space.uses_keras_tuner_algorithm:
        raise UsageError(
            f"--workers {options.workers}: Keras Tuner's {checked.tuner!r} keeps its state in "
            f"one process; use an Optuna sampler ({', '.join(OPTUNA_SAMPLERS)}) for several "
            "workers"
        )
    if options.artifacts:
        artifact_store(options.artifacts)  # a folder that does not exist is refused now
    plan = Plan(
        checked.space_text,
        checked.series,
        out,
        storage_url,
        options.study or checked.space.name,
        options,
        checked.identity,
    )
    if not options.fresh:
        _check_existing(plan)
    check_not_in_use(plan.out, plan.tuner)
    return plan


def overrides(space: Space, options: RunOptions) -> dict[str, Any]:
    """The settings the command line changes in ``space``."""
    changes = dict(options.settings)
    if options.data is not None and options.data != space.data:
        for name in _OF_THE_DATA:
            changes.setdefault(name, None)
    return changes


def with_options(space: Space, options: RunOptions, where: str) -> Space:
    """``space`` with the settings the command line changes (a new ``--data`` drops the
    space's column, time column, parts, fill and season); ``where`` names the space file."""
    changes = overrides(space, options)
    if not changes:
        return space
    try:
        return space.replace(**changes)
    except UsageError as exc:
        raise UsageError(f"{where}: with the options given: {exc}") from None


def default_out(space: Space, options: RunOptions) -> Path:
    """``results/<space>``, or ``results/<space>-<data>`` when --data replaces the space's."""
    name = space.name
    if options.data is not None and options.data != space.data:
        name = f"{name}-{Path(options.data).stem}"
    return OutDir.default(name).path


# -- checks -------------------------------------------------------------------------------


def _check_existing(plan: Plan) -> None:
    """Refuse, before anything is written, to resume a run of something else."""
    if studies.sqlite_not_created(plan.storage_url):
        return  # no study there yet; a command refused later leaves no empty database
    storage = plan.storage()  # a storage that cannot be opened is refused here
    try:
        study = studies.load_study(storage, plan.study_name)
    except UsageError:  # no such study yet
        return
    existing = RunIdentity.read(study)
    if existing is None:
        return
    existing.check_same_run(plan.identity, str(plan.out))
    old, new = existing.tuner, plan.tuner
    started = bool(study.get_trials(deepcopy=False))
    if started and old != new and {old, new} & set(KERAS_TUNER_ALGORITHMS):
        raise UsageError(
            f"{plan.out} holds a run searched with {old!r}; Keras Tuner's algorithms cannot "
            f"continue another's search; use --tuner {old}, --fresh, or another --out"
        )


def _identity(
    space: Space, series: Series, space_file: str, changes: dict[str, Any]
) -> RunIdentity:
    return RunIdentity(
        space=space.name,
        space_file=space_file,
        space_path=str(Path(space_file).resolve()),
        overrides=changes,
        source=space.source().resolved(),
        space_fingerprint=space.fingerprint(),
        space_config=json.loads(json.dumps(space.get_config(), default=repr)),
        searched=tuple(space.searched),
        data=series.name,
        data_fingerprint=series.fingerprint(),
        length=len(series.values),
        split=series.split,
        test_start=series.test_start,
        seasons=series.seasons,
        folds=space.setting("folds"),
        reference_window=series.reference_window,
        yardstick=Yardstick.measure(
            series,
            backtest_folds(series, space.setting("folds")),
            horizon=space.setting("horizon"),
        ),
        target=space.setting("target"),
        tuner=space.setting("tuner"),
        pruner=space.setting("pruner") or default_pruner(space.setting("tuner")),
        trials=space.setting("trials"),
    )
