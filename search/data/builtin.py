"""The course's two synthetic series, built exactly as the course builds them.

Same formula and numpy seed on every machine, so a leaderboard can be set beside the
course's published results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.data.parts import resolve_parts
from search.data.series import Series

# The course's series are daily, with a yearly pattern (the phase is t mod 365).
SEASONS = (365,)


@dataclass(frozen=True)
class _Recipe:
    length: int
    slope: float
    noise_level: float
    seed: int
    split: int
    window: int

    def pattern(self, phase: np.ndarray) -> np.ndarray:
        raise NotImplementedError


class _Lecture(_Recipe):
    def pattern(self, phase: np.ndarray) -> np.ndarray:
        return np.where(phase < 0.4, np.cos(phase * 2 * np.pi), 1 / np.exp(3 * phase))


class _Exercise(_Recipe):
    def pattern(self, phase: np.ndarray) -> np.ndarray:
        return np.where(phase < 0.1, np.cos(phase * 6 * np.pi), 2 / np.exp(9 * phase))


RECIPES: dict[str, _Recipe] = {
    "course-lecture": _Lecture(
        length=4 * 365 + 1, slope=0.05, noise_level=5, seed=42, split=1000, window=20
    ),
    "course-exercise": _Exercise(
        length=10 * 365 + 1, slope=0.005, noise_level=3, seed=51, split=3000, window=20
    ),
}

BUILTIN_NAMES = tuple(RECIPES)


def builtin_series(
    name: str,
    *,
    split: int | float | None = None,
    test: int | float | None = None,
    seasons: tuple[int, ...] = SEASONS,
) -> Series:
    """The built-in series ``name`` (``course-lecture`` or ``course-exercise``).

    The validation part starts at the course's split unless ``split`` says otherwise, or
    earlier where a test part would leave it less than the longest season; there is no test
    part unless ``test`` (rows at the end, or a fraction) asks for one.
    """
    recipe = RECIPES[name]
    t = np.arange(recipe.length, dtype="float32")
    phase = (t % 365) / 365
    clean = (10 + recipe.slope * t + 40 * recipe.pattern(phase)).astype("float32")
    noise = np.random.RandomState(recipe.seed).randn(recipe.length) * recipe.noise_level
    values = (clean + noise.astype("float32")).astype("float32")
    first, test_start = resolve_parts(
        recipe.length,
        split,
        test,
        where=name,
        default_split=recipe.split,
        seasons=seasons,
    )
    return Series(
        name=name,
        values=values,
        split=first,
        test_start=test_start,
        time=t.astype("int64"),
        clean=clean,
        seasons=seasons,
        reference_window=recipe.window,
    )
