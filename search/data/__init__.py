"""Data sets: the course's built-in series and CSV files, cut into parts, windowed, scaled."""

from search.data.builtin import BUILTIN_NAMES, builtin_series
from search.data.csvfile import read_csv_series
from search.data.parts import (
    DEFAULT_TEST_FRACTION,
    DEFAULT_VALIDATION_FRACTION,
    Fold,
    backtest_folds,
    earlier_windows,
    resolve_parts,
    short_of_a_season,
)
from search.data.scaling import SCALINGS, Scaler
from search.data.seasons import seasonal_lags, seasons_of
from search.data.series import Series
from search.data.source import DataSource
from search.data.windows import actual, lagged, window_lags
from search.vocabulary import FILLS

__all__ = [
    "BUILTIN_NAMES",
    "DEFAULT_TEST_FRACTION",
    "DEFAULT_VALIDATION_FRACTION",
    "FILLS",
    "SCALINGS",
    "DataSource",
    "Fold",
    "Scaler",
    "Series",
    "actual",
    "backtest_folds",
    "builtin_series",
    "earlier_windows",
    "lagged",
    "read_csv_series",
    "resolve_parts",
    "seasonal_lags",
    "seasons_of",
    "short_of_a_season",
    "window_lags",
]
