"""Scripted input for the game's tests: real pygame events posted into the real event loop."""
from __future__ import annotations

import random

import pygame

KEYS = [
    *range(pygame.K_a, pygame.K_z + 1), *range(pygame.K_0, pygame.K_9 + 1), pygame.K_SPACE, pygame.K_RETURN,
    pygame.K_ESCAPE, pygame.K_TAB, pygame.K_UP, pygame.K_DOWN, pygame.K_LEFT, pygame.K_RIGHT, pygame.K_PAGEUP,
    pygame.K_PAGEDOWN, pygame.K_HOME, pygame.K_END, pygame.K_F11, pygame.K_KP_ENTER, pygame.K_BACKSPACE,
]
MODS = (0, 0, 0, pygame.KMOD_SHIFT)  # Shift+Tab selects the previous customer

TYPED = ("Ana", "李娜", "x", " ", "2025-03-14", "=1+1")


class RandomInput:
    """Posts 0-4 random events a frame; Escape is rarer so that play gets time to run. Notes the scenes it met
    and what ``notice(app, scene)`` says the scene on top showed (the features a test wants reached)."""

    def __init__(self, seed: int, notice=lambda app, scene: set()):
        self.rng = random.Random(seed)
        self.notice = notice
        self.posted = 0
        self.scenes: set[str] = set()
        self.seen: set[str] = set()

    def before_frame(self, app) -> None:
        rng = self.rng
        if app.top is not None:
            self.scenes.add(app.top.name)
            self.seen |= self.notice(app, app.top)
        for _ in range(rng.randint(0, 4)):
            roll = rng.random()
            pos = (rng.randrange(1280), rng.randrange(720))
            if roll < 0.55:
                button = rng.choice((1, 1, 1, 3))
                pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=button))
                pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=button))
            elif roll < 0.6:
                pygame.event.post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=rng.choice((-1, 1)), flipped=False))
            elif roll < 0.62:
                pygame.event.post(pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0)))
            elif roll < 0.66:  # typing, for the trainer screens' text fields
                pygame.event.post(pygame.event.Event(pygame.TEXTINPUT, text=rng.choice(TYPED)))
            else:
                key = rng.choice(KEYS)
                if key == pygame.K_ESCAPE and rng.random() < 0.7:
                    key = pygame.K_SPACE
                pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=rng.choice(MODS), unicode="", scancode=0))
            self.posted += 1

    def after_frame(self, app) -> None:
        pass


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
