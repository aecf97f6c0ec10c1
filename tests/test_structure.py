"""The shape of the package: imports flow one way, rooms stay small, and the processes that
hold no model import no Keras."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

PACKAGE = REPO / "search"
MAX_LINES = 300


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, modules: dict[str, Path], typing: bool = False) -> set[str]:
    """The package's modules that ``path`` imports, at its top or inside functions;
    ``TYPE_CHECKING`` blocks left out (they never run) unless ``typing``."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text())
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if not typing and isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(child) for stmt in node.body for child in ast.walk(stmt)}
    found = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            # ``from a import b``: the module ``a.b`` where there is one, else ``a``.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        found |= {t for t in targets if t in modules and t != name}
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_graph_reader_sees_imports_inside_functions_and_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}
    assert _cycle(graph) == ["a", "b", "c", "a"]
    modules = _modules()
    # search.cli.commands imports the run only inside its command functions.
    assert "search.run.execute" in _imports(modules["search.cli.commands"], modules)


def test_the_imports_of_the_package_form_no_loop():
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(cycle)


def _package(module: str) -> str:
    """The package a module belongs to (``search.run`` for ``search.run.plan``); a module of
    the top level is its own."""
    return ".".join(module.split(".")[:2])


def test_packages_import_one_way():
    # Type hints included: a package that names another's types depends on it too.
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        if name == "search":
            continue  # its lazy public names
        edges = graph.setdefault(_package(name), set())
        edges |= {_package(t) for t in _imports(path, modules, typing=True)} - {_package(name)}
    for package in graph:
        graph[package].discard("search")
    cycle = _cycle({p: {t for t in targets if t in graph} for p, targets in graph.items()})
    assert cycle is None, " -> ".join(cycle)


def test_nothing_imports_the_run_but_the_command_line_and_the_service_worker():
    graph = _graph()
    importers = {name for name, targets in graph.items() if "search.run.execute" in targets}
    assert importers <= {"search.cli.commands", "search.service.worker"}


def test_no_module_is_over_300_lines():
    long = {
        name: n
        for name, path in _modules().items()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert not long


def test_init_files_only_re_export():
    for path in PACKAGE.rglob("__init__.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            kept = (ast.Import, ast.ImportFrom, ast.Expr, ast.Assign, ast.AnnAssign)
            if path.parent == PACKAGE and isinstance(node, (ast.FunctionDef, ast.If)):
                continue  # search/__init__: the lazy getattr that keeps --help fast
            assert isinstance(node, kept), f"{path.relative_to(REPO)}: {ast.unparse(node)[:60]}"


@pytest.mark.parametrize(
    "module",
    [
        "search.outdir",
        "search.states",
        "search.run.supervisor",
        "search.leaderboard",
        "search.run.progress",
        "search.plan.plan",
        "search.run.execute",
        "search.service",
    ],
)
def test_modules_that_hold_no_model_import_no_keras(module):
    code = (
        f"import sys, {module}\n"
        "heavy = [m for m in ('keras', 'tensorflow', 'keras_tuner') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip() == ""
