"""Small drawing helpers and buttons that work with the mouse and the keyboard."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pygame

from . import theme
from .fonts import FontBook


def draw_text(surface: pygame.Surface, fonts: FontBook, text: str, pos, size: int, color=theme.TEXT,
              bold: bool = False, anchor: str = "topleft") -> pygame.Rect:
    """Blit one line of cached text; ``anchor`` is a pygame.Rect attribute name (topleft, center, midright...)."""
    rendered = fonts.render(text, size, color, bold)
    rect = rendered.get_rect(**{anchor: pos})
    surface.blit(rendered, rect)
    return rect


def draw_wrapped(surface: pygame.Surface, fonts: FontBook, text: str, rect: pygame.Rect, size: int,
                 color=theme.TEXT, bold: bool = False, max_lines: int | None = None, align: str = "left") -> int:
    """Draw ``text`` wrapped to ``rect``'s width from its top; return the y just below the last line."""
    lines = fonts.wrap(text, size, rect.width, bold)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip()[: max(1, len(lines[-1]) - 2)] + "…"
    y = rect.top
    step = fonts.line_height(size)
    for line in lines:
        rendered = fonts.render(line, size, color, bold)
        x = rect.left if align == "left" else rect.centerx - rendered.get_width() // 2
        surface.blit(rendered, (x, y))
        y += step
    return y


def wrapped_height(fonts: FontBook, text: str, width: int, size: int, bold: bool = False) -> int:
    """The height ``draw_wrapped`` would use for ``text`` at ``width``."""
    return len(fonts.wrap(text, size, width, bold)) * fonts.line_height(size)


def draw_panel(surface: pygame.Surface, rect: pygame.Rect, color=theme.PANEL, border=theme.PANEL_BORDER, radius: int = 10) -> None:
    pygame.draw.rect(surface, color, rect, border_radius=radius)
    if border is not None:
        pygame.draw.rect(surface, border, rect, width=1, border_radius=radius)


