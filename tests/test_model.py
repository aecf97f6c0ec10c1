"""Models built from configurations, and their stand-alone form."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from search.data import Scaler
from search.inputs import Assembly, InputSpec
from search.inputs.standalone import stand_alone
from search.model.build import XlaAfter, build_model
from search.vocabulary import describe, layer_units

BASE = {
    "cell": "lstm",
    "depth": 1,
    "units": 4,
    "bidirectional": False,
    "dropout": 0.0,
    "optimizer": "adam",
    "learning_rate": 1e-3,
    "loss": "huber",
    "window": 6,
    "scaling": "standard",
    "batch_size": 8,
}


def _config(**changes):
    return {**BASE, **changes}


@pytest.mark.parametrize("cell, layer", [("rnn", "SimpleRNN"), ("lstm", "LSTM"), ("gru", "GRU")])
def test_each_cell_builds_stacked_layers_that_return_sequences_but_the_last(cell, layer):
    model = build_model(_config(cell=cell, depth=3, units=5), jit_compile=False)
    recurrent = [lay for lay in model.layers if type(lay).__name__ == layer]
    assert len(recurrent) == 3
    assert [lay.return_sequences for lay in recurrent] == [True, True, False]
    assert model.output_shape == (None, 1)


def test_per_layer_units_and_bidirectional_layers():
    config = _config(depth=2, bidirectional=True, units_1=8, units_2=3)
    config.pop("units")
    assert layer_units(config) == [8, 3]
    model = build_model(config, jit_compile=False)
    wrapped = [lay for lay in model.layers if isinstance(lay, keras.layers.Bidirectional)]
    assert [w.forward_layer.units for w in wrapped] == [8, 3]
    assert describe(config) == "BiLSTM 8-3"


def test_the_course_scaling_multiplies_the_output_by_100_with_a_builtin_layer():
    model = build_model(_config(scaling="course"), jit_compile=False)
    last = model.layers[-1]
    assert isinstance(last, keras.layers.Rescaling) and last.scale == 100.0
    assert not any(isinstance(lay, keras.layers.Lambda) for lay in model.layers)


def test_optimizer_loss_and_rate_come_from_the_configuration():
    model = build_model(
        _config(optimizer="sgd", momentum=0.8, learning_rate=5e-6, loss="mse"), jit_compile=False
    )
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert float(model.optimizer.learning_rate) == pytest.approx(5e-6)
    assert float(model.optimizer.momentum) == pytest.approx(0.8)
    assert model.loss == "mse"


def test_the_stand_alone_model_reads_raw_windows_and_loads_safely(tmp_path):
    model = build_model(_config(), jit_compile=False)
    assembly = Assembly(InputSpec(6), Scaler("standard", mean=50.0, std=10.0))
    raw = np.random.RandomState(0).uniform(30, 70, size=(5, 6)).astype("float32")
    scaler = assembly.scaler
    expected = scaler.inverse(model.predict_on_batch(scaler.transform(raw)[..., None])[:, 0])
    wrapped = stand_alone(model, assembly)
    path = tmp_path / "model.keras"
    wrapped.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert np.allclose(loaded.predict_on_batch(raw), expected, atol=1e-4)


def test_a_conv_front_end_and_a_linear_skip_are_built_in_layers_around_the_recurrent_ones():
    spec = InputSpec(6, lags=(14, 13), features=("t",), phases=(7,))
    model = build_model(
        _config(conv_filters=4, conv_kernel=3, linear_skip=True), spec, jit_compile=False
    )
    conv = [lay for lay in model.layers if isinstance(lay, keras.layers.Conv1D)]
    assert conv and conv[0].padding == "causal" and conv[0].filters == 4
    skip = model.get_layer("linear_skip")
    # The skip sees every input: the window's 6 steps x 2 channels and the 4 extra values.
    assert skip.kernel.shape == (6 * 2 + 2 + 2, 1)
    assert {t.name for t in model.inputs} == {"window", "extra"}
    assert describe({**_config(conv_filters=4, linear_skip=True, seasonal_lags=True)}) == (
        "Conv4 LSTM 4 +lags +skip"
    )


def test_a_model_trained_without_xla_switches_to_it_at_the_epoch_asked():
    """Short trials never pay XLA's compile; one that lasts is compiled from that epoch on
    and goes on training from where it was."""
    keras.utils.set_random_seed(0)
    model = build_model(_config(), jit_compile=False)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 6, 1)).astype("float32")
    y = x[:, -1] * 0.5
    compiled: list[bool] = []

    class Watch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            compiled.append(self.model.jit_compile)

    history = model.fit(x, y, epochs=3, batch_size=16, callbacks=[XlaAfter(1), Watch()], verbose=0)
    assert compiled == [False, True, True]
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]


@pytest.mark.parametrize(
    "seconds, expected", [(0.0, [False, False, True, True]), (1e9, [False] * 4)]
)
def test_a_slow_epoch_switches_to_xla_at_the_next_one(seconds, expected):
    """On a long series an epoch costs more than XLA's compile: the switch comes after the
    first epoch slower than the bound, the first epoch (which traces) apart, whatever the
    epoch count asked."""
    model = build_model(_config(), jit_compile=False)
    x = np.random.default_rng(0).normal(size=(32, 6, 1)).astype("float32")
    compiled: list[bool] = []
    watch = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: compiled.append(model.jit_compile)
    )
    switch = XlaAfter(100, seconds=seconds)
    model.fit(x, x[:, -1], epochs=4, batch_size=16, callbacks=[switch, watch], verbose=0)
    assert compiled == expected
    assert switch.get_config() == {"epoch": 100, "seconds": seconds}
