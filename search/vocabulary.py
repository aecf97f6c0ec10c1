"""The words of a configuration, without Keras: cells, losses, optimizers, and a model's
short name. The space checks values against them; the leaderboard, the progress lines and
the report name models with them."""

from __future__ import annotations

from typing import Any

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
