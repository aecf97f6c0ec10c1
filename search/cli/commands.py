"""The commands: ``run``, ``report``, ``forecast``, ``reproduce`` and ``lr-find``, each
reading its parsed arguments and calling into the product (imported when the command runs,
so that ``--help`` and bad usage answer without TensorFlow)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from search.cli.fields import field_values
from search.errors import UsageError
from search.outdir import OutDir
from search.states import SweepEnd

if TYPE_CHECKING:
    import numpy as np

    from search.data import Series
    from search.inputs import InputSpec
    from search.plan import RunOptions


def run_options(args: argparse.Namespace) -> RunOptions:
    """What the command line changes about a space's run (``run``, ``submit``)."""
    from search.plan import RunOptions

    names = [name for name in RunOptions.__dataclass_fields__ if name != "settings"]
    given = {name: getattr(args, name) for name in names if hasattr(args, name)}
    return RunOptions(settings=given_settings(args), **given)


def given_settings(args: argparse.Namespace) -> dict[str, object]:
    """The settings the command line gives a value, by name."""
    from search.settings import OPTIONS

    return {name: value for name in OPTIONS if (value := getattr(args, name, None)) is not None}


def run(args: argparse.Namespace) -> int:
    from search.worker.spawn import Forkserver

    if args.out and len(args.spaces) > 1:
        raise UsageError(
            "--out names one directory; with several spaces each goes to results/<space>"
        )
    # Started first: it imports TensorFlow (seconds of a core) while this process imports
    # the rest, checks the plans and measures their baselines, so that the first worker
    # starts as soon as they are ready.
    forkserver = Forkserver.shared_or_started(args.forkserver, debug=args.debug)
    try:
        from search._startup import quiet_imports
        from search.plan import plan_run
        from search.run.execute import execute

        quiet_imports(args.debug, with_tensorflow=False)
        options = run_options(args)
        spaces = args.spaces or [_made_space(args, options)]
        # Every space is checked before the first one starts: a typo in the third space of
        # a batch is found in the evening, not in the morning.
        plans = [plan_run(path, options) for path in spaces]
        execute(plans, forkserver, budget=args.budget, debug=args.debug)
    finally:
        forkserver.close()
    return 0


def _made_space(args: argparse.Namespace, options: RunOptions) -> Path:
    """The space made from the series of ``--data`` (``search.space.auto``), written into
    the out directory, which the run then uses."""
    from search.space.auto import write_auto_space

    if args.data is None:
        raise UsageError(
            "give a space file such as spaces/lstm.py, or --data FILE.csv --column NAME to "
            "search a space made from the series"
        )
    path, made = write_auto_space(options.settings, Path(args.out) if args.out else None)
    options.out = str(path.parent)
    if not args.quiet:
        print(f"space made from the series: {made.describe()} -> {path}", flush=True)
    return path


def run_directory(args: argparse.Namespace, *, model: bool = True) -> Path:
    """The run directory a command reads: ``OUT``; with ``--study``, made from the study in
    ``--storage`` alone (by default in results/<study>), with its best model if ``model``."""
    if not args.study:
        if args.out is None:
            raise UsageError("give a run's out directory, or --study NAME (and --storage URL)")
        return Path(args.out)
    from search.service import bring_run, queue_url

    out = Path(args.out) if args.out else OutDir.default(args.study).path
    artifacts = args.artifacts if model else None
    note = bring_run(queue_url(args.storage), args.study, out, artifacts, model=model)
    if note:
        print(f"note: {note}", file=sys.stderr)
    return out


def report(args: argparse.Namespace) -> int:
    from search.leaderboard import top_rows
    from search.report import report_batch, report_run
    from search.run.reading import run_directories

    root = run_directory(args)
    runs = run_directories(root)
    if runs == [root]:
        table, path = report_run(root, storage=args.storage)
    else:
        table, path = report_batch(root, runs, storage=args.storage)
    print(top_rows(table, args.top))
    print(f"report: {path}")
    return 0


def forecast(args: argparse.Namespace) -> int:
    from search.data import DataSource
    from search.files import write_csv
    from search.forecasting import Network, dated_as_run, forecast_frame, model_inputs
    from search.model.best import load_best
    from search.run.reading import load_run, run_series

    out = run_directory(args)
    if not args.best_trial and OutDir(out).answer_file.exists():
        return _forecast_with_answer(args, out)
    model, info = load_best(out)
    if args.data:
        spec = model_inputs(info)
        source = DataSource(
            args.data,
            column=args.column,
            time_column=args.time_column,
            fill=args.fill,
            features=spec.features,
            known=spec.known,
        )
        series = dated_as_run(source.load(), info)
    else:
        series = run_series(load_run(out, storage=args.storage))
    network = Network(model, model_inputs(info))
    future = _future(args, [network.spec], series)
    table = forecast_frame(network, series, args.steps, "the model", future)
    path = Path(args.output) if args.output else OutDir(out).forecast
    write_csv(table, path)
    past = table[table["kind"] == "one-step"]
    mae = (past["forecast"] - past["actual"]).abs().mean()
    print(
        f"trial {info['trial']}'s model: {len(past)} one-step forecasts of {series.name} "
        f"(MAE {mae:.4f} over them), {args.steps} ahead -> {path}"
    )
    return 0


