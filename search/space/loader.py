"""Loading a search-space file: a small Python module that defines ``space = Space(...)``."""

from __future__ import annotations

import importlib.util
import linecache
import sys
import traceback
from pathlib import Path
from types import ModuleType

from search.errors import SpaceError
from search.space.space import Space


def load_space(path: str | Path) -> Space:
    """The validated ``Space`` defined in the file at ``path``.

    The file is Python and runs as such: trust it as you would a Makefile. A module-level
    ``build_model(hp)`` (Keras Tuner's convention) is used when the space gives none.
    Every problem raises ``SpaceError`` with one line naming the file, the line where it
    can be told, and the field.
    """
    return space_from_text(read_space_text(path), path)


def read_space_text(path: str | Path) -> str:
    """The text of the space file at ``path``; a ``SpaceError`` if there is none to read."""
    path = Path(path)
    where = str(path)
    if not path.exists():
        raise SpaceError("no such space file", source=where)
    if not path.is_file():
        raise SpaceError("is not a file", source=where)
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpaceError(f"cannot be read ({exc})", source=where) from None


def space_from_text(source: str, path: str | Path) -> Space:
    """The validated ``Space`` that the space-file text ``source`` defines; ``path`` is the
    file it came from, named in messages. A worker builds its space from the text it is
    handed, so that every worker of a run searches the same space, whatever happens to the
    file meanwhile."""
    path = Path(path)
    where = str(path)
    try:
        code = compile(source, where, "exec")
    except SyntaxError as exc:
        raise SpaceError(f"line {exc.lineno}: syntax error: {exc.msg}", source=where) from None
    except ValueError as exc:  # null bytes: older Pythons raise ValueError, not SyntaxError
        raise SpaceError(f"is not Python source ({exc})", source=where) from None

    # The text, not the file, is what runs: the source of a build_model in it (part of the
    # space's fingerprint) is read from the text too, even where the file is not.
    linecache.cache[where] = (len(source), None, source.splitlines(True), where)
    module = _execute(code, path)
    space = getattr(module, "space", None)
    if not isinstance(space, Space):
        raise SpaceError(
            "defines no `space = Space(...)`; see spaces/lstm.py for an example", source=where
        )
    changes = {}
    if space.name == "space":
        changes["name"] = path.stem
    if not space.description and module.__doc__:
        changes["description"] = module.__doc__.strip().splitlines()[0]
    builder = getattr(module, "build_model", None)
    if callable(builder) and space.build_model is None:
        changes["build_model"] = builder
    if changes:
        try:
            space = space.replace(**changes)
        except SpaceError as exc:
            raise exc.located(where) from None
    return space


def _execute(code, path: Path) -> ModuleType:
    name = f"_search_space_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_loader(name, loader=None, origin=str(path))
    module = importlib.util.module_from_spec(spec)
    module.__file__ = str(path)
    sys.modules[name] = module  # lets dataclasses and pickling inside the file find it
    try:
        exec(code, module.__dict__)
    except SpaceError as exc:
        line = _line_in(exc, path)
        raise exc.located(f"{path}:{line}" if line else str(path)) from None
    except (Exception, SystemExit) as exc:
        # SystemExit too: a space file calling sys.exit() would otherwise end the command
        # with that status (0 included) and no word of why.
        line = _line_in(exc, path)
        at = f"line {line}: " if line else ""
        what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise SpaceError(f"{at}raised {what}", source=str(path)) from None
    finally:
        sys.modules.pop(name, None)
    return module


def _line_in(exc: BaseException, path: Path) -> int | None:
    """The last line of ``path`` that the traceback of ``exc`` passed through."""
    lines = [
        frame.lineno
        for frame in traceback.extract_tb(exc.__traceback__)
        if Path(frame.filename) == path
    ]
    return lines[-1] if lines else None
