"""The documentation: the generated reference tables, the strict build of the site, and a
README that stays a front door."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys

import pytest
from conftest import REPO

from search.data import SCALINGS
from search.settings import SETTINGS
from search.space.fields import SEARCHABLE
from search.space.reference import fields_table, settings_table
from search.vocabulary import CELLS, LOSSES, OPTIMIZERS, TRANSFORMS

README_MAX_LINES = 200


def _table_rows(table: str) -> dict[str, list[str]]:
    rows = {}
    for line in table.splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        rows[cells[0].strip("`")] = cells
    return rows


def test_the_fields_table_has_one_row_for_every_searchable_field():
    table = fields_table()
    header = table.splitlines()[0]
    assert header.count("|") == 7
    rows = _table_rows(table)
    assert list(rows) == list(SEARCHABLE)
    for name, cells in rows.items():
        assert len(cells) == 6, name
        assert cells[-1] == " ".join(SEARCHABLE[name].help.split())


def test_the_settings_table_has_one_row_for_every_setting_with_its_option():
    rows = _table_rows(settings_table())
    assert list(rows) == list(SETTINGS)
    for name, cells in rows.items():
        assert len(cells) == 6, name
        option = f"`--{name.replace('_', '-')}`" if SETTINGS[name].option else ""
        assert cells[3] == option, name
        assert cells[-1] == " ".join(SETTINGS[name].help.split())


def test_every_searchable_field_has_a_one_sentence_help():
    for name, field in SEARCHABLE.items():
        assert field.help.strip(), f"{name} has no help text"
        assert field.help.rstrip().endswith("."), name
        assert "\n" not in field.help, name


@pytest.mark.parametrize(
    ("field", "names"),
    [
        ("cell", CELLS),
        ("optimizer", OPTIMIZERS),
        ("loss", LOSSES),
        ("transform", TRANSFORMS),
        ("scaling", SCALINGS),
    ],
)
def test_the_help_of_a_named_field_names_every_value(field, names):
    for name in names:
        assert f'"{name}"' in SEARCHABLE[field].help, (field, name)


def test_the_readme_stays_short_and_its_links_lead_somewhere():
    readme = (REPO / "README.md").read_text()
    assert len(readme.splitlines()) <= README_MAX_LINES
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme):
        if "://" not in target:
            assert (REPO / target).exists(), target


def test_the_documentation_builds_strictly(tmp_path):
    missing = [m for m in ("mkdocs", "material") if importlib.util.find_spec(m) is None]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not installed: pip install -e '.[docs]' (the test extra "
            "has it too) to build the documentation"
        )
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    fields_page = (tmp_path / "site" / "reference" / "fields" / "index.html").read_text()
    assert "fields-table" not in fields_page
    for name in SEARCHABLE:
        assert f"<code>{name}</code>" in fields_page, name
    settings_page = (tmp_path / "site" / "reference" / "settings" / "index.html").read_text()
    assert "settings-table" not in settings_page
