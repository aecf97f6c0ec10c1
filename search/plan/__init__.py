"""A run planned: its space, its data, its out directory and its study, checked before
anything is written (``plan``), with the checks it makes (``checks``). Below both the run
that executes a plan and the workers it hands the plan to."""

from search.plan.plan import (
    CheckedSearch,
    Plan,
    RunOptions,
    check_search,
    default_out,
    overrides,
    plan_run,
    with_options,
)

__all__ = [
    "CheckedSearch",
    "Plan",
    "RunOptions",
    "check_search",
    "default_out",
    "overrides",
    "plan_run",
    "with_options",
]
