"""Space files: the declared form, Keras Tuner hyperparameters, and clear errors."""

from __future__ import annotations

import pytest
from conftest import REPO, code

from search.errors import SpaceError
from search.space import Boolean, Choice, Float, Int, Space, load_space


def test_a_searched_depth_gives_each_layer_its_own_conditional_units():
    space = Space(depth=Int(1, 3), units=Int(16, 128, step=16))
    hp = space.hyperparameters()
    conditions = {h.name: [c.get_config() for c in h.conditions] for h in hp.space}
    assert conditions["units_1"] == []
    assert conditions["units_2"] == [{"name": "depth", "values": [2, 3]}]
    assert conditions["units_3"] == [{"name": "depth", "values": [3]}]
    hp.values["depth"] = 2
    hp.ensure_active_values()  # as an oracle does when it picks values
    config = space.declare(hp)
    assert "units_2" in config and "units_3" not in config


def test_fixed_values_are_declared_fixed_and_appear_in_the_configuration():
    space = Space(cell="GRU", units=48, optimizer="sgd", learning_rate=1e-4)
    config = space.declare(space.hyperparameters())
    assert config["cell"] == "gru"
    assert config["units"] == 48
    assert config["momentum"] == 0.9  # sgd's default momentum
    assert space.searched == []


def test_momentum_exists_only_where_sgd_is_chosen():
    space = Space(optimizer=Choice("adam", "sgd"), momentum=Float(0.5, 0.95))
    hp = space.hyperparameters()
    hp.values["optimizer"] = "adam"
    assert "momentum" not in space.declare(hp)
    hp.values["optimizer"] = "sgd"
    hp.ensure_active_values()
    assert "momentum" in space.declare(hp)


def test_points_are_fixed_configurations_chosen_by_name():
    space = Space(points={"small": dict(units=8, cell="rnn"), "big": dict(units=64, depth=2)})
    hp = space.hyperparameters()
    assert [h.name for h in hp.space if h.name == "point"] == ["point"]
    hp.values["point"] = "big"
    config = space.declare(hp)
    assert config["units"] == 64 and config["depth"] == 2 and config["cell"] == "lstm"


def test_any_keras_tuner_oracle_can_sample_the_space():
    import keras_tuner as kt

    space = Space(
        depth=Int(1, 3),
        units=Int(8, 32, step=8),
        loss=Choice("mse", "mae"),
        bidirectional=Boolean(),
    )
    oracle = kt.oracles.RandomSearchOracle(
        objective=kt.Objective("val_mae", "min"),
        hyperparameters=space.hyperparameters(),
        max_trials=5,
        seed=1,
    )
    oracle._set_project_dir("/tmp", "unused")
    values = oracle.populate_space("0")["values"]
    config = space.declare(_hp_with(space, values))
    assert config["depth"] in (1, 2, 3)
    assert all(f"units_{i}" in config for i in range(1, config["depth"] + 1))


def _hp_with(space, values):
    hp = space.hyperparameters()
    hp.values = dict(values)
    return hp


def test_fingerprint_follows_what_changes_results_only():
    base = Space(units=Int(8, 64))
    assert base.fingerprint() == Space(units=Int(8, 64), trials=99, tuner="random").fingerprint()
    assert base.fingerprint() != Space(units=Int(8, 65)).fingerprint()
    assert base.fingerprint() != Space(units=Int(8, 64), epochs=5).fingerprint()


@pytest.mark.parametrize(
    "fields, field, message",
    [
        (dict(unit=32), "unit", "did you mean 'units'"),
        (dict(units=Int(128, 16)), "units", "inverted range"),
        (dict(learning_rate=Float(1e-3, 1e-3, log=True)), "learning_rate", "empty range"),
        (dict(learning_rate=Float(0, 1e-2, log=True)), "learning_rate", "log range"),
        (dict(loss=Choice()), "loss", "empty Choice"),
        (dict(cell="transformer"), "cell", "unknown value 'transformer'"),
        (dict(cell=Choice("lstm", "tcn")), "cell", "unknown value 'tcn'"),
        (dict(loss="hinge"), "loss", "unknown value 'hinge'"),
        (dict(optimizer="adagrad"), "optimizer", "unknown value 'adagrad'"),
        (dict(tuner="genetic"), "tuner", "unknown tuner 'genetic'"),
        (dict(pruner="always"), "pruner", "unknown pruner"),
        (dict(units="many"), "units", "not a whole number"),
        (dict(units=Float(1.0, 8.0)), "units", "use Int or Choice"),
        (dict(dropout=1.5), "dropout", "below 1"),
        (dict(depth=0), "depth", "1 to 8"),
        (dict(trials=0), "trials", "1 or more"),
        (dict(epochs=-3), "epochs", "1 or more"),
        (dict(bidirectional="yes"), "bidirectional", "True or False"),
        (dict(momentum=Float(0.1, 0.9)), "momentum", "sgd optimizer only"),
        (dict(tuner="hyperband", pruner="median"), "pruner", "stops trials itself"),
        (dict(jit_compile="later"), "jit_compile", 'True, False or "auto"'),
        (dict(jit_compile=1), "jit_compile", 'True, False or "auto"'),
    ],
)
def test_invalid_fields_name_the_field_and_say_what_is_wrong(fields, field, message):
    with pytest.raises(SpaceError, match=message) as caught:
        Space(**fields)
    assert caught.value.field == field
    assert f"field {field!r}" in str(caught.value)


