"""A space and a series as a Keras Tuner ``HyperModel``: build declares and builds, fit
trains and scores. Any Keras Tuner tuner can search it."""

from __future__ import annotations

from typing import Any

import keras
import keras_tuner as kt

from search.model.build import XlaAfter, build_model, xla_after, xla_from_start
from search.model.trainer import EpochHook, Outcome, Trainer
from search.space import Space
from search.space.rates import resolve


class ModelError(kt.errors.FailedTrialError):
    """A space's own ``build_model`` returned something the trainer cannot use."""


class ForecastHyperModel(kt.HyperModel):
    """Builds each trial's model from the space, and trains and scores it on the series.

    ``rates`` holds the range tests' suggested rates by group, for a space whose learning
    rate is automatic.
    """

    def __init__(self, space: Space, trainer: Trainer, rates: dict[str, float] | None = None):
        super().__init__(name=space.name, tunable=True)
        self.space = space
        self.trainer = trainer
        self.rates = dict(rates or {})

    def configuration(self, hp: kt.HyperParameters) -> dict[str, Any]:
        """Every value the trial uses: the space's, then any a custom model declared."""
        config = resolve(self.space.declare(hp), self.rates)
        extra = {k: v for k, v in hp.values.items() if k not in config and "/" not in k}
        return {**config, **extra}

    def build(self, hp: kt.HyperParameters) -> keras.Model:
        config = self.configuration(hp)
        if self.space.build_model is None:
            return build_model(
                config,
                self.trainer.spec(config),
                jit_compile=xla_from_start(self.space.setting("jit_compile")),
            )
        model = self.space.build_model(hp)
        _check_custom(model, int(config["window"]))
        return model

    def train(
        self,
        hp: kt.HyperParameters,
        model: keras.Model,
        *,
        on_epoch: EpochHook | None = None,
        callbacks: list[keras.callbacks.Callback] | None = None,
        epochs: int | None = None,
        initial_epoch: int = 0,
    ) -> Outcome:
        """Train and score ``model`` with the trial's configuration; with several folds,
        each later fold trains a model built afresh from ``hp``."""

        def model_for(fold: int) -> keras.Model:
            return model if fold == 0 else self.build(hp)

        callbacks = list(callbacks or ())
        switch = xla_after(self.space.setting("jit_compile"))
        if switch is not None and self.space.build_model is None:
            callbacks.append(XlaAfter(switch))
        return self.trainer.fit(
            model_for,
            self.configuration(hp),
            on_epoch=on_epoch,
            callbacks=callbacks,
            epochs=epochs,
            initial_epoch=initial_epoch,
        )

    def fit(self, hp: kt.HyperParameters, model: keras.Model, *args: Any, **kwargs: Any) -> dict:
        """Keras Tuner's entry point: train, and return the objective ``val_mae``."""
        outcome = self.train(
            hp,
            model,
            callbacks=kwargs.get("callbacks"),
            epochs=kwargs.get("epochs"),
            initial_epoch=kwargs.get("initial_epoch", 0),
        )
        return {"val_mae": outcome.val_mae}


def _check_custom(model: Any, window: int) -> None:
    if not isinstance(model, keras.Model):
        raise ModelError(f"build_model returned {type(model).__name__}, not a Keras model")
    if not getattr(model, "compiled", False):
        raise ModelError("build_model returned a model that is not compiled; call model.compile")
    shape = tuple(model.input_shape[1:]) if hasattr(model, "input_shape") else None
    if shape is not None and shape not in ((window, 1), (None, 1)):
        raise ModelError(
            f"build_model returned a model reading {shape}; it must read windows of shape "
            f"({window}, 1)"
        )
