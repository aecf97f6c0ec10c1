"""Where a run's series comes from and how it is cut: one value for the options that choose it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from search.data.builtin import BUILTIN_NAMES, SEASONS, builtin_series
from search.data.csvfile import read_csv_series
from search.data.series import Series
from search.errors import DataError
from search.vocabulary import FILLS


@dataclass(frozen=True)
class DataSource:
    """A built-in series or a CSV file, with what chooses and cuts its series.

    ``data``: a built-in name or a CSV path; ``column`` and ``time_column`` pick the CSV's
    columns; ``split`` is where validation starts (a row or a training fraction); ``test``
    the test part at the end (rows or a fraction; 0 for none); ``fill`` how missing values
    are filled; ``season`` the seasonal periods (``None``: from the time stamps, or a year
    for the built-ins; ``()``: no season); ``features`` the CSV's exogenous columns, and
    ``known`` those of them known in advance.
    """

    data: str
    column: str | None = None
    time_column: str | None = None
    split: int | float | None = None
    test: int | float | None = None
    fill: str | None = None
    season: tuple[int, ...] | None = None
    features: tuple[str, ...] = ()
    known: tuple[str, ...] = ()

    @property
    def builtin(self) -> bool:
        return self.data in BUILTIN_NAMES

    def load(self) -> Series:
        """The series, checked: a ``DataError`` with one line for anything unusable."""
        if self.builtin:
            if self.column or self.time_column or self.fill or self.features or self.known:
                raise DataError(
                    f"{self.data} is a built-in series: --column, --time-column, --fill, "
                    "--features and --known apply to CSV files only"
                )
            return builtin_series(
                self.data,
                split=self.split,
                test=self.test,
                seasons=SEASONS if self.season is None else self.season,
            )
        if (
            not self.data.lower().endswith(".csv")
            and "/" not in self.data
            and "\\" not in self.data
        ):
            raise DataError(
                f"unknown data set {self.data!r}: give a CSV file or one of "
                f"{', '.join(BUILTIN_NAMES)}"
            )
        if self.fill is not None and self.fill not in FILLS:
            raise DataError(f"unknown --fill {self.fill!r}; choose {' or '.join(FILLS)}")
        return read_csv_series(
            self.data,
            self.column,
            time_column=self.time_column,
            split=self.split,
            test=self.test,
            fill=self.fill,
            seasons=self.season,
            features=self.features,
            known=self.known,
        )

    def resolved(self) -> DataSource:
        """The same source with a CSV path made absolute, so that it can be read again from
        another working directory."""
        if self.builtin:
            return self
        return replace(self, data=str(Path(self.data).resolve()))

    def get_config(self) -> dict[str, Any]:
        config = asdict(self)
        config["season"] = None if self.season is None else list(self.season)
        config["features"], config["known"] = list(self.features), list(self.known)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> DataSource:
        known = {k: config.get(k) for k in cls.__dataclass_fields__}
        if known["season"] is not None:
            known["season"] = tuple(known["season"])
        # Sources recorded before features existed have none.
        known["features"] = tuple(known["features"] or ())
        known["known"] = tuple(known["known"] or ())
        return cls(**known)
