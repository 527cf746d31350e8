"""Schema of the random durations a scenario may use (service times, patience, delays)."""
from __future__ import annotations

import math
from typing import Annotated, Literal, Union

from pydantic import Field, model_validator

from .base import NonNegative, Positive, StrictModel


class Exponential(StrictModel):
    """Memoryless duration with the given mean (minutes): the M in M/M/c."""

    dist: Literal["exponential"]
    mean: Positive


class LogNormal(StrictModel):
    """Right-skewed duration given by its own mean and standard deviation (minutes)."""

    dist: Literal["lognormal"]
    mean: Positive
    sd: Positive


class Fixed(StrictModel):
    """A constant duration (minutes)."""

    dist: Literal["fixed"]
    value: NonNegative


class Uniform(StrictModel):
    """A duration spread evenly between ``low`` and ``high`` (minutes)."""

    dist: Literal["uniform"]
    low: NonNegative
    high: NonNegative

    @model_validator(mode="after")
    def _ordered(self) -> "Uniform":
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) must be at least low ({self.low})")
        return self


class Gamma(StrictModel):
    """A duration with the given shape (k) and scale (minutes): mean k x scale; shape 1 is exponential."""

    dist: Literal["gamma"]
    shape: Positive
    scale: Positive


class Weibull(StrictModel):
    """A duration with the given shape (k) and scale (minutes); shape below 1 means many short and a few very long."""

    dist: Literal["weibull"]
    shape: Annotated[float, Field(ge=0.1, description="0.1 or more: at 0.1 the mean is already 3.6 million times the scale")]
    scale: Positive


Distribution = Annotated[
    Union[Exponential, LogNormal, Fixed, Uniform, Gamma, Weibull], Field(discriminator="dist")
]
"""One of ``exponential`` (mean), ``lognormal`` (mean, sd), ``fixed`` (value), ``uniform`` (low, high),
``gamma`` (shape, scale), ``weibull`` (shape, scale)."""


def distribution_mean(dist: Exponential | LogNormal | Fixed | Uniform | Gamma | Weibull) -> float:
    """Mean of a duration distribution, used by queueing formulas and staffing estimates."""
    if isinstance(dist, Fixed):
        return dist.value
    if isinstance(dist, Uniform):
        return (dist.low + dist.high) / 2
    if isinstance(dist, Gamma):
        return dist.shape * dist.scale
    if isinstance(dist, Weibull):
        return dist.scale * math.gamma(1.0 + 1.0 / dist.shape)
    return dist.mean
