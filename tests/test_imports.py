"""The package's import graph has no cycle: between files, and between packages (``engine``, ``regularizers``, …).

Every ``import`` in ``src/reglab`` counts, inside functions too, except those
under ``if TYPE_CHECKING:`` (type hints only, never run).  The engine sees the
pieces only through :mod:`reglab.pieces.interface`: it never imports the
regularizers or the callbacks.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "reglab"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The reglab modules that ``path`` imports (``from reglab.x import y`` names ``reglab.x.y`` when that is a module)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking_only(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            named = {f"{base}.{alias.name}" for alias in node.names}
            submodules = named & modules
            found.update(submodules)
            if submodules != named:  # names defined by the module itself, not only its submodules
                found.add(base)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text()))
    return {module for module in found if module in modules and module != name}


def _graph() -> dict[str, set[str]]:
    paths = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(path) for path in paths}
    return {_module_name(path): _imports(path, modules) for path in paths}


def _unit(module: str) -> str:
    """The package a module belongs to (``reglab.engine.trainer`` → ``engine``); a top-level module is its own."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "reglab"


def _tangles(edges: dict[str, set[str]]) -> set[frozenset[str]]:
    """The strongly connected components of more than one node (Tarjan): each holds at least one cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.add(frozenset(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


GRAPH = _graph()
FACADE = "reglab"
"""The package root re-exports the public API; nothing inside the package imports it."""


def test_no_module_imports_the_package_root():
    assert [m for m, deps in GRAPH.items() if FACADE in deps] == []


def test_no_import_cycle_between_files():
    edges = {m: deps - {FACADE} for m, deps in GRAPH.items() if m != FACADE}
    assert _tangles(edges) == set()


def test_no_import_cycle_between_packages():
    units: dict[str, set[str]] = {}
    for module, deps in GRAPH.items():
        if module == FACADE:
            continue
        units.setdefault(_unit(module), set()).update(_unit(d) for d in deps if d != FACADE and _unit(d) != _unit(module))
    assert _tangles(units) == set()


@pytest.mark.parametrize("piece_package", ["reglab.regularizers", "reglab.callbacks"])
def test_the_engine_sees_pieces_only_through_the_interface(piece_package):
    engine = {m: deps for m, deps in GRAPH.items() if m.startswith("reglab.engine")}
    offending = {m: sorted(d for d in deps if d.startswith(piece_package)) for m, deps in engine.items()}
    assert {m: d for m, d in offending.items() if d} == {}


def test_the_interface_imports_neither_the_engine_nor_the_pieces():
    deps = GRAPH["reglab.pieces.interface"]
    assert not [d for d in deps if d.startswith(("reglab.engine", "reglab.regularizers", "reglab.callbacks", "reglab.variant"))]
