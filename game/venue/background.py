"""The venue's static layer (floor, fixtures, seats, labels), drawn once per language and text size."""
from __future__ import annotations

import pygame

from sim.scenario.exercise import Layout

from .. import theme
from ..fonts import FontBook
from .geometry import Viewport, seats_of
from .labels import place, plate_of

FLOORS = {"cabin": (46, 52, 66), "lounge": (52, 46, 50), "hall": (44, 50, 56)}
FIXTURE_COLOURS = {
    "counter": (92, 110, 140), "desk": (100, 90, 130), "galley": (84, 112, 120), "bar": (128, 96, 72),
    "door": (70, 80, 96), "gate": (96, 120, 90), "window": (90, 140, 190), "aisle": (60, 68, 84),
}
SEAT_COLOUR = (74, 86, 108)
SOFA_COLOUR = (96, 74, 86)


def render_background(layout: Layout, view: Viewport, fonts: FontBook, local) -> pygame.Surface:
    """The venue without people or boards; ``local`` turns a scenario text into the current language."""
    area = view.area
    surface = pygame.Surface(area.size).convert()
    surface.fill(theme.BACKGROUND)
    offset = (-area.left, -area.top)
    _draw_floor(surface, layout.theme, view, layout, offset)
    for fixture in layout.fixtures:
        rect = view.rect(fixture.rect).move(offset)
        if fixture.kind in ("seats", "sofa"):
            colour = SOFA_COLOUR if fixture.kind == "sofa" else SEAT_COLOUR
            cell_w, cell_h = rect.width / fixture.cols, rect.height / fixture.rows
            for seat in seats_of(fixture, view):
                x, y = seat.pos[0] + offset[0], seat.pos[1] + offset[1]
                shape = pygame.Rect(0, 0, max(6, cell_w - 6), max(6, cell_h - 8))
                shape.center = (round(x), round(y))
                pygame.draw.rect(surface, colour, shape, border_radius=5)
                pygame.draw.rect(surface, tuple(min(255, c + 18) for c in colour), shape, width=1, border_radius=5)
        else:
            colour = FIXTURE_COLOURS.get(fixture.kind, theme.PANEL_LIGHT)
            pygame.draw.rect(surface, colour, rect, border_radius=6)
            pygame.draw.rect(surface, tuple(min(255, c + 30) for c in colour), rect, width=1, border_radius=6)
    return surface


def render_labels(layout: Layout, view: Viewport, fonts: FontBook, local) -> tuple[pygame.Surface, list[pygame.Rect]]:
    """The fixtures' names on a transparent layer drawn over the people, so a crowd never hides them, and
    where each name's plate lies on screen (the named characters' names keep clear of them). A name that
    would cover another one placed before it is moved aside (see :mod:`game.venue.labels`)."""
    area = view.area
    surface = pygame.Surface(area.size, pygame.SRCALPHA)
    offset = (-area.left, -area.top)
    taken: list[pygame.Rect] = []
    for fixture in layout.fixtures:
        if fixture.label is not None:
            rect = view.rect(fixture.rect).move(offset)
            plates = _label_plates(fonts, local(fixture.label), rect, fixture.kind in ("seats", "sofa"))
            block = plates[0][1].unionall([plate for _, plate in plates[1:]])
            spot = place(block, taken, surface.get_rect())
            for text, plate in plates:
                plate = plate.move(spot.left - block.left, spot.top - block.top)
                pygame.draw.rect(surface, (16, 20, 28, 190), plate, border_radius=4)
                surface.blit(text, text.get_rect(center=plate.center))
    return surface, [spot.move(area.topleft) for spot in taken]


def _label_plates(fonts: FontBook, text: str, rect: pygame.Rect, above: bool) -> list[tuple[pygame.Surface, pygame.Rect]]:
    """A fixture's name, line by line with the plate of each: above a block of seats, or inside other
    fixtures (wrapped to their width)."""
    if above:
        label = fonts.render(text, theme.TINY, theme.TEXT)
        return [(label, plate_of(label, bottomleft=(rect.left + 5, rect.top - 2)))]
    plates = []
    y = rect.top + 4
    fit = max(1, (rect.height - 24) // fonts.line_height(theme.TINY))  # leave room for the staff tokens
    for line in fonts.wrap(text, theme.TINY, rect.width - 6)[:fit]:
        label = fonts.render(line, theme.TINY, theme.TEXT)
        plates.append((label, plate_of(label, midtop=(rect.centerx, y))))
        y += fonts.line_height(theme.TINY)
    return plates


def _draw_floor(surface: pygame.Surface, kind: str, view: Viewport, layout: Layout, offset) -> None:
    floor = FLOORS.get(kind, FLOORS["hall"])
    if kind == "cabin":
        seats = [view.rect(f.rect) for f in layout.fixtures]
        if seats:
            hull = seats[0].unionall(seats[1:]).inflate(24, 40).move(offset)
            pygame.draw.rect(surface, floor, hull, border_radius=60)
            pygame.draw.rect(surface, (90, 100, 120), hull, width=2, border_radius=60)
            for x in range(hull.left + 80, hull.right - 60, 26):  # cabin windows along both sides
                pygame.draw.ellipse(surface, (110, 150, 190), (x, hull.top + 5, 10, 6))
                pygame.draw.ellipse(surface, (110, 150, 190), (x, hull.bottom - 11, 10, 6))
        return
    pygame.draw.rect(surface, floor, surface.get_rect().inflate(-8, -8), border_radius=12)
    step = 24 if kind == "hall" else 36
    lighter = tuple(min(255, c + 6) for c in floor)
    for x in range(8, surface.get_width() - 8, step):
        pygame.draw.line(surface, lighter, (x, 8), (x, surface.get_height() - 8))
