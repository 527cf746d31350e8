"""Staff at their stations: one token per member on duty, marked when busy; click a station to select it.

Busy staff walk to the customers they are helping (a recovery under way, a meal served at the seat, the
customer the trainee has just answered) and back to their station when done."""
from __future__ import annotations

import math

import pygame

from sim.scenario.exercise import Layout

from .geometry import Viewport
from .sprites import SpriteBank

ROLE_COLOURS = ((70, 190, 200), (220, 120, 200), (130, 200, 90), (240, 170, 60), (150, 150, 240))
MAX_TOKENS = 10
TOKEN_PX = 18
WALK_PX_PER_S = 220.0  # staff walk a little faster than customers
BESIDE = (14, -6)  # where a member stands next to the customer being helped


class StaffView:
    """Where each role's staff stand (their fixtures) and how many are on duty and busy."""

    def __init__(self, layout: Layout, view: Viewport, roles: list[str]):
        self.stations: dict[str, pygame.Rect] = {}
        for fixture in layout.fixtures:
            if fixture.role is not None and fixture.role not in self.stations:
                self.stations[fixture.role] = view.rect(fixture.rect)
        self.colours = {role: ROLE_COLOURS[i % len(ROLE_COLOURS)] for i, role in enumerate(roles)}
        self.tokens: dict[str, list[tuple[list[float], bool]]] = {}  # role -> [(position, busy)]

    @property
    def roles(self) -> set[str]:
        return set(self.stations)

    def at(self, pos) -> str | None:
        return next((role for role, rect in self.stations.items() if rect.collidepoint(pos)), None)

    def home(self, role: str, index: int, count: int) -> tuple[float, float]:
        """The spot of the ``index``-th member of ``count`` at the role's station."""
        rect = self.stations[role]
        columns = max(1, min(count, (rect.width - 8) // TOKEN_PX))
        return rect.left + 6 + (index % columns) * TOKEN_PX, rect.bottom - 22 - (index // columns) * TOKEN_PX

    def update(self, pools: dict, now: float, helping: dict[str, list[tuple[float, float]]], dt: float) -> None:
        """Move each role's tokens a step: the busy ones towards the customers in ``helping`` (role -> positions),
        one each, the others back to their station."""
        step = WALK_PX_PER_S * dt
        for role in self.stations:
            pool = pools.get(role)
            if pool is None:
                continue
            on_duty = pool.on_duty_at(now)
            busy = min(on_duty, max(0, math.ceil(pool.busy.value - 1e-9)))
            shown = min(on_duty, MAX_TOKENS)
            targets = list(helping.get(role, ()))[:shown]
            tokens = self.tokens.setdefault(role, [])
            del tokens[shown:]
            while len(tokens) < shown:
                tokens.append((list(self.home(role, len(tokens), shown)), False))
            for i, (pos, _) in enumerate(tokens):
                if i < len(targets):
                    target = (targets[i][0] + BESIDE[0], targets[i][1] + BESIDE[1])
                else:
                    target = self.home(role, i, shown)
                dx, dy = target[0] - pos[0], target[1] - pos[1]
                distance = math.hypot(dx, dy)
                if distance <= step:
                    pos[0], pos[1] = target
                else:
                    pos[0] += dx / distance * step
                    pos[1] += dy / distance * step
                tokens[i] = (pos, i < max(busy, len(targets)))

    def draw(self, surface: pygame.Surface, sprites: SpriteBank, selected: str | None) -> None:
        for role, rect in self.stations.items():
            for pos, busy in self.tokens.get(role, ()):
                surface.blit(sprites.staff(self.colours[role], busy), (round(pos[0]), round(pos[1])))
            if role == selected:
                pygame.draw.rect(surface, (255, 255, 255), rect.inflate(6, 6), width=2, border_radius=8)
