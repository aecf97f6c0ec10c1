"""Files written whole: through a temporary file beside the target, then a rename, so that
a reader at any moment sees the old file or the new one, never half of one."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd


def replace_file(path: str | Path, write: Callable[[str], Any]) -> Path:
    """Call ``write`` with a temporary path beside ``path``, then rename it into place."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent
    )
    os.close(handle)
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def write_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """``table`` as CSV, without the index."""
    return replace_file(path, lambda temporary: table.to_csv(temporary, index=False))


def write_json(data: Any, path: str | Path) -> Path:
    """``data`` as indented JSON."""
    text = json.dumps(data, indent=2) + "\n"
    return replace_file(path, lambda temporary: Path(temporary).write_text(text))
