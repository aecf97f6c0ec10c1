"""What a forecaster reads beside its window: seasonal lags, calendar phases, exogenous
columns, transforms; all causal, scaled on the training part, inverted exactly, and the same
from raw values in the saved model."""

from __future__ import annotations

from dataclasses import replace

import keras
import numpy as np
import pytest

from search.data import Series, builtin_series
from search.errors import UsageError
from search.inputs import Assembly, InputSpec
from search.inputs.assembly import phases, raw_inputs
from search.inputs.standalone import stand_alone
from search.model.build import build_model

MODEL = {
    "cell": "gru",
    "depth": 1,
    "units": 3,
    "bidirectional": False,
    "dropout": 0.0,
    "optimizer": "adam",
    "learning_rate": 1e-3,
    "loss": "huber",
    "batch_size": 32,
    "scaling": "standard",
}


def _series(length: int = 400, seasons=(7, 28)) -> Series:
    rng = np.random.default_rng(3)
    t = np.arange(length)
    heat = rng.normal(10, 3, length)
    values = 50 + 10 * np.sin(2 * np.pi * t / 7) + 0.1 * t + 2 * heat + rng.normal(0, 1, length)
    return Series(
        "toy",
        values.astype("float32"),
        split=280,
        test_start=360,
        seasons=seasons,
        features={"heat": heat.astype("float32"), "plan": (t % 5).astype("float32")},
        known=("plan",),
    )


def _config(**inputs):
    return {"window": 6, "seasonal_lags": False, "calendar": False, "exogenous": False, **inputs}


def test_seasonal_lags_are_the_values_around_one_and_two_seasons_back():
    series = builtin_series("course-exercise")
    spec = InputSpec.of(_config(window=20, seasonal_lags=True), series)
    assert spec.lags == (731, 730, 729, 366, 365, 364)
    assembly = Assembly.fit(spec, series, series.split, "standard")
    labels = np.array([3000, 3100, 3650])
    extra = assembly.inputs(series, labels)["extra"]
    mean, std = np.mean(series.train), np.std(series.train)
    expected = (series.values[labels[:, None] - np.array(spec.lags)] - mean) / std
    assert np.allclose(extra, expected, atol=1e-5)


def test_calendar_phases_are_a_sine_and_cosine_pair_per_season():
    pairs = phases(np.array([0, 7, 3, 365]), (7, 365))
    assert pairs.shape == (4, 4)
    assert np.allclose(pairs[0], [0, 1, 0, 1])
    assert np.allclose(pairs[1, :2], [0, 1], atol=1e-6)  # a whole week on: the same phase
    assert np.allclose(pairs[2, :2], [np.sin(2 * np.pi * 3 / 7), np.cos(2 * np.pi * 3 / 7)])
    assert np.allclose(pairs[3, 2:], [0, 1], atol=1e-6)


@pytest.mark.parametrize("transform, difference", [("difference", 1), ("seasonal_difference", 7)])
def test_a_transform_is_inverted_exactly(transform, difference):
    series = _series()
    spec = InputSpec.of(_config(transform=transform), series)
    assert spec.difference == difference and spec.history == 6 + difference
    assembly = Assembly.fit(spec, series, series.split, "standard")
    labels = assembly.labels(series, 0, len(series.values))
    assert labels[0] == spec.history
    target = assembly.target(series, labels)
    back = assembly.invert(target, assembly.base(series, labels))
    assert np.allclose(back[:, 0], series.values[labels], atol=1e-3)
    # The model learns differences: their scale, not the values'.
    differences = series.values[difference:280] - series.values[: 280 - difference]
    assert assembly.scaler.std == pytest.approx(float(np.std(differences)), rel=1e-4)


def test_exogenous_columns_are_past_values_beside_the_window_and_known_ones_are_read_at_t():
    series = _series()
    spec = InputSpec.of(_config(exogenous=True, calendar=True), series)
    assert spec.features == ("heat", "plan") and spec.known == ("plan",)
    assert spec.channels == 3 and spec.extra == 1 + 2 * 2
    assembly = Assembly.fit(spec, series, series.split, "standard")
    labels = np.array([300, 301])
    inputs = assembly.inputs(series, labels)
    heat = assembly.feature_scalers[0]
    assert heat.mean == pytest.approx(float(np.mean(series.features["heat"][:280])), rel=1e-5)
    assert np.allclose(inputs["window"][0, :, 1], heat.transform(series.features["heat"][294:300]))
    plan = assembly.feature_scalers[1]
    assert np.allclose(inputs["extra"][:, 0], plan.transform(series.features["plan"][labels]))


def test_no_input_of_a_forecast_reads_its_label_or_anything_later():
    series = _series()
    spec = InputSpec.of(
        _config(seasonal_lags=True, calendar=True, exogenous=True, transform="difference"), series
    )
    assembly = Assembly.fit(spec, series, series.split, "standard")
    label = np.array([320])
    before = assembly.inputs(series, label)
    values = series.values.copy()
    values[320:] += 1000.0
    features = {k: v.copy() for k, v in series.features.items()}
    features["heat"][320:] -= 500.0  # a past-only column: not even its value at t is read
    features["plan"][321:] += 9.0  # a known column: read at t, never after
    moved = replace(series, values=values, features=features)
    after = assembly.inputs(moved, label)
    for name in before:
        assert np.array_equal(before[name], after[name]), name
    assert assembly.base(moved, label) == assembly.base(series, label)


def test_the_saved_model_forecasts_from_raw_values_as_the_trainer_does(tmp_path):
    series = _series()
    config = {
        **MODEL,
        **_config(seasonal_lags=True, calendar=True, exogenous=True, transform="difference"),
        "linear_skip": True,
        "conv_filters": 2,
    }
    spec = InputSpec.of(config, series)
    assembly = Assembly.fit(spec, series, series.split, "standard")
    keras.utils.set_random_seed(0)
    model = build_model(config, spec, jit_compile=False)
    labels = assembly.labels(series, series.split, len(series.values))
    expected = assembly.invert(
        model.predict_on_batch(assembly.inputs(series, labels)), assembly.base(series, labels)
    )
    path = tmp_path / "model.keras"
    stand_alone(model, assembly).save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    got = np.asarray(loaded.predict_on_batch(raw_inputs(spec, series, labels))).reshape(-1)
    assert np.allclose(got, expected[:, 0], atol=1e-3 * np.abs(expected).max())


def test_inputs_a_series_cannot_give_are_refused_with_the_reason():
    series = _series(seasons=())
    with pytest.raises(UsageError, match="seasonal_lags needs a season"):
        InputSpec.of(_config(seasonal_lags=True), series)
    with pytest.raises(UsageError, match="transform needs a season"):
        InputSpec.of(_config(transform="seasonal_difference"), series)
    long = _series(seasons=(270,))
    with pytest.raises(UsageError, match=r"too short for lags one season back \(season 270\)"):
        InputSpec.of(_config(seasonal_lags=True), long)
