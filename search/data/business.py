"""Business calendars: a series recorded only when a business is open. Trading days (a row
a weekday, holidays left out) and opening hours (a row every five minutes from 07:00 to
21:00 on weekdays, or on every day of the week) read as consecutive steps: nights, weekends
and holidays are no gap, as pandas' business-day and custom business-hour frequencies
count them.

``business_calendar`` recognises one from the time stamps; the calendar says how many steps
lie between two stamps, which stamp lies some steps after another, and its seasons (a
business week of trading days; a business day and week of opening hours).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# This many missing weekdays in a row, or fewer, are days the business was closed (a
# holiday; Christmas and Boxing Day), not lost rows.
CLOSED_DAYS = 2

WEEKDAYS = "1111100"
EVERY_DAY = "1111111"
_DAY = np.timedelta64(1, "D")


@dataclass(frozen=True)
class BusinessCalendar:
    """Open days (``weekmask``, Monday first) and, on each, the times of day of its rows
    (``slots``: seconds after midnight, in order; one for trading days)."""

    weekmask: str
    slots: tuple[int, ...]

    @property
    def per_day(self) -> int:
        return len(self.slots)

    @property
    def seasons(self) -> tuple[int, ...]:
        """A business week of days; a business day and week of opening hours."""
        week = self.weekmask.count("1")
        return (week,) if self.per_day == 1 else (self.per_day, week * self.per_day)

    def describe(self) -> str:
        days = "weekdays" if self.weekmask == WEEKDAYS else "every day"
        if self.per_day == 1:
            return "business days"
        first, last = (_clock(s) for s in (self.slots[0], self.slots[-1]))
        return f"opening hours, {self.per_day} steps from {first} to {last} on {days}"

    def counts(self, time: np.ndarray) -> np.ndarray:
        """How many steps each step between consecutive rows counts as: one within a day
        and from one open day's close to the next one's opening, holidays of at most
        ``CLOSED_DAYS`` left out; more across missing rows."""
        days, slot = self._place(time)
        apart = np.busday_count(days[:-1], days[1:], weekmask=self.weekmask)
        whole = np.where(apart - 1 > CLOSED_DAYS, apart, np.minimum(apart, 1))
        return (whole * self.per_day + slot[1:] - slot[:-1]).astype("float64")

    def offset(self, time: np.ndarray, steps: np.ndarray) -> np.ndarray:
        """Each stamp of ``time`` moved ``steps`` rows of the calendar on."""
        days, slot = self._place(time)
        total = slot + np.asarray(steps, dtype="int64")
        moved = np.busday_offset(days, total // self.per_day, weekmask=self.weekmask)
        clock = np.array(self.slots, dtype="int64")[total % self.per_day]
        return (moved.astype("datetime64[s]") + clock.astype("timedelta64[s]")).astype(time.dtype)

    def position(self, stamp: np.datetime64) -> int:
        """How many rows of the calendar lie between 1970-01-01 and ``stamp``."""
        days, slot = self._place(np.asarray([stamp]))
        opened = np.busday_count(np.datetime64("1970-01-01", "D"), days[0], weekmask=self.weekmask)
        return int(opened) * self.per_day + int(slot[0])

    def _place(self, time: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each stamp's day and the index of its time of day among the slots."""
        days = np.asarray(time).astype("datetime64[D]")
        clock = (np.asarray(time).astype("datetime64[s]") - days).astype("int64")
        return days, np.searchsorted(np.array(self.slots, dtype="int64"), clock)


def business_calendar(time: np.ndarray | None) -> BusinessCalendar | None:
    """The business calendar the date stamps follow, or None.

    Trading days: every row on a weekday at one time of day, the usual step one weekday,
    and a weekend between the first and the last row. Opening hours: rows at a regular
    step within each day, between one opening and one closing time that leave part of the
    day closed (or on weekdays only), on more than one day."""
    if time is None or len(time) < 3 or np.asarray(time).dtype.kind != "M":
        return None
    time = np.asarray(time)
    days = time.astype("datetime64[D]")
    clock = (time.astype("datetime64[s]") - days).astype("int64")
    span = int((days[-1] - days[0]) / _DAY)
    weekdays = bool(np.is_busday(days).all())
    weekend_between = np.busday_count(days[0], days[-1]) < span
    if (clock == clock[0]).all():
        if not weekdays or not weekend_between:
            return None
        usual = pd.Series(np.busday_count(days[:-1], days[1:])).mode().iloc[0]
        return BusinessCalendar(WEEKDAYS, (int(clock[0]),)) if usual == 1 else None
    same_day = days[1:] == days[:-1]
    within = np.diff(clock)[same_day]
    if len(within) == 0 or same_day.all():
        return None
    step = int(pd.Series(within).mode().iloc[0])
    opening, closing = int(clock.min()), int(clock.max())
    if step <= 0 or ((clock - opening) % step != 0).any():
        return None
    slots = tuple(range(opening, closing + 1, step))
    closed_part = closing + step - opening < 86400
    if weekdays and weekend_between:
        return BusinessCalendar(WEEKDAYS, slots)
    return BusinessCalendar(EVERY_DAY, slots) if closed_part else None


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"
