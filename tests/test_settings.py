"""The settings table: one row declares a setting for the space file, the command line and
the checks, with one message for a bad value wherever it is given."""

import pytest

from search.cli.arguments import build_parser
from search.errors import SpaceError
from search.settings import OPTIONS, SETTINGS, parse_option
from search.space import Space

# A word each option refuses, and the value a space file would give for it.
BAD = {
    "trials": ("0", 0),
    "epochs": ("-1", -1),
    "seed": ("4294967296", 2**32),
    "folds": ("21", 21),
    "horizon": ("0", 0),
    "tuner": ("annealing", "annealing"),
    "pruner": ("never", "never"),
    "fill": ("zero", "zero"),
    "test": ("1.5", 1.5),
    "split": ("-2", -2),
    "season": ("1", (1,)),
    "features": ("a,,b", ("a", "", "b")),
}


def test_every_option_of_a_setting_is_on_the_command_line():
    parser = build_parser()
    run = parser._subparsers._group_actions[0].choices["run"]
    flags = {option for action in run._actions for option in action.option_strings}
    for name in OPTIONS:
        assert f"--{name.replace('_', '-')}" in flags, name


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_value_gets_one_message_from_the_file_and_the_command_line(name):
    word, value = BAD[name]
    with pytest.raises(ValueError) as from_word:
        parse_option(name, word)
    with pytest.raises(SpaceError) as from_file:
        Space(**{name: value})
    assert from_file.value.field == name
    assert from_file.value.message == str(from_word.value)


def test_a_space_takes_every_default_from_the_table():
    space = Space()
    config = space.get_config()
    for name, setting in SETTINGS.items():
        default = list(setting.default) if isinstance(setting.default, tuple) else setting.default
        assert config[name] == default, name


def test_an_unknown_setting_is_refused_with_the_closest_name():
    with pytest.raises(SpaceError, match="did you mean 'epochs'"):
        Space(epoch=3)
