"""Schema of a visit as a journey through stations: a fixed sequence, or routing after each station.

A station is a staff role (a key of ``staff``) or a self-service resource (a key of ``self_service``:
tables, kiosks, beds). A segment with a plain ``service`` makes a one-station journey, so old scenario
files keep their meaning.
"""
from __future__ import annotations

from typing import Annotated

import numpy as np
from pydantic import Field, model_validator

from .base import Probability, StrictModel, Text
from .distributions import Distribution

LEAVE = "leave"
"""The routing target that ends the visit."""


class Step(StrictModel):
    """One station of a journey: how long it takes there, how long the customer will wait, and where next."""

    id: str | None = Field(None, description="name of this step for routing (default: the station)")
    station: str = Field(description="a staff role (key of `staff`) or a self-service resource (key of `self_service`)")
    time: Distribution
    patience_min: Distribution | None = Field(
        None, description="how long the customer waits in this station's queue before leaving (default: the segment's, first step only)"
    )
    priority: int | None = Field(None, description="priority in this station's queue (default: the segment's)")
    next: dict[str, Probability] | None = Field(
        None,
        description="routing after this step: {step id: probability}; what is left over leaves. "
        "Omit to go to the following step (or leave after the last)",
    )

    @property
    def name(self) -> str:
        return self.id or self.station

    @model_validator(mode="after")
    def _shares(self) -> "Step":
        if self.next is not None:
            total = sum(share for target, share in self.next.items() if target != LEAVE)
            if total > 1.0 + 1e-9:
                raise ValueError(f"the routing shares add up to {total:g}; they may add up to at most 1 (the rest leaves)")
        return self


class SelfService(StrictModel):
    """A station the customer uses without staff (a table, a kiosk, a bed): only its capacity limits it."""

    label: Text | None = None
    capacity: Annotated[int, Field(ge=1, le=100_000)]


def routing_targets(steps: list[Step], index: int) -> list[tuple[str | None, float]]:
    """``[(step id or None for leaving, probability), ...]`` after step ``index`` of ``steps``."""
    step = steps[index]
    if step.next is None:
        following = steps[index + 1].name if index + 1 < len(steps) else None
        return [(following, 1.0)]
    targets = [(target, share) for target, share in step.next.items() if target != LEAVE]
    leave = 1.0 - sum(share for _, share in targets)
    return targets + ([(None, leave)] if leave > 1e-12 else [])


def expected_visits(steps: list[Step]) -> dict[str, float]:
    """Mean number of times one arriving customer is served at each step (the traffic equations)."""
    index = {step.name: i for i, step in enumerate(steps)}
    n = len(steps)
    routing = np.zeros((n, n))
    for i in range(n):
        for target, share in routing_targets(steps, i):
            if target is not None:
                routing[i, index[target]] += share
    entry = np.zeros(n)
    entry[0] = 1.0
    visits = np.linalg.solve(np.eye(n) - routing.T, entry)
    return {step.name: float(v) for step, v in zip(steps, visits)}
