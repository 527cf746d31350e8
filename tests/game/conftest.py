"""Fixtures for the game's tests: a headless app on the dummy video driver, and scripted input."""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the test modules import game_scripted

import pygame  # noqa: E402  (after the environment above, so the support banner stays quiet)
import pytest  # noqa: E402

from game.app import App, Options  # noqa: E402
from game.fonts import FontSource, find_cjk_font  # noqa: E402
from sim import load_scenario  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture(scope="session")
def font() -> FontSource:
    return find_cjk_font() or FontSource(None, 0, has_cjk=False)


@pytest.fixture(scope="session")
def flight():
    return load_scenario(SCENARIOS / "delayed_flight.yaml")


@pytest.fixture(scope="session")
def lounge():
    return load_scenario(SCENARIOS / "vip_lounge.yaml")


@pytest.fixture
def make_app(font, tmp_path):
    """Build headless apps (trainer records and exports in the test's folder); closed after the test."""
    pygame.display.init()
    apps: list[App] = []

    def make(lang: str = "en", scenario=None, speed: int = 1, scenario_dir: Path | None = None, seed: int = 0,
             db: Path | None = None) -> App:
        options = Options(scenario=scenario, lang=lang, seed=seed, font=font, headless=True, sound=False, speed=speed,
                          scenario_dir=scenario_dir or SCENARIOS, db=db or tmp_path / "records.sqlite3",
                          export_dir=tmp_path / "exports")
        apps.append(App(options))
        return apps[-1]

    yield make
    for app in apps:
        app.close()
    pygame.display.quit()


@pytest.fixture(scope="session")
def two_scenarios(tmp_path_factory) -> Path:
    """A scenarios folder with just the delayed flight and the VIP lounge, whatever else scenarios/ holds."""
    folder = tmp_path_factory.mktemp("scenarios")
    for name in ("delayed_flight.yaml", "vip_lounge.yaml"):
        (folder / name).write_bytes((SCENARIOS / name).read_bytes())
    return folder


def without_exercise(text: str) -> str:
    """A scenario's YAML text with its top-level ``exercise`` section removed: a planning-only scenario."""
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        if line[:1] not in (" ", "#", "\n", "") or line.startswith("exercise:"):
            skipping = line.startswith("exercise:")
        if not skipping:
            kept.append(line)
    return "".join(kept)


@pytest.fixture(scope="session")
def planning_only(tmp_path_factory) -> Path:
    """The bank branch scenario without its exercise: valid for planners, not playable."""
    path = tmp_path_factory.mktemp("planning") / "bank_branch.yaml"
    path.write_text(without_exercise((SCENARIOS / "bank_branch.yaml").read_text(encoding="utf-8")), encoding="utf-8")
    return path
