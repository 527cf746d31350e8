"""The customers of a run: one visit each, the segment they come from, and each day's tally."""
from __future__ import annotations

import simpy

from ..scenario import Scenario
from .arrivals import HourlyProfile
from .durations import make_sampler
from .random_streams import Streams
from .satisfaction import mood
from .staffing import StaffPool


class Customer:
    """One visit by one customer: who they are, where they are, and how the visit is going."""

    __slots__ = (
        "id", "segment", "arrived_at", "state", "service_min", "patience_min", "expectation",
        "perceived", "failure", "failures", "complained", "tags", "name", "process", "extra_wait",
        "path", "stays",
    )

    def __init__(self, cid: int, segment: str, arrived_at: float, service_min: float,
                 patience_min: float | None, expectation: float):
        self.id = cid
        self.segment = segment
        self.arrived_at = arrived_at
        self.state = "queueing"
        self.service_min = service_min
        self.patience_min = patience_min
        self.expectation = expectation
        self.perceived = 1.0  # perceived quality so far (1 = faultless; may exceed 1 after a superb recovery)
        self.failure: tuple[str, str] | None = None  # (category, severity) of the worst felt failure
        self.failures = 0
        self.complained = False
        self.tags: set[str] = set()
        self.name: str | None = None
        self.process: simpy.Process | None = None
        self.extra_wait = 0.0  # minutes of delay a disruption imposed on top of the queue
        self.path: str | None = None  # how the visit ended (see sim.retention.PATHS)
        self.stays: bool | None = None  # whether the customer will come back

    @property
    def mood(self) -> float:
        """-1 (furious) .. +1 (delighted), from perceived quality against expectation."""
        return mood(self.perceived, self.expectation)

    def feel_failure(self, category: str, severity: str, loss: float) -> None:
        """Record a failure the customer noticed; the most severe one is kept for retention."""
        self.failures += 1
        self.perceived -= loss
        order = ("minor", "major", "critical")
        if self.failure is None or order.index(severity) > order.index(self.failure[1]):
            self.failure = (category, severity)


class DayTally:
    """What one day brought: visits judged, failures felt, complaints made and answered."""

    __slots__ = ("visits", "failures", "complaints", "answered")

    def __init__(self):
        self.visits = self.failures = self.complaints = self.answered = 0


class SegmentFlow:
    """What the model needs at run time about one segment: its samplers, pool and priority."""

    def __init__(self, name: str, scenario: Scenario, streams: Streams, pools: dict[str, StaffPool]):
        spec = scenario.segments[name]
        op = scenario.operation
        self.name = name
        self.spec = spec
        self.pool = pools[spec.service.role]
        self.priority = -spec.priority  # SimPy serves the lowest number first
        self.balk_at = spec.balk_queue_length
        self.value = spec.value
        self.expectation = spec.expectation if spec.expectation is not None else scenario.quality.expectation
        self.profile = HourlyProfile(spec.hourly_rates(op.hours_per_day), op.duration_min)
        self.interarrival = streams[f"arrivals.{name}"]
        self.service_time = make_sampler(spec.service.time, streams[f"service.{name}"])
        self.patience = make_sampler(spec.patience_min, streams[f"patience.{name}"]) if spec.patience_min else None
