"""Where the venue's labels go: the fixtures' names and the named characters', so that none covers another.

Greedy placement: labels are placed one after the other, each at its preferred spot when that is free,
else at the nearest free spot (by distance, over a grid of small nudges up to a few lines away), kept
inside the venue. The fixtures' names are placed once per layout, language and text size; the named
characters', which follow their figures, every frame around them.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import pygame

PLATE_PAD = (6, 2)  # the plate round a label's text, wider and taller than the text by this much
NUDGE_STEP_X = 8  # pixels between two sideways nudges
NUDGE_REACH_LINES = 4  # how far a label may be moved, in its own heights...
NUDGE_REACH_PX = 200  # ...and in pixels at most (a speech bubble moved further would leave its speaker)
GAP = 2  # pixels kept free between two labels' plates, so two names never read as one


def plate_of(text: pygame.Surface, **anchor) -> pygame.Rect:
    """The plate a label's ``text`` sits on, placed by a pygame.Rect anchor (``midtop=(x, y)``...)."""
    return text.get_rect(**anchor).inflate(*PLATE_PAD)


def nudges(preferred: pygame.Rect) -> Iterator[pygame.Rect]:
    """``preferred`` and copies of it moved by small steps (8 pixels sideways, half its height up or down) up
    to :data:`NUDGE_REACH_LINES` of its heights (:data:`NUDGE_REACH_PX` at most) away, nearest first: the
    spots a label is tried at."""
    for dx, dy in _offsets(preferred.height):
        yield preferred.move(dx, dy)


@lru_cache(maxsize=64)
def _offsets(height: int) -> tuple[tuple[int, int], ...]:
    step_y = max(4, height // 2)
    reach = min(NUDGE_REACH_LINES * max(height, 1), NUDGE_REACH_PX)
    across, up = reach // NUDGE_STEP_X, reach // step_y
    grid = [(i * NUDGE_STEP_X, j * step_y) for i in range(-across, across + 1) for j in range(-up, up + 1)]
    return tuple(sorted(grid, key=lambda o: (o[0] ** 2 + o[1] ** 2, o[1] < 0, o[0] < 0)))  # ties: down, right first


def place(preferred: pygame.Rect, taken: list[pygame.Rect], bounds: pygame.Rect) -> pygame.Rect:
    """The first spot of :func:`nudges` inside ``bounds`` that covers none of ``taken`` (nor comes within
    :data:`GAP` of one); the spot covering least of them when every one is covered. The spot is added to ``taken``."""
    kept_clear = [other.inflate(2 * GAP, 2 * GAP) for other in taken]
    best, best_overlap = None, None
    tried = set()  # spots pushed back inside ``bounds`` often land on one already tried
    for spot in nudges(preferred):
        spot = spot.clamp(bounds)
        if (corner := spot.topleft) in tried:
            continue
        tried.add(corner)
        covered = spot.collidelistall(kept_clear)
        if not covered:
            best = spot
            break
        overlap = sum(_area(spot.clip(kept_clear[i])) for i in covered)
        if best_overlap is None or overlap < best_overlap:
            best, best_overlap = spot, overlap
    taken.append(best)
    return best


def place_all(preferred: Iterable[pygame.Rect], taken: list[pygame.Rect], bounds: pygame.Rect) -> list[pygame.Rect]:
    """:func:`place` for each rectangle in turn (earlier ones keep their spot)."""
    return [place(rect, taken, bounds) for rect in preferred]


def _area(rect: pygame.Rect) -> int:
    return rect.width * rect.height
