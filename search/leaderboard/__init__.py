"""The leaderboard: every trial of a study ranked by validation MAE beside the baselines
(``_table``), and several runs' leaderboards ranked as one (``combined``)."""

from search.leaderboard._table import (
    LEADING,
    TRAILING,
    build_leaderboard,
    parameter_order,
    read_leaderboard,
    rebuild_leaderboard,
    top_rows,
    write_leaderboard,
)
from search.leaderboard.combined import RankedRun, combine_leaderboards

__all__ = [
    "LEADING",
    "TRAILING",
    "RankedRun",
    "build_leaderboard",
    "combine_leaderboards",
    "parameter_order",
    "read_leaderboard",
    "rebuild_leaderboard",
    "top_rows",
    "write_leaderboard",
]
