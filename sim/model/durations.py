"""Samplers for the duration distributions a scenario names (service times, patience, delays)."""
from __future__ import annotations

import math
from typing import Callable

from ..scenario.distributions import Exponential, Fixed, Gamma, LogNormal, Uniform, Weibull
from .random_streams import Stream

Sampler = Callable[[], float]


def make_sampler(dist: Exponential | LogNormal | Fixed | Uniform | Gamma | Weibull, stream: Stream) -> Sampler:
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
        # parameters of the underlying normal from the lognormal's own mean and sd:
        # sigma^2 = ln(1 + cv^2), worked out from ln(cv) so that no cv, however large, overflows
        log_cv2 = 2 * (math.log(dist.sd) - math.log(dist.mean))
        sigma2 = log_cv2 + math.log1p(math.exp(-log_cv2)) if log_cv2 > 0 else math.log1p(math.exp(log_cv2))
        mu, sigma = math.log(dist.mean) - sigma2 / 2, math.sqrt(sigma2)
        return lambda: math.exp(mu + sigma * stream.normal())
    if isinstance(dist, Weibull):
        # inversion: scale x E^(1/shape) is Weibull for a unit exponential E
        scale, power = dist.scale, 1.0 / dist.shape
        return lambda: scale * stream.exponential() ** power
    if isinstance(dist, Gamma):
        return _gamma_sampler(dist.shape, dist.scale, stream)
    raise TypeError(f"no sampler for {dist!r}")


def _gamma_sampler(shape: float, scale: float, stream: Stream, block: int = 1024) -> Sampler:
    """Gamma draws made a block at a time from the stream's generator (one numpy call per block)."""
    buffer: list[float] = []

    def draw() -> float:
        if not buffer:
            buffer.extend((stream.generator.standard_gamma(shape, block) * scale).tolist())
        return buffer.pop()

    return draw
