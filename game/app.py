"""The application: the window, the scene stack and the main loop."""
from __future__ import annotations

import sys
import threading
import time

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import pygame

from sim import Scenario, text_in

from . import heap, strings, theme
from .catalog import default_scenario_dir, scan_in_background
from .fonts import FontBook, FontSource
from .scenes.base import Scene
from .scenes.registry import import_all
from .settings import Settings
from .sound import Sounds

BACKGROUND_THREADS = ("debrief-", "scenario-catalog", "scene-preload")  # names of the threads the game starts
BACKGROUND_JOIN_S = 10.0  # the longest the game waits for them when it closes
# Background threads share the interpreter with the screen: a thread that wants it back waits up to
# this long for the running one to hand it over (Python's default is 5 ms, several times a frame).
SWITCH_INTERVAL_S = 0.001
LOADING_WAIT_S = 0.01  # a fixed-step run (headless, tests) waits this per frame while its screen's files are read
QUIET_AFTER_CHANGE_S = 0.25  # background loading of screens' code keeps off a screen this long after it opens


@dataclass
class Options:
    """What the command line asked for."""

    scenario: Scenario | None = None
    lang: str = "en"
    seed: int = 0
    font: FontSource | None = None
    autoplay: str | None = None
    headless: bool = False
    screenshots: Path | None = None
    scenario_dir: Path | None = None
    fullscreen: bool = False
    sound: bool = True
    speed: int = 1
    replications: int = 20
    db: Path | None = None  # trainer records file (None: the default in the user's data folder)
    export_dir: Path | None = None  # where scoreboards are exported (None: Documents/Service Recovery Lab)
    session_name: str | None = None  # --session: open this training session (number or exact name)
    trainee_name: str | None = None  # --trainee: record the turn for this trainee of the session
    resume: int | None = None  # --resume: carry on this unfinished recorded turn
    answers: str | None = None  # --answers: scripted headless play by this rule (game.answers.STRATEGIES)
    json: Path | None = None  # --json: where scripted play writes its result
    timer: bool = True  # dialogs count down (off: --no-timer, or the trainer's switch in the settings)
    join: str | None = None  # --join: the classroom (HOST:PORT) a trainee joins
    console: str | None = None  # --console: the classroom (HOST:PORT) whose console the trainer opens
    code: str | None = None  # --code: the classroom's join code (or its console code)


class Driver(Protocol):
    """Something that feeds the loop input or watches it: the demo autopilot, a screenshot taker, a test."""

    def before_frame(self, app: "App") -> None: ...

    def after_frame(self, app: "App") -> None: ...


