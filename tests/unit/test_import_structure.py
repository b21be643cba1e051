"""The shape of the code, checked: no import cycle, layers import only downwards, HTTP only in
the API package, no route imports a route, and the shared package is standard library only.

Every `import` statement counts, including those inside functions and `TYPE_CHECKING` blocks:
a cycle hidden by either is still a cycle.
"""

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("shared", "knowledge", "actions", "bot", "stack")
# Lower layers first: a module may import its own layer and the ones before it, never after.
KNOWLEDGE_LAYERS = (
    ("shared",),
    ("knowledge.config",),
    ("knowledge.platform",),
    ("knowledge.documents",),
    ("knowledge.retrieval",),
    ("knowledge.content",),
    ("knowledge.records",),
    ("knowledge.desk",),
    ("knowledge.startup",),
    ("knowledge.api", "knowledge.cli", "knowledge.evaluation"),
)
HTTP_FRAMEWORKS = ("fastapi", "starlette")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> dict[str, Path]:
    return {
        module_name(path): path
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def imported_names(path: Path, module: str) -> Iterator[str]:
    """Every module named by an import statement anywhere in the file, relative ones resolved."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join(anchor + ([base] if base else []))
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


MODULES = source_files()
GRAPH = {
    module: sorted(
        {name for name in imported_names(path, module) if name in MODULES and name != module}
    )
    for module, path in MODULES.items()
}


def cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = counter
                counter += 1
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(graph[child])))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def layer_of(module: str) -> int | None:
    for rank, prefixes in enumerate(KNOWLEDGE_LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    return None


def test_there_is_no_import_cycle() -> None:
    assert cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}) == [["a", "b", "c"]]


def test_knowledge_layers_import_only_downwards() -> None:
    upward = [
        f"{module} → {target}"
        for module, targets in GRAPH.items()
        if (own := layer_of(module)) is not None
        for target in targets
        if (theirs := layer_of(target)) is not None and theirs > own
    ]
    assert upward == []


def test_only_the_api_package_imports_an_http_framework() -> None:
    outside = [
        f"{module} imports {name}"
        for module, path in MODULES.items()
        if not module.startswith("knowledge.api")
        for name in imported_names(path, module)
        if name.split(".")[0] in HTTP_FRAMEWORKS
    ]
    assert outside == []


def test_no_route_module_imports_another() -> None:
    routes = "knowledge.api.routes."
    crossing = [
        f"{module} → {target}"
        for module, targets in GRAPH.items()
        if module.startswith(routes)
        for target in targets
        if target.startswith(routes) and not MODULES[target].name == "__init__.py"
    ]
    assert crossing == []


@pytest.mark.parametrize(
    "module", sorted(m for m in MODULES if m == "shared" or m.startswith("shared."))
)
def test_the_shared_package_uses_the_standard_library_only(module: str) -> None:
    foreign = {
        name.split(".")[0]
        for name in imported_names(MODULES[module], module)
        if name
        and name.split(".")[0] not in sys.stdlib_module_names
        and name.split(".")[0] != "shared"
    }
    assert foreign == set()
