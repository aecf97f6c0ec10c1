"""Where a series is cut: the training, validation and test parts, and the validation folds.

The test part is the last one; the validation part is the stretch before it, and ``folds``
cuts it into blocks in time order, each forecast by a model trained on everything before it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.data.series import Series
from search.errors import DataError

# A CSV file's parts when none are given: the last 10 % tests, the 20 % before it validates.
DEFAULT_TEST_FRACTION = 0.1
DEFAULT_VALIDATION_FRACTION = 0.2


@dataclass(frozen=True)
class Fold:
    """One validation block, ``values[start:end]``, forecast by a model trained on
    ``values[:start]``. Folds are numbered from 1."""

    number: int
    start: int
    end: int


def backtest_folds(series: Series, count: int) -> list[Fold]:
    """The validation part cut into ``count`` blocks of (nearly) equal length, in time order
    (an expanding-window backtest: fold k trains on everything before its block)."""
    blocks = np.array_split(np.arange(series.split, series.test_start), count)
    found = [Fold(i + 1, int(b[0]), int(b[-1]) + 1) for i, b in enumerate(blocks) if len(b)]
    short = [f for f in found if len(series.labels(f.start, f.end)) < 2]
    if len(found) < count or short:
        size = (series.test_start - series.split) // count
        raise DataError(
            f"{series.name}: {count} folds leave blocks of {size} validation values; give "
            "fewer folds or a longer validation part (an earlier --split)"
        )
    return found


# Windows before the validation part on which the statistical baselines are scored too, so
# that the answer's statistical mix is chosen on more than the validation points
# (AutoGluon-TimeSeries' num_val_windows): two, each the validation part's length.
EARLIER_WINDOWS = 2


def earlier_windows(series: Series, count: int = EARLIER_WINDOWS) -> list[Fold]:
    """Up to ``count`` blocks just before the validation part, each as long as it, in time
    order; a block is kept only where at least its length (and 30 values, and two of the
    shortest season) come before it."""
    size = series.test_start - series.split
    least = max(size, 30, 2 * min(series.seasons, default=0))
    starts = [series.split - k * size for k in range(count, 0, -1)]
    kept = [s for s in starts if s >= least]
    return [Fold(i + 1, s, s + size) for i, s in enumerate(kept)]


def short_of_a_season(series: Series) -> str | None:
    """A note for a validation part shorter than the longest season where an earlier split
    would hold one (with two seasons of training before it); None otherwise."""
    season = max(series.seasons, default=0)
    earlier = holding_a_season(series.split, series.test_start, series.seasons)
    if earlier == series.split:
        return None
    return (
        f"the validation part holds {series.test_start - series.split} values, less than "
        f"the longest season ({season}): a selection sees only that part of the cycle; "
        f"--split {earlier} gives it a whole one"
    )


def resolve_parts(
    length: int,
    split: int | float | None,
    test: int | float | None,
    *,
    where: str,
    default_test: float = 0.0,
    default_split: int | None = None,
    seasons: tuple[int, ...] = (),
) -> tuple[int, int]:
    """The first validation index and the first test index (``length`` for no test part).

    ``test`` is a number of rows at the end or a fraction of the series (0: none); when it
    is not given, ``default_test`` is the fraction, as long as it makes a whole row.
    ``split`` is the first validation row or the training fraction. When it is not given,
    the validation part starts at ``default_split`` or, without one, is the 20 % of the
    series just before the test part; and either moves back to hold the longest of
    ``seasons`` whole where the training part keeps two: a selection sees only the part of the
    cycle its validation part holds. A given ``split`` is never moved.
    """
    if test is None:
        test_rows = round(length * default_test)
        test_rows = test_rows if 0 < test_rows < length - 2 else 0
    else:
        test_rows = _test_rows(test, length, where)
    test_start = length - test_rows
    if split is None and default_split is None:
        fraction = test_start - round(length * DEFAULT_VALIDATION_FRACTION)
        index = holding_a_season(fraction, test_start, seasons)
        if not 0 < index < test_start:
            raise DataError(
                f"{where}: the series has only {length} values, too few for a training part "
                "and a validation part; give more rows"
            )
        return index, test_start
    if split is None:
        split = holding_a_season(default_split, test_start, seasons)
    if isinstance(split, float) and not float(split).is_integer():
        if not 0 < split < 1:
            raise DataError(f"{where}: split {split} is not a training fraction between 0 and 1")
        index = round(length * split)
    else:
        index = int(split)
    if not 0 < index < length:
        raise DataError(
            f"{where}: split {split} is outside the series (it has {length} values); "
            f"give a row index between 1 and {length - 1} or a fraction such as 0.8"
        )
    if index >= test_start:
        raise DataError(
            f"{where}: split {split} leaves no validation part before the test part (its last "
            f"{test_rows} values, from row {test_start}); give an earlier --split or a "
            "smaller --test"
        )
    return index, test_start


def holding_a_season(index: int, test_start: int, seasons: tuple[int, ...]) -> int:
    """``index``, or earlier so that the validation part holds the longest of ``seasons``
    whole, where the training part keeps two of it."""
    season = max(seasons, default=0)
    if 2 * season <= test_start - season < index:
        return test_start - season
    return index


def _test_rows(test: int | float, length: int, where: str) -> int:
    if test == 0:
        return 0
    if isinstance(test, float) and not float(test).is_integer():
        if not 0 < test < 1:
            raise DataError(
                f"{where}: test {test} is neither a number of rows nor a fraction between 0 and 1"
            )
        rows = round(length * test)
    else:
        rows = int(test)
    if not 0 < rows < length - 2:
        raise DataError(
            f"{where}: a test part of {rows} values leaves too little of the {length} values "
            "before it; give a smaller --test"
        )
    return rows
