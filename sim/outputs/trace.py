"""Queue length and staff busy over the day, sampled every few minutes by a SimPy process on a model.

Samples are folded onto the time of day and kept as running sums (and maxima) per time slot, so the
memory used depends on the length of a day and the sampling interval, not on replications. A run of
several days is traced over its whole length instead (a queue that builds up over weeks would be
hidden by folding), one slot a day (or wider, to keep the number of slots bounded), each slot the mean
of the samples in it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..model.simulation import Model
from ..scenario import Scenario

MAX_SLOTS = 2000  # the sampling interval is widened if a day would need more slots than this


@dataclass
class RoleTrace:
    """Running sums per time slot for one staff role."""

    queueing_sum: np.ndarray
    queueing_max: np.ndarray
    busy_sum: np.ndarray
    on_duty_sum: np.ndarray


@dataclass
class Trace:
    """Mean queue length, busy staff and on-duty staff per role at each time slot of the day."""

    every_min: float
    opens_at_min: int
    slots: int
    samples: np.ndarray  # how many samples fell in each slot
    roles: dict[str, RoleTrace] = field(default_factory=dict)
    day_length_min: float = 0.0  # the operation's day; the trace folds onto it when ``folded``
    folded: bool = True
    slot_min: float = 0.0  # width of a slot (the sampling interval when folded, a day or more when not)

    @classmethod
    def for_scenario(cls, scenario: Scenario, every_min: float = 5.0) -> "Trace":
        op = scenario.operation
        folded = op.days == 1
        span = op.duration_min if folded else op.horizon_min
        every = max(every_min, span / MAX_SLOTS) if folded else every_min
        width = every if folded else max(op.duration_min, span / MAX_SLOTS)
        slots = max(1, math.ceil(span / width - 1e-9))  # samples at 0, every, ... before closing
        zeros = lambda: np.zeros(slots)  # noqa: E731
        trace = cls(every, op.opens_at_min, slots, np.zeros(slots, dtype=np.int64), day_length_min=op.duration_min,
                    folded=folded, slot_min=width)
        trace.roles = {name: RoleTrace(zeros(), zeros(), zeros(), zeros()) for name in scenario.staff}
        return trace

    @property
    def day_min(self) -> float:
        """Length of the span the slots cover: the day the samples are folded onto, or the whole run."""
        return self.slots * self.slot_min

    @property
    def minutes(self) -> np.ndarray:
        """Minutes from opening of each slot."""
        return np.arange(self.slots) * self.slot_min

    def _mean(self, sums: np.ndarray) -> np.ndarray:
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(self.samples > 0, sums / np.maximum(self.samples, 1), np.nan)

    def mean_queueing(self, role: str) -> np.ndarray:
        return self._mean(self.roles[role].queueing_sum)

    def max_queueing(self, role: str) -> np.ndarray:
        return np.where(self.samples > 0, self.roles[role].queueing_max, np.nan)

    def mean_busy(self, role: str) -> np.ndarray:
        return self._mean(self.roles[role].busy_sum)

    def mean_on_duty(self, role: str) -> np.ndarray:
        return self._mean(self.roles[role].on_duty_sum)

    def to_dict(self) -> dict:
        """Plain data: minutes and, per role, the mean and maximum queue, mean busy and on-duty staff."""
        return {
            "every_min": self.every_min, "minutes": self.minutes.tolist(),
            "roles": {
                role: {
                    "mean_queueing": self.mean_queueing(role).tolist(), "max_queueing": self.max_queueing(role).tolist(),
                    "mean_busy": self.mean_busy(role).tolist(), "mean_on_duty": self.mean_on_duty(role).tolist(),
                }
                for role in self.roles
            },
        }


def start_trace(model: Model, every_min: float = 5.0, trace: Trace | None = None) -> Trace:
    """Start a SimPy process on ``model`` that samples every pool every ``every_min`` minutes; returns the trace.

    Pass ``trace`` to add this model's samples to an existing trace (to average over replications).
    """
    trace = trace or Trace.for_scenario(model.scenario, every_min)
    day = model.scenario.operation.duration_min

    def sampler():
        env = model.env
        while env.now < model.horizon:
            at = env.now % day if trace.folded else env.now
            slot = min(int(at / trace.slot_min + 1e-9), trace.slots - 1)
            trace.samples[slot] += 1
            for name, pool in model.pools.items():
                role = trace.roles[name]
                role.queueing_sum[slot] += pool.queueing
                role.queueing_max[slot] = max(role.queueing_max[slot], pool.queueing)
                role.busy_sum[slot] += pool.busy.value
                role.on_duty_sum[slot] += pool.on_duty_at(env.now)
            yield env.timeout(trace.every_min)

    model.env.process(sampler())
    return trace


def trace_replications(scenario: Scenario, replications: int = 10, seed: int = 0, every_min: float = 5.0,
                       policy: str | None = None) -> Trace:
    """Trace of ``replications`` replications of ``scenario`` (the same random numbers as ``replicate``)."""
    trace = Trace.for_scenario(scenario, every_min)
    for replication in range(replications):
        model = Model(scenario, seed=seed, replication=replication, policy=policy)
        start_trace(model, trace=trace)
        model.run()
    return trace
