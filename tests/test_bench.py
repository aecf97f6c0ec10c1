"""The benchmark harness runs its contenders for their budget and writes its results; its
helpers read the product's study the way the written contenders write their progress."""

from __future__ import annotations

import importlib.util
import math
import re
import subprocess
import sys
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from conftest import REPO

from search.study.records import TrialRecord


def _benchmark(name: str):
    """A module of ``benchmarks/`` (not a package), imported from its file."""
    path = REPO / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"benchmarks_{name}", path)
    module = importlib.util.module_from_spec(spec)
    # Its dataclasses look their module up by name while they are made.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _benchmark("bench")
results = _benchmark("bench_results")
scaling = _benchmark("scaling")
memory = _benchmark("memory")


# Seconds per contender: the course's model must finish an epoch within it (a TensorFlow
# import, a trace and an epoch of a BiLSTM 2x32: over 25 s once, beside another test).
BUDGET = 60


def test_a_short_benchmark_writes_its_csv_plot_and_tables(space_file, tmp_path):
    # Few trials: the product ends before its budget, the course's model runs to it.
    space = space_file(budget=None, trials=6, epochs=1)
    out = tmp_path / "bench"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "bench.py"),
            *("--budget", str(BUDGET), "--seeds", "1", "--seed", "7"),
            *("--only", "course,search", "--space", str(space)),
            *("--speed-epochs", "1", "--out", str(out)),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    table = pd.read_csv(out / "bench.csv")
    assert list(table.columns) == ["contender", "seed", "seconds", "trials", "epochs", "best"]
    assert set(table["contender"]) == {"course", "search"} and set(table["seed"]) == {7}
    for _, rows in table.groupby(["contender", "seed"]):
        # One row per improvement: the best so far only falls, within the budget.
        assert rows["best"].is_monotonic_decreasing and rows["best"].is_unique
        assert (rows["seconds"] <= BUDGET).all() and rows["epochs"].is_monotonic_increasing
    # The product's best so far moves at epoch ends: its first row comes with its first
    # epoch, before any trial has ended (one epoch a trial: one trial ends at each epoch).
    product = table[table["contender"] == "search"]
    assert product["epochs"].iloc[0] == 1 and product["trials"].iloc[0] == 0
    summary = (out / "bench.md").read_text()
    assert "| seeds that reached it |" in summary and "the median over the seeds" in summary
    number = r"\d+\.\d{3}"
    for label in ("the course's answer", "this product, 1 worker"):
        row = next(line for line in summary.splitlines() if line.startswith(f"| {label}"))
        # median [min-max] of the best, and of the seconds to the target ("not reached").
        assert re.search(rf"\| {number} \[{number}-{number}\] \|", row), row
        assert re.search(r"\| (\d+|not reached) \[(\d+|not reached)-(\d+|not reached)\] \|", row)
    assert "plain model.fit on a numpy window array" in summary
    assert "Per-trial overhead" in summary
    assert (out / "search-7" / "study.db").exists() and (out / "course-7.jsonl").exists()
    assert (out / "bench.png").stat().st_size > 20_000


def _record(number, status, start, curve, epoch_seconds, end):
    t0 = datetime(2025, 1, 1, 12, 0, 0)
    return TrialRecord(
        number,
        status,
        min(curve) if curve else None,
        {},
        started=t0 + timedelta(seconds=start),
        finished=None if end is None else t0 + timedelta(seconds=end),
        curve=curve,
        epoch_seconds=epoch_seconds,
    )


def test_the_products_lines_move_at_epoch_ends_of_every_trial_in_time_order():
    t0 = datetime(2025, 1, 1, 12, 0, 0).timestamp()
    records = [
        # Two workers: trial 1 started later but its second epoch ends before trial 0's third.
        _record(0, "complete", 5, [4.0, 3.5, 3.6], [4, 8, 12], 20),
        _record(1, "pruned", 6, [3.2, 2.9], [5, 9], 16),
        # Interrupted before it wrote its epoch times: its epoch is put at its end.
        _record(2, "interrupted", 21, [2.5], [], 40),
        # Still running (its run was killed): no time to put its epochs at.
        _record(3, "running", 30, [1.0], [], None),
    ]
    lines = bench._product_lines(records, t0)
    seconds = [line["seconds"] for line in lines]
    assert seconds == sorted(seconds)
    assert [(line["seconds"], line["best"]) for line in lines if line["epochs"] == 2] == [
        (11.0, 3.2)
    ]
    rows, total = bench._improvements(lines, budget=35)
    # (seconds, trials ended, epochs, best): the best falls at trial 1's epoch ends (11 s
    # and 15 s), before either trial has ended; trial 0's 3.5 at 13 s is no improvement.
    assert rows == [[9.0, 0, 1, 4.0], [11.0, 0, 2, 3.2], [15.0, 0, 4, 2.9]]
    # Reached at 15 s from the run's start, 10 s from its first trial's (at 5 s).
    assert total == {
        "best": 2.9,
        "trials": 2,
        "epochs": 5,
        "reached": 15.0,
        "reached_searching": 10.0,
    }
    last = bench._product_lines(records, t0)[-1]
    assert last == {"seconds": 40.0, "trials": 3, "epochs": 6, "best": 2.5, "searching": 5.0}


