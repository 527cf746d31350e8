"""The settings screen: text size, window or full screen, sound."""
from __future__ import annotations

import pygame

from .. import theme
from ..settings import TEXT_SIZES
from ..widgets import Button, draw_text
from .base import Scene


class SettingsScene(Scene):
    """Changes take effect at once and last for the rest of the session."""

    name = "settings"

    def layout(self) -> None:
        self.buttons.clear()
        s = self.app.settings
        x, w, h = 390, 500, 52
        entries = [
            ("text_size", self.t("settings.text_size", value=self.t(f"size.{s.text_size}")), self.next_size),
            ("display", self.t("settings.display", value=self.t("display.fullscreen" if s.fullscreen else "display.window")), self.toggle_display),
            ("sound", self.t("settings.sound", value=self.t("sound.on" if s.sound else "sound.off")), self.toggle_sound),
            ("timer", self.t("settings.timer", value=self.t("sound.on" if s.timer else "sound.off")), self.toggle_timer),
            ("back", self.t("settings.back"), self.app.pop),
        ]
        for i, (bid, label, action) in enumerate(entries):
            key = pygame.K_ESCAPE if bid == "back" else None
            style = "primary" if bid == "back" else "normal"
            self.buttons.add(Button(bid, pygame.Rect(x, 200 + i * (h + 16), w, h), label, action, key=key, style=style))

    def next_size(self) -> None:
        sizes = list(TEXT_SIZES)
        current = self.app.settings.text_size
        self.app.set_text_size(sizes[(sizes.index(current) + 1) % len(sizes)])

    def toggle_display(self) -> None:
        self.app.toggle_fullscreen()
        self.layout()

    def toggle_sound(self) -> None:
        self.app.settings.sound = not self.app.settings.sound
        self.app.sounds.enabled = self.app.settings.sound
        self.layout()

    def toggle_timer(self) -> None:
        self.app.settings.timer = not self.app.settings.timer
        self.layout()

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        self.heading(surface, self.t("settings.title"))
        self.buttons.draw(surface, self.app.fonts)
        if self.app.notice:
            draw_text(surface, self.app.fonts, self.app.notice, (640, 560), theme.SMALL, theme.WARN, anchor="center")
