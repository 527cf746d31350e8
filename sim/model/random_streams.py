"""Named random-number streams from one seed, so alternatives share common random numbers.

Every stream is a numpy ``Generator`` derived from ``SeedSequence(seed)`` by a fixed spawn key
(replication, stream name), so a replication's numbers do not depend on which worker process runs it,
and the arrivals of a replication are the same whatever policy or staffing is being compared.
Draws are made in blocks and handed out one at a time, which is far cheaper than one numpy call each.
"""
from __future__ import annotations

import zlib

import numpy as np

_BLOCK = 2048


def _stream_key(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """The seed sequence of one replication of a run seeded with ``seed``."""
    return np.random.SeedSequence(entropy=seed, spawn_key=(replication,))


class Stream:
    """One named stream: buffered standard exponential, uniform and normal draws plus the raw generator."""

    __slots__ = ("generator", "_exp", "_uni", "_norm")

    def __init__(self, generator: np.random.Generator):
        self.generator = generator
        self._exp: list[float] = []
        self._uni: list[float] = []
        self._norm: list[float] = []

    def exponential(self, mean: float = 1.0) -> float:
        """An exponential draw with the given mean."""
        if not self._exp:
            self._exp = self.generator.standard_exponential(_BLOCK).tolist()
        return self._exp.pop() * mean

    def uniform(self) -> float:
        """A uniform draw on [0, 1)."""
        if not self._uni:
            self._uni = self.generator.random(_BLOCK).tolist()
        return self._uni.pop()

    def normal(self) -> float:
        """A standard normal draw."""
        if not self._norm:
            self._norm = self.generator.standard_normal(_BLOCK).tolist()
        return self._norm.pop()

    def chance(self, probability: float) -> bool:
        """True with the given probability."""
        return self.uniform() < probability


class Streams:
    """The streams of one replication, created on first use by name."""

    def __init__(self, seed: int, replication: int = 0):
        self._root = replication_seed(seed, replication)
        self._streams: dict[str, Stream] = {}

    def __getitem__(self, name: str) -> Stream:
        stream = self._streams.get(name)
        if stream is None:
            sequence = np.random.SeedSequence(
                entropy=self._root.entropy, spawn_key=(*self._root.spawn_key, _stream_key(name))
            )
            stream = self._streams[name] = Stream(np.random.Generator(np.random.PCG64(sequence)))
        return stream
