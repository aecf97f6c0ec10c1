"""What training any of the product's models needs, in a search's trials and in a refit
alike: the linear skip's least-squares start, the optimizer built eagerly, and forecasts in
the series' own units."""

from __future__ import annotations

import keras
import numpy as np

from search.inputs import Assembly

# What a model reads: its window alone, or its named inputs.
Inputs = np.ndarray | dict[str, np.ndarray]

# Larger sets of windows are forecast in chunks of this many.
_PREDICT_CHUNK = 8192


def start_linear_skip(model: keras.Model, x: Inputs, y: np.ndarray) -> None:
    """Start a model's linear skip at the least-squares fit of its inputs to its targets on
    the training part: the model starts as the seasonal linear autoregression, and the
    network learns only what it adds (Adam alone takes hundreds of epochs to get there)."""
    try:
        layer = model.get_layer("linear_skip")
    except ValueError:
        return
    x = x if isinstance(x, dict) else {"window": x}
    design = [x["window"].reshape(len(y), -1)]
    if "extra" in x:
        design.append(x["extra"])
    design.append(np.ones((len(y), 1), dtype="float32"))
    solution, *_ = np.linalg.lstsq(np.concatenate(design, axis=1), y, rcond=None)
    targets = y.reshape(len(y), -1)
    solution = solution.reshape(-1, targets.shape[1])
    layer.set_weights([solution[:-1], solution[-1]])


def build_optimizer(model: keras.Model) -> None:
    """Make the optimizer's variables now, eagerly: made inside the first traced training
    step (Keras's way) they cost 1.5 s of a two-layer LSTM's first epoch, measured."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and not optimizer.built:
        optimizer.build(model.trainable_variables)


def forecast_with(
    model: keras.Model, x: Inputs, assembly: Assembly, base: np.ndarray
) -> np.ndarray:
    """``model``'s forecasts of inputs ``x``, in the series' units: ``(origins, horizon)``."""
    _predict_without_xla(model)
    if len(base) <= _PREDICT_CHUNK:
        raw = np.asarray(model.predict_on_batch(x))
    else:
        raw = model.predict(x, batch_size=_PREDICT_CHUNK, verbose=0)
    return assembly.invert(raw, base)


def _predict_without_xla(model: keras.Model) -> None:
    """Make the model's forecasting function without XLA, whatever its training uses: it
    runs once an epoch, and compiling it costs more than its epochs gain (about 0.5 s a
    trial against 3 ms an epoch, measured on course-exercise)."""
    if model.predict_function is not None or not model.jit_compile:
        return
    model.jit_compile = False
    try:
        model.make_predict_function()
    finally:
        model.jit_compile = True


def trainable_parameters(model: keras.Model) -> int:
    return int(sum(np.prod(w.shape) for w in model.trainable_weights))
