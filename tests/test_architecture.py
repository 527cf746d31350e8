"""The layout's import rules (docs/architecture.md), read from the source with ``ast``.

Every import counts: module level, inside functions, and type-only ones under ``TYPE_CHECKING``.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("sim", "game", "trainer")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def source_modules() -> dict[str, Path]:
    found = {module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}
    found["run_sim"] = ROOT / "run_sim.py"
    return found


MODULES = source_modules()


def imports_of(name: str, path: Path) -> set[str]:
    """The modules ``name`` imports, relative imports resolved, ``from pkg import mod`` as ``pkg.mod``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names if f"{target}.{alias.name}" in MODULES)
    return found


GRAPH = nx.DiGraph()
for _name, _path in MODULES.items():
    GRAPH.add_node(_name)
    for _target in imports_of(_name, _path):
        GRAPH.add_edge(_name, _target)


def violations(source_prefix: str, forbidden: tuple[str, ...]) -> list[str]:
    def inside(module: str, prefix: str) -> bool:
        return module == prefix or module.startswith(prefix + ".")

    return sorted(f"{a} imports {b}" for a, b in GRAPH.edges
                  if inside(a, source_prefix) and any(inside(b, f) for f in forbidden))


RULES = [
    ("sim", ("game", "trainer", "pygame")),  # the model knows nothing of its front ends
    ("sim.scenario", ("sim.model", "sim.exercise", "sim.experiments", "sim.outputs", "sim.fitting")),
    ("sim.model", ("sim.exercise", "sim.experiments", "sim.outputs", "sim.fitting")),
    ("sim.exercise", ("sim.experiments", "sim.outputs", "sim.fitting")),
    ("sim.experiments", ("sim.outputs", "sim.fitting")),
    ("sim.outputs", ("sim.fitting",)),  # calibration sits on top: nothing in the model depends on it
    ("trainer", ("game", "pygame")),  # the records serve srl-trainer without the game
]


@pytest.mark.parametrize("source, forbidden", RULES, ids=[rule[0] for rule in RULES])
def test_rooms_import_only_downwards(source, forbidden):
    assert violations(source, forbidden) == []


def test_no_import_cycles():
    ours = GRAPH.subgraph(MODULES)
    cycles = [sorted(component) for component in nx.strongly_connected_components(ours) if len(component) > 1]
    assert cycles == []


def test_scenes_open_each_other_through_the_registry():
    shared = {"game.scenes", "game.scenes.base", "game.scenes.trainer_base", "game.scenes.registry"}
    scenes = [m for m in MODULES if m.startswith("game.scenes.") and m not in shared]
    crossing = sorted(f"{a} imports {b}" for a in scenes for b in GRAPH.successors(a) if b in scenes and b != a)
    assert crossing == []


def test_every_registered_scene_exists():
    from game.scenes.registry import SCENES, scene_class

    for name in SCENES:
        assert scene_class(name).__name__ == SCENES[name].split(":")[1]


def test_trainer_command_starts_without_the_game():
    probe = "import sys, trainer.cli; print(sorted(m for m in ('pygame', 'game') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_checker_sees_a_planted_violation(tmp_path):
    """The rules are only worth something if a forbidden import would be found."""
    planted = tmp_path / "planted.py"
    planted.write_text("from ..outputs import plots\n")
    assert "sim.outputs.plots" in imports_of("sim.model.planted", planted)


@pytest.mark.parametrize("module", ["trainer", "game.trainer"])
def test_trainer_command_runs_under_both_module_names(module):
    done = subprocess.run([sys.executable, "-m", module, "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "scoreboard" in done.stdout
