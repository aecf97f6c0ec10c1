"""A run: one space searched on one data set, into one out directory and one study.

``plan_run`` checks everything and writes nothing; ``start_run`` creates the study once;
``work`` is one worker's search loop; ``finish_run`` writes the final leaderboard.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import optuna
import pandas as pd
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from search import study as studies
from search.best_model import INFO_FILE, MODEL_FILE, BestModelKeeper
from search.data import DataSource, Series, backtest_folds
from search.errors import RunInterrupted, StorageError, UsageError
from search.files import write_json
from search.hypermodel import ForecastHyperModel
from search.leaderboard import (
    LEADERBOARD_FILE,
    build_leaderboard,
    combine_leaderboards,
    write_leaderboard,
)
from search.oracles import (
    KERAS_TUNER_ALGORITHMS,
    OPTUNA_SAMPLERS,
    default_pruner,
    make_oracle,
    make_pruner,
)
from search.progress import Progress
from search.range_test import RANGE_TEST_DIR, find_rates
from search.report import write_batch_report, write_report
from search.runlog import RUN_LOG, RunLog
from search.seeds import derive
from search.space import Space, load_space
from search.stopping import Stopper
from search.study import records as rec
from search.supervisor import Supervisor
from search.trainer import Trainer
from search.tuner import FanOut, ForecastTuner, TrialEvents
from search.yardstick import Yardstick

RUN_FILE = "run.json"
KERAS_TUNER_DIR = "keras_tuner"
STORAGE_ENV = "SEARCH_STORAGE"
# Files a run writes in its out directory; --fresh removes these and nothing else.
_RUN_OUTPUTS = (
    LEADERBOARD_FILE,
    RUN_FILE,
    RUN_LOG,
    MODEL_FILE,
    INFO_FILE,
    KERAS_TUNER_DIR,
    f"{KERAS_TUNER_DIR}.lock",
    RANGE_TEST_DIR,
)


@dataclass
class RunOptions:
    """What the command line may change about a space's run."""

    trials: int | None = None
    epochs: int | None = None
    tuner: str | None = None
    pruner: str | None = None
    seed: int | None = None
    data: str | None = None
    column: str | None = None
    time_column: str | None = None
    split: int | float | None = None
    test: int | float | None = None
    fill: str | None = None
    season: tuple[int, ...] | None = None
    folds: int | None = None
    out: str | None = None
    storage: str | None = None
    study: str | None = None
    fresh: bool = False
    workers: int = 1
    grace: int = 60
    quiet: bool = False

    @property
    def heartbeat(self) -> int:
        """Seconds between a running trial's heartbeats: a few within the grace period."""
        return max(1, self.grace // 4)


@dataclass
class Plan:
    """A run checked and ready: nothing has been written yet."""

    space: Space
    series: Series
    out: Path
    storage_url: str
    study_name: str
    options: RunOptions
    identity: dict[str, Any] = field(repr=False)

    @property
    def tuner(self) -> str:
        return self.space.setting("tuner")

    @property
    def trials(self) -> int:
        return self.space.setting("trials")


def plan_run(space_path: str | Path, options: RunOptions) -> Plan:
    """Load and check the space, the data, the out directory and the study; write nothing."""
    declared = load_space(space_path)
    space = with_options(declared, options, str(space_path))
    series = space_series(space)
    _check_length(space, series)
    out = Path(options.out) if options.out else default_out(declared, options)
    _check_writable(out)
    storage_url = options.storage or os.environ.get(STORAGE_ENV) or studies.default_storage_url(out)
    if options.storage or os.environ.get(STORAGE_ENV):
        _check_storage_url(storage_url, "--storage" if options.storage else STORAGE_ENV)
    study_name = options.study or space.name
    identity = _identity(space, series, str(space_path), _overrides(declared, options))
    plan = Plan(space, series, out, storage_url, study_name, options, identity)
    if options.workers > 1 and space.uses_keras_tuner_algorithm:
        raise UsageError(
            f"--workers {options.workers}: Keras Tuner's {plan.tuner!r} keeps its state in one "
            f"process; use an Optuna sampler ({', '.join(OPTUNA_SAMPLERS)}) for several workers"
        )
    if not options.fresh:
        _check_existing(plan)
    _check_not_in_use(plan)
    return plan


def space_series(space: Space) -> Series:
    """The series a space names, cut into its parts."""
    return space.source().load()


def execute(plans: list[Plan], *, budget: float | str | None = None, debug: bool = False) -> None:
    """Run planned searches one after another, each into its own out directory, each by
    its workers (processes) under a supervisor.

    Without ``budget`` each space keeps its own. A ``budget`` (seconds) replaces them and
    is shared: each space gets an equal part of what is left, so time one space does not
    use passes to the next; ``"none"`` lifts every time limit. Raises ``RunInterrupted``
    after SIGINT or SIGTERM, once the leaderboard is whole.
    """
    total = Stopper(budget if isinstance(budget, (int, float)) else None)
    for index, plan in enumerate(plans):
        if budget is None:
            limit = plan.space.setting("budget")
        elif budget == "none":
            limit = None
        else:
            limit = total.seconds_left() / (len(plans) - index)
        start_run(plan)
        deadline = None if limit is None else time.time() + limit
        progress = Progress(
            plan.space.searched,
            plan.trials,
            epochs=plan.space.setting("epochs"),
            workers=plan.options.workers,
            deadline=deadline,
            quiet=plan.options.quiet,
        )
        monitor = Monitor(plan, progress)
        heading = (
            f"{plan.space.name}: {plan.trials} trials with {plan.tuner} on {plan.series.name}, "
            f"{plan.options.workers} worker{'s' if plan.options.workers > 1 else ''} -> {plan.out}"
        )
        monitor.log.note(f"run started: {heading}")
        progress.print(heading)
        supervisor = Supervisor(
            plan, monitor, workers=plan.options.workers, deadline=deadline, debug=debug
        )
        try:
            signum = supervisor.run()
        finally:
            table = finish_run(plan)
            progress.close()
        monitor.log.note("run stopped by a signal" if signum else "run ended")
        progress.summary(table, plan.identity, plan.out / LEADERBOARD_FILE)
        if signum is not None:
            raise RunInterrupted(signum)


def start_run(plan: Plan) -> None:
    """Create the out directory and the study (once, before any worker starts)."""
    plan.out.mkdir(parents=True, exist_ok=True)
    storage = _storage(plan)
    if plan.options.fresh:
        studies.delete_study(storage, plan.study_name)
        for name in _RUN_OUTPUTS:
            _remove(plan.out / name)
    study = studies.create_study(storage, plan.study_name, plan.identity)
    if plan.space.auto_rate is not None:
        _find_rates(plan, study)
    write_json(
        {
            "space": plan.identity["space_file"],
            "study": plan.study_name,
            "storage": None if _default_storage(plan) else studies.mask_url(plan.storage_url),
        },
        plan.out / RUN_FILE,
    )
    rebuild_leaderboard(study, plan.out)


def _find_rates(plan: Plan, study: optuna.Study) -> None:
    """Run the range tests the space's automatic rate needs, once per study: the rates
    they suggest are kept in the study, and reused by every worker and every resume."""
    log = RunLog(plan.out)

    def say(line: str) -> None:
        log.note(line)
        if not plan.options.quiet:
            print(line, flush=True)

    known = study.user_attrs.get(rec.LEARNING_RATES, {})
    rates = find_rates(plan.space, plan.series, plan.out / RANGE_TEST_DIR, known, say=say)
    if rates != known:
        study.set_user_attr(rec.LEARNING_RATES, rates)


def work(
    plan: Plan,
    *,
    stopper: Stopper | None = None,
    worker: int = 0,
    events: TrialEvents | None = None,
) -> None:
    """One worker, in this process: search until the study's budget or the run's time is
    spent. ``events`` hears of each trial (by default a ``Monitor``: progress lines and
    the leaderboard)."""
    space, stopper = plan.space, stopper or Stopper()
    storage = _storage(plan, heartbeats=True)
    hp = space.hyperparameters()
    seed = space.setting("seed")
    folds = space.setting("folds")
    # Each fold's epochs are steps of their own (see Trainer.step).
    pruner = make_pruner(_pruner(space), epochs=space.setting("epochs") * folds)
    study = studies.load_study(storage, plan.study_name, pruner=pruner)
    oracle = make_oracle(
        plan.tuner,
        study=study,
        hyperparameters=hp,
        trials=plan.trials,
        epochs=space.setting("epochs"),
        seed=derive(seed, worker),  # workers sharing a study must not draw the same values
        max_failures=space.setting("max_failures"),
        stop=stopper.reason,
        heartbeat=plan.options.heartbeat,
    )
    trainer = Trainer(
        plan.series,
        epochs=space.setting("epochs"),
        patience=space.setting("patience"),
        folds=folds,
    )
    if events is None:
        progress = Progress(
            space.searched, plan.trials, epochs=space.setting("epochs"), quiet=plan.options.quiet
        )
        events = Monitor(plan, progress)
    events = FanOut(BestModelKeeper(plan.out, trainer, plan.identity), events)
    with _project(plan) as (directory, overwrite):
        if plan.tuner in KERAS_TUNER_ALGORITHMS:
            _fail_unfinished(study)
        tuner = ForecastTuner(
            oracle,
            ForecastHyperModel(space, trainer, study.user_attrs.get(rec.LEARNING_RATES)),
            seed=seed,
            stopper=stopper,
            events=events,
            directory=str(directory),
            project_name=space.name,
            overwrite=overwrite,
        )
        try:
            tuner.search(verbose=0)
        except RuntimeError as exc:
            if "consecutive failures" not in str(exc):
                raise
            raise UsageError(
                f"stopped after {space.setting('max_failures')} failed trials in a row; the "
                f"last one: {_last_error(study)}"
            ) from None
        finally:
            oracle.close()


def finish_run(plan: Plan) -> pd.DataFrame:
    """Write the final leaderboard; return it."""
    return write_leaderboard_of(plan)


def write_leaderboard_of(plan: Plan) -> pd.DataFrame:
    """Rebuild ``leaderboard.csv`` from the study."""
    return rebuild_leaderboard(studies.load_study(_storage(plan), plan.study_name), plan.out)


def rebuild_leaderboard(study: optuna.Study, out: Path) -> pd.DataFrame:
    """Write ``<out>/leaderboard.csv`` from what ``study`` holds, and return it."""
    identity = studies.run_identity(study)
    table = build_leaderboard(studies.read_records(study), Yardstick.of_run(identity))
    write_leaderboard(table, Path(out) / LEADERBOARD_FILE)
    return table


def run_series(identity: dict[str, Any]) -> Series:
    """The series a run searched on, read again from where it came from."""
    source = identity.get("source")
    if source is None:
        raise UsageError("this run's study does not say where its data came from")
    series = DataSource.from_config(source).load()
    if series.fingerprint() != identity.get("data_fingerprint"):
        raise UsageError(
            f"{source['data']} has changed since the run searched it; give the data to use "
            "with --data"
        )
    return series


def run_directories(root: str | Path) -> list[Path]:
    """``root`` if it holds a run, else the runs in its sub-folders (a batch)."""
    root = Path(root)
    if (root / RUN_FILE).exists():
        return [root]
    runs = sorted(p.parent for p in root.glob(f"*/{RUN_FILE}"))
    if not runs:
        raise UsageError(
            f"{root}: no run here (no {RUN_FILE}, nor in its folders); give a run's out directory"
        )
    return runs


def report_run(out: str | Path, storage: str | None = None) -> tuple[pd.DataFrame, Path]:
    """Rebuild a run's leaderboard and write its report; both, from its study."""
    _, table, path = _report(Path(out), storage)
    return table, path


def _report(out: Path, storage: str | None) -> tuple[optuna.Study, pd.DataFrame, Path]:
    study = load_run(out, storage=storage)
    identity = studies.run_identity(study)
    try:
        series = run_series(identity)
    except UsageError:
        series = None  # moved or changed: the report leaves the forecast out and says so
    table = rebuild_leaderboard(study, out)
    path = write_report(out, study, series, storage=_storage_label(out, storage))
    return study, table, path


def report_batch(
    root: str | Path, runs: list[Path], storage: str | None = None
) -> tuple[pd.DataFrame, Path]:
    """Report each run of a batch, and rank all their trials in ``<root>/leaderboard.csv``."""
    root = Path(root)
    tables, reported = {}, []
    for out in runs:
        study, table, _ = _report(out, storage)
        identity = studies.run_identity(study)
        tables[identity.get("space", out.name)] = (table, identity.get("data", "?"))
        reported.append((out, study))
    combined = combine_leaderboards(tables)
    write_leaderboard(combined, root / LEADERBOARD_FILE)
    return combined, write_batch_report(root, reported, combined)


def _storage_label(out: Path, storage: str | None) -> str:
    try:
        info = json.loads((out / RUN_FILE).read_text())
    except (OSError, ValueError):
        info = {}
    url = storage or os.environ.get(STORAGE_ENV) or info.get("storage")
    return studies.mask_url(url) if url else f"{out / studies.STUDY_FILE}"


def load_run(out: str | Path, storage: str | None = None) -> optuna.Study:
    """The study of the run in ``out``, found through its ``run.json``."""
    out = Path(out)
    try:
        info = json.loads((out / RUN_FILE).read_text())
    except FileNotFoundError:
        raise UsageError(
            f"{out}: no run here (no {RUN_FILE}); give a run's out directory"
        ) from None
    except (OSError, ValueError) as exc:
        raise UsageError(f"{out}/{RUN_FILE}: cannot be read ({exc})") from None
    url = storage or os.environ.get(STORAGE_ENV) or info.get("storage")
    if url is None:
        url = studies.default_storage_url(out)
    elif "***" in url:
        raise UsageError(
            f"{out}: the run's storage {url} needs its password; give the URL with --storage "
            f"or in {STORAGE_ENV}"
        )
    return studies.load_study(studies.open_storage(url), info["study"])


# -- the pieces of a plan ---------------------------------------------------------------


def _overrides(space: Space, options: RunOptions) -> dict[str, Any]:
    """The settings the command line changes in ``space``."""
    changes = {
        name: getattr(options, name)
        for name in (
            "trials",
            "epochs",
            "tuner",
            "pruner",
            "seed",
            "data",
            "column",
            "time_column",
            "split",
            "test",
            "fill",
            "season",
            "folds",
        )
        if getattr(options, name) is not None
    }
    if options.data is not None and options.data != space.data:
        for name in ("column", "time_column", "split", "test", "fill", "season"):
            changes.setdefault(name, None)
    return changes


def with_options(space: Space, options: RunOptions, where: str) -> Space:
    """``space`` with the settings the command line changes (a new ``--data`` drops the
    space's column, time column, parts, fill and season); ``where`` names the space file."""
    changes = _overrides(space, options)
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
    return Path("results") / name


def _check_length(space: Space, series: Series) -> None:
    longest = max(space.possible("window"))
    train, valid = series.split, series.test_start - series.split
    if train - longest < 2:
        raise UsageError(
            f"{series.name}: the training part has {train} values, too few for windows of "
            f"{longest}; use a shorter window or a later --split"
        )
    # The baselines (the linear autoregression a network has to beat) read windows of
    # their own; without this check a short series failed with numpy's error.
    if train - series.reference_window < 2:
        raise UsageError(
            f"{series.name}: the training part has {train} values, too few for the baselines' "
            f"windows of {series.reference_window}; give at least "
            f"{series.reference_window + 2} training values (more rows or a later --split)"
        )
    if valid < 1:
        raise UsageError(f"{series.name}: the validation part is empty; use an earlier --split")


def _check_writable(out: Path) -> None:
    probe = out
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise UsageError(f"{out}: {probe} is a file, not a directory; choose another --out")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UsageError(
            f"{out}: cannot write in {probe} (permission denied); choose another --out"
        )


def _identity(
    space: Space, series: Series, space_file: str, overrides: dict[str, Any]
) -> dict[str, Any]:
    return {
        "space": space.name,
        "space_file": space_file,
        "space_path": str(Path(space_file).resolve()),
        "overrides": overrides,
        "source": space.source().resolved().get_config(),
        "space_fingerprint": space.fingerprint(),
        "space_config": json.loads(json.dumps(space.get_config(), default=repr)),
        "searched": space.searched,
        "data": series.name,
        "data_fingerprint": series.fingerprint(),
        "length": len(series.values),
        "split": series.split,
        "test_start": series.test_start,
        "seasons": list(series.seasons),
        "folds": space.setting("folds"),
        "reference_window": series.reference_window,
        "yardstick": Yardstick.measure(
            series, backtest_folds(series, space.setting("folds"))
        ).get_config(),
        "target": space.setting("target"),
        "tuner": space.setting("tuner"),
        "pruner": _pruner(space),
        "trials": space.setting("trials"),
    }


def _pruner(space: Space) -> str:
    return space.setting("pruner") or default_pruner(space.setting("tuner"))


def _default_storage(plan: Plan) -> bool:
    return plan.storage_url == studies.default_storage_url(plan.out)


def _storage(plan: Plan, *, heartbeats: bool = False) -> optuna.storages.BaseStorage:
    if heartbeats:
        return studies.open_storage(
            plan.storage_url,
            heartbeat_interval=plan.options.heartbeat,
            grace_period=plan.options.grace,
            on_stale=studies.retry_once,
        )
    return studies.open_storage(plan.storage_url)


def _check_storage_url(url: str, origin: str) -> None:
    """Refuse a malformed storage URL, naming where it came from and showing it as given,
    with any password hidden; and an SQLite file in a folder that does not exist, before
    anything is written."""
    try:
        make_url(url)
    except (ArgumentError, ValueError):
        raise StorageError(
            f"{origin} {studies.mask_url(url)!r} is not a storage URL; give one such as "
            "sqlite:///results/study.db or postgresql://user@host:5432/dbname"
        ) from None
    database = _sqlite_file(url)
    if database is not None and not database.parent.is_dir():
        raise StorageError(
            f"storage {studies.mask_url(url)}: folder {database.parent} does not exist; "
            f"create it or give another {origin}"
        )


def _sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite storage URL; None for any other storage."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def _check_existing(plan: Plan) -> None:
    """Refuse, before anything is written, to resume a run of something else."""
    database = _sqlite_file(plan.storage_url)
    if database is not None and not database.exists():
        # No study there yet, and opening the storage would create the file: a command
        # refused after this check would leave an empty database behind.
        return
    storage = _storage(plan)
    try:
        study = studies.load_study(storage, plan.study_name)
    except StorageError:
        return
    existing = studies.run_identity(study)
    if not existing:
        return
    studies.check_identity(existing, plan.identity, str(plan.out))
    old, new = existing.get("tuner"), plan.tuner
    started = bool(study.get_trials(deepcopy=False))
    if started and old != new and {old, new} & set(KERAS_TUNER_ALGORITHMS):
        raise UsageError(
            f"{plan.out} holds a run searched with {old!r}; Keras Tuner's algorithms cannot "
            f"continue another's search; use --tuner {old}, --fresh, or another --out"
        )


def _in_use(plan: Plan) -> UsageError:
    """The error of an out directory whose Keras Tuner run is going on."""
    return UsageError(
        f"{plan.out} is in use by another run; Keras Tuner's {plan.tuner!r} runs in one "
        "process at a time: wait for that run to end, or use another --out (or an Optuna "
        "sampler, which shares a study)"
    )


def _check_not_in_use(plan: Plan) -> None:
    """Refuse, before anything is written, an out directory where a Keras Tuner run is
    going on (its worker holds the lock). The worker of this command would find out too,
    but only after the run's files had been rewritten, and its refusal would not reach
    the command's exit status."""
    if plan.tuner not in KERAS_TUNER_ALGORITHMS:
        return
    path = plan.out / f"{KERAS_TUNER_DIR}.lock"
    if not path.is_file():
        return  # no such run has started here
    with open(path) as lock:  # read-only: writes nothing
        try:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise _in_use(plan) from None


@contextlib.contextmanager
def _project(plan: Plan):
    """Where Keras Tuner keeps its files, and whether to start them over.

    Keras Tuner's own algorithms resume from their project directory, held by one process
    at a time. With an Optuna sampler the study holds all the state, so Keras Tuner's
    files go to a temporary directory.
    """
    if plan.tuner not in KERAS_TUNER_ALGORITHMS:
        with tempfile.TemporaryDirectory(prefix="search-keras-tuner-") as directory:
            yield Path(directory), True
        return
    lock_path = plan.out / f"{KERAS_TUNER_DIR}.lock"
    with open(lock_path, "w") as lock:
        # A few tries: another command's check (_check_not_in_use) holds the lock for a
        # moment, and must not make this run give up.
        for attempt in range(20):
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if attempt == 19:
                    raise _in_use(plan) from None
                time.sleep(0.1)
        yield plan.out / KERAS_TUNER_DIR, False


def _fail_unfinished(study: optuna.Study) -> None:
    """Trials left running by a process that died: failed, so the record is true.

    Only called by a Keras Tuner algorithm's single worker, which holds the run's lock.
    """
    for trial in study.get_trials(deepcopy=False, states=(optuna.trial.TrialState.RUNNING,)):
        storage = study._storage
        storage.set_trial_user_attr(trial._trial_id, rec.STATUS, "interrupted")
        storage.set_trial_user_attr(
            trial._trial_id, rec.ERROR, "the run stopped before this trial ended"
        )
        storage.set_trial_state_values(trial._trial_id, optuna.trial.TrialState.FAIL)


def _last_error(study: optuna.Study) -> str:
    failed = [r for r in studies.read_records(study) if r.status == "failed"]
    return failed[-1].error if failed else "unknown"


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


class Monitor(TrialEvents):
    """What the people running the search see: the progress, ``run.log``, and after each
    trial the leaderboard rewritten from the study."""

    def __init__(self, plan: Plan, progress: Progress):
        self.plan = plan
        self.progress = progress
        self.log = RunLog(plan.out)
        self.study = studies.load_study(_storage(plan), plan.study_name)

    def trial_started(self, number: int, config: dict[str, Any], worker: int = 0) -> None:
        self.log.trial_started(number, config, worker)
        self.progress.trial_started(number, config, worker)

    def epoch_ended(
        self, number: int, epoch: int, val_mae: float, worker: int = 0, fold: int = 1
    ) -> None:
        self.progress.epoch_ended(number, epoch, val_mae, worker, fold)

    def trial_ended(self, number: int, worker: int = 0) -> None:
        rebuild_leaderboard(self.study, self.plan.out)
        records = studies.read_records(self.study)
        record = next((r for r in records if r.number == number), None)
        if record is not None:
            self.log.trial_ended(record)
            self.progress.trial_ended(record, records)

    def message(self, text: str) -> None:
        """Something a person must see whatever the verbosity (a worker died, an error)."""
        self.log.note(text)
        self.progress.print(text, error=True)
