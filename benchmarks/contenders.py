"""What users would do instead of the product, written as they would write it.

Each contender is plain Keras, Keras Tuner or Optuna code in the course's style and after the
libraries' own documentation; none of the product's code helps it. It reads the series from
an ``.npz`` file (``values``, ``split``, ``window``), trains until it is stopped, and appends
one JSON line per epoch to a progress file: seconds since ``t0``, trials and epochs so far,
the best one-step validation MAE so far, and when its first trial started (``searching``,
seconds since ``t0``: the search's own clock starts there).

    python benchmarks/contenders.py course SERIES.npz --progress P.jsonl --t0 T --seed S
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras
import numpy as np
import tensorflow as tf

SHUFFLE_BUFFER = 1000
MAX_EPOCHS = 100_000  # the budget ends a contender, not its epoch count


# -- the course's pipeline and validation ------------------------------------------------------


def windowed_dataset(series, window_size, batch_size, shuffle_buffer=SHUFFLE_BUFFER):
    """The course's training windows: tf.data window, flat_map, shuffle, batch."""
    dataset = tf.data.Dataset.from_tensor_slices(series)
    dataset = dataset.window(window_size + 1, shift=1, drop_remainder=True)
    dataset = dataset.flat_map(lambda window: window.batch(window_size + 1))
    dataset = dataset.shuffle(shuffle_buffer).map(lambda window: (window[:-1], window[-1]))
    return dataset.batch(batch_size).prefetch(1)


def model_forecast(model, series, window_size):
    """The course's forecasting helper: one forecast per window of the series."""
    dataset = tf.data.Dataset.from_tensor_slices(series)
    dataset = dataset.window(window_size, shift=1, drop_remainder=True)
    dataset = dataset.flat_map(lambda window: window.batch(window_size))
    dataset = dataset.batch(256).prefetch(1)
    return model.predict(dataset, verbose=0)


def validation_mae(model, values, split, window_size):
    """The course's validation: forecast each point from the ``window_size`` values before it."""
    forecast = model_forecast(model, values[split - window_size : -1], window_size)
    return float(np.mean(np.abs(forecast.reshape(-1) - values[split:])))


def recurrent_stack(hp_units, bidirectional):
    """Stacked recurrent layers, as the course builds them."""
    layers = []
    for i, units in enumerate(hp_units):
        layer = keras.layers.LSTM(units, return_sequences=i < len(hp_units) - 1)
        layers.append(keras.layers.Bidirectional(layer) if bidirectional else layer)
    return layers


def course_model(units, bidirectional=True):
    """The course's model shape: expand dims, recurrent layers, Dense(1), output times 100."""
    return keras.Sequential(
        [
            keras.Input(shape=(None,)),
            keras.layers.Lambda(lambda x: tf.expand_dims(x, axis=-1)),
            *recurrent_stack(units, bidirectional),
            keras.layers.Dense(1),
            keras.layers.Lambda(lambda x: x * 100.0),
        ]
    )


# -- progress --------------------------------------------------------------------------------


class Progress(keras.callbacks.Callback):
    """Scores the model the course's way after each epoch and appends the best so far."""

    def __init__(self, path, t0, values, split):
        super().__init__()
        self.path, self.t0 = path, t0
        self.values, self.split = values, split
        self.window = None
        self.best = math.inf
        self.trials = 0
        self.epochs = 0
        self.trial_best = math.inf
        self.searching = None  # when its first trial started, seconds since t0

    def start_trial(self, window):
        self.window = window
        self.trial_best = math.inf
        if self.searching is None:
            self.searching = round(time.time() - self.t0, 2)

    def end_trial(self):
        self.trials += 1
        self.write()

    def on_epoch_end(self, epoch, logs=None):
        score = validation_mae(self.model, self.values, self.split, self.window)
        if math.isfinite(score):
            self.best = min(self.best, score)
            self.trial_best = min(self.trial_best, score)
        self.epochs += 1
        if logs is not None:
            logs["val_mae_course"] = score
        self.write()

    def write(self):
        line = {
            "seconds": round(time.time() - self.t0, 2),
            "trials": self.trials,
            "epochs": self.epochs,
            "best": None if math.isinf(self.best) else self.best,
            "searching": self.searching,
        }
        with open(self.path, "a") as progress:
            progress.write(json.dumps(line) + "\n")


# -- contenders ------------------------------------------------------------------------------


