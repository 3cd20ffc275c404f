"""The layering in docs/architecture.md, checked on every import in the source.

Lower layers never import higher ones, models and services never import Qt, and no two
modules import each other (directly or round a longer circle), whether the import is at
the top of the file or inside a function.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "netdesk"

# Lowest first. A module may import its own layer and the layers before it.
LAYERS = (
    ("netdesk", "netdesk.errors", "netdesk.paths"),
    ("netdesk.models",),
    (
        "netdesk.services",
        "netdesk.services.progress",
        "netdesk.services.lookup",
        "netdesk.services.limits",
        "netdesk.services.clock",
    ),
    ("netdesk.services.data",),
    ("netdesk.services.contacts",),
    ("netdesk.services.history",),
    ("netdesk.services.calendar",),
    ("netdesk.services.careers",),
    ("netdesk.services.importing", "netdesk.services.capture"),  # pictures are one more input
    ("netdesk.services.sync",),
    ("netdesk.commands",),
    ("netdesk.ui.common",),
    ("netdesk.ui.history",),
    ("netdesk.ui.contacts",),
    ("netdesk.ui.calendar",),
    ("netdesk.ui.importing",),
    ("netdesk.ui.capture",),
    ("netdesk.ui.data",),
    ("netdesk.ui.sync",),
    ("netdesk.ui.settings",),
    ("netdesk.ui", "netdesk.ui.app", "netdesk.ui.main_window"),
    ("netdesk.cli", "netdesk.__main__"),
)
NO_QT = ("netdesk.models", "netdesk.services")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, name: str) -> set[str]:
    """Every module named by an import statement anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {
    name: {i for i in imports_of(path, name) if i in MODULES and i != name}
    for name, path in MODULES.items()
}


def layer_of(name: str) -> int:
    """The index of the most specific layer entry that ``name`` is, or is inside."""
    best, best_len = None, -1
    for index, entries in enumerate(LAYERS):
        for entry in entries:
            if (name == entry or name.startswith(entry + ".")) and len(entry) > best_len:
                best, best_len = index, len(entry)
    assert best is not None, f"{name} is in no layer: add it to LAYERS and docs/architecture.md"
    return best


def test_every_module_has_a_layer():
    for name in MODULES:
        layer_of(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_import_goes_up_a_layer(name):
    mine = layer_of(name)
    upward = sorted(i for i in GRAPH[name] if layer_of(i) > mine)
    assert not upward, f"{name} (layer {mine}) imports higher layers: {upward}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith(NO_QT)))
def test_models_and_services_never_import_qt(name):
    qt = sorted(
        i for i in imports_of(MODULES[name], name) if i.split(".")[0] in {"PySide6", "shiboken6"}
    )
    assert not qt, f"{name} imports Qt: {qt}"


def test_no_import_circles():
    """Tarjan's strongly connected components: every one must be a single module."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(GRAPH):
        if node not in index:
            visit(node)
    assert not circles, f"modules that import each other: {circles}"


def test_the_layering_check_sees_a_violation(tmp_path):
    """The checker itself: a services module importing Qt and the UI is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def f():\n    from PySide6.QtWidgets import QWidget\n    from ..ui import app\n"
    )
    found = imports_of(bad, "netdesk.services.bad")
    assert "PySide6.QtWidgets" in found
    assert "netdesk.ui.app" in found
    assert layer_of("netdesk.ui.app") > layer_of("netdesk.services.contacts.records")
