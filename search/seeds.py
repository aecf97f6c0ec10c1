"""Seeds derived from a run's seed: one for each trial, each worker and each sampler."""

from __future__ import annotations

import numpy as np


def derive(seed: int, *parts: int) -> int:
    """A seed for one use of the run's ``seed``, such as trial 7 (``derive(seed, 7)``).

    Mixed, not added: with ``seed + k``, the run of seed 1 would draw and train its third
    trial exactly as the run of seed 3 draws and trains its first.
    """
    return int(np.random.SeedSequence([seed, *parts]).generate_state(1)[0] % 2**31)
