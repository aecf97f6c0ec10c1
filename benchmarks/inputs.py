"""What each input buys: one fixed network trained with and without each input, on a built-in
series, over several seeds; validation (and test) MAE beside the strongest baselines.

    python benchmarks/inputs.py                          # course-exercise, 3 seeds
    python benchmarks/inputs.py --data course-lecture --seeds 5

Prints a markdown table and writes it with the per-seed rows to ``--out`` (``inputs.md``,
``inputs.csv``). Nothing here is searched: the network is the same in every row, so the
differences are the inputs' own.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

BASE = {
    "cell": "lstm",
    "depth": 1,
    "units": 32,
    "bidirectional": False,
    "dropout": 0.0,
    "optimizer": "adam",
    "learning_rate": 3e-3,
    "loss": "huber",
    "batch_size": 64,
    "window": 20,
    "scaling": "standard",
    "seasonal_lags": False,
    "calendar": False,
    "exogenous": True,
    "transform": "none",
    "conv_filters": 0,
    "conv_kernel": 3,
    "linear_skip": False,
    "seasons_back": 2,
}

ROWS = {
    "the window alone": {},
    "+ conv front end (16 filters)": {"conv_filters": 16},
    "+ seasonal lags": {"seasonal_lags": True},
    "+ linear skip": {"linear_skip": True},
    "+ seasonal lags + linear skip": {"seasonal_lags": True, "linear_skip": True},
    "+ seasonal lags + linear skip + calendar": {
        "seasonal_lags": True,
        "linear_skip": True,
        "calendar": True,
    },
    "+ seasonal lags 5 seasons back": {"seasonal_lags": True, "seasons_back": 5},
    "+ seasonal lags 5 seasons back + linear skip": {
        "seasonal_lags": True,
        "seasons_back": 5,
        "linear_skip": True,
    },
    "+ seasonal lags + linear skip, on differences": {
        "seasonal_lags": True,
        "linear_skip": True,
        "transform": "difference",
    },
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="course-exercise")
    parser.add_argument("--test", type=int, default=0, help="rows held out as a test part")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--out", default="results/bench-inputs")
    args = parser.parse_args()

    import keras

    from search.data import builtin_series
    from search.model.build import build_model
    from search.model.trainer import Trainer
    from search.yardstick import Yardstick

    series = builtin_series(args.data, test=args.test or None)
    trainer = Trainer(series, epochs=args.epochs, patience=10)
    yardstick = Yardstick.measure(series, trainer.folds)
    records = []
    for label, changes in ROWS.items():
        config = {**BASE, **changes}
        for seed in range(args.seeds):
            keras.utils.set_random_seed(seed)
            keras.backend.clear_session()
            model = build_model(config, trainer.spec(config))
            started = time.perf_counter()
            outcome = trainer.fit(model, config)
            records.append(
                {
                    "inputs": label,
                    "seed": seed,
                    "val_mae": outcome.val_mae,
                    "test_mae": outcome.test_mae,
                    "epochs": outcome.epochs,
                    "seconds": time.perf_counter() - started,
                }
            )
            print(
                f"{label:50s} seed {seed}: val_mae {outcome.val_mae:.4f}"
                f" in {outcome.epochs} epochs, {records[-1]['seconds']:.0f} s",
                flush=True,
            )
    table = pd.DataFrame(records)
    summary = table.groupby("inputs", sort=False).agg(
        val_mean=("val_mae", "mean"),
        val_min=("val_mae", "min"),
        val_max=("val_mae", "max"),
        test_mean=("test_mae", "mean"),
        seconds=("seconds", "mean"),
    )
    lines = [
        f"{args.data}, one LSTM 32 (lr 3e-3, Huber, batch 64, window 20, {args.epochs} epochs, "
        f"patience 10), {args.seeds} seeds",
        "",
        "| inputs | validation MAE, mean (min-max) |"
        + (" test MAE, mean |" if args.test else "")
        + " seconds |",
        "|---|---|" + ("---|" if args.test else "") + "---|",
    ]
    for label, row in summary.iterrows():
        test = f" {row.test_mean:.3f} |" if args.test else ""
        lines.append(
            f"| {label} | {row.val_mean:.3f} ({row.val_min:.3f}-{row.val_max:.3f}) |{test}"
            f" {row.seconds:.0f} |"
        )
    for baseline in yardstick.baselines:
        if baseline.name in ("seasonal_ar", "ets", "linear_ar") and baseline.val_mae:
            test = f" {baseline.test_mae:.3f} |" if args.test else ""
            lines.append(f"| baseline `{baseline.name}` | {baseline.val_mae:.3f} |{test} |")
    if yardstick.noise_floor:
        lines.append(f"| noise floor | {yardstick.noise_floor:.3f} |{' |' if args.test else ''} |")
    text = "\n".join(lines)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "inputs.csv", index=False)
    (out / "inputs.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
