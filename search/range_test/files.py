"""A range test's files: ``<stem>.csv`` step by step, ``<stem>.json`` its conclusion and
``<stem>.png`` its plot."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from search.files import write_csv, write_json
from search.range_test.figures import range_test
from search.range_test.rule import Sweep

# Where a run keeps the range tests of its automatic rate, inside its out directory.


def write_sweep(
    result: Sweep, folder: Path, *, stem: str = "lr_find", title: str, extra: dict[str, Any]
) -> dict[str, Path]:
    """Write the sweep's table, summary and plot into ``folder``; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {kind: folder / f"{stem}.{kind}" for kind in ("csv", "json", "png")}
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
