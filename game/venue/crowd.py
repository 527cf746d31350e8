"""The customers on screen: who is where, walking in and out, and how each one looks right now."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import pygame

from .geometry import SeatPlan
from .sprites import SpriteBank, mood_bucket

WALK_PX_PER_S = 320.0
HIT_RADIUS = 13


@dataclass
class Member:
    """One customer's on-screen state; ``record`` is the model's customer object (kept after they leave)."""

    cid: int
    record: object
    pos: list[float]
    target: tuple[float, float]
    departed: bool = False
    leaving: bool = False
    icons: list[str] = field(default_factory=list)


class Crowd:
    """Follows the model's customers: seats arrivals, walks leavers out, keeps the cabin's served passengers seated."""

    def __init__(self, plan: SeatPlan, segments: list[str], priority_segments: set[str], served_visible_roles: set[str],
                 stay_seated: bool, cast_seats: dict[int, str | None]):
        self.plan = plan
        self.colour_of = {segment: i for i, segment in enumerate(segments)}
        self.priority_segments = priority_segments
        self.served_visible_roles = served_visible_roles
        self.stay_seated = stay_seated
        self.cast_seats = cast_seats
        self.members: dict[int, Member] = {}

    def sync(self, present: dict, roles_of_segment: dict[str, str], dt: float) -> None:
        """Match the model's present customers, then move everyone a step."""
        for cid, customer in present.items():
            member = self.members.get(cid)
            if member is None:
                seat = self.plan.assign(cid, customer.segment, self.cast_seats.get(cid))
                self.members[cid] = Member(cid, customer, list(self.plan.entrance), seat)
            elif "gone" in customer.tags and not member.leaving:
                self._leave(member)
        for member in list(self.members.values()):
            if not member.departed and member.cid not in present:
                member.departed = True
                if not self.stay_seated or getattr(member.record, "state", "") == "abandoned":
                    self._leave(member)
        step = WALK_PX_PER_S * dt
        for member in list(self.members.values()):
            dx, dy = member.target[0] - member.pos[0], member.target[1] - member.pos[1]
            distance = math.hypot(dx, dy)
            if distance <= step:
                member.pos[0], member.pos[1] = member.target
                if member.leaving:
                    del self.members[member.cid]
            else:
                member.pos[0] += dx / distance * step
                member.pos[1] += dy / distance * step

    def _leave(self, member: Member) -> None:
        member.leaving = True
        member.target = self.plan.entrance
        self.plan.release(member.cid)

    def at(self, pos) -> int | None:
        """The customer under the mouse, if any (the nearest within reach)."""
        best, best_d = None, HIT_RADIUS
        for member in self.members.values():
            if member.leaving:
                continue
            d = math.hypot(member.pos[0] - pos[0], member.pos[1] - pos[1])
            if d <= best_d:
                best, best_d = member.cid, d
        return best

    def helped(self, roles_of_segment: dict[str, str], stations: set[str], trainee_role: str | None) -> dict[str, list]:
        """Where staff are needed, by role: customers whose recovery is under way (by their server's role, or
        the trainee's when that role has no station), then those being served at their seat."""
        recovering: dict[str, list] = {}
        serving: dict[str, list] = {}
        for member in self.members.values():
            if member.leaving or member.departed:
                continue
            state, role = member.record.state, roles_of_segment.get(member.record.segment)
            if state == "recovering":
                recovering.setdefault(role if role in stations else trainee_role, []).append(tuple(member.pos))
            elif state == "in_service" and role in stations:
                serving.setdefault(role, []).append(tuple(member.pos))
        return {role: recovering.get(role, []) + serving.get(role, []) for role in set(recovering) | set(serving)}

    def position(self, cid: int) -> tuple[float, float] | None:
        member = self.members.get(cid)
        return tuple(member.pos) if member else None

    def draw(self, surface: pygame.Surface, sprites: SpriteBank, roles_of_segment: dict[str, str], selected: int | None) -> None:
        for member in self.members.values():
            record = member.record
            tags = record.tags
            mood = record.mood
            segment = record.segment
            body = sprites.body(
                self.colour_of.get(segment, 0), mood_bucket(mood), "child" in tags,
                "vip" in tags or segment in self.priority_segments, member.departed,
            )
            x, y = int(member.pos[0]), int(member.pos[1])
            surface.blit(body, (x - 13, y - 13))
            if member.departed and not member.leaving:
                continue
            right, left = self._badges(record, tags, mood, roles_of_segment.get(segment))
            if right:
                surface.blit(sprites.icon(right), (x + 4, y - 16))
            if left:
                surface.blit(sprites.icon(left), (x - 18, y - 16))
        if selected is not None and selected in self.members:
            member = self.members[selected]
            surface.blit(sprites.selection, (int(member.pos[0]) - 16, int(member.pos[1]) - 16))

    def _badges(self, record, tags, mood: float, role: str | None) -> tuple[str | None, str | None]:
        """Up to two badges: the most telling state on the right, a need on the left."""
        state = record.state
        right = None
        if state in ("awaiting_recovery", "recovering"):
            right = "recovering"
        elif record.complained:
            right = "complained"
        elif mood <= -0.6 or ("angry" in tags and mood < 0):
            right = "angry"
        elif state == "in_service" and role in self.served_visible_roles:
            right = "serving"
        elif "notified" in tags:
            right = "notified"
        left = None
        if "asleep" in tags and "awake" not in tags:
            left = "asleep"
        elif "hungry" in tags and state == "queueing":
            left = "hungry"
        return right, left
