"""The scenario picker: every scenario file with its title, summary, duration and difficulty, or its error."""
from __future__ import annotations

import pygame

from .. import theme
from ..catalog import Entry
from ..widgets import Button, draw_chip, draw_text, draw_wrapped
from .base import ScenarioListing, Scene
from .registry import make_scene

CARD_TOP, CARD_HEIGHT, CARD_GAP, VISIBLE = 100, 122, 12, 4
# a page down or up, or all the way to the last or the first scenarios
PAGE_KEYS = {pygame.K_PAGEDOWN: (1, False), pygame.K_PAGEUP: (-1, False), pygame.K_END: (1, True), pygame.K_HOME: (-1, True)}
DIFFICULTY_COLOURS = {"easy": theme.GOOD, "medium": theme.WARN, "hard": theme.BAD}


class PickerScene(ScenarioListing, Scene):
    """Lists the scenarios folder; playable files open their briefing, broken ones show why. Files not read
    yet (the picker opened while the game was still reading them) are read in the background meanwhile."""

    name = "picker"

    def __init__(self, app):
        super().__init__(app)
        self.list_scenarios()
        self.first = 0

    def layout(self) -> None:
        self.buttons.clear()
        for slot, entry in enumerate((self.entries or [])[self.first:self.first + VISIBLE]):
            rect = pygame.Rect(48, CARD_TOP + slot * (CARD_HEIGHT + CARD_GAP), 1184, CARD_HEIGHT)
            self.buttons.add(Button(f"scenario:{entry.path.name}", rect, "", lambda e=entry: self.choose(e), enabled=entry.playable))
        self.buttons.add(Button("back", pygame.Rect(48, 646, 200, 48), self.t("picker.back"), self.app.pop, key=pygame.K_ESCAPE))

    def choose(self, entry: Entry) -> None:
        self.app.push(make_scene("briefing", self.app, entry.scenario))

    def handle(self, event: pygame.event.Event) -> None:
        if event.type == pygame.MOUSEWHEEL:
            self.scroll(-event.y)
            return
        if event.type == pygame.KEYDOWN and event.key in PAGE_KEYS:
            direction, to_the_end = PAGE_KEYS[event.key]
            self.scroll(direction * (len(self.entries or ()) if to_the_end else VISIBLE))
            return
        super().handle(event)

    def scroll(self, step: int) -> None:
        first = max(0, min(self.first + step, max(0, len(self.entries or ()) - VISIBLE)))
        if first != self.first:
            self.first = first
            self.layout()

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(theme.BACKGROUND)
        self.heading(surface, self.t("picker.title"))
        self.buttons.draw(surface, self.app.fonts)
        fonts, lang = self.app.fonts, self.app.settings.lang
        if self.entries is None:
            draw_text(surface, fonts, self.t("picker.loading"), (640, 300), theme.BODY, theme.TEXT_DIM, anchor="center")
            return
        if not self.entries:
            draw_text(surface, fonts, self.t("picker.empty", folder=str(self.app.scenario_dir)), (640, 300), theme.BODY, theme.TEXT_DIM, anchor="center")
        for slot, entry in enumerate(self.entries[self.first:self.first + VISIBLE]):
            rect = pygame.Rect(48, CARD_TOP + slot * (CARD_HEIGHT + CARD_GAP), 1184, CARD_HEIGHT).inflate(-32, -20)
            self._draw_card(surface, entry, rect, lang)
        if len(self.entries) > VISIBLE:
            shown = f"{self.first + 1}-{min(self.first + VISIBLE, len(self.entries))} / {len(self.entries)}"
            more = self.first + VISIBLE < len(self.entries)
            hint = self.t("picker.more" if more else "picker.top", shown=shown)
            draw_text(surface, fonts, hint, (1232, 670), theme.SMALL, theme.WARN if more else theme.TEXT_DIM, anchor="midright")

    def _draw_card(self, surface: pygame.Surface, entry: Entry, rect: pygame.Rect, lang: str) -> None:
        fonts = self.app.fonts
        color = theme.TEXT if entry.playable else theme.TEXT_DIM
        draw_text(surface, fonts, entry.title(lang), rect.topleft, theme.H2, color, bold=True)
        right = rect.right
        if entry.scenario is not None:
            level = self.t(f"difficulty.{entry.difficulty}")
            chip_text = self.t("picker.difficulty", level=level)
            width = fonts.width(chip_text, theme.SMALL, True) + 14
            draw_chip(surface, fonts, chip_text, (right - width, rect.top + 2), DIFFICULTY_COLOURS.get(entry.difficulty, theme.ACCENT))
            right -= width + 12
        if entry.playable:
            duration = self.t("picker.duration", minutes=entry.real_minutes)
            draw_text(surface, fonts, duration, (right, rect.top + 4), theme.SMALL, theme.TEXT_DIM, anchor="topright")
        top = fonts.line_height(theme.H2)  # the title's height grows with the text size
        body = pygame.Rect(rect.left, rect.top + top, rect.width, rect.height - top)
        fits = max(1, body.height // fonts.line_height(theme.BODY))  # summary lines that fit in the card
        if entry.error is not None:
            draw_text(surface, fonts, self.t("picker.invalid"), body.topleft, theme.SMALL, theme.BAD, bold=True)
            detail = " ".join(line.strip() for line in entry.error.splitlines()[1:3]) or entry.error
            draw_wrapped(surface, fonts, detail, body.move(0, 22), theme.SMALL, theme.TEXT_DIM, max_lines=2)
        elif not entry.playable:
            draw_wrapped(surface, fonts, entry.summary(lang), body, theme.BODY, theme.TEXT_DIM, max_lines=1)
            draw_text(surface, fonts, self.t("picker.no_exercise"), (body.left, body.top + 30), theme.SMALL, theme.WARN)
        else:
            draw_wrapped(surface, fonts, entry.summary(lang), body, theme.BODY, theme.TEXT, max_lines=min(2, fits))
