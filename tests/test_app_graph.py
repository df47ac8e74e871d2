"""The apps' import graph has no cycle, and no app escapes the layer contract that keeps it so.

``lint-imports`` (./dev lint) enforces the layers written in pyproject.toml, which keeps the
graph acyclic only for the apps it names: an app added without a line in the contract would be
free to import upward. ``python -m mesoclinic.app_graph`` prints the graph; these tests hold
both in the suite (issue 9).
"""

from __future__ import annotations

import graphlib
import subprocess
import sys
import tomllib
from pathlib import Path

from mesoclinic import app_graph

ROOT = Path(__file__).resolve().parent.parent


def _layered_modules() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (layers,) = [c["layers"] for c in contracts if c["id"] == "layers"]
    return {name.strip() for layer in layers for name in layer.split("|")}


def test_it_finds_no_cycle_between_the_apps():
    # given the imports of every app (module level, in functions, under TYPE_CHECKING)
    graph = app_graph.app_imports()
    # then they sort bottom to top
    order = list(graphlib.TopologicalSorter(graph).static_order())
    assert sorted(order) == sorted(graph)


def test_it_names_every_app_in_the_layer_contract():
    # given the apps: the sub-packages of mesoclinic
    package = Path(app_graph.__file__).resolve().parent
    apps = {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    # then each stands in one layer of the contract lint-imports checks
    layered = _layered_modules()
    assert {f"mesoclinic.{app}" for app in apps} - layered == set()


def test_it_prints_the_graph_and_an_order_from_the_command_line():
    # when anyone runs the command the contributing guide gives
    run = subprocess.run(
        [sys.executable, "-m", "mesoclinic.app_graph"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    # then it reports no cycle and exits 0
    assert run.returncode == 0, run.stdout
    assert "no cycle; bottom to top:" in run.stdout
