"""The settings of a space: what a run searches on and how, as opposed to what may vary."""

from __future__ import annotations

from typing import Any

from search.data import BUILTIN_NAMES, FILLS
from search.errors import SpaceError
from search.names import PRUNERS, TUNERS
from search.space.fields import is_int, is_number
from search.stopping import parse_duration

MAX_FOLDS = 20
MAX_SEASON = 100_000

# NumPy's seeds stop at 2**32 - 1, and a run adds the trial number, 1000 per worker and
# up to a million (the Optuna sampler's offset) to the run's seed.
MAX_SEED = 2**31 - 1

# Settings added after the first version, and their defaults: a space's fingerprint leaves
# them out while they are at their defaults, so that runs made before them still resume.
LATER_DEFAULTS = {
    "test": None,
    "season": None,
    "folds": 1,
    "features": [],
    "known": [],
    "horizon": 1,
}


def check_settings(a: dict[str, Any]) -> None:
    """Refuse a setting that a run cannot use, naming it."""
    _require(
        isinstance(a["data"], str) and a["data"],
        "data",
        f"must be a built-in series ({', '.join(BUILTIN_NAMES)}) or a CSV path",
    )
    for name in ("column", "time_column"):
        _require(a[name] is None or isinstance(a[name], str), name, "must be a column name")
    split = a["split"]
    _require(
        split is None or (is_number(split) and split > 0),
        "split",
        "must be a row index or a training fraction between 0 and 1",
    )
    test = a["test"]
    _require(
        test is None
        or (is_int(test) and test >= 0)
        or (is_number(test) and float(test).is_integer() and test >= 0)
        or (is_number(test) and 0 < test < 1),
        "test",
        "must be a number of rows at the end (0 for none) or a fraction between 0 and 1",
    )
    _require(a["fill"] is None or a["fill"] in FILLS, "fill", f"must be one of {', '.join(FILLS)}")
    season = a["season"]
    seasons = [season] if is_int(season) else season
    _require(
        season is None
        or season == 0
        or (
            isinstance(seasons, (list, tuple))
            and all(is_int(s) and 2 <= s <= MAX_SEASON for s in seasons)
        ),
        "season",
        f"must be a period in steps (2 to {MAX_SEASON}), a list of them such as [48, 336], "
        "0 for none, or None to take them from the time stamps",
    )
    for name in ("features", "known"):
        _require(
            isinstance(a[name], list) and all(isinstance(c, str) and c for c in a[name]),
            name,
            "must be a list of column names",
        )
    _require(
        set(a["known"]) <= set(a["features"]),
        "known",
        "names columns known in advance; each must also be among the features",
    )
    _require(
        is_int(a["folds"]) and 1 <= a["folds"] <= MAX_FOLDS,
        "folds",
        f"must be a whole number from 1 to {MAX_FOLDS}",
    )
    _require(
        is_int(a["horizon"]) and 1 <= a["horizon"] <= MAX_SEASON,
        "horizon",
        f"must be a whole number of steps from 1 to {MAX_SEASON}",
    )
    _require(
        is_int(a["epochs"]) and a["epochs"] >= 1, "epochs", "must be a whole number, 1 or more"
    )
    _require(
        a["patience"] is None or (is_int(a["patience"]) and a["patience"] >= 1),
        "patience",
        "must be a whole number, 1 or more, or None",
    )
    _require(
        is_int(a["seed"]) and 0 <= a["seed"] <= MAX_SEED,
        "seed",
        f"must be a whole number from 0 to {MAX_SEED}",
    )
    _require(
        a["target"] is None or (is_number(a["target"]) and a["target"] > 0),
        "target",
        "must be a number above 0",
    )
    _require(
        a["tuner"] in TUNERS,
        "tuner",
        f"unknown tuner {a['tuner']!r}; expected one of {', '.join(TUNERS)}",
    )
    _require(
        a["pruner"] is None or a["pruner"] in PRUNERS,
        "pruner",
        f"unknown pruner {a['pruner']!r}; expected one of {', '.join(PRUNERS)}",
    )
    if a["tuner"] == "hyperband" and a["pruner"] not in (None, "none"):
        raise SpaceError(
            "the hyperband tuner stops trials itself; leave pruner unset", field="pruner"
        )
    if a["tuner"] == "hyperband" and a["folds"] != 1:
        raise SpaceError(
            "the hyperband tuner trains trials on from saved weights, but each fold trains "
            "afresh; use tuner='tpe' with pruner='hyperband'",
            field="folds",
        )
    _require(
        is_int(a["trials"]) and a["trials"] >= 1, "trials", "must be a whole number, 1 or more"
    )
    if a["budget"] is not None:
        try:
            parse_duration(a["budget"])
        except ValueError as exc:
            raise SpaceError(str(exc), field="budget") from None
        except OverflowError:  # an int too large for a float
            raise SpaceError(f"{a['budget']!r} is too long a budget", field="budget") from None
    _require(
        is_int(a["max_failures"]) and a["max_failures"] >= 1,
        "max_failures",
        "must be a whole number, 1 or more",
    )
    _require(
        isinstance(a["jit_compile"], bool) or a["jit_compile"] == "auto",
        "jit_compile",
        'must be True, False or "auto"',
    )
    _require(isinstance(a["units_per_layer"], bool), "units_per_layer", "must be True or False")
    _require(isinstance(a["name"], str) and a["name"], "name", "must be a non-empty string")


def _require(condition: Any, field: str, message: str) -> None:
    if not condition:
        raise SpaceError(message, field=field)
