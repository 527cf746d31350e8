"""Thousands of random clicks, keys, typed text and wheel turns (fixed seed) through the real loop never crash the game."""
from __future__ import annotations

import random

import pygame

from game.scenes.title import TitleScene

KEYS = [
    *range(pygame.K_a, pygame.K_z + 1), *range(pygame.K_0, pygame.K_9 + 1), pygame.K_SPACE, pygame.K_RETURN,
    pygame.K_ESCAPE, pygame.K_TAB, pygame.K_UP, pygame.K_DOWN, pygame.K_LEFT, pygame.K_RIGHT, pygame.K_PAGEUP,
    pygame.K_PAGEDOWN, pygame.K_F11, pygame.K_KP_ENTER,
]


TYPED = ("Ana", "李娜", "x", " ", "2025-03-14", "=1+1")


class RandomInput:
    """Posts 0-4 random events a frame; Escape is rarer so that play gets time to run."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.posted = 0
        self.scenes: set[str] = set()

    def before_frame(self, app) -> None:
        rng = self.rng
        if app.top is not None:
            self.scenes.add(app.top.name)
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
                pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
            self.posted += 1

    def after_frame(self, app) -> None:
        pass


# The walk is fixed by its seed. Each game of the walk starts on another screen (below the title), so every
# screen gets its share of random input however the walk wanders.
SEED = 4
ENTRY_SCREENS = ((), ("picker",), ("settings",), ("trainer_sessions",), ("trainer_sessions", "trainer_new_session"),
                 ("trainer_sessions", "trainer_session"), ("trainer_sessions", "trainer_session", "trainer_scoreboard"))


def test_random_input_never_crashes(make_app, two_scenarios, tmp_path):
    from game.scenes.registry import make_scene
    from trainer import TrainerRecords

    db = tmp_path / "walk.sqlite3"
    with TrainerRecords.open(db) as records:  # a session to wander into, as a trainer's machine has
        session = records.create_session("Walk", "2025-03-14", ["delayed_flight", "vip_lounge"])
        records.join_session(session.id, "Ana")
        session = records.find_session(session.id)
    driver = RandomInput(seed=SEED)
    frames = 0
    apps = 0
    while driver.posted < 4000 or apps < len(ENTRY_SCREENS):
        app = make_app(lang="zh" if apps % 2 else "en", speed=4, scenario_dir=two_scenarios, db=db)
        app.options.replications = 2
        app.push(TitleScene(app))
        for name in ENTRY_SCREENS[apps % len(ENTRY_SCREENS)]:
            app.push(make_scene(name, app, session) if name in ("trainer_session", "trainer_scoreboard") else make_scene(name, app))
        app.run((driver,), frame_dt=0.25, max_frames=1500 if apps % len(ENTRY_SCREENS) == 0 else 250)
        frames += app.frame
        apps += 1
    assert driver.posted >= 4000
    assert frames > 1000
    assert {"title", "settings", "picker", "briefing", "play", "dialog", "debrief", "trainer_sessions", "trainer_new_session",
            "trainer_session", "trainer_scoreboard"} <= driver.scenes, driver.scenes
