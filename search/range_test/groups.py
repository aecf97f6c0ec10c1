"""Groups of configurations that share one range test (``search.space.rates`` says which
group a configuration is in, and resolves its rate).

A learning rate suits a cell, an optimizer, a loss and a scaling far more than a width or a
depth: those four fields make a group, and each group gets its own range test.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

from search.errors import UsageError
from search.model.build import xla_from_start
from search.outdir import OutDir
from search.range_test.files import write_sweep
from search.range_test.rule import RangeTest
from search.range_test.sweep import configuration, sweep
from search.space import Space
from search.space.rates import GROUP_FIELDS, group_key
from search.vocabulary import describe


def groups(space: Space) -> dict[str, dict[str, Any]]:
    """Each group the space can reach, with the values that define it."""
    options = [list(dict.fromkeys(space.possible(field))) for field in GROUP_FIELDS]
    found = {}
    for values in itertools.product(*options):
        fixed = dict(zip(GROUP_FIELDS, values, strict=True))
        found[group_key(fixed)] = fixed
    return found


def range_test_of(space: Space) -> RangeTest:
    """The range test an automatic rate asks for."""
    auto = space.auto_rate
    if auto is None:
        raise UsageError("this space has no automatic learning rate")
    return RangeTest.preset(auto.preset)


def find_rates(
    space: Space,
    series: Any,
    out: OutDir,
    known: dict[str, float],
    *,
    say: Callable[[str], None] = print,
) -> dict[str, float]:
    """The suggested rate of every group of ``space``: those in ``known`` as they are, the
    others from a range test run now on the group's default configuration, its files
    written into the out directory's ``lr_find/<group>.csv|json|png``."""
    test = range_test_of(space)
    rates = dict(known)
    for key, fixed in groups(space).items():
        if key in rates:
            say(f"range test {key}: suggested rate {rates[key]:.3g}, found before")
            continue
        config = configuration(space, **fixed)
        started = time.perf_counter()
        result = sweep(
            series,
            config,
            test,
            seed=space.setting("seed"),
            jit_compile=xla_from_start(space.setting("jit_compile")),
        )
        title = f"range test for {key}: {describe(config)}, {series.name}"
        write_sweep(result, out.range_test(key), title=title, extra={"configuration": config})
        rates[key] = result.suggestion
        seconds = time.perf_counter() - started
        say(
            f"range test {key}: suggested rate {result.suggestion:.3g} ({test.rule()}, "
            f"{len(result.rates)} steps in {seconds:.0f}s)"
        )
        for warning in result.warnings:
            say(f"range test {key}: warning: {warning}")
    return rates