def course(values, split, window, progress, seed):
    """The course's answer: BiLSTM 2x32, SGD 1e-5 with momentum 0.9, MSE, batch 32, raw values
    in and the output times 100, trained until stopped."""
    keras.utils.set_random_seed(seed)
    model = course_model([32, 32])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=1e-5, momentum=0.9))
    progress.start_trial(window)
    model.fit(
        windowed_dataset(values[:split], window, 32),
        epochs=MAX_EPOCHS,
        callbacks=[progress],
        verbose=0,
    )


def keras_tuner_random(values, split, window, progress, seed):
    """A stock ``kt.RandomSearch`` over the dimensions of ``spaces/lstm.py``, with a
    ``build_model(hp)`` in the course's style and ``model.fit`` on the course's pipeline."""
    import keras_tuner as kt

    class CourseHyperModel(kt.HyperModel):
        def build(self, hp):
            depth = hp.Int("depth", 1, 3)
            units = [hp.Int(f"units_{i}", 16, 128, step=16) for i in range(depth)]
            model = course_model(units, hp.Boolean("bidirectional"))
            model.compile(
                loss=hp.Choice("loss", ["huber", "mse", "mae"]),
                optimizer=keras.optimizers.Adam(
                    hp.Float("learning_rate", 1e-5, 1e-2, sampling="log")
                ),
                metrics=["mae"],
            )
            return model

        def fit(self, hp, model, *args, **kwargs):
            size = hp.Choice("window", [20, 30, 40])
            batch = hp.Choice("batch_size", [32, 64, 128])
            progress.start_trial(size)
            # Keras Tuner hands each trial copies of the search's callbacks; the progress
            # callback is added here so that its counts carry from trial to trial.
            kwargs["callbacks"] = [*kwargs.get("callbacks", []), progress]
            history = model.fit(
                windowed_dataset(values[:split], size, batch),
                validation_data=windowed_dataset(values[split - size :], size, batch, 1),
                **kwargs,
            )
            progress.end_trial()
            return history

    tuner = kt.RandomSearch(
        CourseHyperModel(),
        objective="val_mae",
        max_trials=10_000,
        seed=seed,
        directory=os.environ.get("BENCH_WORKDIR", "."),
        project_name="keras_tuner_random",
        overwrite=True,
    )
    tuner.search(
        epochs=100,
        callbacks=[keras.callbacks.EarlyStopping(monitor="val_mae", patience=10)],
        verbose=0,
    )


def optuna_tpe(values, split, window, progress, seed):
    """A plain Optuna objective over the same dimensions: TPE, median pruning through
    ``KerasPruningCallback``, as Optuna's Keras example does it."""
    import optuna
    from optuna_integration import KerasPruningCallback

    def objective(trial):
        keras.backend.clear_session()
        depth = trial.suggest_int("depth", 1, 3)
        units = [trial.suggest_int(f"units_{i}", 16, 128, step=16) for i in range(depth)]
        model = course_model(units, trial.suggest_categorical("bidirectional", [False, True]))
        model.compile(
            loss=trial.suggest_categorical("loss", ["huber", "mse", "mae"]),
            optimizer=keras.optimizers.Adam(
                trial.suggest_float("learning_rate", 1e-5, 1e-2, log=True)
            ),
            metrics=["mae"],
        )
        size = trial.suggest_categorical("window", [20, 30, 40])
        batch = trial.suggest_categorical("batch_size", [32, 64, 128])
        progress.start_trial(size)
        history = model.fit(
            windowed_dataset(values[:split], size, batch),
            validation_data=windowed_dataset(values[split - size :], size, batch, 1),
            epochs=100,
            callbacks=[
                keras.callbacks.EarlyStopping(monitor="val_mae", patience=10),
                KerasPruningCallback(trial, "val_mae"),
                progress,
            ],
            verbose=0,
        )
        progress.end_trial()
        return min(history.history["val_mae"])

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        direction="minimize",
        sampler=optuna.samplers.TPESampler(seed=seed),
        pruner=optuna.pruners.MedianPruner(),
    )
    study.optimize(objective, n_trials=10_000)


CONTENDERS = {"course": course, "keras-tuner": keras_tuner_random, "optuna": optuna_tpe}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("contender", choices=sorted(CONTENDERS))
    parser.add_argument("series", help="an .npz file with values, split and window")
    parser.add_argument("--progress", required=True, help="the JSON-lines file to append to")
    parser.add_argument("--t0", type=float, required=True, help="the benchmark's start time")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    # The benchmark ends a contender with SIGTERM at its budget; what it wrote stays.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    data = np.load(args.series)
    values = data["values"].astype("float32")
    split, window = int(data["split"]), int(data["window"])
    progress = Progress(args.progress, args.t0, values, split)
    CONTENDERS[args.contender](values, split, window, progress, args.seed)


if __name__ == "__main__":
    main()
