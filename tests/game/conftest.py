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
def make_app(font):
    """Build headless apps; the display is closed after the test."""
    pygame.display.init()

    def make(lang: str = "en", scenario=None, speed: int = 1, scenario_dir: Path | None = None, seed: int = 0) -> App:
        options = Options(scenario=scenario, lang=lang, seed=seed, font=font, headless=True, sound=False, speed=speed,
                          scenario_dir=scenario_dir or SCENARIOS)
        return App(options)

    yield make
    pygame.display.quit()
