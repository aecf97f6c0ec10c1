"""MkDocs hooks: the reference tables, made from the code when the site is built.

A page that holds ``<!-- fields-table -->`` gets the table of the space's searchable fields
(``search.space.reference.fields_table``) in its place; ``<!-- settings-table -->`` gets
the table of its settings (``settings_table``)."""

from __future__ import annotations

import sys
from pathlib import Path

# The package of this checkout, whether or not it is installed.
ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIELDS_MARKER = "<!-- fields-table -->"
SETTINGS_MARKER = "<!-- settings-table -->"


def on_page_markdown(markdown: str, page, config, files) -> str:
    if FIELDS_MARKER not in markdown and SETTINGS_MARKER not in markdown:
        return markdown
    from search.space import reference

    if FIELDS_MARKER in markdown:
        markdown = markdown.replace(FIELDS_MARKER, reference.fields_table())
    if SETTINGS_MARKER in markdown:
        markdown = markdown.replace(SETTINGS_MARKER, reference.settings_table())
    return markdown
