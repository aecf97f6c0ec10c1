"""What two processes can give on this machine: plain Keras, with none of the product, alone
and in a pair, so that the product's two workers can be read against the machine's own
ceiling.

    python benchmarks/pair.py            # 3 draws, about 2 minutes
    python benchmarks/pair.py --draws 5

Each draw trains the same small LSTM (16 units, window 20, batch 64, ``steps_per_execution``
16 as the product compiles it) in one process with TensorFlow's default threads, then in
two processes at once with the threads the product gives each of two workers (cores // 2
intra-op, 1 inter-op). It reports the first epoch (which traces the training step) and the
median of the later ones, and the pair's epochs per second over the one process's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

_CHILD = """
import json, sys, time
import numpy as np
import keras
n, w = 3000, 20
x = np.sin(np.arange(n) / 10).astype("float32")
x += np.random.default_rng(0).normal(0, 0.1, n).astype("float32")
X = np.stack([x[i:i + w] for i in range(n - w)])[..., None]
Y = x[w:]
times = []
class Clock(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.began = time.perf_counter()
    def on_epoch_end(self, epoch, logs=None):
        times.append(time.perf_counter() - self.began)
model = keras.Sequential([keras.Input((w, 1)), keras.layers.LSTM(16), keras.layers.Dense(1)])
model.compile("adam", "mae", steps_per_execution=16)
model.fit(X, Y, batch_size=64, epochs=int(sys.argv[1]), verbose=0, callbacks=[Clock()])
print(json.dumps(times))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=40)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    paired = {"TF_NUM_INTRAOP_THREADS": str(max(1, cores // 2)), "TF_NUM_INTEROP_THREADS": "1"}
    rows = []
    for draw in range(1, args.draws + 1):
        (alone,) = _train(args.epochs, [{}])
        pair = _train(args.epochs, [paired, paired])
        row = {
            "draw": draw,
            "alone: first epoch": alone[0],
            "alone: later epochs": statistics.median(alone[1:]),
            "pair: first epoch": statistics.median(t[0] for t in pair),
            "pair: later epochs": statistics.median(statistics.median(t[1:]) for t in pair),
        }
        row["pair's epochs per second over one's"] = (
            2 * row["alone: later epochs"] / row["pair: later epochs"]
        )
        rows.append(row)
        print({k: round(v, 3) for k, v in row.items()}, flush=True)
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(f"{row[k]:.3g}" for k in header) + " |" for row in rows]
    median = {k: statistics.median(row[k] for row in rows) for k in header[1:]}
    lines.append("| median | " + " | ".join(f"{v:.3g}" for v in median.values()) + " |")
    print("\n".join(lines))
    print(f"\nseconds; {cores} cores; {args.epochs} epochs a process")


def _train(epochs: int, envs: list[dict[str, str]]) -> list[list[float]]:
    """Train in one process per environment, all at once; each one's epoch times."""
    base = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(epochs)],
            env={**base, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for env in envs
    ]
    return [json.loads(process.communicate()[0]) for process in processes]


if __name__ == "__main__":
    main()
