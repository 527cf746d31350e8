"""A one-line text box for names and dates: click to type, Backspace deletes, Enter submits.

Typed text arrives as TEXTINPUT events, so input methods for Chinese work; the text being composed
(TEXTEDITING) is shown underlined until the input method commits it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pygame

from . import theme
from .fonts import FontBook
from .widgets import draw_text

PASS_THROUGH_KEYS = (pygame.K_ESCAPE, pygame.K_TAB, pygame.K_F11)  # left to the scene even while typing


@dataclass
class TextField:
    """An editable line of text with a label above its box; ``on_submit`` runs on Enter."""

    id: str
    rect: pygame.Rect
    label: str
    value: str = ""
    placeholder: str = ""
    on_submit: Callable[[], None] | None = None
    max_length: int = 60
    focused: bool = False
    composition: str = field(default="", repr=False)

    def focus(self, on: bool = True) -> None:
        if on and not self.focused:
            pygame.key.start_text_input()
            pygame.key.set_text_input_rect(self.rect)
        elif not on and self.focused:
            pygame.key.stop_text_input()
            self.composition = ""
        self.focused = on

    def handle(self, event: pygame.event.Event) -> bool:
        """React to ``event``; True when the field used it (typing keys never reach the scene's hotkeys)."""
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self.focus(self.rect.collidepoint(event.pos))
            return self.focused
        if not self.focused:
            return False
        if event.type == pygame.TEXTINPUT:
            self.value = (self.value + event.text)[: self.max_length]
            self.composition = ""
            return True
        if event.type == pygame.TEXTEDITING:
            self.composition = event.text
            return True
        if event.type == pygame.KEYDOWN:
            if event.key in PASS_THROUGH_KEYS:
                return False
            if event.key == pygame.K_BACKSPACE:
                self.value = self.value[:-1]
            elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER) and self.on_submit is not None:
                self.on_submit()
            return True
        return event.type == pygame.KEYUP

    def draw(self, surface: pygame.Surface, fonts: FontBook) -> None:
        draw_text(surface, fonts, self.label, (self.rect.left, self.rect.top - 24), theme.SMALL, theme.TEXT_DIM, bold=True)
        pygame.draw.rect(surface, theme.PANEL_LIGHT if self.focused else theme.PANEL, self.rect, border_radius=6)
        pygame.draw.rect(surface, theme.FOCUS if self.focused else theme.PANEL_BORDER, self.rect, width=2 if self.focused else 1,
                         border_radius=6)
        inner = self.rect.inflate(-20, 0)
        shown = self.value + self.composition
        if not shown and not self.focused:
            draw_text(surface, fonts, self.placeholder, (inner.left, inner.centery), theme.BODY, theme.DISABLED, anchor="midleft")
            return
        rendered = fonts.render(shown, theme.BODY, theme.TEXT) if shown else None
        width = rendered.get_width() if rendered is not None else 0
        offset = max(0, width - inner.width + 4)  # keep the end of a long text (and the caret) in view
        clip = surface.get_clip()
        surface.set_clip(inner.clip(clip))
        if rendered is not None:
            surface.blit(rendered, rendered.get_rect(midleft=(inner.left - offset, inner.centery)))
        if self.composition:
            start = (fonts.width(self.value, theme.BODY) if self.value else 0) - offset
            underline_y = inner.centery + fonts.line_height(theme.BODY) // 2 - 2
            pygame.draw.line(surface, theme.ACCENT, (inner.left + start, underline_y), (inner.left + width - offset, underline_y), 2)
        if self.focused:
            x = inner.left + width - offset + 2
            pygame.draw.line(surface, theme.FOCUS, (x, inner.centery - 11), (x, inner.centery + 11), 2)
        surface.set_clip(clip)
