"""Where the venue's labels go: the fixtures' names and the named characters', so that none covers another.

Greedy placement: labels are placed one after the other, each at its preferred spot when that is free,
else at the nearest free spot of a few nudges (down and up a line at a time first, then sideways), kept
inside the venue. The fixtures' names are placed once per layout, language and text size; the named
characters', which follow their figures, every frame around them.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

import pygame

PLATE_PAD = (6, 2)  # the plate round a label's text, wider and taller than the text by this much
NUDGE_RINGS = 8  # how many steps away from the preferred spot a label may be moved
GAP = 2  # pixels kept free between two labels' plates, so two names never read as one


def plate_of(text: pygame.Surface, **anchor) -> pygame.Rect:
    """The plate a label's ``text`` sits on, placed by a pygame.Rect anchor (``midtop=(x, y)``...)."""
    return text.get_rect(**anchor).inflate(*PLATE_PAD)


def nudges(preferred: pygame.Rect, rings: int = NUDGE_RINGS) -> Iterator[pygame.Rect]:
    """``preferred``, then copies moved by whole label heights (down first, then up), then by half its width
    sideways, then both, ring by ring outwards: the spots a label is tried at, nearest first."""
    step_x, step_y = max(8, preferred.width // 2), preferred.height + 1
    yield preferred
    for ring in range(1, rings + 1):
        for dx, dy in ((0, ring), (0, -ring), (ring, 0), (-ring, 0), (ring, ring), (-ring, ring), (ring, -ring), (-ring, -ring)):
            yield preferred.move(dx * step_x, dy * step_y)


def place(preferred: pygame.Rect, taken: list[pygame.Rect], bounds: pygame.Rect) -> pygame.Rect:
    """The first spot of :func:`nudges` inside ``bounds`` that covers none of ``taken`` (nor comes within
    :data:`GAP` of one); the spot covering least of them when every one is covered. The spot is added to ``taken``."""
    best, best_overlap = None, None
    for spot in nudges(preferred):
        spot = spot.clamp(bounds)
        overlap = sum(_area(spot.clip(other.inflate(2 * GAP, 2 * GAP))) for other in taken)
        if overlap == 0:
            best = spot
            break
        if best_overlap is None or overlap < best_overlap:
            best, best_overlap = spot, overlap
    taken.append(best)
    return best


def place_all(preferred: Iterable[pygame.Rect], taken: list[pygame.Rect], bounds: pygame.Rect) -> list[pygame.Rect]:
    """:func:`place` for each rectangle in turn (earlier ones keep their spot)."""
    return [place(rect, taken, bounds) for rect in preferred]


def _area(rect: pygame.Rect) -> int:
    return rect.width * rect.height
