"""What one connection may cost the server: message size and rate, number of connections."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from .protocol import MAX_MESSAGE_BYTES


@dataclass(frozen=True)
class Limits:
    """Limits that keep one misbehaving machine from disturbing the room."""

    max_connections: int = 200  # trainees and consoles together; a room is rarely above 60
    max_message_bytes: int = MAX_MESSAGE_BYTES
    messages_per_second: float = 20.0  # a game sends a report every second or so, more after a reconnect
    burst: int = 200  # a reconnecting game resends its whole backlog at once
    hello_timeout_s: float = 10.0
    refusals_before_close: int = 50  # a sender refused this often is disconnected
    refusals_logged: int = 20  # per connection: the records keep the first few, then a count


class RateLimiter:
    """A token bucket: ``burst`` messages at once, then ``rate`` a second on average."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.capacity = float(burst)
        self.tokens = float(burst)
        self._clock = clock
        self._last = clock()

    def allow(self) -> bool:
        now = self._clock()
        self.tokens = min(self.capacity, self.tokens + (now - self._last) * self.rate)
        self._last = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False