def test_the_median_counts_not_reached_above_every_time():
    inf = math.inf
    assert results.median([30.0, 10.0, 20.0]) == 20.0
    assert results.median([10.0, 20.0, inf]) == 20.0  # one of three did not reach it
    assert math.isinf(results.median([10.0, inf, inf]))  # more than half did not
    assert results.median([10.0, 30.0, 20.0, 40.0]) == 25.0
    assert results.median([10.0, 20.0, inf, inf]) == 20.0  # exactly half: the lower middle
    assert results.spread([40.0, 30.0, inf], ".0f", "not reached") == "40 [30-not reached]"
    assert results.spread([2.5], ".3f", "none") == "2.500 [2.500-2.500]"
    runs = [{"seed": 1, "best": 3.0}, {"seed": 2, "best": None}, {"seed": 3, "best": 2.0}]
    assert results.median_seed(runs) == 1


def test_the_ratios_to_the_rivals_are_read_on_both_clocks():
    def runs(*pairs):
        return [{"reached": r, "reached_searching": s} for r, s in pairs]

    chosen = [c for c in bench.CONTENDERS if c.name in ("keras-tuner", "optuna", "search")]
    totals = {
        # Keras Tuner's import and setup take 10 s of its 40 s; the product's 5 s of 25 s.
        "keras-tuner": runs((40.0, 30.0), (50.0, 40.0), (60.0, 50.0)),
        "optuna": runs((None, None), (None, None), (20.0, 10.0)),  # reached once: no median
        "search": runs((20.0, 15.0), (25.0, 20.0), (30.0, 25.0)),
    }
    lines = results.ratios(chosen, totals)
    assert lines[-1] == "| this product, 1 worker | 0.50 / 0.50 | n/a / n/a |"
    totals["search"] = runs((20.0, 12.0), (25.0, 20.0), (30.0, 24.0))
    assert results.ratios(chosen, totals)[-1].split(" | ")[1] == "0.50 / 0.50"
    totals["search"] = runs((20.0, 18.0), (30.0, 28.0), (30.0, 28.0))
    assert results.ratios(chosen, totals)[-1].split(" | ")[1] == "0.60 / 0.70"
    assert results.ratios(chosen[2:], totals) == []  # no rival: no ratios


def test_an_epochs_seconds_leave_the_first_apart():
    assert scaling._epoch_times([2.0, 2.5, 3.25]) == (2.0, 0.625)
    assert scaling._epoch_times([1.5]) == (1.5, 1.5)
    with pytest.raises(ValueError):
        scaling._epoch_times([])
    table = pd.DataFrame({"points": [3_000, 30_000, 300_000], "per_epoch": [0.1, 1.0, 5.0]})
    assert np.allclose(scaling._relative(table), [1.0, 1.0, 0.5])


def test_the_scaling_series_extends_the_course_exercise():
    from search.data import builtin_series

    course = builtin_series("course-exercise").values
    longer = scaling._series(len(course) + 1000)
    assert np.allclose(longer[: len(course)], course, atol=1e-3)


def test_memory_is_read_per_trial_and_hand_overs_where_the_process_changes():
    trials = pd.DataFrame(
        {
            "trial": [0, 1, 2, 3],
            "start": [0.0, 10.0, 20.5, 30.0],
            "end": [10.0, 20.0, 29.0, 40.0],
            "worker": ["host:1", "host:1", "host:2", "host:2"],
        }
    )
    samples = pd.DataFrame(
        {
            "time": [1.0, 5.0, 12.0, 21.0, 25.0, 35.0],
            "run_pss_mb": [500.0, 900.0, 1000.0, 700.0, 800.0, 820.0],
            "run_rss_mb": [600.0, 1000.0, 1100.0, 800.0, 900.0, 920.0],
            "supervisor_rss_mb": [190.0] * 6,
        }
    )
    per_trial = memory._memory_per_trial(samples, trials)
    assert list(per_trial["trials_ended"]) == [1, 2, 3, 4]
    assert list(per_trial["run_pss_mb"]) == [900.0, 1000.0, 800.0, 820.0]  # each stretch's peak
    assert memory._hand_overs(trials) == [0.5]  # trial 1 by one process, trial 2 by the next
    text = memory._markdown(samples, per_trial, [0.5])
    assert "| 1 to 4 | 1000 |" in text and "+0.0%" in text and "0.50" in text
