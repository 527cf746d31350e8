"""Scripted input for the game's tests: real pygame events posted into the real event loop."""
from __future__ import annotations

import pygame


def click_at(pos) -> None:
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=tuple(map(int, pos)), button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=tuple(map(int, pos)), button=1))


def click(button) -> None:
    assert button is not None and button.enabled, f"button not clickable: {button}"
    click_at(button.rect.center)


def press(key: int) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode="", scancode=0))


class Playthrough:
    """Plays a scenario from the title screen to the debrief like a trainee: menus by mouse, speed by key,
    each decision answered by clicking the response named in ``answers`` (others time out), and optional
    play actions: at model minute ``t``, click a cast member and press the action's key."""

    def __init__(self, scenario_file: str, answers: dict[str, str], actions: tuple[tuple[float, str, int], ...] = (),
                 speed_key: int = pygame.K_3):
        self.scenario_file = scenario_file
        self.answers = answers
        self.actions = list(actions)
        self.speed_key = speed_key
        self.acted: set[int] = set()
        self.debrief = None
        self.play = None
        self.pending_key: int | None = None

    def after_frame(self, app) -> None:
        pass

    def before_frame(self, app) -> None:
        scene = app.top
        if scene is None:
            return
        handler = getattr(self, f"_on_{scene.name}", None)
        if handler is not None:
            handler(app, scene)

    def _once(self, scene) -> bool:
        if id(scene) in self.acted:
            return False
        self.acted.add(id(scene))
        return True

    def _on_title(self, app, scene) -> None:
        if self._once(scene):
            click(scene.buttons.get("start"))

    def _on_picker(self, app, scene) -> None:
        button = scene.buttons.get(f"scenario:{self.scenario_file}")
        if button is None:  # further down the list: a page on
            press(pygame.K_PAGEDOWN)
        elif self._once(scene):
            click(button)

    def _on_briefing(self, app, scene) -> None:
        if self._once(scene):
            click(scene.buttons.get("start"))

    def _on_play(self, app, scene) -> None:
        self.play = scene
        if self._once(scene):
            press(self.speed_key)
            return
        if self.pending_key is not None:  # the customer was selected last frame: now the action's key
            press(self.pending_key)
            self.pending_key = None
            return
        run = scene.session.run
        if self.actions and scene.session.now >= self.actions[0][0]:
            _, cast, key = self.actions.pop(0)
            position = scene.crowd.position(run.cast_ids[cast]) if cast in run.cast_ids else None
            if position is not None:
                click_at(position)
                self.pending_key = key

    def _on_dialog(self, app, scene) -> None:
        if scene.choice is None:
            wanted = self.answers.get(scene.decision.id)
            if wanted is not None:
                click(scene.buttons.get(f"choice:{wanted}"))
        else:
            click(scene.buttons.get("continue"))

    def _on_debrief(self, app, scene) -> None:
        self.debrief = scene
        scene.replays.wait()
        app.quit()


def run_playthrough(app, script, frame_dt: float = 0.1, max_frames: int = 5000) -> None:
    from game.scenes.title import TitleScene

    app.push(TitleScene(app))
    app.run((script,), frame_dt=frame_dt, max_frames=max_frames)