class App:
    """Owns the display surface and the scene stack; runs frames until the stack empties or quit."""

    FPS = 60

    def __init__(self, options: Options, screen: pygame.Surface | None = None, records=None):
        self.options = options
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        self.settings = Settings(lang=options.lang, fullscreen=options.fullscreen, sound=options.sound and not options.headless,
                                 timer=options.timer)
        self.screen = screen if screen is not None else open_display(options)
        self.fonts = FontBook(options.font or FontSource(None, 0, has_cjk=False), self.settings.text_scale)
        self.sounds = Sounds(self.settings.sound)
        self.scenario_dir = options.scenario_dir or default_scenario_dir()
        self.stack: list[Scene] = []
        self.running = True
        self._changed_at = 0.0  # when a scene last opened or closed (time.perf_counter)
        self.frame = 0
        self.clock = pygame.time.Clock()
        self.notice = ""  # one line shown at the bottom of menus (e.g. full screen unavailable)
        self._records = records  # the trainer records, opened when first needed
        self._font_notice()
        heap.settle_once("launch", collect=True)  # the code and fonts loaded so far stay: later collections skip them

    def _font_notice(self) -> None:
        """Chinese chosen and no font with Chinese glyphs: say so on screen, not only on stderr."""
        if self.settings.lang == "zh" and not self.fonts.has_cjk:
            self.notice = strings.text("fonts.missing", "en") + " / " + strings.text("fonts.missing", "zh")

    # -- trainer records ------------------------------------------------------------------------
    def records(self):
        """The trainer records file, opened on first use; raises RecordsError with a message to show."""
        if self._records is None:
            from trainer import TrainerRecords

            self._records = TrainerRecords.open(self.options.db)
        return self._records

    def close(self) -> None:
        """Let background work end, then close the records file (everything in it is already committed)."""
        self._finish_background_work()
        if self._records is not None:
            self._records.close()
            self._records = None

    def _finish_background_work(self, timeout_s: float = BACKGROUND_JOIN_S) -> None:
        """Cancel the debrief's replays and wait, bounded, for the game's background threads: a thread
        cut off at interpreter exit inside matplotlib's C++ drawing code aborts the whole process."""
        for scene in self.stack:
            replays = getattr(scene, "replays", None)
            if replays is not None:
                replays.cancel()
        deadline = time.monotonic() + timeout_s
        for thread in threading.enumerate():
            if thread is not threading.current_thread() and thread.name.startswith(BACKGROUND_THREADS):
                thread.join(max(0.0, deadline - time.monotonic()))

    # -- text -----------------------------------------------------------------------------------
    def text(self, key: str, **values) -> str:
        return strings.text(key, self.settings.lang, **values)

    def local(self, text) -> str:
        """A scenario text (plain or {en, zh}) in the current language."""
        return text_in(text, self.settings.lang)

    def set_language(self, lang: str) -> None:
        self.settings.lang = lang
        self._font_notice()
        self.relayout()

    def set_text_size(self, size: str) -> None:
        self.settings.text_size = size
        self.fonts.set_scale(self.settings.text_scale)
        self.relayout()

    def relayout(self) -> None:
        for scene in self.stack:
            scene.layout()

    # -- scenes ---------------------------------------------------------------------------------
    @property
    def top(self) -> Scene | None:
        return self.stack[-1] if self.stack else None

    def push(self, scene: Scene) -> Scene:
        self._changed_at = time.perf_counter()
        self.stack.append(scene)
        scene.enter()
        return scene

    def pop(self) -> None:
        self._changed_at = time.perf_counter()
        if self.stack:
            self.stack.pop().removed()
        if self.stack:
            self.stack[-1].resume()

    def replace(self, scene: Scene) -> Scene:
        if self.stack:
            self.stack.pop().removed()
        return self.push(scene)

    def reset(self, *scenes: Scene) -> None:
        """Empty the stack and push ``scenes`` in order (the last one is on top)."""
        while self.stack:
            self.stack.pop().removed()
        for scene in scenes:
            self.push(scene)

    def quit(self) -> None:
        self.running = False

    # -- loop -----------------------------------------------------------------------------------
    def run(self, drivers: tuple[Driver, ...] = (), frame_dt: float | None = None, max_frames: int | None = None) -> None:
        """Run frames until quit. ``frame_dt`` fixes the seconds per frame (headless runs and tests)."""
        while self.running and self.stack:
            if max_frames is not None and self.frame >= max_frames:
                break
            for driver in drivers:
                driver.before_frame(self)
            if frame_dt is not None and getattr(self.top, "loading", False):
                time.sleep(LOADING_WAIT_S)  # a fixed-step run waiting for files read elsewhere: no frames spun meanwhile
            dt = frame_dt if frame_dt is not None else min(self.clock.tick(self.FPS) / 1000.0, 0.1)
            self.step(dt)
            for driver in drivers:
                driver.after_frame(self)

    def step(self, dt: float) -> None:
        """One frame: events to the top scene, update it, draw the visible scenes."""
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                self.quit()
                return
            if event.type == pygame.KEYDOWN and event.key == pygame.K_F11:
                self.toggle_fullscreen()
                continue
            top = self.top
            if top is None:
                return
            top.handle(event)
        top = self.top
        if top is None:
            return
        top.update(dt)
        self.draw()
        self.frame += 1
        if self.frame == 1:  # the first screen is up: read the scenario files (so the picker opens with its
            scan_in_background(self.scenario_dir)  # list, see catalog) and load the other screens' code meanwhile
            threading.Thread(target=self._preload, name="scene-preload", daemon=True).start()

    def _preload(self) -> None:
        """In the background: every screen's code (see :func:`import_all`), then keep it out of the collector's full passes."""
        import_all(self._wait_for_quiet)
        heap.settle_once("screens")

    def _wait_for_quiet(self) -> None:
        """Return once no scene has opened or closed for :data:`QUIET_AFTER_CHANGE_S` (or the game is closing)."""
        while self.running and (pause := self._changed_at + QUIET_AFTER_CHANGE_S - time.perf_counter()) > 0:
            time.sleep(pause)

    def draw(self) -> None:
        first = len(self.stack) - 1
        while first > 0 and self.stack[first].overlay:
            first -= 1
        for scene in self.stack[first:]:
            scene.draw(self.screen)
        pygame.display.flip()

    def toggle_fullscreen(self) -> bool:
        """Switch between window and full screen; False when the display cannot."""
        try:
            pygame.display.toggle_fullscreen()
        except pygame.error:
            self.notice = self.text("settings.fullscreen_unavailable")
            return False
        self.settings.fullscreen = not self.settings.fullscreen
        return True


def open_display(options: Options) -> pygame.Surface:
    """The window (scaled, so it can go full screen) or, headless, an off-screen display."""
    pygame.display.init()
    pygame.display.set_caption(strings.text("app.title", options.lang))
    if options.headless:
        return pygame.display.set_mode(theme.SCREEN_SIZE)
    flags = pygame.SCALED | (pygame.FULLSCREEN if options.fullscreen else 0)
    return pygame.display.set_mode(theme.SCREEN_SIZE, flags)
