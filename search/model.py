"""Recurrent forecasters built from a trial's configuration, and their stand-alone form."""

from __future__ import annotations

from typing import Any

import keras

from search.data.scaling import Scaler
from search.vocabulary import describe, layer_units

CELLS = {"rnn": keras.layers.SimpleRNN, "lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
COURSE_OUTPUT_SCALE = 100.0

# Several batches per call into the compiled step: on 2 CPU cores this roughly halves
# the seconds per epoch of small recurrent models.
STEPS_PER_EXECUTION = 16


def make_optimizer(config: dict[str, Any]) -> keras.optimizers.Optimizer:
    """The configuration's optimizer at its learning rate."""
    name, rate = config["optimizer"], float(config["learning_rate"])
    if name == "sgd":
        return keras.optimizers.SGD(rate, momentum=float(config.get("momentum", 0.0)))
    return {
        "adam": keras.optimizers.Adam,
        "adamw": keras.optimizers.AdamW,
        "rmsprop": keras.optimizers.RMSprop,
    }[name](rate)


def build_model(
    config: dict[str, Any],
    *,
    jit_compile: bool = True,
    steps_per_execution: int = STEPS_PER_EXECUTION,
) -> keras.Model:
    """A compiled recurrent forecaster: ``window`` scaled values in, the next value out.

    With the course's scaling the model reads raw values and multiplies its output by 100
    through a ``Rescaling`` layer (the course's ``Lambda`` would make the saved model
    unsafe to load).
    """
    units = layer_units(config)
    cell = CELLS[config["cell"]]
    inputs = keras.Input(shape=(int(config["window"]), 1), name="window")
    x = inputs
    for index, width in enumerate(units):
        layer = cell(width, return_sequences=index < len(units) - 1)
        if config.get("bidirectional"):
            layer = keras.layers.Bidirectional(layer)
        x = layer(x)
        if config.get("dropout"):
            x = keras.layers.Dropout(float(config["dropout"]))(x)
    outputs = keras.layers.Dense(1)(x)
    if config.get("scaling") == "course":
        outputs = keras.layers.Rescaling(COURSE_OUTPUT_SCALE, name="course_output_scale")(outputs)
    model = keras.Model(inputs, outputs, name=describe(config).replace(" ", "_"))
    model.compile(
        optimizer=make_optimizer(config),
        loss=config["loss"],
        jit_compile=jit_compile,
        steps_per_execution=steps_per_execution,
    )
    return model


def stand_alone(model: keras.Model, scaler: Scaler, window: int) -> keras.Model:
    """The trained ``model`` wrapped to read raw windows ``(batch, window)`` and return raw
    forecasts ``(batch,)``, with the scaling inside as built-in layers, so that it loads
    with ``safe_mode=True`` and needs nothing else to be used."""
    # A clean copy: the wrapper carries the weights, not the training state of the optimizer.
    core = keras.models.clone_model(model)
    core.set_weights(model.get_weights())
    inputs = keras.Input(shape=(window,), name="window")
    x = keras.layers.Reshape((window, 1))(inputs)
    if scaler.kind == "standard":
        x = keras.layers.Rescaling(
            1.0 / scaler.std, offset=-scaler.mean / scaler.std, name="standardise"
        )(x)
    y = core(x)
    if scaler.kind == "standard":
        y = keras.layers.Rescaling(scaler.std, offset=scaler.mean, name="unstandardise")(y)
    y = keras.layers.Reshape(())(y)
    return keras.Model(inputs, y, name="forecaster")
