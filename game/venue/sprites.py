"""Customer and staff sprites, drawn once from primitives and reused every frame."""
from __future__ import annotations

import pygame

from .. import theme
from ..fonts import FontBook

BODY_SIZE = 26
MOOD_BUCKETS = 9


def mood_bucket(mood: float) -> int:
    return max(0, min(MOOD_BUCKETS - 1, round((mood + 1) / 2 * (MOOD_BUCKETS - 1))))


def _draw_mouth(sprite: pygame.Surface, centre: int, radius: int, mood: float) -> None:
    """The mood as a shape too: a frown, a flat mouth or a smile on the customer's face."""
    width = max(6, radius + 2)
    box = pygame.Rect(centre - width // 2, centre - 1, width, radius - 1)
    if mood <= -0.15:  # frown: the upper half of an ellipse below the centre
        pygame.draw.arc(sprite, (20, 24, 30), box.move(0, 2), 0.3, 2.85, 2)
    elif mood >= 0.15:  # smile: the lower half of an ellipse around the centre
        pygame.draw.arc(sprite, (20, 24, 30), box.move(0, -3), 3.45, 5.97, 2)
    else:
        pygame.draw.line(sprite, (20, 24, 30), (box.left + 1, centre + 2), (box.right - 2, centre + 2), 2)


class SpriteBank:
    """Caches every sprite variant the play scene blits."""

    def __init__(self, fonts: FontBook):
        self.fonts = fonts
        self._bodies: dict[tuple, pygame.Surface] = {}
        self._icons: dict[str, pygame.Surface] = {}
        self._staff: dict[tuple, pygame.Surface] = {}
        self.selection = self._ring(15, theme.FOCUS, 2)

    def body(self, colour_index: int, bucket: int, child: bool, vip: bool, faded: bool) -> pygame.Surface:
        """A customer seen from above: body in the segment's colour, ring in the mood's colour."""
        key = (colour_index, bucket, child, vip, faded)
        sprite = self._bodies.get(key)
        if sprite is None:
            sprite = pygame.Surface((BODY_SIZE, BODY_SIZE), pygame.SRCALPHA)
            centre = BODY_SIZE // 2
            radius = 6 if child else 8
            mood = bucket / (MOOD_BUCKETS - 1) * 2 - 1
            pygame.draw.circle(sprite, theme.mood_colour(mood), (centre, centre), radius + 4)
            pygame.draw.circle(sprite, theme.SEGMENT_COLOURS[colour_index % len(theme.SEGMENT_COLOURS)], (centre, centre), radius)
            pygame.draw.circle(sprite, (20, 24, 30), (centre, centre), radius, 1)
            _draw_mouth(sprite, centre, radius, mood)
            if vip:
                pygame.draw.circle(sprite, theme.VIP_GOLD, (centre, centre), radius + 5, 2)
            if faded:
                sprite.set_alpha(150)
            self._bodies[key] = sprite
        return sprite

    def icon(self, name: str) -> pygame.Surface:
        """A small badge drawn beside a customer: asleep, hungry, angry, complained, serving, recovering."""
        sprite = self._icons.get(name)
        if sprite is None:
            sprite = self._make_icon(name)
            self._icons[name] = sprite
        return sprite

    def _make_icon(self, name: str) -> pygame.Surface:
        sprite = pygame.Surface((14, 14), pygame.SRCALPHA)
        if name == "asleep":
            z = self.fonts.render("z", 12, (170, 200, 255), True)
            sprite.blit(z, z.get_rect(center=(7, 7)))
        elif name == "hungry":
            pygame.draw.arc(sprite, theme.WARN, (1, -2, 12, 14), 3.3, 6.1, 3)
            pygame.draw.line(sprite, theme.WARN, (2, 5), (12, 5), 2)
        elif name == "angry":
            pygame.draw.circle(sprite, theme.BAD, (7, 7), 7)
            mark = self.fonts.render("!", 11, (255, 255, 255), True)
            sprite.blit(mark, mark.get_rect(center=(7, 7)))
        elif name == "complained":
            pygame.draw.rect(sprite, (240, 240, 240), (1, 1, 12, 9), border_radius=3)
            pygame.draw.polygon(sprite, (240, 240, 240), [(3, 9), (7, 9), (3, 13)])
        elif name == "serving":
            pygame.draw.circle(sprite, (250, 250, 250), (7, 7), 5)
            pygame.draw.circle(sprite, (180, 180, 180), (7, 7), 5, 1)
        elif name == "recovering":
            pygame.draw.circle(sprite, theme.ACCENT, (7, 7), 6, 2)
            pygame.draw.line(sprite, theme.ACCENT, (7, 3), (7, 8), 2)
        elif name == "notified":
            pygame.draw.circle(sprite, theme.GOOD, (7, 7), 6)
            pygame.draw.lines(sprite, (255, 255, 255), False, [(4, 7), (6, 10), (10, 4)], 2)
        return sprite

    def staff(self, colour: tuple, busy: bool) -> pygame.Surface:
        key = (colour, busy)
        sprite = self._staff.get(key)
        if sprite is None:
            sprite = pygame.Surface((16, 16), pygame.SRCALPHA)
            pygame.draw.rect(sprite, colour, (1, 1, 14, 14), border_radius=4)
            pygame.draw.rect(sprite, (240, 240, 240), (1, 1, 14, 14), width=1, border_radius=4)
            if busy:
                pygame.draw.circle(sprite, (255, 255, 255), (8, 8), 3)
            self._staff[key] = sprite
        return sprite

    @staticmethod
    def _ring(radius: int, colour, width: int) -> pygame.Surface:
        sprite = pygame.Surface((radius * 2 + 2, radius * 2 + 2), pygame.SRCALPHA)
        pygame.draw.circle(sprite, colour, (radius + 1, radius + 1), radius, width)
        return sprite
