"""A space made from the series, for ``run --data FILE --column y`` with no space file.

The quick start's ``spaces/lstm.py`` was shaped for one daily series with a yearly season:
a window of 20 or 30 values and lags two to five years back. On a monthly, quarterly, hourly
or five-minute series those numbers mean something else. This space is sized in units of
the series' own seasons, as the field's templates do (mlforecast configures its Optuna
search from the season, AutoGluon picks its lags by frequency, neuralforecast sizes its
input as a multiple of the horizon):

- **window**: one and two of the shortest season (at least 8 and 16 values, at most 48),
  never more than a fifth of the training part; 10 or 20 without a season;
- **seasonal lags**: the values around 1 to 3 of each season back, as many as the training
  part holds three times over (the lags that still do not fit are left out by the model);
- **calendar inputs** (the phase within each season) where the time stamps are dates;
- **differencing** searched beside the raw level, for series whose level moves between the
  parts (a network trained on one level forecasts another badly);
- the rest as in ``spaces/lstm.py``: an LSTM of one or two layers, 16 to 64 units, its rate,
  loss and batch, a linear skip, 100 epochs with patience 10, TPE, 60 trials or 12 minutes.

The statistical members take the same seasons, from the series. ``auto_space`` writes the
space as a file a user can read, copy into ``spaces/`` and edit.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.data import Series
from search.data.source import DataSource

# The longest window the made space offers: longer sequences cost the LSTM time per epoch
# that a search's budget would rather spend on trials.
LONGEST_WINDOW = 48


@dataclass(frozen=True)
class AutoSpace:
    """The choices made for a series, and the space file's text that declares them."""

    windows: tuple[int, ...]
    seasons: tuple[int, ...]
    seasons_back: tuple[int, int]
    calendar: bool
    text: str

    def describe(self) -> str:
        """One line: ``window 12 or 24; lags 1 to 3 seasons of 12 back; calendar inputs``."""
        window = " or ".join(str(w) for w in self.windows)
        parts = [f"window {window}"]
        if self.seasons:
            low, high = self.seasons_back
            reach = f"{low}" if low == high else f"{low} to {high}"
            seasons = " and ".join(str(s) for s in self.seasons)
            parts.append(f"lags {reach} seasons of {seasons} back")
            if self.calendar:
                parts.append(f"calendar inputs for {seasons}")
        else:
            parts.append("no season")
        return "; ".join(parts)


def auto_space(series: Series, source: DataSource, name: str) -> AutoSpace:
    """The space made from ``series`` (read from ``source``), named ``name``."""
    seasons = tuple(s for s in series.seasons if s >= 2)
    limit = max(4, series.split // 5)
    if seasons:
        shortest = min(seasons)
        wanted = (min(max(shortest, 8), LONGEST_WINDOW), min(max(2 * shortest, 16), LONGEST_WINDOW))
    else:
        wanted = (10, 20)
    windows = tuple(sorted({min(w, limit) for w in wanted}))
    longest = max(seasons, default=1)
    most = int(np.clip(series.split // (3 * longest), 1, 3))
    calendar = bool(seasons) and series.time is not None and series.time.dtype.kind == "M"
    text = _text(series, source, name, windows, seasons, (1, most), calendar)
    return AutoSpace(windows, seasons, (1, most), calendar, text)


def _text(
    series: Series,
    source: DataSource,
    name: str,
    windows: tuple[int, ...],
    seasons: tuple[int, ...],
    back: tuple[int, int],
    calendar: bool,
) -> str:
    # The data settings as given: the space file names the series it was made from.
    data = {k: v for k, v in dataclasses.asdict(source).items() if v not in (None, ())}
    lines = [f"    name={name!r},"]
    lines += [f"    {key}={value!r}," for key, value in data.items()]
    window = f"Choice{windows}" if len(windows) > 1 else str(windows[0])
    reach = f"Int{back}" if back[0] < back[1] else str(back[0])
    lines += [
        '    cell="lstm",',
        "    depth=Int(1, 2),",
        "    units=Int(16, 64, step=16),",
        "    learning_rate=Float(1e-3, 1e-2, log=True),",
        '    loss=Choice("huber", "mse"),',
        '    optimizer="adam",',
        "    batch_size=Choice(32, 64),",
        f"    window={window},",
        '    scaling="standard",',
        '    transform=Choice("none", "difference"),',
        f"    seasonal_lags={bool(seasons)},",
    ]
    if seasons:
        lines.append(f"    seasons_back={reach},")
    lines += [
        "    linear_skip=Boolean(),",
        f"    calendar={'Boolean()' if calendar else 'False'},",
        "    epochs=100,",
        "    patience=10,",
        "    seed=42,",
        '    tuner="tpe",',
        "    trials=60,",
        '    budget="12m",',
    ]
    seasons_said = ", ".join(str(s) for s in seasons) or "none"
    header = (
        f'"""A space made from {Path(source.data).name}: {len(series.values)} values, seasons '
        f"{seasons_said}, {series.split} of them\ntraining, by the rule of search.space.auto. "
        'Copy this file into spaces/ to change it."""\n\n'
    )
    imports = "from search import Boolean, Choice, Float, Int, Space\n\n"
    return header + imports + "space = Space(\n" + "\n".join(lines) + "\n)\n"


def write_auto_space(settings: dict[str, object], folder: Path | None) -> tuple[Path, AutoSpace]:
    """Make the space for the series that the command line's data ``settings`` name and
    write it to ``folder``/space.py (default ``results/auto-<data>``)."""
    from search.outdir import OutDir
    from search.settings import DATA_SETTINGS
    from search.space.space import Space

    source = Space(**{k: v for k, v in settings.items() if k in DATA_SETTINGS}).source()
    series = source.load()
    name = f"auto-{Path(source.data).stem}"
    made = auto_space(series, source, name)
    folder = folder or OutDir.default(name).path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "space.py"
    path.write_text(made.text, encoding="utf-8")
    return path, made
