"""The space's reference tables in Markdown, generated from the code for the documentation
(``docs/hooks.py`` puts them in its pages when the site is built)."""

from __future__ import annotations

from search.settings import SETTINGS
from search.space.fields import SEARCHABLE, Field


def fields_table() -> str:
    """One row per searchable field: its name, type, default, the dimensions that may vary
    it, whether it belongs to the built-in model, and its help text."""
    rows = [
        "| field | type | default | may vary by | built-in model only | what it is |",
        "|---|---|---|---|---|---|",
    ]
    for name, field in SEARCHABLE.items():
        cells = (
            f"`{name}`",
            field.kind.__name__,
            f"`{_literal(field.default)}`",
            _dimensions(field),
            "yes" if field.model else "no",
            field.help,
        )
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(rows) + "\n"


def settings_table() -> str:
    """One row per setting: its name, type, default, the command-line option that changes
    it, whether runs that differ in it may resume each other, and its help text."""
    rows = [
        "| setting | type | default | option | a run resumes another only if equal | what it is |",
        "|---|---|---|---|---|---|",
    ]
    for name, setting in SETTINGS.items():
        cells = (
            f"`{name}`",
            setting.kind,
            f"`{_literal(setting.configured)}`",
            f"`--{name.replace('_', '-')}`" if setting.option else "",
            "yes" if setting.result else "no",
            setting.help,
        )
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(rows) + "\n"


def _literal(value: object) -> str:
    """A default as a space file writes it: names in double quotes."""
    return f'"{value}"' if isinstance(value, str) else repr(value)


def _dimensions(field: Field) -> str:
    return ", ".join(f"`{d.__name__}`" for d in field.dimensions)


def _cell(text: str) -> str:
    """Text that stays inside one cell of a Markdown table."""
    return " ".join(text.replace("|", "\\|").split())
