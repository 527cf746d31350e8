"""What one connection may cost the server: message size and rate, number of connections, wrong codes."""
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
    wrong_codes: int = 10  # wrong join or console codes from one address within wrong_codes_window_s...
    wrong_codes_window_s: float = 60.0
    lockout_s: float = 60.0  # ...lock that address out this long: guessing a code takes forever


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


class CodeLockout:
    """Locks an address out after repeated wrong codes, so a code cannot be guessed by trying many.

    An address that sent ``limit`` wrong codes within ``window_s`` seconds is refused whatever it sends
    for ``lockout_s`` seconds (even the right code: a guess that happens to be right must not get in).
    A right code clears the address's count. Addresses are forgotten once their failures are old, and
    at most ``max_addresses`` are tracked, so the memory stays bounded whatever a network sends.
    """

    def __init__(self, limit: int, window_s: float, lockout_s: float, clock: Callable[[], float] = time.monotonic,
                 max_addresses: int = 10_000):
        self.limit = limit
        self.window_s = window_s
        self.lockout_s = lockout_s
        self.max_addresses = max_addresses
        self._clock = clock
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}

    def remaining(self, address: str) -> float:
        """Seconds this address stays locked out (0: it may try)."""
        until = self._locked_until.get(address)
        if until is None:
            return 0.0
        left = until - self._clock()
        if left <= 0:
            del self._locked_until[address]
            return 0.0
        return left

    def failed(self, address: str) -> bool:
        """Count a wrong code from this address; True when that locks it out."""
        now = self._clock()
        recent = [t for t in self._failures.get(address, ()) if now - t < self.window_s] + [now]
        if len(recent) >= self.limit:
            self._failures.pop(address, None)
            self._locked_until[address] = now + self.lockout_s
            return True
        self._failures[address] = recent
        if len(self._failures) > self.max_addresses:
            self._forget(now)
        return False

    def succeeded(self, address: str) -> None:
        self._failures.pop(address, None)

    def _forget(self, now: float) -> None:
        """Drop addresses whose failures are all old; if still too many, the oldest ones."""
        self._failures = {a: ts for a, ts in self._failures.items() if now - ts[-1] < self.window_s}
        for address in sorted(self._failures, key=lambda a: self._failures[a][-1])[:-self.max_addresses or None]:
            del self._failures[address]
        self._locked_until = {a: t for a, t in self._locked_until.items() if t > now}
