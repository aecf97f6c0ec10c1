"""Figures drawn without a display (matplotlib's Agg backend), on a server, in cron, in CI."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

WIDE = (10, 4)

__all__ = ["WIDE", "plt", "save"]


def save(fig: plt.Figure, path: Path) -> Path:
    """Write ``fig`` to ``path`` as a PNG and free it."""
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
