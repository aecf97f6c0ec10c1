"""A run's life: its out directory and study made ready once, its workers started under a
supervisor, and the leaderboard written whole at the end, whatever stopped it."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import optuna

from search import study as studies
from search.data import short_of_a_season
from search.errors import RunInterrupted
from search.leaderboard import rebuild_leaderboard
from search.outdir import OutDir
from search.plan import Plan
from search.run.log import RunLog
from search.run.monitor import Monitor
from search.run.pool import WorkerPool
from search.run.progress import Progress
from search.run.reading import write_run_file
from search.run.supervisor import Supervisor
from search.stopping import Stopper
from search.study import records as rec
from search.worker.process import WorkerJob
from search.worker.spawn import Forkserver


def execute(
    plans: list[Plan],
    forkserver: Forkserver,
    *,
    budget: float | str | None = None,
    debug: bool = False,
) -> None:
    """Run planned searches one after another, each into its own out directory, each by
    its workers (processes, forked by ``forkserver``) under a supervisor.

    A worker process whose search is done carries on with the next plan's.
    Without ``budget`` each space keeps its own. A ``budget`` (seconds) replaces them and
    is shared: each space gets an equal part of what is left, so time one space does not
    use passes to the next; ``"none"`` lifts every time limit. Raises ``RunInterrupted``
    after SIGINT or SIGTERM, once the leaderboard is whole.
    """
    total = Stopper(budget if isinstance(budget, (int, float)) else None)
    pool = WorkerPool(forkserver)
    try:
        for index, plan in enumerate(plans):
            if budget is None:
                limit = plan.space.setting("budget")
            elif budget == "none":
                limit = None
            else:
                limit = total.seconds_left() / (len(plans) - index)
            study = start_run(plan, debug=debug)
            deadline = None if limit is None else time.time() + limit
            signum, _ = supervise(plan, study, deadline, pool=pool, debug=debug, refit=True)
            if signum is not None:
                raise RunInterrupted(signum)
    finally:
        pool.close()


def start_run(plan: Plan, *, debug: bool = False) -> optuna.Study:
    """Create the out directory and the study (once, before any worker starts); run the
    range tests an automatic learning rate needs."""
    plan.out.mkdir(parents=True, exist_ok=True)
    storage = plan.storage()
    if plan.options.fresh:
        studies.delete_study(storage, plan.study_name)
        for path in OutDir(plan.out).fresh():
            _remove(path)
    study = studies.create_study(
        storage, plan.study_name, plan.identity, opening=plan.space.opening()
    )
    if plan.space.auto_rate is not None:
        _find_rates(plan, study, debug)
    write_run_file(plan.out, plan.identity.space_file, plan.study_name, plan.storage_url)
    rebuild_leaderboard(study, plan.out)
    return study


def supervise(
    plan: Plan,
    study: optuna.Study,
    deadline: float | None,
    *,
    pool: WorkerPool,
    debug: bool = False,
    first_worker: int = 0,
    refit: bool = False,
) -> tuple[int | None, list[str]]:
    """Run the plan's workers until they are done; the signal that stopped them, if any,
    and the errors of workers that cannot go on (see ``Supervisor.failures``). With
    ``refit``, a search that ended by itself then refits its answer's networks before the
    test part, in this process.

    Workers are numbered from ``first_worker``: processes that share a study from
    different commands draw their values apart."""
    workers = plan.options.workers
    progress = Progress(
        plan.space.searched,
        plan.trials,
        epochs=plan.space.setting("epochs"),
        folds=plan.space.setting("folds"),
        workers=workers,
        deadline=deadline,
        quiet=plan.options.quiet,
    )
    monitor = Monitor(study, plan.out, progress)
    series = plan.series
    parts = f"validation from {series.split}" + (
        f", test from {series.test_start}" if series.has_test else ""
    )
    heading = (
        f"{plan.space.name}: {plan.trials} trials with {plan.tuner} on {series.name} "
        f"({parts}), {workers} worker{'s' if workers > 1 else ''} -> {plan.out}"
    )
    monitor.log.note(f"run started: {heading}")
    progress.print(heading)
    if advice := short_of_a_season(series):
        progress.print(f"note: {advice}", error=True)

    def job(worker: int) -> bytes:
        return WorkerJob.of(plan, first_worker + worker, deadline, debug).encode()

    supervisor = Supervisor(
        job,
        monitor,
        workers=workers,
        pool=pool,
        recycle_growth=plan.options.recycle_growth,
        debug=debug,
    )
    try:
        signum = supervisor.run()
        if refit and signum is None:
            hand_over_answer(plan, study, progress.print, debug)
    finally:
        table = rebuild_leaderboard(study, plan.out)
        progress.close()
    monitor.log.note("run stopped by a signal" if signum else "run ended")
    progress.summary(table, plan.identity.yardstick, OutDir(plan.out).leaderboard)
    return signum, supervisor.failures


def hand_over_answer(
    plan: Plan, study: optuna.Study, show: Callable[[str], None], debug: bool
) -> None:
    """Save the answer in the out directory, its networks as trained or refit before the
    test part as the space's ``refit`` says, in this process (see
    ``search.ensemble.refit``), saying what it does in the run's log and through ``show``."""
    from search._startup import quiet_imports

    quiet_imports(debug)
    from search.ensemble.refit import refit_answer  # trains models: Keras, only here

    def say(line: str) -> None:
        RunLog(plan.out).note(line)
        show(line)

    for made in refit_answer(plan.space, plan.series, study, plan.out, say):
        say(f"  trial {made.trial} refit: {made.epochs} epochs in {made.seconds:.1f} s")


def _find_rates(plan: Plan, study: optuna.Study, debug: bool) -> None:
    """Run the range tests the space's automatic rate needs, once per study: the rates
    they suggest are kept in the study, and reused by every worker and every resume."""
    log = RunLog(plan.out)

    def say(line: str) -> None:
        log.note(line)
        if not plan.options.quiet:
            print(line, flush=True)

    from search._startup import quiet_imports

    quiet_imports(debug)
    from search.range_test import find_rates  # trains models: Keras, only where needed

    known = study.user_attrs.get(rec.LEARNING_RATES, {})
    rates = find_rates(plan.space, plan.series, OutDir(plan.out), known, say=say)
    if rates != known:
        study.set_user_attr(rec.LEARNING_RATES, rates)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
