"""The play scene's panels around the venue: top bar, selection panel, message ticker and inject banner."""
from __future__ import annotations

from dataclasses import dataclass

import pygame

from .. import theme
from ..fonts import FontBook
from ..widgets import draw_bar, draw_chips, draw_panel, draw_text, draw_wrapped, fit_text
from .labels import place

TOP_BAR = pygame.Rect(0, 0, 1280, 52)
SIDEBAR = pygame.Rect(968, 56, 306, 540)
TICKER = pygame.Rect(8, 602, 1264, 112)
BANNER = pygame.Rect(8, 602, 1264, 112)  # over the ticker, so it never hides the venue


@dataclass
class TickerLine:
    """One line of the message ticker."""

    clock: str
    text: str
    colour: tuple


@dataclass
class CustomerCard:
    """What the selection panel shows about one customer."""

    name: str
    subtitle: str
    mood: float
    mood_word: str
    chips: list[tuple[str, tuple]]
    details: list[str]
    description: str = ""


def draw_top_bar(surface: pygame.Surface, fonts: FontBook, title: str, clock: str, stats: list[str],
                 demo: str) -> tuple[pygame.Rect, pygame.Rect]:
    """The scenario's title, the clock, the counts and the demo's note; returns where the title and the clock went."""
    pygame.draw.rect(surface, theme.PANEL, TOP_BAR)
    pygame.draw.line(surface, theme.PANEL_BORDER, TOP_BAR.bottomleft, TOP_BAR.bottomright)
    size = next((size for size in (theme.H1, theme.H2, theme.BODY) if fonts.width(clock, size, True) <= 170), theme.SMALL)
    clock_rect = draw_text(surface, fonts, clock, (470, 26), size, theme.WARN, bold=True, anchor="center")  # between title and speeds
    room = clock_rect.left - 12 - 14  # the title left of the clock: whole, or cut with an ellipsis
    title_rect = draw_text(surface, fonts, fit_text(fonts, title, theme.BODY, room, bold=True), (14, 26), theme.BODY, theme.TEXT,
                           bold=True, anchor="midleft")
    x = 1266
    for stat in reversed(stats):
        rect = draw_text(surface, fonts, stat, (x, 26), theme.SMALL, theme.TEXT_DIM, anchor="midright")
        x = rect.left - 18
    if demo:
        draw_text(surface, fonts, demo, (x, 26), theme.SMALL, theme.ACCENT, bold=True, anchor="midright")
    return title_rect, clock_rect


