"""Running a range test: one model trained while its learning rate grows."""

from __future__ import annotations

import math
from typing import Any

import keras
import keras_tuner as kt

from search.data import Series
from search.errors import UsageError
from search.model.build import build_model
from search.model.trainer import Trainer
from search.range_test.rule import RangeTest, Sweep, conclude, diverged
from search.space import Space


def configuration(space: Space, *, point: str | None = None, **values: Any) -> dict[str, Any]:
    """One configuration of ``space``: each field at ``values`` where given, else at its
    default (a dimension's first or lowest value); ``point`` picks one of its points."""
    if values:
        space = space.replace(**values)
    hp = kt.HyperParameters()
    if point is not None:
        if point not in space.points:
            known = ", ".join(space.points) or "none"
            raise UsageError(f"no point named {point!r} in this space; it has {known}")
        hp.values["point"] = point
    return space.declare(hp)


def sweep(
    series: Series,
    config: dict[str, Any],
    test: RangeTest,
    *,
    seed: int,
    jit_compile: bool = True,
) -> Sweep:
    """Train the model of ``config`` on the training part of ``series`` while the rate grows
    as ``test`` says, and conclude. Only training windows are read: nothing of the
    validation part decides the rate."""
    keras.utils.set_random_seed(seed)
    keras.backend.clear_session()
    # The first fold's training part: the values before the validation part.
    trainer = Trainer(series, epochs=1, patience=None)
    data = trainer.prepared(config, 0)
    batch = int(config["batch_size"])
    # Whole batches only, so that each batch's loss can be read off the running mean.
    whole = (len(data.y) // batch) * batch
    if whole == 0:
        raise ValueError(f"fewer training windows ({len(data.y)}) than one batch ({batch})")
    x = {k: v[-whole:] for k, v in data.x.items()} if isinstance(data.x, dict) else data.x[-whole:]
    y = data.y[-whole:]
    model = build_model(
        {**config, "learning_rate": test.start},
        trainer.spec(config),
        jit_compile=jit_compile,
        steps_per_execution=1,
    )
    recorder = _Recorder(test)
    per_epoch = test.per == "epoch"
    epochs = test.steps if per_epoch else math.ceil(test.steps / (whole // batch))
    model.fit(x, y, batch_size=batch, epochs=epochs, shuffle=True, verbose=0, callbacks=[recorder])
    return conclude(test, test.rates()[: len(recorder.losses)].tolist(), recorder.losses)


class _Recorder(keras.callbacks.Callback):
    """Sets each step's rate, records each step's loss, stops once the loss diverges."""

    def __init__(self, test: RangeTest):
        super().__init__()
        self.test = test
        self.rates = test.rates()
        self.losses: list[float] = []
        self._previous_mean = 0.0

    def _set_rate(self) -> None:
        self.model.optimizer.learning_rate.assign(float(self.rates[len(self.losses)]))

    def _record(self, loss: float) -> None:
        self.losses.append(loss)
        if len(self.losses) >= self.test.steps or diverged(self.losses, self.test):
            self.model.stop_training = True

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._previous_mean = 0.0
        if self.test.per == "epoch":
            self._set_rate()

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        if self.test.per == "batch" and len(self.losses) < self.test.steps:
            self._set_rate()

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        if self.test.per != "batch" or len(self.losses) >= self.test.steps:
            return
        # Keras reports the epoch's running mean; batches are all the same size, so the
        # batch's own loss is what the mean gained.
        mean = float((logs or {})["loss"])
        self._record((batch + 1) * mean - batch * self._previous_mean)
        self._previous_mean = mean

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.test.per == "epoch":
            self._record(float((logs or {})["loss"]))
