"""Each station's own queue in a journey scenario: a labelled lane of waiting customers per station.

When a visit passes through several stations (order, kitchen, table; registration, pharmacy) the
trainee must see where the customers are stuck. A station whose fixture the layout names (``role:``)
shows its queue inside that fixture, beside its staff; the others get a lane in a small panel at the
venue's bottom right. Each lane carries the station's name and the number waiting, and one token per
waiting customer up to a cap.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pygame

from .. import theme
from ..fonts import FontBook
from ..widgets import fit_text
from .geometry import VENUE_RECT

TOKEN_STEP = 11      # px between two waiting customers' tokens
TOKEN_RADIUS = 4
LANE_HEIGHT = 18
PANEL_WIDTH = 300
LONG_QUEUE = 10      # a lane turns to the warning colour from this many waiting
QUEUE_COLOUR = (235, 200, 120)


@dataclass(frozen=True)
class Lane:
    """Where one station's queue is drawn: its name and the strip its tokens and count fill."""

    station: str
    label: str
    rect: pygame.Rect
    in_fixture: bool


def journey_stations(scenario) -> list[str]:
    """The stations the segments' journeys use, in the order customers first meet them."""
    return list(dict.fromkeys(step.station for segment in scenario.segments.values() for step in segment.steps))


def station_label(scenario, station: str, local) -> str:
    """A station's name as the player reads it: its staff role's or resource's label, else its key."""
    spec = scenario.staff.get(station) or scenario.self_service.get(station)
    label = getattr(spec, "label", None)
    return local(label) if label is not None else station


class StationQueues:
    """Lays out one lane per station once, then draws each lane's queue from the model's pools every frame."""

    def __init__(self, stations: list[str], labels: dict[str, str], fixtures: dict[str, pygame.Rect],
                 area: pygame.Rect = VENUE_RECT):
        self.lanes: list[Lane] = []
        self._names: dict[tuple[str, float], str] = {}
        loose = [station for station in stations if station not in fixtures]
        panel_height = len(loose) * LANE_HEIGHT + 8
        self.panel = pygame.Rect(area.right - PANEL_WIDTH - 6, area.bottom - panel_height - 6, PANEL_WIDTH, panel_height)
        self.shade = pygame.Surface(self.panel.size, pygame.SRCALPHA) if loose else None
        if self.shade is not None:
            pygame.draw.rect(self.shade, (16, 20, 28, 215), self.shade.get_rect(), border_radius=6)
        row = 0
        for station in stations:
            fixture = fixtures.get(station)
            if fixture is not None:  # the right half of the fixture's bottom row; its staff stand on the left
                rect = pygame.Rect(fixture.centerx, fixture.bottom - LANE_HEIGHT - 3, fixture.width // 2 - 6, LANE_HEIGHT)
                self.lanes.append(Lane(station, labels[station], rect, True))
            else:
                rect = pygame.Rect(self.panel.left + 6, self.panel.top + 4 + row * LANE_HEIGHT, PANEL_WIDTH - 12, LANE_HEIGHT)
                self.lanes.append(Lane(station, labels[station], rect, False))
                row += 1

    def _name(self, fonts: FontBook, lane: Lane) -> str:
        """The lane's name as it fits a third of the lane: whole, or ending with an ellipsis (measured once per text size)."""
        key = (lane.station, fonts.scale)
        if key not in self._names:
            self._names[key] = fit_text(fonts, lane.label, theme.TINY, lane.rect.width // 3)
        return self._names[key]

    def draw(self, surface: pygame.Surface, fonts: FontBook, pools: dict, count_text: Callable[[int], str]) -> None:
        """One lane per station: ``name  ●●●●  n waiting`` (the name only where no fixture shows it)."""
        if self.shade is not None:
            surface.blit(self.shade, self.panel.topleft)
        for lane in self.lanes:
            pool = pools.get(lane.station)
            waiting = pool.queueing if pool is not None else 0
            colour = theme.WARN if waiting >= LONG_QUEUE else QUEUE_COLOUR
            count = fonts.render(count_text(waiting), theme.TINY, colour, True)
            count_rect = count.get_rect(midright=(lane.rect.right, lane.rect.centery))
            surface.blit(count, count_rect)
            left = lane.rect.left
            if not lane.in_fixture:
                name = fonts.render(self._name(fonts, lane), theme.TINY, theme.TEXT)
                surface.blit(name, name.get_rect(midleft=(left, lane.rect.centery)))
                left += name.get_width() + 8
            room = max(0, (count_rect.left - 6 - left) // TOKEN_STEP)
            shown = min(waiting, room)
            y = lane.rect.centery
            for i in range(shown):  # the head of the queue nearest the count, the tail trailing left
                pygame.draw.circle(surface, colour, (count_rect.left - 6 - i * TOKEN_STEP, y), TOKEN_RADIUS)
