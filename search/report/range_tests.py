"""The report's section on an automatic learning rate: each group's range test, and where the
trials' rates fell around its suggestion."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import optuna

from search.outdir import OutDir
from search.range_test import RangeTest, group_key
from search.range_test.figures import rate_scales
from search.report.markdown import escape, figure, table
from search.space import Auto
from search.study import RunIdentity, TrialRecord
from search.study import records as rec


def range_tests_section(
    study: optuna.Study, identity: RunIdentity, ranked: Sequence[TrialRecord], out: Path
) -> str:
    """The range tests of an automatic rate, and where the trials' rates fell around them."""
    rates = study.user_attrs.get(rec.LEARNING_RATES)
    if not rates:
        return ""
    auto = identity.space_config.get("fields", {}).get("learning_rate", {})
    decades = float(auto.get("decades", 1.0))
    rule = RangeTest.preset(auto.get("preset", "fast")).rule()
    automatic = [r for r in ranked if Auto.SCALE in r.config]
    paths = OutDir(out)
    rows, links = [], []
    for key, rate in sorted(rates.items()):
        members = [r for r in automatic if group_key(r.config) == key]
        best = members[0] if members else None
        rows.append(
            [
                key,
                rate,
                f"{rate / 10**decades:.3g} to {rate * 10**decades:.3g}",
                len(members),
                best.val_mae if best else None,
                best.config["learning_rate"] if best else None,
                f"{best.config[Auto.SCALE]:.2f}" if best else "",
            ]
        )
        plot = paths.range_test(key)["png"]
        if plot.exists():
            links.append(figure(paths.link(plot), f"Range test for {key}"))
    parts = [
        "## Learning-rate range tests",
        "Before the search, one range test per group of configurations suggested a rate "
        f"({escape(rule)}); each trial "
        f"searched a factor from 10^-{decades:g} to 10^{decades:g} around its group's rate.",
        table(
            [
                "group",
                "suggested rate",
                "searched",
                "scored trials",
                "best val_mae",
                "its rate",
                "rate / suggestion",
            ],
            rows,
        ),
    ]
    if automatic:
        winner = automatic[0]
        rate_scales(
            [r.config[Auto.SCALE] for r in automatic],
            [r.val_mae for r in automatic],
            [group_key(r.config) for r in automatic],
            0,
            decades,
            paths.figure("rates"),
        )
        parts.append(
            f"The winner, trial {winner.number}, trained at "
            f"{winner.config['learning_rate']:.3g}: {winner.config[Auto.SCALE]:.2f} times "
            f"the rate suggested for {escape(group_key(winner.config))}."
        )
        parts.append(
            figure(
                paths.link(paths.figure("rates")),
                "Validation MAE against each trial's rate relative to its group's suggestion",
            )
        )
    return "\n\n".join([*parts, *links])
