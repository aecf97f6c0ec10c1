"""The learning-rate range test: its rule, its sweep, and the files it leaves."""

from search.range_test.files import write_sweep
from search.range_test.groups import find_rates, groups
from search.range_test.rule import RangeTest, Sweep, conclude, diverged, smooth
from search.range_test.sweep import configuration, sweep
from search.space.rates import GROUP_FIELDS, group_key, resolve

__all__ = [
    "GROUP_FIELDS",
    "RangeTest",
    "Sweep",
    "conclude",
    "configuration",
    "diverged",
    "find_rates",
    "group_key",
    "groups",
    "resolve",
    "smooth",
    "sweep",
    "write_sweep",
]
