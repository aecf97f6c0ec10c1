"""How often the answer's one-step prediction intervals hold the test part's values, from the
forecasts a run keeps in its study (nothing is trained again).

    python benchmarks/coverage.py results/bench-real/runs     # a folder of runs
    python benchmarks/coverage.py results/lstm-test           # one run with a test part

For each run with a test part: the answer's interval at 80 % and 95 % (split-conformal, its
validation errors cross-fitted: ``search.ensemble.intervals``), the share of test values
inside it, its mean width, and M4's mean scaled interval score at 95 % (MSIS: the width plus
2/0.05 times how far a value falls outside, scaled by the run's MASE denominator; lower is
better). A nominal 80 % interval should hold about 80 % of them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

LEVELS = (80, 95)


def coverage(run: Path) -> dict[str, Any] | None:
    """The answer's test coverage, width and MSIS at each level; None without a test part."""
    from search.ensemble.answer import answer_of, candidates_of
    from search.ensemble.intervals import cross_fitted_residuals, half_width, test_coverage
    from search.run.reading import load_run
    from search.study import RunIdentity
    from search.study.forecasts import read_actuals

    study = load_run(run)
    identity = RunIdentity.read(study)
    actuals = read_actuals(study)
    answer = answer_of(study)
    if identity is None or actuals is None or actuals.test is None or answer is None:
        return None
    candidates = candidates_of(study, identity.folds)
    weights = {m.name: m.weight for m in answer.members}
    found = test_coverage(candidates, actuals, weights, identity.yardstick.mase_scale or 1.0)
    residuals = cross_fitted_residuals(candidates, actuals)[:, 0]
    for level in LEVELS:
        found[f"width_{level}"] = 2 * half_width(residuals, level)
    return {"run": run.name, "test": len(actuals.test), "errors": len(residuals), **found}


def table(rows: list[dict[str, Any]]) -> str:
    head = (
        "| run | test values | validation errors | 80 %: coverage | width | 95 %: coverage "
        "| width | MSIS (95 %) |"
    )
    lines = [head, "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r['run']} | {r['test']} | {r['errors']} | {r['coverage_80']:.1%} | "
            f"{r['width_80']:.4g} | {r['coverage_95']:.1%} | {r['width_95']:.4g} | "
            f"{r['msis_95']:.3f} |"
        )
    mean80 = np.mean([r["coverage_80"] for r in rows])
    mean95 = np.mean([r["coverage_95"] for r in rows])
    lines.append(f"| mean over {len(rows)} | | | {mean80:.1%} | | {mean95:.1%} | | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=Path, help="a run's out directory, or a folder of them")
    args = parser.parse_args()
    from search._startup import quiet_imports

    quiet_imports(debug=False)
    folders = [args.runs] if (args.runs / "run.json").exists() else sorted(args.runs.iterdir())
    rows = []
    for folder in folders:
        found = coverage(folder) if (folder / "run.json").exists() else None
        if found is None:
            print(f"{folder.name}: no answer with a test part", file=sys.stderr)
            continue
        rows.append(found)
    if not rows:
        sys.exit("no run with a test part and an answer")
    print(table(rows))


if __name__ == "__main__":
    main()
