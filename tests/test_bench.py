"""The benchmark harness runs its contenders for their budget and writes its results."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
from conftest import REPO


def test_a_short_benchmark_writes_its_csv_plot_and_tables(space_file, tmp_path):
    space = space_file(budget=None, trials=50, epochs=1)
    out = tmp_path / "bench"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "bench.py"),
            "--budget",
            "25",
            "--only",
            "course,search",
            "--space",
            str(space),
            "--speed-epochs",
            "1",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    table = pd.read_csv(out / "bench.csv")
    assert list(table.columns) == ["contender", "seconds", "trials", "epochs", "best"]
    assert set(table["contender"]) == {"course", "search"}
    for _, rows in table.groupby("contender"):
        # One row per improvement: the best so far only falls, within the budget.
        assert rows["best"].is_monotonic_decreasing and rows["best"].is_unique
        assert (rows["seconds"] <= 25).all() and rows["epochs"].is_monotonic_increasing
    summary = (out / "bench.md").read_text()
    assert "| the course's answer" in summary and "| this product, 1 worker" in summary
    assert "plain model.fit on a numpy window array" in summary
    assert "Per-trial overhead" in summary
    assert (out / "bench.png").stat().st_size > 20_000
