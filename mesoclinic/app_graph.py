"""Which app imports which, and whether the apps form a cycle.

    python -m mesoclinic.app_graph

prints one line per app with the apps it imports, then either an order in which every app
comes after the apps it imports (no cycle) or one cycle, and exits 1 on a cycle. Every import
counts: module level, inside functions and under ``TYPE_CHECKING``; tests and migrations do
not. ``lint-imports`` (./dev lint) enforces the layer order itself (CONTRIBUTING.md, Layers);
this shows the graph it keeps acyclic. Standard library only, no Django.
"""

from __future__ import annotations

import ast
import graphlib
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SKIPPED_DIRS = {"tests", "migrations"}


def _imported_modules(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from mesoclinic import x" names the app in the alias
            if node.module == PACKAGE.name:
                names += [f"{PACKAGE.name}.{alias.name}" for alias in node.names]
            else:
                names.append(node.module)
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def app_imports(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Each app (a sub-package of ``package``) and the other apps its modules import."""
    apps = {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    graph: dict[str, set[str]] = defaultdict(set)
    for app in sorted(apps):
        graph[app]
        for path in (package / app).rglob("*.py"):
            if SKIPPED_DIRS & set(path.relative_to(package).parts):
                continue
            for name in _imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
                parts = name.split(".")
                if len(parts) > 1 and parts[0] == package.name and parts[1] in apps - {app}:
                    graph[app].add(parts[1])
    return dict(graph)


def main() -> int:
    graph = app_imports()
    for app, imported in sorted(graph.items()):
        print(f"{app:14} -> {', '.join(sorted(imported)) or '(none)'}")
    try:
        order = list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        # graphlib lists the cycle from importee to importer; shown as "imports" arrows
        print(f"\ncycle (each app imports the next): {' -> '.join(reversed(exc.args[1]))}")
        return 1
    print(f"\nno cycle; bottom to top: {', '.join(order)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