def test_a_custom_build_model_excludes_the_built_in_model_fields():
    with pytest.raises(SpaceError, match="belongs to the built-in model"):
        Space(build_model=lambda hp: None, units=Int(8, 16))
    space = Space(build_model=lambda hp: None, window=Choice(10, 20))
    assert set(space.fields) == {"batch_size", "window", "scaling"}


def test_loading_a_file_names_the_file_the_line_and_the_field(space_file):
    path = space_file(units=code("Int(128, 16)"))
    with pytest.raises(SpaceError) as caught:
        load_space(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:")
    assert "field 'units'" in message and "inverted range" in message
    assert "\n" not in message


@pytest.mark.parametrize(
    "text, message",
    [
        ("space = Space(units=\n", "syntax error"),
        ("raise RuntimeError('boom')\n", "raised RuntimeError: boom"),
        ("x = 1\n", r"defines no `space = Space\(\.\.\.\)`"),
        ("import not_a_module\n", "raised ModuleNotFoundError"),
    ],
)
def test_broken_space_files_give_one_line(tmp_path, text, message):
    path = tmp_path / "broken.py"
    path.write_text("from search import Space\n" + text)
    with pytest.raises(SpaceError, match=message) as caught:
        load_space(path)
    assert str(path) in str(caught.value)


def test_a_missing_space_file_is_named(tmp_path):
    with pytest.raises(SpaceError, match="no such space file"):
        load_space(tmp_path / "nope.py")


def test_the_file_name_and_docstring_name_and_describe_the_space(space_file):
    path = space_file("mine", body='"""My forecasters."""\n')
    space = load_space(path)
    assert space.name == "mine"


def test_a_module_level_build_model_is_used(space_file):
    path = space_file(
        "custom",
        body="def build_model(hp):\n    raise NotImplementedError\n",
        units=code("None") if False else 4,
    )
    text = path.read_text().replace("    units=4,\n", "")
    path.write_text(text)
    space = load_space(path)
    assert space.build_model is not None and space.build_model.__name__ == "build_model"


@pytest.mark.parametrize("name", sorted(path.stem for path in (REPO / "spaces").glob("*.py")))
def test_shipped_spaces_load(name):
    space = load_space(REPO / "spaces" / f"{name}.py")
    assert space.name == name
    assert space.hyperparameters().space


def test_the_shipped_lstm_space_is_the_promised_one():
    space = load_space(REPO / "spaces" / "lstm.py")
    fields = space.fields
    assert space.data == "course-exercise"
    assert fields["cell"] == "lstm"
    assert fields["depth"] == Int(1, 2)
    assert (fields["units"].min, fields["units"].max) == (16, 64)
    assert fields["learning_rate"] == Float(1e-3, 1e-2, log=True)
    assert sorted(fields["loss"].values) == ["huber", "mse"]
    assert fields["seasonal_lags"] is True and fields["seasons_back"] == Int(2, 5)
    assert fields["linear_skip"] == Boolean() and fields["calendar"] == Boolean()


@pytest.mark.parametrize(
    "tuner, skip, opening",
    [
        ("tpe", Boolean(), {"linear_skip": True}),
        ("cmaes", Choice(False, True), {"linear_skip": True}),
        ("tpe", Choice(False), {}),  # the skip cannot be had
        ("tpe", False, {}),  # not searched: every trial has the space's value
        ("optuna-grid", Boolean(), {}),  # the grid chooses every trial
        ("random", Boolean(), {}),  # so do Keras Tuner's algorithms
        ("hyperband", Boolean(), {}),
    ],
)
def test_a_search_opens_with_the_linear_skip_where_its_algorithm_draws(tuner, skip, opening):
    space = Space(data="course-exercise", units=8, window=20, linear_skip=skip, tuner=tuner)
    assert space.opening() == opening


@pytest.mark.parametrize(
    "fields",
    [
        dict(scaling="course", linear_skip=True),
        dict(scaling="course", linear_skip=Boolean()),
        dict(scaling=Choice("standard", "course"), linear_skip=True),
        dict(scaling=Choice("standard", "course"), linear_skip=Choice(False, True)),
        dict(points={"raw": dict(scaling="course", linear_skip=True)}),
        dict(linear_skip=True, points={"a": dict(units=8), "raw": dict(scaling="course")}),
    ],
)
def test_the_course_scaling_with_a_linear_skip_is_refused(fields):
    # The skip is fitted to raw targets, then the course's output scale multiplies it by 100.
    with pytest.raises(SpaceError, match=r"linear_skip.*scaling=.course") as caught:
        Space(**fields)
    assert "\n" not in str(caught.value)


def test_the_course_scaling_and_a_linear_skip_that_never_meet_are_allowed():
    Space(scaling="course", linear_skip=False)
    Space(scaling=Choice("standard", "course"), linear_skip=False)
    Space(points={"raw": dict(scaling="course"), "skip": dict(linear_skip=True)})
