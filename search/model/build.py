"""Recurrent forecasters built from a trial's configuration."""

from __future__ import annotations

import re
import time
from typing import Any

import keras

from search.inputs import InputSpec
from search.space.fields import field_value
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


# With jit_compile="auto", a trial trains this many epochs before its training step is
# compiled with XLA. The compile costs 4-7 s, and saves 0.05 s an epoch for a small LSTM and
# 0.36 s for two layers of 64 (course-exercise, this machine): it pays only a trial that
# lasts, and most trials are pruned or stopped early well before.
XLA_AFTER_EPOCHS = 20
# ... unless an epoch after the first takes longer than the compile: on a long series XLA
# cuts an epoch by a quarter to a third (one LSTM of 32, window 40: 8.5 s without and 6.1
# to 6.6 s with on 300,000 points, 27.9 s and 17 to 21 s on 1,000,000), so it pays within
# a few epochs of such a trial.
XLA_AFTER_SECONDS = 5.0


def xla_from_start(setting: bool | str) -> bool:
    """Whether a model is compiled with XLA from its first epoch (space ``jit_compile``)."""
    return setting is True


def xla_after(setting: bool | str) -> int | None:
    """The epoch from which a model compiled without XLA switches to it; None: never."""
    return XLA_AFTER_EPOCHS if setting == "auto" else None


class XlaAfter(keras.callbacks.Callback):
    """Compiles the model's training step with XLA from epoch ``epoch`` (from 0) on, or
    from the epoch after one (the first apart) that took longer than ``seconds``; its
    forecasting function stays as it is."""

    def __init__(self, epoch: int, seconds: float = XLA_AFTER_SECONDS):
        super().__init__()
        self.epoch, self.seconds = epoch, seconds
        self._began = 0.0
        self._slow = False

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        if (epoch >= self.epoch or self._slow) and not self.model.jit_compile:
            self.model.jit_compile = True
            self.model.make_train_function(force=True)
        self._began = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        # The first epoch also traces the training step: its time says little of the next.
        if epoch > 0 and time.perf_counter() - self._began > self.seconds:
            self._slow = True

    def get_config(self) -> dict[str, Any]:
        return {"epoch": self.epoch, "seconds": self.seconds}


def build_model(
    config: dict[str, Any],
    inputs: InputSpec | None = None,
    *,
    jit_compile: bool = True,
    steps_per_execution: int = STEPS_PER_EXECUTION,
) -> keras.Model:
    """A compiled recurrent forecaster: a ``window`` of scaled values in (with a channel per
    exogenous column, and the ``extra`` inputs beside it where ``inputs`` has any), the next
    value out (the next ``horizon`` values, one output each).

    ``conv_filters`` puts a causal Conv1D before the recurrent layers; ``extra_units`` a
    ReLU layer on the extra inputs beside their linear path; ``linear_skip`` adds
    a linear function of every input to the network's output, trained with it, so that the
    model holds a seasonal linear autoregression and learns what the network adds to it.
    With the course's scaling the model reads raw values and multiplies its output by 100
    through a ``Rescaling`` layer (the course's ``Lambda`` would make the saved model
    unsafe to load).
    """
    inputs = inputs or InputSpec(int(config["window"]))
    window = keras.Input(shape=(inputs.window, inputs.channels), name="window")
    extra = keras.Input(shape=(inputs.extra,), name="extra") if inputs.extra else None
    x = window
    if config.get("conv_filters"):
        x = keras.layers.Conv1D(
            int(config["conv_filters"]),
            int(field_value(config, "conv_kernel")),
            padding="causal",
            activation="relu",
        )(x)
    units = layer_units(config)
    cell = CELLS[config["cell"]]
    for index, width in enumerate(units):
        layer = cell(width, return_sequences=index < len(units) - 1)
        if config.get("bidirectional"):
            layer = keras.layers.Bidirectional(layer)
        x = layer(x)
        if config.get("dropout"):
            x = keras.layers.Dropout(float(config["dropout"]))(x)
    if extra is not None:
        beside = [x, extra]
        if config.get("extra_units"):
            # The lags and the calendar reach the output linearly; this path lets the
            # network read them nonlinearly too (a jump seen a season back, a holiday).
            beside.append(keras.layers.Dense(int(config["extra_units"]), activation="relu")(extra))
        x = keras.layers.Concatenate()(beside)
    skip = bool(config.get("linear_skip"))
    # Beside a linear skip, the network's part starts at zero: the model starts as the
    # seasonal linear autoregression the trainer fits into the skip, and the network
    # learns what it adds (a random start adds noise its first epochs must undo).
    initializer = "zeros" if skip else "glorot_uniform"
    outputs = keras.layers.Dense(inputs.horizon, kernel_initializer=initializer)(x)
    if skip:
        flat = keras.layers.Flatten()(window)
        seen = flat if extra is None else keras.layers.Concatenate()([flat, extra])
        linear = keras.layers.Dense(inputs.horizon, name="linear_skip")(seen)
        outputs = keras.layers.Add()([outputs, linear])
    if config.get("scaling") == "course":
        outputs = keras.layers.Rescaling(COURSE_OUTPUT_SCALE, name="course_output_scale")(outputs)
    model_inputs = window if extra is None else {"window": window, "extra": extra}
    name = re.sub(r"[^A-Za-z0-9_-]+", "_", describe(config)).strip("_")
    model = keras.Model(model_inputs, outputs, name=name)
    model.compile(
        optimizer=make_optimizer(config),
        loss=config["loss"],
        jit_compile=jit_compile,
        steps_per_execution=steps_per_execution,
    )
    return model