def _forecast_with_answer(args: argparse.Namespace, out: Path) -> int:
    from search.data import DataSource
    from search.ensemble.intervals import parse_levels
    from search.ensemble.saved import answer_table, load_answer
    from search.files import write_csv
    from search.forecasting import dated_as_run, stamp_text
    from search.run.reading import load_run, run_series

    levels = parse_levels(args.levels)
    answer = load_answer(out)
    own = series = run_series(load_run(out, storage=args.storage))
    if args.data:
        series = DataSource(
            args.data,
            column=args.column,
            time_column=args.time_column,
            fill=args.fill,
            features=answer.features,
            known=answer.known,
        ).load()
        series = dated_as_run(series, answer.info)
    future = _future(args, answer.specs, series)
    widths = answer.widths(own, args.steps, levels)
    if widths is None:
        print("note: no intervals: this answer was saved before they were", file=sys.stderr)
    table = answer_table(answer, series, args.steps, future, widths)
    path = Path(args.output) if args.output else OutDir(out).forecast
    write_csv(table, path)
    past = table[table["kind"] == "one-step"]
    end = stamp_text(series.time[-1]) if series.time is not None else len(series.values) - 1
    networks = (
        ""
        if not answer.networks
        else (
            "; its networks as the search trained them"
            if answer.info.get("refit", "none") == "none"
            else "; its networks refit before the run's test part"
        )
    )
    print(
        f"the answer: {answer.describe()} (statistical members fitted on all {len(series.values)} "
        f"values of {series.name}, through {end}{networks}): {len(past)} one-step forecasts "
        f"(in-sample for the statistical members), {args.steps} ahead"
        + (f", intervals at {', '.join(widths)} %" if widths else "")
        + f" -> {path}"
    )
    return 0


def _future(
    args: argparse.Namespace, specs: list[InputSpec], series: Series
) -> dict[str, np.ndarray] | None:
    """The known columns' values past the end that ``--future`` gives, at the time stamps
    the forecast reads them at; None without the option or a network that reads them."""
    from search.data.future import read_future
    from search.forecasting import future_stamps

    stamps = future_stamps(specs, series, args.steps)
    if args.future is None or stamps is None:
        return None
    known = tuple(dict.fromkeys(name for spec in specs for name in spec.known))
    return read_future(args.future, known, stamps)


def reproduce_trial(args: argparse.Namespace) -> int:
    from search.reproduce import reproduce
    from search.run.reading import load_run, run_identity, run_series

    study = load_run(run_directory(args, model=False), storage=args.storage)
    identity = run_identity(study)
    result = reproduce(study, identity, args.trial, run_series(study))
    note = f" ({result.note})" if result.note else ""
    print(
        f"trial {args.trial}: recorded val_mae {result.record.val_mae:.4f}, reproduced "
        f"{result.outcome.val_mae:.4f} ({result.difference:+.2%}){note}"
    )
    return 0


_SWEEP_ENDS = {
    SweepEnd.END: "to the end of the range",
    SweepEnd.DIVERGED: "stopped once the loss diverged",
}


def lr_find(args: argparse.Namespace) -> int:
    import dataclasses

    from search.model.build import xla_from_start
    from search.plan import RunOptions, default_out, with_options
    from search.range_test import RangeTest, configuration, sweep, write_sweep
    from search.space import load_space
    from search.vocabulary import describe

    declared = load_space(args.space)
    options = RunOptions(settings=given_settings(args))
    space = with_options(declared, options, args.space)
    values = field_values(args.fields)
    config = configuration(space, point=args.point, **values)
    test = RangeTest.preset(args.preset)
    changes = {k: getattr(args, k) for k in ("start", "stop", "steps") if getattr(args, k)}
    if changes:
        test = dataclasses.replace(test, **changes)
    series = space.source().load()
    result = sweep(
        series,
        config,
        test,
        seed=space.setting("seed"),
        jit_compile=xla_from_start(space.setting("jit_compile")),
    )
    out = Path(args.out) if args.out else default_out(declared, options)
    model = describe(config)
    title = f"range test: {model}, {config['optimizer']}, {config['loss']} loss, {series.name}"
    paths = write_sweep(result, OutDir(out).lr_find, title=title, extra={"configuration": config})
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(
        f"suggested learning rate {result.suggestion:.3g} for {model} ({config['optimizer']}, "
        f"{config['loss']}): {test.rule()} ({result.rates[result.lowest]:.3g}); "
        f"{len(result.rates)} steps, {_SWEEP_ENDS[result.stopped]} -> {paths['png']}"
    )
    return 0


def example(args: argparse.Namespace) -> int:
    from search.data.examples import demand
    from search.files import write_csv

    table = demand()
    path = Path(args.path)
    if path.is_dir():
        raise UsageError(f"{path}: is a directory; give a file name such as demand.csv")
    write_csv(table, path)
    print(f"{args.name}: {len(table)} rows ({', '.join(table.columns)}) -> {path}")
    return 0
