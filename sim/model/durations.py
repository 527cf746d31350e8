"""Samplers for the duration distributions a scenario names (service times, patience, delays)."""
from __future__ import annotations

import math
from typing import Callable

from ..scenario.distributions import Exponential, Fixed, LogNormal, Uniform
from .random_streams import Stream

Sampler = Callable[[], float]


def make_sampler(dist: Exponential | LogNormal | Fixed | Uniform, stream: Stream) -> Sampler:
    """A zero-argument function drawing from ``dist`` with ``stream``'s numbers."""
    if isinstance(dist, Exponential):
        mean = dist.mean
        return lambda: stream.exponential(mean)
    if isinstance(dist, Fixed):
        value = dist.value
        return lambda: value
    if isinstance(dist, Uniform):
        low, span = dist.low, dist.high - dist.low
        return lambda: low + span * stream.uniform()
    if isinstance(dist, LogNormal):
        # parameters of the underlying normal from the lognormal's own mean and sd
        sigma2 = math.log1p((dist.sd / dist.mean) ** 2)
        mu, sigma = math.log(dist.mean) - sigma2 / 2, math.sqrt(sigma2)
        return lambda: math.exp(mu + sigma * stream.normal())
    raise TypeError(f"no sampler for {dist!r}")
