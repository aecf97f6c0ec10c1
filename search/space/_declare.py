"""Declaring a space on Keras Tuner's ``HyperParameters``: every dimension registered, with
its conditions (``units_3`` exists only when depth is 3; ``momentum`` only with sgd), and the
trial's full configuration read back."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from search.space.dimensions import Auto, Dimension

if TYPE_CHECKING:
    import keras_tuner as kt


class Space(Protocol):
    """What declaring reads of a ``search.space.Space``."""

    fields: dict[str, Any]
    points: dict[str, dict[str, Any]]
    units_per_layer: bool

    def possible(self, field: str) -> list[Any]: ...


def declare(space: Space, hp: kt.HyperParameters) -> dict[str, Any]:
    """Register ``space`` on ``hp`` and return the trial's full configuration
    (``Space.declare``)."""
    config: dict[str, Any] = {}
    point: dict[str, Any] = {}
    if space.points:
        config["point"] = hp.Choice("point", list(space.points), ordered=False)
        point = space.points[config["point"]]
    for field, value in space.fields.items():
        if field in point:
            config[field] = point[field]
        elif field == "units":
            config.update(_declare_units(space, hp, value, config))
        elif field == "momentum":
            config.update(_declare_momentum(space, hp, value, config, point))
        elif isinstance(value, Auto):
            config[Auto.SCALE] = value.declare(hp, field)
            config[field] = None  # the range test's rate times the scale, found later
        else:
            config[field] = _declare(hp, field, value)
    return config


def _declare_units(
    space: Space, hp: kt.HyperParameters, units: Any, config: dict
) -> dict[str, Any]:
    depth = space.fields["depth"]
    deepest = max(space.possible("depth"))
    if not isinstance(units, Dimension) or not space.units_per_layer or deepest == 1:
        return {"units": _declare(hp, "units", units)}
    declared = {}
    for layer in range(1, deepest + 1):
        name = f"units_{layer}"
        if isinstance(depth, Dimension) and layer > 1:
            needs = [d for d in depth.options() if d >= layer]
            value = _declare(hp, name, units, parent_name="depth", parent_values=needs)
        elif layer <= config["depth"]:
            value = _declare(hp, name, units)
        else:
            value = None
        if value is not None:
            declared[name] = value
    return declared


def _declare_momentum(
    space: Space, hp: kt.HyperParameters, momentum: Any, config: dict, point: dict
) -> dict[str, Any]:
    optimizer = space.fields["optimizer"]
    if isinstance(optimizer, Dimension) and "sgd" in optimizer.options():
        value = _declare(hp, "momentum", momentum, parent_name="optimizer", parent_values=["sgd"])
        return {} if value is None else {"momentum": value}
    if config.get("optimizer") == "sgd":
        return {"momentum": _declare(hp, "momentum", momentum)}
    return {}


def _declare(hp: kt.HyperParameters, name: str, value: Any, **condition: Any) -> Any:
    if isinstance(value, Dimension):
        return value.declare(hp, name, **condition)
    return hp.Fixed(name, value, **condition)
