"""The package's areas depend one way: each imports only areas below it, and no modules cycle.

Read with `ast` (nothing is imported), so the test sees imports inside functions and under
`if TYPE_CHECKING:` too: a name written in a module is a dependency of that module.
"""
import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "youthagainstguns"

# Lowest first. An area imports only lower layers, never a sibling on its own layer
# (certificates and mentoring know nothing of each other).
LAYERS = (
    ("extensions", "dbtypes", "enums", "timeutil", "text", "i18n", "pdf", "pdf_fast",
     "csvexport", "forms", "pages", "errors", "urls", "proxy", "mail_models", "mail", "jobs",
     "backup", "dbstats", "audit", "accesslog", "ratelimit", "listing", "charts"),
    ("auth",),
    ("schools",),
    ("speakers",),
    ("workshops",),
    ("certificates", "mentoring"),
    ("surveys", "referrals"),
    ("reports",),
    ("api",),  # the JSON API and its tokens: over every area whose records it serves
    ("admin", "main", "privacy", "dashboards"),
    ("demo", "cli", "models", "__init__"),  # wiring: the app factory and commands
)
# Layers of single modules rather than areas: their members may import each other.
SHARED_LAYERS = (LAYERS[0], LAYERS[-1])


def _module_name(path: Path) -> str:
    parts = ("youthagainstguns", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _resolve(module: str, node: ast.ImportFrom) -> str:
    """Turn a relative `from ..x import y` into an absolute module name."""
    if not node.level:
        return node.module or ""
    is_package = MODULES[module].name == "__init__.py"
    base = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
    return ".".join([*base, node.module] if node.module else base)


def imports_of(module: str) -> set[str]:
    """Return the package modules that `module` imports anywhere in its text."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                found.add(submodule if submodule in MODULES else target)
    return {name for name in found if name in MODULES and name != module}


def area_of(module: str) -> str:
    """Name the area a module belongs to: its first package below youthagainstguns."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def layer_of(area: str) -> int:
    """Return the index of the area's layer."""
    return next(index for index, layer in enumerate(LAYERS) if area in layer)


def upward_imports() -> list[str]:
    """List every import of a higher layer, or of a sibling on the same layer."""
    wrong = []
    for module in sorted(MODULES):
        area = area_of(module)
        for target in sorted(imports_of(module)):
            other = area_of(target)
            if other == area or any({area, other} <= set(layer) for layer in SHARED_LAYERS):
                continue
            if layer_of(other) >= layer_of(area):
                wrong.append(f"{module} imports {target}")
    return wrong


def import_cycles() -> list[list[str]]:
    """Return the cycles among the package's modules (one per strongly connected group)."""
    graph = {module: imports_of(module) for module in MODULES}
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while not group or group[-1] != node:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                groups.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return groups


def test_every_area_has_a_layer():
    """Does a new area get a place in the order before it can land?"""
    areas = {area_of(module) for module in MODULES}
    assert areas <= {area for layer in LAYERS for area in layer}


def test_no_area_imports_a_higher_or_sibling_area():
    """Can a newcomer read the dependencies off the folder list?"""
    assert upward_imports() == []


def test_no_modules_import_each_other_in_a_cycle():
    """Does every module load without needing one that needs it back?"""
    assert import_cycles() == []


@pytest.mark.parametrize("source, expected", [
    ("from ..mentoring.models import Match\n", ["youthagainstguns.auth.views imports "
                                                "youthagainstguns.mentoring.models"]),
    ("from ..extensions import db\n", []),
])
def test_the_check_sees_an_upward_import(monkeypatch, tmp_path, source, expected):
    """Would an upward import (here: auth reaching into mentoring) fail the check?"""
    views = tmp_path / "views.py"
    views.write_text(source, "utf-8")
    module = "youthagainstguns.auth.views"
    monkeypatch.setitem(MODULES, module, views)
    monkeypatch.setattr("tests.test_layers.imports_of", _only_for(module))
    assert upward_imports() == expected


def _only_for(module: str):
    original = imports_of

    def imports(name: str) -> set[str]:
        return original(name) if name == module else set()

    return imports
