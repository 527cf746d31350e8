"""Where the venue sits on screen, and where customers can stand or sit in it."""
from __future__ import annotations

from dataclasses import dataclass

import pygame

from sim.scenario.exercise import LOGICAL_HEIGHT, LOGICAL_WIDTH, Fixture, Layout

VENUE_RECT = pygame.Rect(0, 56, 960, 540)
"""The screen area of the venue; the scenario's 1280 x 720 layout is scaled into it."""


class Viewport:
    """Maps the layout's logical coordinates to the screen."""

    def __init__(self, area: pygame.Rect = VENUE_RECT):
        self.area = area
        self.scale = min(area.width / LOGICAL_WIDTH, area.height / LOGICAL_HEIGHT)

    def point(self, x: float, y: float) -> tuple[float, float]:
        return self.area.left + x * self.scale, self.area.top + y * self.scale

    def rect(self, r) -> pygame.Rect:
        left, top = self.point(r.x, r.y)
        return pygame.Rect(round(left), round(top), round(r.w * self.scale), round(r.h * self.scale))


@dataclass(frozen=True)
class Seat:
    """One place a customer can occupy: its fixture and its screen position."""

    fixture: str
    pos: tuple[float, float]


def seats_of(fixture: Fixture, view: Viewport) -> list[Seat]:
    """The seat grid of a seats or sofa fixture, row by row."""
    rect = view.rect(fixture.rect)
    seats = []
    for row in range(fixture.rows):
        for col in range(fixture.cols):
            x = rect.left + (col + 0.5) * rect.width / fixture.cols
            y = rect.top + (row + 0.5) * rect.height / fixture.rows
            seats.append(Seat(fixture.id, (x, y)))
    return seats


class SeatPlan:
    """Hands out seats to customers: their cast seat, a block for their segment, any block, or standing room."""

    def __init__(self, layout: Layout, view: Viewport):
        self.view = view
        self.layout = layout
        self.blocks: dict[str, list[Seat]] = {}
        self.segments: dict[str, list[str]] = {}
        for fixture in layout.fixtures:
            if fixture.kind in ("seats", "sofa"):
                self.blocks[fixture.id] = seats_of(fixture, view)
                self.segments[fixture.id] = list(fixture.segments)
        self.taken: dict[Seat, int] = {}
        self.standing_room = [
            pos for fixture in layout.fixtures if fixture.kind == "aisle" for pos in _grid(view.rect(fixture.rect), 18)
        ]
        self.standing: dict[int, int] = {}  # standing slot -> customer
        self.entrance = view.point(layout.entrance.x, layout.entrance.y)

    def _candidates(self, segment: str, preferred: str | None) -> list[list[Seat]]:
        order: list[list[Seat]] = []
        if preferred in self.blocks:
            order.append(self.blocks[preferred])
        own = [seats for block, seats in self.blocks.items() if segment in self.segments[block]]
        open_blocks = [seats for block, seats in self.blocks.items() if not self.segments[block]]
        if own:
            order.append([seat for seats in own for seat in seats])
        order.append([seat for seats in open_blocks for seat in seats])
        return order

    def assign(self, cid: int, segment: str, preferred: str | None = None) -> tuple[float, float]:
        """A free seat for customer ``cid`` (spread over the block, so the venue fills naturally)."""
        for seats in self._candidates(segment, preferred):
            if not seats:
                continue
            start = (cid * 7919) % len(seats) if preferred is None else 0
            for k in range(len(seats)):
                seat = seats[(start + k) % len(seats)]
                if seat not in self.taken:
                    self.taken[seat] = cid
                    return seat.pos
        return self._stand(cid)

    def _stand(self, cid: int) -> tuple[float, float]:
        """Standing room when every seat is taken: the aisles first, then rows beside the entrance."""
        slot = 0
        while slot in self.standing:
            slot += 1
        self.standing[slot] = cid
        if slot < len(self.standing_room):
            return self.standing_room[slot]
        slot -= len(self.standing_room)
        x0, y0 = self.entrance
        col, row = slot % 10, slot // 10
        x = min(max(x0 + 30 + col * 18, self.view.area.left + 10), self.view.area.right - 10)
        y = min(max(y0 - 40 - row * 18, self.view.area.top + 10), self.view.area.bottom - 10)
        return x, y

    def release(self, cid: int) -> None:
        for seat, holder in list(self.taken.items()):
            if holder == cid:
                del self.taken[seat]
                return
        for slot, holder in list(self.standing.items()):
            if holder == cid:
                del self.standing[slot]
                return


def _grid(rect: pygame.Rect, step: int) -> list[tuple[float, float]]:
    """Points ``step`` apart filling ``rect``, row by row from the top left."""
    columns = max(1, rect.width // step)
    rows = max(1, rect.height // step)
    return [
        (rect.left + (c + 0.5) * rect.width / columns, rect.top + (r + 0.5) * rect.height / rows)
        for r in range(rows) for c in range(columns)
    ]
