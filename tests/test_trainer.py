"""The trainer: each epoch scored, the best kept, divergence after good epochs survived."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from search.data import builtin_series
from search.model.build import build_model
from search.model.fold import Diverged
from search.model.trainer import Trainer

CONFIG = dict(
    cell="gru", depth=1, units=4, bidirectional=False, dropout=0.0, optimizer="adam",
    learning_rate=1e-2, loss="mse", batch_size=256, window=8, scaling="standard",
)  # fmt: skip


class _Poison(keras.callbacks.Callback):
    """Turns every weight into NaN at the end of epoch ``after`` (counting from 1)."""

    def __init__(self, after: int):
        super().__init__()
        self.after = after

    def on_train_begin(self, logs=None):
        if self.after == 0:
            self._poison()

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.after:
            self._poison()

    def _poison(self):
        self.model.set_weights([np.full_like(w, np.nan) for w in self.model.get_weights()])


def _model():
    keras.utils.set_random_seed(3)
    return build_model(CONFIG, jit_compile=False)


def test_a_loss_that_turns_nan_after_good_epochs_keeps_the_best_epoch():
    trainer = Trainer(builtin_series("course-exercise"), epochs=6, patience=None)
    outcome = trainer.fit(_model(), CONFIG, callbacks=[_Poison(after=2)])
    assert outcome.stopped == "diverged"
    assert outcome.best_epoch <= 2 and outcome.epochs == 3
    assert np.isfinite(outcome.val_mae) and np.isfinite(outcome.forecast).all()
    assert outcome.val_mae == pytest.approx(min(outcome.curve))


def test_a_model_that_diverges_before_any_scored_epoch_fails():
    trainer = Trainer(builtin_series("course-exercise"), epochs=3, patience=None)
    with pytest.raises(Diverged, match="at epoch 1"):
        trainer.fit(_model(), CONFIG, callbacks=[_Poison(after=0)])


def test_standard_scaling_comes_from_the_training_part_of_each_fold():
    series = builtin_series("course-lecture")
    trainer = Trainer(series, epochs=1, patience=None, folds=2)
    for index, fold in enumerate(trainer.folds):
        data = trainer.prepared({"window": 20, "scaling": "standard"}, index)
        train = series.values[: fold.start].astype("float64")
        # What the model reads is the training part standardised: mean 0, deviation 1
        # over the training labels, whatever the validation part holds.
        assert data.y.mean() == pytest.approx(
            (train[20:].mean() - train.mean()) / train.std(), abs=1e-4
        )
        assert data.y.std() == pytest.approx(train[20:].std() / train.std(), abs=1e-4)
        assert np.allclose(data.scaler.inverse(data.y[:, 0]), train[20:], atol=1e-3)


def test_a_model_with_a_linear_skip_starts_as_the_least_squares_autoregression():
    """The skip starts at the least-squares fit and the network's part at zero: at a rate
    too small to move them, the first epoch forecasts what the fit alone forecasts."""
    config = {**CONFIG, "window": 12, "linear_skip": True, "learning_rate": 1e-12}
    trainer = Trainer(builtin_series("course-exercise"), epochs=1, patience=None)
    keras.utils.set_random_seed(3)
    outcome = trainer.fit(build_model(config, jit_compile=False), config)
    data = trainer.prepared(config)
    coef = np.linalg.lstsq(_with_intercept(data.x), data.y, rcond=None)[0]
    expected = data.assembly.invert(_with_intercept(data.x_valid) @ coef, data.base_valid)
    assert np.allclose(outcome.forecast, expected[:, 0], atol=1e-3)


def _with_intercept(windows):
    return np.column_stack([windows.reshape(len(windows), -1), np.ones(len(windows))])
