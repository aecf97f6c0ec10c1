"""The words a space or the command line may choose, without Keras: the search algorithms,
pruners and fill methods, the cells, losses and optimizers, and a model's short name. The
space and the settings check values against them; the leaderboard, the progress lines and
the report name models with them. Nothing heavy is imported: the command line's parser reads
it before a run starts."""

from __future__ import annotations

from typing import Any

# Keras Tuner's own oracles; they keep their state in one process.
KERAS_TUNER_ALGORITHMS = ("random", "bayesian", "hyperband", "grid")

# Optuna samplers, run inside Keras Tuner by the Optuna oracle; any number of workers.
OPTUNA_SAMPLERS = ("tpe", "optuna-random", "qmc", "cmaes", "optuna-grid")

# Those that draw values (the grid chooses them): a trial may fix some and draw the rest.
DRAWING_SAMPLERS = tuple(name for name in OPTUNA_SAMPLERS if name != "optuna-grid")

TUNERS = OPTUNA_SAMPLERS + KERAS_TUNER_ALGORITHMS

PRUNERS = ("median", "halving", "hyperband", "none")

# How ``fill`` may fill a CSV file's missing values and time gaps.
FILLS = ("interpolate", "previous")

# What becomes of the answer's networks before the test part: kept as the search trained
# them, or trained again on everything before it.
REFITS = ("none", "full")


def default_pruner(tuner: str) -> str:
    """Median pruning for Optuna's samplers; none for Keras Tuner's algorithms."""
    return "median" if tuner in OPTUNA_SAMPLERS else "none"


CELLS = ("rnn", "lstm", "gru")
CELL_ALIASES = {"simplernn": "rnn", "simple_rnn": "rnn", "rnn": "rnn", "lstm": "lstm", "gru": "gru"}
CELL_TITLES = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
LOSSES = ("huber", "mse", "mae")
OPTIMIZERS = ("adam", "adamw", "rmsprop", "sgd")
TRANSFORMS = ("none", "difference", "seasonal_difference")

# Marks for what a model sees or does beyond its window, in the order shown.
_MARKS = (
    ("seasonal_lags", "+lags"),
    ("calendar", "+calendar"),
    ("linear_skip", "+skip"),
)
_TRANSFORM_MARKS = {
    "difference": " on differences",
    "seasonal_difference": " on seasonal differences",
}


def layer_units(config: dict[str, Any]) -> list[int]:
    """Units of each recurrent layer: ``units_1`` … ``units_<depth>``, or ``units`` for all."""
    depth = int(config["depth"])
    if "units_1" in config:
        return [int(config[f"units_{i}"]) for i in range(1, depth + 1)]
    return [int(config["units"])] * depth


def describe(config: dict[str, Any]) -> str:
    """A short name for a configuration, such as ``BiLSTM 64-32`` or ``Conv16 LSTM 32 +lags
    +skip``; ``custom`` for a model a space builds itself."""
    try:
        prefix = "Bi" if config.get("bidirectional") else ""
        if config.get("conv_filters"):
            prefix = f"Conv{int(config['conv_filters'])} {prefix}"
        units = "-".join(str(u) for u in layer_units(config))
        name = f"{prefix}{CELL_TITLES[config['cell']]} {units}"
    except (KeyError, TypeError, ValueError):
        return "custom"
    marks = "".join(f" {mark}" for field, mark in _MARKS if config.get(field))
    return name + marks + _TRANSFORM_MARKS.get(config.get("transform") or "none", "")
