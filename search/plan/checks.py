"""The checks a plan makes before anything is written: the series long enough for every
window, fold and horizon the space may ask for, every input it may ask for one the series
can give, and an out directory that can be written."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

from search.data import Series, backtest_folds
from search.errors import UsageError
from search.inputs import InputSpec
from search.space import Space


def check_length(space: Space, series: Series) -> None:
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
    horizon = space.setting("horizon")
    shortest = min(fold.end - fold.start for fold in backtest_folds(series, space.setting("folds")))
    if horizon > shortest:
        raise UsageError(
            f"{series.name}: a horizon of {horizon} steps is longer than the validation part "
            f"({shortest} values{' in each fold' if space.setting('folds') > 1 else ''}); "
            "use a shorter horizon or an earlier --split"
        )
    test = len(series.values) - series.test_start
    if series.has_test and horizon > test:
        raise UsageError(
            f"{series.name}: a horizon of {horizon} steps is longer than the test part "
            f"({test} values); use a shorter horizon or a longer --test"
        )


def check_inputs(space: Space, series: Series) -> None:
    """Every combination of inputs the space may ask for is one the series can give."""
    if space.build_model is not None:
        return
    names = InputSpec.FIELDS
    for values in itertools.product(*(space.possible(name) for name in names)):
        InputSpec.of(dict(zip(names, values, strict=True)), series)


def check_writable(out: Path) -> None:
    probe = out
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        raise UsageError(f"{out}: {probe} is a file, not a directory; choose another --out")
    if not os.access(probe, os.W_OK | os.X_OK):
        raise UsageError(
            f"{out}: cannot write in {probe} (permission denied); choose another --out"
        )
