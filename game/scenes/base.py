"""The scene interface: each screen of the game handles input, updates and draws itself."""
from __future__ import annotations

import pygame

from .. import theme
from ..catalog import ready_or_reading, scan_ready
from ..widgets import ButtonSet, draw_text


class Scene:
    """One screen on the app's scene stack. ``overlay`` scenes are drawn over the scene below them."""

    name = "scene"
    overlay = False

    def __init__(self, app):
        """``app`` is the running :class:`game.app.App`: its stack, fonts, options and records."""
        self.app = app
        self.buttons = ButtonSet()
        self.age = 0.0  # real seconds since the scene was entered

    # lifecycle
    def enter(self) -> None:
        """Called when pushed; builds the layout."""
        self.layout()

    def resume(self) -> None:
        """Called when the scene above it is popped."""
        self.layout()

    def removed(self) -> None:
        """Called when the scene is taken off the stack for good: stop any work done for it."""

    def layout(self) -> None:
        """(Re)build buttons; called on entry and whenever the language or text size changes."""

    # frame
    def handle(self, event: pygame.event.Event) -> None:
        self.buttons.handle(event)

    def update(self, dt: float) -> None:
        self.age += dt

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        self.buttons.draw(surface, self.app.fonts)

    # helpers
    def t(self, key: str, **values) -> str:
        return self.app.text(key, **values)

    def heading(self, surface: pygame.Surface, text: str) -> None:
        draw_text(surface, self.app.fonts, text, (48, 32), theme.H1, theme.TEXT, bold=True)
        pygame.draw.line(surface, theme.PANEL_BORDER, (48, 84), (theme.SCREEN_SIZE[0] - 48, 84), 1)


class ScenarioListing:
    """Mixed into a screen that lists the scenario files (before :class:`Scene` in its bases): the screen
    opens at once, and its ``entries`` (None while the files are still being read, see
    :mod:`game.catalog`) fill in when they are read, with a new layout."""

    entries: list | None

    def list_scenarios(self) -> None:
        """Called when the screen is built: the list now if the files have been read, else once they are."""
        self.entries = self.listed(ready_or_reading(self.app.scenario_dir))

    def listed(self, entries: list | None) -> list | None:
        """The entries this screen shows (all of them; a screen may keep fewer)."""
        return entries

    @property
    def loading(self) -> bool:
        """The scenario files are still being read."""
        return self.entries is None

    def update(self, dt: float) -> None:
        super().update(dt)
        if self.entries is None:
            self.entries = self.listed(scan_ready(self.app.scenario_dir))
            if self.entries is not None:
                self.layout()
