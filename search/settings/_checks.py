"""The checks of the settings and the command line's words for them: each check says what
is wrong with a value (or None); each word parser turns a word into a value, or raises
ValueError if the word is no value at all."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from search.kinds import is_int, is_number, is_whole
from search.stopping import parse_duration

MAX_FOLDS = 20
MAX_SEASON = 100_000

# NumPy's seeds stop at 2**32 - 1, and a run adds the trial number, 1000 per worker and
# up to a million (the Optuna sampler's offset) to the run's seed.
MAX_SEED = 2**31 - 1

Check = Callable[[Any], "str | None"]


# -- checks ----------------------------------------------------------------------------


def whole(low: int, high: int | None = None, *, none: bool = False) -> Check:
    above = f"from {low} to {high}" if high is not None else f"{low} or more"
    message = f"must be a whole number {above}" + (", or None" if none else "")

    def check(value: Any) -> str | None:
        if none and value is None:
            return None
        ok = is_int(value) and value >= low and (high is None or value <= high)
        return None if ok else f"{message}, not {value!r}"

    return check


def one_of(names: tuple[str, ...], what: str, *, none: bool = False) -> Check:
    def check(value: Any) -> str | None:
        if (none and value is None) or value in names:
            return None
        return f"unknown {what} {value!r}; expected one of {', '.join(names)}"

    return check


def column(value: Any) -> str | None:
    return None if value is None or isinstance(value, str) else "must be a column name"


def columns(value: Any) -> str | None:
    ok = isinstance(value, (list, tuple)) and all(isinstance(c, str) and c for c in value)
    return None if ok else "must be a list of column names"


def data(value: Any) -> str | None:
    if isinstance(value, str) and value:
        return None
    from search.data import BUILTIN_NAMES  # pandas: only when a space is checked

    return f"must be a built-in series ({', '.join(BUILTIN_NAMES)}) or a CSV path"


def split(value: Any) -> str | None:
    if value is None or (is_number(value) and value > 0):
        return None
    return "must be a row index or a training fraction between 0 and 1"


def test(value: Any) -> str | None:
    if value is None or (is_whole(value) and value >= 0) or (is_number(value) and 0 < value < 1):
        return None
    return "must be a number of rows at the end (0 for none) or a fraction between 0 and 1"


def season(value: Any) -> str | None:
    periods = [value] if is_int(value) else value
    if (
        value is None
        or value == 0
        or (
            isinstance(periods, (list, tuple))
            and all(is_int(p) and 2 <= p <= MAX_SEASON for p in periods)
        )
    ):
        return None
    return (
        f"must be a period in steps (2 to {MAX_SEASON}), a list of them such as [48, 336], "
        "0 for none, or None to take them from the time stamps"
    )


def target(value: Any) -> str | None:
    return None if value is None or (is_number(value) and value > 0) else "must be a number above 0"


def budget(value: Any) -> str | None:
    if value is None:
        return None
    try:
        parse_duration(value)
    except ValueError as exc:
        return str(exc)
    except OverflowError:  # an int too large for a float
        return f"{value!r} is too long a budget"
    return None


def jit(value: Any) -> str | None:
    return None if isinstance(value, bool) or value == "auto" else 'must be True, False or "auto"'


def boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be True or False"


def name(value: Any) -> str | None:
    return None if isinstance(value, str) and value else "must be a non-empty string"


# -- the command line's words -------------------------------------------------------------
# Each turns a word into a value, or raises ValueError if the word is no value at all;
# whether the value is allowed is the setting's check, the same for a space file.


def number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() else value


def periods(text: str) -> tuple[int, ...]:
    if text.strip().lower() == "none":
        return ()
    return tuple(sorted({int(part) for part in text.split(",")}))


def names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(","))


def text(text: str) -> str:
    return text


EXPECTED = {
    int: "a whole number",
    number: "a number such as 365 or 0.1",
    periods: "a list of periods such as 7 or 48,336 (or none)",
    names: "a list of column names such as a,b",
    text: "a word",
}
