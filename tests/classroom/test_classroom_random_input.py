"""Random clicks, keys and typed text (fixed seed) on the classroom's screens, against a real server on
loopback: the join form, the trainee's play in the room with its dialogs and debrief, the trainer's console
(start, pause, timers, injects, +15 min, reveal, end) and the group debrief never crash the game.

Both games run in this process, as the trainee's and the trainer's computers would side by side; the walk
notes the screens it met, so the test fails if one of them drops out of its reach.
"""
from __future__ import annotations

import sys
import time

import pygame

from game.app import App, Options
from game.fonts import FontSource, find_cjk_font
from game.scenes.registry import make_scene

from .conftest import REPO, ThreadedServer, close_apps

sys.path.insert(0, str(REPO / "tests" / "game"))  # the game tests' random input
from game_scripted import RandomInput  # noqa: E402

SEED = 11
FRAMES = 500  # per game; each frame gets 0-4 random inputs
CLASSROOM_SCENES = {"classroom_join", "classroom_console", "classroom_debrief"}


def _app(lang: str, tmp_path) -> App:
    pygame.display.init()
    font = find_cjk_font() or FontSource(None, 0, has_cjk=False)
    return App(Options(lang=lang, font=font, headless=True, sound=False, speed=4, scenario_dir=REPO / "scenarios",
                       db=tmp_path / f"own-{lang}.sqlite3", export_dir=tmp_path / "exports", replications=2))


def _until(app: App, condition, seconds: float = 10.0) -> None:
    stop = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < stop, "the screen did not get there in time"
        app.step(0.05)
        time.sleep(0.01)


def test_random_input_on_the_classroom_screens_never_crashes(room, tmp_path):
    served = ThreadedServer(room)
    address, join_code, console_code = f"127.0.0.1:{served.port}", room.classroom.join_code, room.classroom.console_code
    trainee_app, console_app = _app("en", tmp_path), _app("zh", tmp_path)
    driver = RandomInput(seed=SEED)
    try:
        trainee_app.push(make_scene("classroom_join", trainee_app))  # the empty form, typed into at random
        for _ in range(60):
            driver.before_frame(trainee_app)
            trainee_app.step(0.05)
        trainee_app.reset(make_scene("classroom_join", trainee_app, address, join_code, "Ana Lima"))
        _until(trainee_app, lambda: trainee_app.top.name == "play")
        console = console_app.push(make_scene("classroom_console", console_app, address, console_code))
        _until(console_app, lambda: console.board is not None)
        console.buttons.get("start").action()
        for frame in range(FRAMES):
            if frame == FRAMES // 2 and "classroom_debrief" not in driver.scenes:  # make sure the group debrief gets its share
                console_app.reset(make_scene("classroom_console", console_app, address, console_code))
                console = console_app.top
                _until(console_app, lambda: console.board is not None)
                console.command("pause")
                _until(console_app, lambda: console.buttons.get("debrief") is not None)
                console.buttons.get("debrief").action()
            for app, again in ((console_app, lambda: make_scene("classroom_console", console_app, address, console_code)),
                               (trainee_app, lambda: make_scene("classroom_join", trainee_app, address, join_code, "Ana Lima"))):
                if app.top is None or app.top.name == "title":  # left the room: back in, as a person would
                    app.reset(again())
                driver.before_frame(app)
                app.step(0.1)
        assert {"classroom_join", "classroom_console", "classroom_debrief", "play", "dialog"} <= driver.scenes, driver.scenes
        assert driver.posted > 1000
    finally:
        close_apps(console_app, trainee_app)
        served.stop()
