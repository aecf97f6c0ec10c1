"""A trained model wrapped to read raw values and return forecasts in the series' units:
``(batch,)`` for one step, ``(batch, horizon)`` for several.

Everything between the raw values and the trained model is linear (picking lags,
differencing, scaling), so it is written as built-in layers with fixed weights: the saved
model loads with ``safe_mode=True`` and needs nothing else. Its inputs, as
``search.inputs.assembly.raw_inputs`` makes them: ``history`` (the last ``history`` values,
oldest first), ``features`` (each exogenous column over the window), ``known`` (each known
column at each step ahead, column by column) and ``calendar`` (the sine and cosine of the forecast
time's phase in each season). A model of the window alone reads one ``(batch, window)``
array instead.
"""

from __future__ import annotations

import keras
import numpy as np

from search.data import Scaler
from search.inputs.assembly import Assembly
from search.inputs.spec import InputSpec


def stand_alone(model: keras.Model, assembly: Assembly) -> keras.Model:
    """``model`` (trained on ``assembly``'s inputs) reading raw inputs."""
    spec, scaler = assembly.spec, assembly.scaler
    # A clean copy: the wrapper carries the weights, not the optimizer's training state.
    core = keras.models.clone_model(model)
    core.set_weights(model.get_weights())
    # A model of the window alone reads a plain (batch, window) array, as it always has.
    history = keras.Input(shape=(spec.history,), name="window" if spec.plain else "history")
    inputs = {"history": history}
    window = _dense(history, *_picking(spec, range(spec.window, 0, -1), scaler), "window_values")
    window = keras.layers.Reshape((spec.window, 1))(window)
    if spec.features:
        features = keras.Input(shape=(spec.window, len(spec.features)), name="features")
        inputs["features"] = features
        scaled = _normalised(features, assembly.feature_scalers, "scale_features")
        window = keras.layers.Concatenate(axis=2)([window, scaled])
    extra = []
    if spec.lags:
        extra.append(_dense(history, *_picking(spec, spec.lags, scaler), "seasonal_lags"))
    if spec.known:
        known = keras.Input(shape=(len(spec.known) * spec.horizon,), name="known")
        inputs["known"] = known
        # Column by column, each known column's steps ahead in turn.
        scalers = [
            assembly.feature_scalers[spec.features.index(n)]
            for n in spec.known
            for _ in range(spec.horizon)
        ]
        extra.append(_normalised(known, scalers, "scale_known"))
    if spec.phases:
        calendar = keras.Input(shape=(2 * len(spec.phases),), name="calendar")
        inputs["calendar"] = calendar
        extra.append(calendar)
    if extra:
        joined = extra[0] if len(extra) == 1 else keras.layers.Concatenate()(extra)
        output = core({"window": window, "extra": joined})
    else:
        output = core(window)
    # each step's forecast = its output * std + mean + the value its difference is from
    steps = spec.horizon
    weights = np.zeros((steps + spec.history, steps), dtype="float32")
    weights[np.arange(steps), np.arange(steps)] = scaler.std
    if spec.difference:
        weights[steps + spec.history - spec.base_lags, np.arange(steps)] = 1.0
    joined = keras.layers.Concatenate()([keras.layers.Reshape((steps,))(output), history])
    bias = np.full(steps, scaler.mean, dtype="float32")
    forecast = _dense(joined, weights, bias, "to_series_units")
    if steps == 1:
        forecast = keras.layers.Reshape(())(forecast)
    return keras.Model(history if spec.plain else inputs, forecast, name="forecaster")


def _picking(spec: InputSpec, lags, scaler: Scaler) -> tuple[np.ndarray, np.ndarray]:
    """Weights and bias that make the scaled, differenced values at ``lags`` from the raw
    history (whose column ``history - lag`` holds the value ``lag`` steps back)."""
    lags = list(lags)
    weights = np.zeros((spec.history, len(lags)), dtype="float32")
    for column, lag in enumerate(lags):
        weights[spec.history - lag, column] = 1.0 / scaler.std
        if spec.difference:
            weights[spec.history - lag - spec.difference, column] = -1.0 / scaler.std
    bias = np.full(len(lags), -scaler.mean / scaler.std, dtype="float32")
    return weights, bias


def _dense(x, weights: np.ndarray, bias: np.ndarray, name: str):
    layer = keras.layers.Dense(weights.shape[1], trainable=False, name=name)
    y = layer(x)
    layer.set_weights([weights, bias])
    return y


def _normalised(x, scalers, name: str):
    mean = np.array([s.mean for s in scalers], dtype="float32")
    std = np.array([s.std for s in scalers], dtype="float32")
    return keras.layers.Normalization(mean=mean, variance=std**2, name=name)(x)
