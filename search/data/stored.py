"""A series as text: what a queued search keeps in its study, so that a worker on another
machine searches exactly the values that were submitted, without the file they came from.

The text is a compressed numpy archive in base64, read back without pickle.
"""

from __future__ import annotations

import base64
import io
import json

import numpy as np

from search.data.series import Series

_ARRAYS = ("values", "time", "clean", "filled", "causal")


def series_to_text(series: Series) -> str:
    """``series`` (its values, parts, seasons, time stamps, fills and features) as text."""
    arrays = {name: getattr(series, name) for name in _ARRAYS}
    arrays = {name: _storable(array) for name, array in arrays.items() if array is not None}
    features = list(series.features)
    for index, name in enumerate(features):
        arrays[f"feature_{index}"] = series.features[name]
    meta = {
        "name": series.name,
        "split": series.split,
        "test_start": series.test_start,
        "seasons": list(series.seasons),
        "reference_window": series.reference_window,
        "features": features,
        "known": list(series.known),
    }
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def series_from_text(text: str) -> Series:
    """The series ``series_to_text`` wrote."""
    with np.load(io.BytesIO(base64.b64decode(text)), allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files}
    meta = json.loads(arrays.pop("meta").tobytes().decode())
    features = {name: arrays[f"feature_{i}"] for i, name in enumerate(meta["features"])}
    return Series(
        name=meta["name"],
        values=arrays["values"],
        split=meta["split"],
        test_start=meta["test_start"],
        time=arrays.get("time"),
        clean=arrays.get("clean"),
        filled=arrays.get("filled"),
        causal=arrays.get("causal"),
        seasons=tuple(meta["seasons"]),
        reference_window=meta["reference_window"],
        features=features,
        known=tuple(meta["known"]),
    )


def _storable(array: np.ndarray) -> np.ndarray:
    # Time stamps read as Python objects (rare: mixed types) are kept as their text.
    return array.astype(str) if array.dtype == object else array
