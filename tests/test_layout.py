"""The package's shape: no import cycle through the experiment, output and CLI layers; a CLI that loads fast."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import reglab

SOURCE = Path(reglab.__file__).parent
CHECKED = ("reglab.experiments", "reglab.outputs", "reglab.cli", "reglab.sweeps", "reglab.figures", "reglab.store",
           "reglab.store_schema", "reglab.version", "reglab.errors")
"""The packages and modules whose import graph is held to no cycle here (the engine and pieces have their own)."""


def _module_name(path: Path) -> str:
    parts = path.with_suffix("").relative_to(SOURCE.parent).parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph() -> dict[str, set[str]]:
    """Module -> the reglab modules it imports when it is imported (function bodies and TYPE_CHECKING blocks left out)."""
    modules = {_module_name(path): path for path in SOURCE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            for item in ast.walk(node):
                if isinstance(item, ast.ImportFrom) and item.module:
                    found.add(item.module)
                    found.update(f"{item.module}.{alias.name}" for alias in item.names)
                elif isinstance(item, ast.Import):
                    found.update(alias.name for alias in item.names)
        graph[name] = {target for target in found if target in modules and target != name}
    return graph


def _unit(name: str) -> str:
    """A module's package one level below ``reglab`` (``reglab.outputs.report.page`` -> ``reglab.outputs``)."""
    return ".".join(name.split(".")[:2])


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of ``graph`` as a path, or ``None``."""
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        state[node] = 2
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def _checked(name: str) -> bool:
    return any(name == unit or name.startswith(unit + ".") for unit in CHECKED)


def test_no_import_cycle_between_files_of_the_experiment_output_and_cli_layers() -> None:
    graph = _import_graph()
    checked = {name: {t for t in targets if _checked(t)} for name, targets in graph.items() if _checked(name)}
    assert _cycle(checked) is None


def test_no_import_cycle_between_the_packages_of_those_layers() -> None:
    packages: dict[str, set[str]] = {}
    for name, targets in _import_graph().items():
        if _checked(name):
            packages.setdefault(_unit(name), set()).update(
                _unit(t) for t in targets if _checked(t) and _unit(t) != _unit(name))
    assert _cycle(packages) is None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_command_line_loads_without_torch() -> None:
    """`reglab --help` builds every command's options without the library behind it (torch takes seconds)."""
    code = "import sys, reglab.cli; print(sorted(m for m in ('torch', 'sklearn', 'matplotlib') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_reglab_names_load_on_first_use() -> None:
    assert reglab.compare.__module__ == "reglab.experiments.compare"
    assert reglab.sweep.__module__ == "reglab.experiments.sweep"
    assert {"compare", "sweep", "train", "Variant"} <= set(dir(reglab)) and set(reglab.__all__) <= set(dir(reglab))
