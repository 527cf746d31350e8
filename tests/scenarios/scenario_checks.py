"""What every scenario file must pass, as plain functions the tests call: the scenario folder, paired
comparisons of two policies by common random numbers, bilingual texts, and a headless playthrough of
the game's demo mode."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from sim import Scenario, run_once
from sim.experiments.statistics import confidence_interval
from sim.scenario.bilingual import untranslated_texts  # noqa: F401 (the checks' public names)

ROOT = Path(__file__).resolve().parents[2]
SCENARIO_DIR_VARIABLE = "SRL_SCENARIO_DIR"


def scenario_dir() -> Path:
    """The folder the checks cover: ``scenarios/``, or the folder named by ``$SRL_SCENARIO_DIR``."""
    return Path(os.environ.get(SCENARIO_DIR_VARIABLE) or ROOT / "scenarios")


def scenario_files(folder: Path | None = None) -> list[Path]:
    """Every scenario file of the folder, in name order (what the picker and ``run_sim.py`` read)."""
    folder = folder or scenario_dir()
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


# -- paired comparison by common random numbers ---------------------------------------------------------
REPLICATIONS = 30
SEED = 20240611


@dataclass(frozen=True)
class PairedDifference:
    """``expert - standard_process`` of one KPI over replications that share their random numbers."""

    kpi: str
    better: str
    differences: tuple[float, ...]

    @property
    def interval(self) -> tuple[float, float, float]:
        return confidence_interval(self.differences)

    @property
    def expert_is_better(self) -> bool:
        """The 95 % t-interval of the mean difference lies wholly on the better side of 0."""
        _, low, high = self.interval
        return low > 0 if self.better == "higher" else high < 0

    def describe(self) -> str:
        mean, low, high = self.interval
        return f"{self.kpi} ({self.better} is better): expert - standard_process = {mean:.4g}, 95 % interval [{low:.4g}, {high:.4g}]"


def paired_key_kpis(scenario: Scenario, replications: int = REPLICATIONS, seed: int = SEED) -> list[PairedDifference]:
    """Run both policies on replications 0..n-1 of one seed (so each pair sees the same customers)."""
    expert = [run_once(scenario, seed, r, "expert") for r in range(replications)]
    standard = [run_once(scenario, seed, r, "standard_process") for r in range(replications)]
    pairs = []
    for key in scenario.meta.key_kpis:
        assert key.kpi in expert[0], f"meta.key_kpis: unknown KPI '{key.kpi}'; known: {', '.join(sorted(expert[0]))}"
        diffs = tuple(e[key.kpi] - s[key.kpi] for e, s in zip(expert, standard))
        pairs.append(PairedDifference(key.kpi, key.better, diffs))
    return pairs


# -- bilingual text -----------------------------------------------------------------------------------
def all_finite(values) -> bool:
    return all(math.isfinite(v) for v in values)


# -- the game's demo mode, headless ------------------------------------------------------------------------
HEADLESS_FRAME_S = 0.25  # seconds of game time per frame: coarser than the demo's, same code paths


class _Watcher:
    """A driver beside the demo's autopilot: remembers the scenes passed and the finished session."""

    def __init__(self):
        self.scenes: list[str] = []
        self.session = None
        self.debrief = None

    def before_frame(self, app) -> None:
        scene = app.top
        if scene is None:
            return
        if not self.scenes or self.scenes[-1] != scene.name:
            self.scenes.append(scene.name)
        if scene.name == "play":
            self.session = scene.session
        if scene.name == "debrief" and self.debrief is not scene:
            self.debrief = scene
            scene.replays.wait(120)  # the replays run in a thread; let them finish instead of spinning frames

    def after_frame(self, app) -> None:
        pass


@dataclass
class DemoResult:
    scenes: list[str]
    session: object
    debrief: object
    frames: int


def play_demo_headless(path: Path, policy: str = "expert", picker_folder: Path | None = None) -> DemoResult:
    """Play ``path`` in the game's demo mode (``--autoplay POLICY --headless``) through the real event loop.

    The demo's autopilot walks title, picker, briefing, play (each decision answered by the policy) and the
    debrief's tabs, then quits. ``picker_folder`` is the folder the picker lists (default: the file's own).
    """
    import pygame

    from game.app import App
    from game.cli import parse
    from game.demo import Autopilot
    from game.fonts import resolve_font
    from game.scenes.title import TitleScene

    folder = picker_folder or path.parent
    options, font_path = parse(["--scenario", str(path), "--autoplay", policy, "--headless", "--replays", "2",
                                "--scenario-dir", str(folder)])
    scenario = options.scenario
    ex = scenario.exercise
    end = ex.end_min if ex.end_min is not None else scenario.operation.horizon_min
    play_frames = (end - ex.start_min) / ex.time_scale / options.speed / HEADLESS_FRAME_S
    budget = int(play_frames + 60 * (len(ex.decisions) + len(ex.injects)) + 2000)
    pygame.display.init()
    options.font = resolve_font(font_path)
    app = App(options)
    watcher = _Watcher()
    try:
        app.push(TitleScene(app))
        app.run((Autopilot(path, None, tour_settings=False, quit_at_end=True), watcher),
                frame_dt=HEADLESS_FRAME_S, max_frames=budget)
        return DemoResult(watcher.scenes, watcher.session, watcher.debrief, app.frame)
    finally:
        app.close()
        pygame.display.quit()
