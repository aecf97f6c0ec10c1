"""``lr-find``'s options that fix a space's fields, such as ``--units 32 --bidirectional true``."""

from __future__ import annotations

from collections.abc import Sequence

from search.errors import UsageError


def field_values(words: Sequence[str]) -> dict[str, object]:
    """``--units 32 --bidirectional true`` as ``{"units": 32, "bidirectional": True}``."""
    from search.space import SEARCHABLE

    pairs: list[tuple[str, str]] = []
    words = list(words)
    while words:
        word = words.pop(0)
        if not word.startswith("--"):
            raise UsageError(f"expected an option such as --units 32, not {word!r}")
        name, equals, value = word[2:].partition("=")
        if not equals:
            if not words or words[0].startswith("--"):
                raise UsageError(f"{word} needs a value")
            value = words.pop(0)
        pairs.append((name.replace("-", "_"), value))
    values: dict[str, object] = {}
    for name, text in pairs:
        if name not in SEARCHABLE or name == "learning_rate":
            fields = ", ".join(
                f"--{f.replace('_', '-')}" for f in SEARCHABLE if f != "learning_rate"
            )
            raise UsageError(f"unknown option --{name.replace('_', '-')}; fields are {fields}")
        values[name] = _parse_value(name, text, SEARCHABLE[name].kind)
    return values


def _parse_value(name: str, text: str, kind: type) -> object:
    word = text.strip().lower()
    if kind is bool:
        if word in ("true", "yes", "1"):
            return True
        if word in ("false", "no", "0"):
            return False
    else:
        try:
            return kind(text)
        except ValueError:
            pass
    expected = {bool: "true or false", int: "a whole number", float: "a number"}[kind]
    raise UsageError(f"--{name.replace('_', '-')} {text}: expected {expected}")
