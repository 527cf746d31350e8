"""Staff pools as SimPy resources whose on-duty count follows the shift plan.

A pool's resource has as many servers as staff on duty; a shift process changes that number through
the day. A server above the new count is taken off only when its current job ends, so a staff member
finishes the customer in hand before going off duty (as real staff do).
"""
from __future__ import annotations

import math

import simpy

from ..scenario.operation import StaffRole
from .accumulators import BlockTimeAverage, DayBlocks
from .queue_resource import QueueResource


class StaffPool:
    """One staff role: the SimPy resource customers queue for, and its busy-time accounting."""

    def __init__(self, env: simpy.Environment, name: str, role: StaffRole, blocks: DayBlocks, measure_from: float):
        self.env = env
        self.name = name
        self.role = role
        day_length, days = blocks.day_min, blocks.days
        self.schedule = role.schedule(day_length)
        self.day_length = day_length
        self.days = days
        self.resource = QueueResource(env, capacity=0)
        self.busy = BlockTimeAverage(measure_from, blocks)  # staff serving, kept per block for intraday KPIs
        # staff still at work beyond the schedule: finishing the customer in hand after their shift ended,
        # or borrowed from another role; utilisation counts their time as time on duty, so it never passes 1
        self.overtime = BlockTimeAverage(measure_from, blocks)
        self.queueing = 0  # customers (not off-duty holds) waiting for this pool
        self.skill_multiplier = 1.0  # how much more often this role's staff fail (set when failures are on)
        self.scheduled = self.schedule[0][1]
        self.moved = 0  # staff borrowed from (+) or lent to (-) other roles by reassignment
        self.out = 0  # staff out of action in an outage (taken from whoever is scheduled)
        self.slowdown = 1.0  # services take this many times longer (an outage's manual fallback)
        self._set_on_duty(self.scheduled)
        if len(self.schedule) > 1 or days > 1:
            env.process(self._follow_shifts())

    def on_duty_at(self, t: float) -> int:
        """Staff planned on duty at model time ``t`` (plus any reassigned to this role)."""
        return max(self.role.count_at(t % self.day_length) + self.moved, 0)

    @property
    def on_duty(self) -> int:
        """Staff at work now: scheduled, plus borrowed, minus lent and out of action."""
        return max(self.scheduled + self.moved - self.out, 0)

    def take_out(self, count: int) -> None:
        """``count`` more staff go out of action (negative: they come back); each finishes the job in hand."""
        self.out += count
        self._set_on_duty(self.scheduled)

    def lend(self, count: int) -> int:
        """Send up to ``count`` on-duty staff to another role; returns how many went."""
        count = max(0, min(count, self.on_duty))
        self.moved -= count
        self._set_on_duty(self.scheduled)
        return count

    def borrow(self, count: int) -> None:
        """Take ``count`` staff lent by another role."""
        self.moved += count
        self._set_on_duty(self.scheduled)

    def work(self, now: float, delta: int) -> None:
        """``delta`` more staff of this role start (or, negative, stop) working at ``now``."""
        self.busy.add(now, delta)
        self._book_overtime(now)

    def _book_overtime(self, now: float) -> None:
        over = self.busy.value - self.scheduled
        if over > 0 or self.overtime.value:
            self.overtime.add(now, max(over, 0) - self.overtime.value)

    def staff_minutes(self, start: float, end: float) -> float:
        """Scheduled staff-minutes on duty between ``start`` and ``end``."""
        total = 0.0
        first = max(int(start // self.day_length), 0)
        last = min(int(math.ceil(end / self.day_length)), self.days)
        for day in range(first, last):
            offset = day * self.day_length
            for i, (begin, count) in enumerate(self.schedule):
                finish = self.schedule[i + 1][0] if i + 1 < len(self.schedule) else self.day_length
                lo, hi = max(offset + begin, start), min(offset + finish, end)
                if hi > lo:
                    total += count * (hi - lo)
        return total

    def _set_on_duty(self, count: int):
        self.scheduled = count
        self.resource.capacity = count + self.moved - self.out
        self._book_overtime(self.env.now)

    def _follow_shifts(self):
        for day in range(self.days):
            for begin, count in self.schedule:
                at = day * self.day_length + begin
                if at == 0:
                    continue  # set when the pool was built
                if at > self.env.now:
                    yield self.env.timeout(at - self.env.now)
                self._set_on_duty(count)
