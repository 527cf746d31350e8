"""Staff at their stations: one token per member on duty, marked when busy; click a station to select it."""
from __future__ import annotations

import math

import pygame

from sim.scenario.exercise import Layout

from .geometry import Viewport
from .sprites import SpriteBank

ROLE_COLOURS = ((70, 190, 200), (220, 120, 200), (130, 200, 90), (240, 170, 60), (150, 150, 240))
MAX_TOKENS = 10


class StaffView:
    """Where each role's staff stand (their fixtures) and how many are on duty and busy."""

    def __init__(self, layout: Layout, view: Viewport, roles: list[str]):
        self.stations: dict[str, pygame.Rect] = {}
        for fixture in layout.fixtures:
            if fixture.role is not None and fixture.role not in self.stations:
                self.stations[fixture.role] = view.rect(fixture.rect)
        self.colours = {role: ROLE_COLOURS[i % len(ROLE_COLOURS)] for i, role in enumerate(roles)}

    @property
    def roles(self) -> set[str]:
        return set(self.stations)

    def at(self, pos) -> str | None:
        return next((role for role, rect in self.stations.items() if rect.collidepoint(pos)), None)

    def draw(self, surface: pygame.Surface, sprites: SpriteBank, pools: dict, now: float, selected: str | None) -> None:
        for role, rect in self.stations.items():
            pool = pools.get(role)
            if pool is None:
                continue
            on_duty = pool.on_duty_at(now)
            busy = min(on_duty, max(0, math.ceil(pool.busy.value - 1e-9)))
            shown = min(on_duty, MAX_TOKENS)
            columns = max(1, min(shown, (rect.width - 8) // 18))
            for i in range(shown):
                x = rect.left + 6 + (i % columns) * 18
                y = rect.bottom - 22 - (i // columns) * 18
                surface.blit(sprites.staff(self.colours[role], i < busy), (x, y))
            if role == selected:
                pygame.draw.rect(surface, (255, 255, 255), rect.inflate(6, 6), width=2, border_radius=8)
