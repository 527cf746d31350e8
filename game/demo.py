"""Demo mode: an autopilot that walks the menus through real input events, and a screenshot taker.

The policy's answers at decision points are given by the dialog scene itself (it knows the session's
autoplay policy); the autopilot only navigates, so the demo travels the same code paths as a player.
"""
from __future__ import annotations

from pathlib import Path

import pygame

from .scenes.briefing import BriefingScene

DWELL_S = 0.8  # seconds a screen stays before it is photographed and left
SHOW_TAB_S = 6.0  # with a window and no screenshots, each debrief tab stays this long for the audience
DEBRIEF_TABS = ("score", "timeline", "lessons", "kpis", "replay")
WAITS_FOR_REPLAYS = ("score", "replay")  # tabs photographed once the replays are in
MENU_SCENES = ("title", "settings", "picker", "briefing")


def click(button) -> None:
    """Post a left click on a button's centre, as the mouse would."""
    pos = button.rect.center
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1))


class Screenshots:
    """Saves the screen as numbered PNG files: ``LANG-NN-LABEL.png``."""

    def __init__(self, folder: Path, lang: str):
        self.folder = folder
        self.lang = lang
        self.count = 0
        self.saved: list[Path] = []

    def capture(self, app, label: str) -> Path:
        self.count += 1
        path = self.folder / f"{self.lang}-{self.count:02d}-{label}.png"
        pygame.image.save(app.screen, str(path))
        self.saved.append(path)
        return path


class Autopilot:
    """Navigates title -> (settings) -> picker -> briefing -> play; tours the debrief; photographs each screen."""

    def __init__(self, scenario_path: Path | None, shots: Screenshots | None, tour_settings: bool, quit_at_end: bool,
                 play_moments: int = 4):
        self.scenario_name = scenario_path.name if scenario_path else None
        self.shots = shots
        self.tour_settings = tour_settings
        self.quit_at_end = quit_at_end
        self.play_moments = play_moments
        self.settings_seen = False
        self.done_scenes: set[int] = set()
        self.photographed: set[tuple[int, str]] = set()
        self._seen: dict[int, object] = {}  # every scene met stays referenced, so no new scene can reuse its id
        self.marks: list[float] | None = None
        self.tab_index = 0

    # -- driver hooks ---------------------------------------------------------------------------
    def before_frame(self, app) -> None:
        scene = app.top
        self._seen.setdefault(id(scene), scene)
        if scene is None or scene.age < DWELL_S or id(scene) in self.done_scenes:
            return
        if self.shots is not None and scene.name in MENU_SCENES and (id(scene), "screen") not in self.photographed:
            return  # photograph first (after this frame is drawn), act on a later frame
        action = getattr(self, f"_act_{scene.name}", None)
        if action is not None:
            action(app, scene)

    def after_frame(self, app) -> None:
        scene = app.top
        self._seen.setdefault(id(scene), scene)
        if scene is None or self.shots is None:
            return
        if scene.name == "play":
            self._photograph_play(app, scene)
        elif scene.name == "dialog":
            self._photograph_dialog(app, scene)
        elif scene.name == "debrief":
            self._photograph_debrief(app, scene)
        elif scene.age >= DWELL_S and not getattr(scene, "loading", False):  # the picker's list, not its wait
            self._once(app, scene, "screen", scene.name)

    # -- navigation -----------------------------------------------------------------------------
    def _act_title(self, app, scene) -> None:
        if self.tour_settings and not self.settings_seen:
            self.settings_seen = True
            click(scene.buttons.get("settings"))  # the title is shown again afterwards, so it is not done yet
        else:
            click(scene.buttons.get("start"))
            self.done_scenes.add(id(scene))

    def _act_settings(self, app, scene) -> None:
        click(scene.buttons.get("back"))
        self.done_scenes.add(id(scene))

    def _act_picker(self, app, scene) -> None:
        if scene.loading:  # the scenario files are still being read: wait for the list
            return
        button = scene.buttons.get(f"scenario:{self.scenario_name}") if self.scenario_name else None
        if button is not None and button.enabled:
            click(button)
        else:  # the scenario lives outside the picker's folder: open its briefing directly
            app.push(BriefingScene(app, app.options.scenario))
        self.done_scenes.add(id(scene))

    def _act_briefing(self, app, scene) -> None:
        click(scene.buttons.get("start"))
        self.done_scenes.add(id(scene))

    def _act_debrief(self, app, scene) -> None:
        if self.tab_index >= len(DEBRIEF_TABS):
            self.done_scenes.add(id(scene))
            if self.quit_at_end:
                app.quit()
            return
        tab = DEBRIEF_TABS[self.tab_index]
        if scene.tab != tab:
            click(scene.buttons.get(f"tab:{tab}"))
            scene.age = 0.0
            return
        shown = (id(scene), tab) in self.photographed or (self.shots is None and scene.age >= SHOW_TAB_S)
        if shown:
            if tab not in WAITS_FOR_REPLAYS or scene.replays.finished:
                self.tab_index += 1
                scene.age = 0.0

    # -- screenshots ----------------------------------------------------------------------------
    def _once(self, app, scene, key: str, label: str) -> None:
        if (id(scene), key) not in self.photographed:
            self.photographed.add((id(scene), key))
            self.shots.capture(app, label)

    def _photograph_play(self, app, scene) -> None:
        session = scene.session
        if self.marks is None:
            ex = session.exercise
            start, end = ex.start_min, session.run.end_min
            moments = [start + (end - start) * (i + 0.5) / self.play_moments for i in range(self.play_moments)]
            moments += [inject.at_min + 3 for inject in ex.injects]
            self.marks = sorted(moments)
        while self.marks and session.now >= self.marks[0]:
            mark = self.marks.pop(0)
            self._once(app, scene, f"play@{mark:g}", f"play-{session.clock_text().replace(':', '')}")

    def _photograph_dialog(self, app, scene) -> None:
        decision = scene.decision.id
        if scene.choice is None and scene.age >= DWELL_S:
            self._once(app, scene, "question", f"dialog-{decision}")
        elif scene.choice is not None and scene.age - scene.answered_at >= DWELL_S:
            self._once(app, scene, "feedback", f"feedback-{decision}")

    def _photograph_debrief(self, app, scene) -> None:
        if scene.age < DWELL_S or self.tab_index >= len(DEBRIEF_TABS):
            return
        tab = DEBRIEF_TABS[self.tab_index]
        ready = {"replay": scene.chart_shown, "score": scene.judgement is not None}.get(tab, True)
        if scene.tab == tab and (ready or scene.replays.error):
            self._once(app, scene, tab, f"debrief-{tab}")