def draw_chip(surface: pygame.Surface, fonts: FontBook, text: str, pos, color, size: int = theme.SMALL,
              text_color=theme.TEXT_DARK) -> pygame.Rect:
    """A rounded label (a tag, a flag); returns its rectangle so chips can be laid out in a row."""
    rendered = fonts.render(text, size, text_color, True)
    rect = pygame.Rect(pos, (rendered.get_width() + 14, rendered.get_height() + 4))
    pygame.draw.rect(surface, color, rect, border_radius=rect.height // 2)
    surface.blit(rendered, rendered.get_rect(center=rect.center))
    return rect


def draw_chips(surface: pygame.Surface, fonts: FontBook, items: list[tuple[str, tuple]], rect: pygame.Rect,
               size: int = theme.SMALL) -> int:
    """Lay chips out left to right, wrapping inside ``rect``; return the y below the last row."""
    x, y, row_height = rect.left, rect.top, 0
    for label, color in items:
        width = fonts.width(label, size, True) + 14
        if x > rect.left and x + width > rect.right:
            x, y = rect.left, y + row_height + 6
        chip = draw_chip(surface, fonts, label, (x, y), color, size)
        x += chip.width + 6
        row_height = max(row_height, chip.height)
    return y + row_height


def draw_bar(surface: pygame.Surface, rect: pygame.Rect, share: float, color, back=theme.PANEL_LIGHT) -> None:
    """A horizontal bar filled to ``share`` (0..1)."""
    pygame.draw.rect(surface, back, rect, border_radius=rect.height // 2)
    filled = rect.copy()
    filled.width = max(0, min(rect.width, round(rect.width * share)))
    if filled.width:
        pygame.draw.rect(surface, color, filled, border_radius=rect.height // 2)


def fit_text(fonts: FontBook, text: str, size: int, width: int, bold: bool = False) -> str:
    """``text`` as it fits ``width``: whole, or cut with an ellipsis, never clipped mid-letter."""
    if fonts.width(text, size, bold) <= width:
        return text
    while text and fonts.width(text + "…", size, bold) > width:
        text = text[:-1]
    return text.rstrip() + "…"


@dataclass
class Button:
    """A clickable, focusable button; ``key`` is an optional keyboard shortcut (a pygame key code)."""

    id: str
    rect: pygame.Rect
    label: str
    action: Callable[[], None]
    key: int | None = None
    enabled: bool = True
    style: str = "normal"  # normal, primary, choice, danger, tab, selected
    hint: str = ""
    size: int = theme.BODY

    def draw(self, surface: pygame.Surface, fonts: FontBook, hovered: bool, focused: bool) -> None:
        base = {
            "primary": theme.ACCENT_DARK, "danger": (120, 52, 50), "selected": theme.ACCENT_DARK,
            "tab": theme.PANEL, "choice": theme.PANEL_LIGHT,
        }.get(self.style, theme.PANEL_LIGHT)
        if not self.enabled:
            base = (44, 50, 62)
        elif hovered:
            base = tuple(min(255, c + 22) for c in base)
        pygame.draw.rect(surface, base, self.rect, border_radius=8)
        border = theme.FOCUS if focused and self.enabled else theme.PANEL_BORDER
        pygame.draw.rect(surface, border, self.rect, width=2 if focused else 1, border_radius=8)
        color = theme.TEXT if self.enabled else theme.DISABLED
        inner = self.rect.inflate(-24, -10)
        if self.hint:
            hint = fonts.render(self.hint, theme.SMALL, theme.TEXT_DIM if self.enabled else theme.DISABLED, True)
            surface.blit(hint, hint.get_rect(midright=(self.rect.right - 10, self.rect.centery)))
            inner.width -= hint.get_width() + 8
        if self.style == "choice":
            draw_wrapped(surface, fonts, self.label, inner, self.size, color, max_lines=3)
            return
        lines = fonts.wrap(self.label, self.size, inner.width)
        if len(lines) > 1 and fonts.line_height(self.size) * 2 > self.rect.height:  # no room for two lines
            size = next((s for s in range(self.size - 1, theme.TINY - 1, -1) if fonts.width(self.label, s) <= inner.width), theme.TINY)
            rendered = fonts.render(fit_text(fonts, self.label, size, inner.width), size, color)
            surface.blit(rendered, rendered.get_rect(**({"midleft": inner.midleft} if self.hint else {"center": self.rect.center})))
            return
        if len(lines) == 1:
            rendered = fonts.render(lines[0], self.size, color)
            anchor = "midleft" if self.hint else "center"
            pos = inner.midleft if self.hint else self.rect.center
            surface.blit(rendered, rendered.get_rect(**{anchor: pos}))
        else:
            height = fonts.line_height(self.size) * min(len(lines), 2)
            top = self.rect.centery - height // 2
            draw_wrapped(surface, fonts, self.label, pygame.Rect(inner.left, top, inner.width, height), self.size, color, max_lines=2)


@dataclass
class ButtonSet:
    """The buttons of a scene: mouse clicks, hover, hotkeys and keyboard focus (Tab, arrows, Enter)."""

    buttons: list[Button] = field(default_factory=list)
    focus: int = -1
    _pressed: str | None = None

    def clear(self) -> None:
        self.buttons.clear()
        self.focus = -1

    def add(self, button: Button) -> Button:
        self.buttons.append(button)
        return button

    def get(self, button_id: str) -> Button | None:
        return next((b for b in self.buttons if b.id == button_id), None)

    def handle(self, event: pygame.event.Event) -> bool:
        """React to ``event``; return True when it was used."""
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            hit = self._at(event.pos)
            self._pressed = hit.id if hit else None
            return hit is not None
        if event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            hit = self._at(event.pos)
            pressed, self._pressed = self._pressed, None
            if hit is not None and hit.id == pressed:
                hit.action()
                return True
            return False
        if event.type == pygame.KEYDOWN:
            for button in self.buttons:
                if button.key is not None and button.key == event.key and button.enabled:
                    button.action()
                    return True
            if event.key in (pygame.K_TAB, pygame.K_DOWN, pygame.K_RIGHT):
                return self._move(+1)
            if event.key in (pygame.K_UP, pygame.K_LEFT):
                return self._move(-1)
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER) and 0 <= self.focus < len(self.buttons):
                button = self.buttons[self.focus]
                if button.enabled:
                    button.action()
                    return True
        return False

    def _at(self, pos) -> Button | None:
        return next((b for b in self.buttons if b.enabled and b.rect.collidepoint(pos)), None)

    def _move(self, step: int) -> bool:
        enabled = [i for i, b in enumerate(self.buttons) if b.enabled]
        if not enabled:
            return False
        if self.focus not in enabled:
            self.focus = enabled[0] if step > 0 else enabled[-1]
        else:
            self.focus = enabled[(enabled.index(self.focus) + step) % len(enabled)]
        return True

    def draw(self, surface: pygame.Surface, fonts: FontBook) -> None:
        mouse = pygame.mouse.get_pos() if pygame.mouse.get_focused() else (-1, -1)
        for i, button in enumerate(self.buttons):
            button.draw(surface, fonts, button.enabled and button.rect.collidepoint(mouse), i == self.focus)
