"""Data sets: the course's built-in series and CSV files, split, windowed and scaled."""

from dataclasses import replace

from search.data.baselines import BASELINES, baseline_forecasts, baseline_scores
from search.data.builtin import BUILTIN_NAMES, builtin_series
from search.data.csvfile import (
    DEFAULT_VALIDATION_FRACTION,
    FILLS,
    read_csv_series,
    resolve_split,
)
from search.data.scaling import SCALINGS, Scaler
from search.data.series import Series
from search.data.windows import forecast_windows, training_windows
from search.errors import DataError

__all__ = [
    "BASELINES",
    "BUILTIN_NAMES",
    "DEFAULT_VALIDATION_FRACTION",
    "FILLS",
    "SCALINGS",
    "Scaler",
    "Series",
    "baseline_forecasts",
    "baseline_scores",
    "builtin_series",
    "forecast_windows",
    "load_series",
    "read_csv_series",
    "training_windows",
]


def load_series(
    source: str,
    *,
    column: str | None = None,
    time_column: str | None = None,
    split: int | float | None = None,
    fill: str | None = None,
) -> Series:
    """A built-in series by name, or the CSV file at ``source``."""
    if source in BUILTIN_NAMES:
        if column or time_column or fill:
            raise DataError(
                f"{source} is a built-in series: --column, --time-column and --fill apply "
                "to CSV files only"
            )
        series = builtin_series(source)
        if split is not None:
            series = replace(series, split=resolve_split(split, len(series.values), where=source))
        return series
    if not source.lower().endswith(".csv") and "/" not in source and "\\" not in source:
        raise DataError(
            f"unknown data set {source!r}: give a CSV file or one of {', '.join(BUILTIN_NAMES)}"
        )
    return read_csv_series(source, column, time_column=time_column, split=split, fill=fill)
