"""How the answer's statistical part is chosen, measured where nothing was selected: on the
thirteen public real series of ``benchmarks/real.py``, with the statistical baselines alone
(no search, about a minute in all).

    pip install -e '.[real]'
    python benchmarks/selection.py

Two views of each series. **Before the test part**: the series cut at its test part, its
validation part then scored as if it were the test part, chosen on the windows before it;
this is the view the rule was chosen on, since it looks at no test value. **The test
part**: the run's own parts, as ``benchmarks/real.py`` scores them.

For each view, each way of choosing the statistical mix (greedy selection on the validation
points alone, or also on the windows before them: ``search.data.earlier_windows``) and
each share of the answer given to the best baseline on validation (``ANCHOR``): the
geometric mean over the series of the answer's MAE relative to the ``auto_ets`` member's
(statsforecast's AutoETS, the peer the real-series benchmark divides by), and how far the
answer falls behind the best baseline on the series where it falls furthest.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from real_series import SERIES  # noqa: E402

SHARES = (0.0, 0.3, 0.5, 0.6, 0.7, 1.0)


def before_the_test_part(series):
    """The series without its test part, its validation part taken as the test part and the
    validation part as long, just before it."""
    size = series.test_start - series.split
    end = series.test_start

    def cut(values):
        return None if values is None else values[:end]

    return dataclasses.replace(
        series,
        values=series.values[:end],
        time=cut(series.time),
        filled=cut(series.filled),
        causal=cut(series.causal),
        features={name: values[:end] for name, values in series.features.items()},
        split=series.split - size,
        test_start=series.split,
    )


def measured(series):
    """Each baseline's kept forecasts (fitted as a run fits them) and the actual values."""
    from search.baselines import actuals, measure_baselines
    from search.data import Fold

    folds = [Fold(1, series.split, series.test_start)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = {s.name: f for s, f in measure_baselines(series, folds) if f is not None}
    return found, actuals(series, folds)


def answer_mae(forecasts, truth, share: float, windows: bool) -> tuple[float, float]:
    """The statistical answer's test MAE and its best baseline's, by the product's rule."""
    from search.ensemble._selection import greedy_weights, statistical_mix

    names = list(forecasts)
    members = [forecasts[n] for n in names]
    if windows:
        mix = statistical_mix(members, truth)
    else:
        stacked = np.stack([m.valid.reshape(-1) for m in members])
        mix = greedy_weights(stacked, truth.valid.reshape(-1))
    scores = [np.mean(np.abs(m.valid - truth.valid)) for m in members]
    best = int(np.argmin(scores))
    weights = (1 - share) * mix + share * (np.arange(len(names)) == best)
    tests = np.stack([m.test.reshape(-1) for m in members])
    actual = truth.test.reshape(-1)
    answer = float(np.mean(np.abs(weights @ tests - actual)))
    return answer, float(np.mean(np.abs(tests[best] - actual)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="a comma list of series (default: all thirteen)")
    args = parser.parse_args()
    from search._startup import quiet_imports

    quiet_imports(debug=False)
    from search.data.csvfile import read_csv_series

    wanted = args.only.split(",") if args.only else [s.name for s in SERIES]
    views: dict[str, list] = {"before the test part": [], "the test part": []}
    with tempfile.TemporaryDirectory() as folder:
        for entry in (s for s in SERIES if s.name in wanted):
            path = entry.write(Path(folder))
            series = read_csv_series(
                path, "y", fill=entry.fill, features=entry.features, known=entry.known
            )
            views["before the test part"].append(
                (entry.name, *measured(before_the_test_part(series)))
            )
            views["the test part"].append((entry.name, *measured(series)))
            print(f"{entry.name}: measured", file=sys.stderr, flush=True)
    for view, rows in views.items():
        print(f"\n{view} ({len(rows)} series)\n")
        print(
            "| mix chosen on | best baseline's share | geometric mean MAE / auto_ets | "
            "furthest behind the best baseline | series more than 2 % behind |"
        )
        print("|---|---|---|---|---|")
        for windows in (False, True):
            for share in SHARES:
                ratios, behind = [], []
                for name, forecasts, truth in rows:
                    mae, best = answer_mae(forecasts, truth, share, windows)
                    ets = float(np.mean(np.abs(forecasts["auto_ets"].test - truth.test)))
                    ratios.append(mae / ets)
                    behind.append((mae / best - 1, name))
                worst = max(behind)
                where = "validation and the windows before it" if windows else "validation"
                print(
                    f"| {where} | {share:.1f} | {np.exp(np.mean(np.log(ratios))):.3f} | "
                    f"{worst[0]:+.1%} ({worst[1]}) | {sum(b > 0.02 for b, _ in behind)} |"
                )


if __name__ == "__main__":
    main()
