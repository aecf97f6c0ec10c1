"""A range test's files: its table step by step, its conclusion and its plot (named by
``search.outdir.range_test_files``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from search.files import write_csv, write_json
from search.range_test.figures import range_test
from search.range_test.rule import Sweep


def write_sweep(
    result: Sweep, paths: dict[str, Path], *, title: str, extra: dict[str, Any]
) -> dict[str, Path]:
    """Write the sweep's table, summary and plot to ``paths`` (by kind: csv, json, png);
    the paths."""
    paths["csv"].parent.mkdir(parents=True, exist_ok=True)
    table = pd.DataFrame(
        {
            "step": range(1, len(result.rates) + 1),
            "rate": result.rates,
            "loss": result.losses,
            "smoothed": result.smoothed,
        }
    )
    write_csv(table, paths["csv"])
    write_json({**result.get_config(), **extra}, paths["json"])
    range_test(
        result.rates,
        result.losses,
        result.smoothed,
        result.suggestion,
        result.lowest,
        paths["png"],
        title,
    )
    return paths
