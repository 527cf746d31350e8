"""The title screen: start, join a classroom, trainer sessions, language, settings, quit."""
from __future__ import annotations

import math

import pygame

from .. import theme
from ..strings import LANG_NAMES, LANGS
from ..widgets import Button, draw_text, draw_wrapped
from .base import Scene
from .registry import make_scene


class TitleScene(Scene):
    """The first screen: the game's name and the main menu."""

    name = "title"

    def layout(self) -> None:
        self.buttons.clear()
        x, w, h, gap = 440, 400, 48, 10
        entries = [
            ("start", self.t("title.start"), self.open_picker, pygame.K_s, "primary"),
            ("classroom", self.t("title.classroom"), self.open_classroom, pygame.K_j, "normal"),
            ("trainer", self.t("title.trainer"), self.open_trainer, pygame.K_t, "normal"),
            ("language", self.t("title.language", language=LANG_NAMES[self.app.settings.lang]), self.toggle_language, pygame.K_l, "normal"),
            ("settings", self.t("title.settings"), self.open_settings, None, "normal"),
            ("quit", self.t("title.quit"), self.app.quit, pygame.K_ESCAPE, "danger"),
        ]
        for i, (bid, label, action, key, style) in enumerate(entries):
            self.buttons.add(Button(bid, pygame.Rect(x, 300 + i * (h + gap), w, h), label, action, key=key, style=style))

    def open_picker(self) -> None:
        self.app.push(make_scene("picker", self.app))

    def open_classroom(self) -> None:
        self.app.push(make_scene("classroom_join", self.app))

    def open_trainer(self) -> None:
        self.app.push(make_scene("trainer_sessions", self.app))

    def open_settings(self) -> None:
        self.app.push(make_scene("settings", self.app))

    def toggle_language(self) -> None:
        lang = LANGS[(LANGS.index(self.app.settings.lang) + 1) % len(LANGS)]
        self.app.set_language(lang)

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        self._draw_motif(surface)
        fonts = self.app.fonts
        draw_text(surface, fonts, self.t("app.title"), (640, 170), theme.TITLE, theme.TEXT, bold=True, anchor="center")
        draw_wrapped(surface, fonts, self.t("app.tagline"), pygame.Rect(240, 222, 800, 80), theme.H2, theme.TEXT_DIM, align="center")
        self.buttons.draw(surface, fonts)
        draw_text(surface, fonts, self.t("title.hint"), (640, 680), theme.SMALL, theme.TEXT_DIM, anchor="center")
        if self.app.notice:
            draw_text(surface, fonts, self.app.notice, (640, 652), theme.SMALL, theme.WARN, anchor="center")

    def _draw_motif(self, surface: pygame.Surface) -> None:
        """A row of customers whose moods turn from red to green: the game in one picture."""
        for i in range(24):
            x = 70 + i * 50
            mood = -1 + 2 * i / 23
            bob = 3 * math.sin(self.age * 2 + i * 0.6)
            pygame.draw.circle(surface, theme.mood_colour(mood), (x, 90 + bob), 9)
            pygame.draw.circle(surface, theme.PANEL_BORDER, (x, 90 + bob), 9, 1)
