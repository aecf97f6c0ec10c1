"""search: hyperparameter search for recurrent time-series forecasters.

Keras Tuner runs the trials, Optuna decides and keeps the record. A space file declares
what may vary; ``python -m search run spaces/lstm.py`` searches it.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

# TensorFlow's C++ chatter would bury the product's own lines; a user who wants it sets the
# variable themselves.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"
# What a user may import, and where it lives: these names stay when modules are renamed.
_PUBLIC = {
    "Auto": "search.space",
    "Boolean": "search.space",
    "Choice": "search.space",
    "Float": "search.space",
    "Int": "search.space",
    "Space": "search.space",
    "load_space": "search.space",
    "load": "search.api",
    "Answer": "search.api",
    "hypermodel": "search.api",
}
__all__ = list(_PUBLIC)


def __getattr__(name: str) -> Any:
    # Imported on first use, so that `python -m search --help` does not wait for TensorFlow.
    if name in _PUBLIC:
        return getattr(importlib.import_module(_PUBLIC[name]), name)
    raise AttributeError(f"module 'search' has no attribute {name!r}")