def draw_sidebar_customer(surface: pygame.Surface, fonts: FontBook, card: CustomerCard, top: int, bottom: int) -> None:
    inner = pygame.Rect(SIDEBAR.left + 14, top, SIDEBAR.width - 28, bottom - top)
    y = draw_wrapped(surface, fonts, card.name, inner, theme.H2, theme.TEXT, bold=True, max_lines=1)
    y = draw_wrapped(surface, fonts, card.subtitle, pygame.Rect(inner.left, y, inner.width, 40), theme.SMALL, theme.TEXT_DIM, max_lines=1) + 6
    draw_bar(surface, pygame.Rect(inner.left, y, inner.width - 100, 12), (card.mood + 1) / 2, theme.mood_colour(card.mood))
    draw_text(surface, fonts, card.mood_word, (inner.right, y + 6), theme.SMALL, theme.mood_colour(card.mood), bold=True, anchor="midright")
    y += 22
    if card.chips:
        y = draw_chips(surface, fonts, card.chips, pygame.Rect(inner.left, y, inner.width, 60), theme.TINY) + 6
    for line in card.details:
        y = draw_wrapped(surface, fonts, line, pygame.Rect(inner.left, y, inner.width, 40), theme.SMALL, theme.TEXT, max_lines=1)
    if card.description and y < bottom - 20:
        lines = max(1, (bottom - y) // fonts.line_height(theme.SMALL))
        draw_wrapped(surface, fonts, card.description, pygame.Rect(inner.left, y + 2, inner.width, bottom - y), theme.SMALL,
                     theme.TEXT_DIM, max_lines=lines)


def draw_sidebar_staff(surface: pygame.Surface, fonts: FontBook, name: str, lines: list[str], top: int) -> None:
    inner = pygame.Rect(SIDEBAR.left + 14, top, SIDEBAR.width - 28, 160)
    y = draw_wrapped(surface, fonts, name, inner, theme.H2, theme.TEXT, bold=True, max_lines=1)
    for line in lines:
        y = draw_wrapped(surface, fonts, line, pygame.Rect(inner.left, y, inner.width, 40), theme.SMALL, theme.TEXT_DIM, max_lines=2)


def draw_ticker(surface: pygame.Surface, fonts: FontBook, lines: list[TickerLine], hint: str) -> None:
    draw_panel(surface, TICKER)
    step = fonts.line_height(theme.SMALL)
    y = TICKER.top + 8
    shown = lines[-((TICKER.height - 30) // step):]
    left = TICKER.left + 24 + max((fonts.width(line.clock, theme.SMALL) for line in shown), default=48)  # after the clocks
    for line in shown:
        draw_text(surface, fonts, line.clock, (TICKER.left + 12, y), theme.SMALL, theme.TEXT_DIM)
        text = fonts.render(line.text, theme.SMALL, line.colour)
        surface.blit(text, (left, y), pygame.Rect(0, 0, TICKER.right - 12 - left, text.get_height()))
        y += step
    draw_text(surface, fonts, hint, (TICKER.right - 12, TICKER.bottom - 6), theme.TINY, theme.TEXT_DIM, anchor="bottomright")


SPEECH_WIDTH = 280


def draw_speech(surface: pygame.Surface, fonts: FontBook, text: str, speaker: tuple[float, float], bounds: pygame.Rect,
                taken: list[pygame.Rect] | None = None) -> pygame.Rect:
    """A customer's words in a bubble above them (kept inside ``bounds``, and off the names in ``taken``, to
    which it is added), with a tail pointing at the speaker; returns the bubble."""
    lines = fonts.wrap(text, theme.SMALL, SPEECH_WIDTH - 20)[:3]
    step = fonts.line_height(theme.SMALL)
    width = min(SPEECH_WIDTH, max(fonts.width(line, theme.SMALL) for line in lines) + 20)
    bubble = pygame.Rect(0, 0, width, len(lines) * step + 12)
    bubble.midbottom = (round(speaker[0]), round(speaker[1]) - 22)
    bubble = place(bubble, taken if taken is not None else [], bounds)
    below = bubble.top > speaker[1]  # moved under the speaker: the tail points up
    tip = (round(speaker[0]), round(speaker[1]) + (12 if below else -12))
    base = min(max(tip[0], bubble.left + 12), bubble.right - 12)
    edge = bubble.top if below else bubble.bottom - 1
    pygame.draw.polygon(surface, theme.TEXT, [(base - 7, edge), (base + 7, edge), tip])
    pygame.draw.rect(surface, theme.TEXT, bubble, border_radius=10)
    y = bubble.top + 6
    for line in lines:
        surface.blit(fonts.render(line, theme.SMALL, theme.TEXT_DARK), (bubble.left + 10, y))
        y += step
    return bubble


def render_banner(fonts: FontBook, title: str, cue: str, colour: tuple) -> pygame.Surface:
    """The cue of an inject as a panel, rendered once and faded out by the caller."""
    panel = pygame.Surface(BANNER.size, pygame.SRCALPHA)
    height = BANNER.height
    pygame.draw.rect(panel, theme.PANEL, panel.get_rect(), border_radius=10)
    pygame.draw.rect(panel, colour, (0, 0, 10, height), border_top_left_radius=10, border_bottom_left_radius=10)
    pygame.draw.rect(panel, colour, panel.get_rect(), width=2, border_radius=10)
    draw_text(panel, fonts, title, (24, 8), theme.H2, colour, bold=True)
    top = 14 + fonts.line_height(theme.H2)
    lines = max(1, (height - top - 4) // fonts.line_height(theme.BODY))
    draw_wrapped(panel, fonts, cue, pygame.Rect(24, top, BANNER.width - 48, height - top), theme.BODY, theme.TEXT, max_lines=lines)
    return panel
