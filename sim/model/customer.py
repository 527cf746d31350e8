"""The customers of a run: one visit each, the segment they come from, their journey, and each day's tally."""
from __future__ import annotations

import simpy

from ..scenario import Scenario
from ..scenario.journeys import routing_targets
from .arrivals import BlockProfile
from .durations import make_sampler
from .kpis import QueueTally
from .random_streams import Stream, Streams
from .satisfaction import (
    customer_expectation,
    customer_tolerance,
    lognormal_sigma,
    mood,
    perceived_quality,
)
from .staffing import StaffPool


TASTES_BLOCK = 1024  # customers whose tastes are drawn at once


class Customer:
    """One visit by one customer: who they are, where they are, and how the visit is going.

    The customer keeps what they lost (``loss``, in perceived quality) and what recoveries gave back
    (fixes and money: ``distributive``; words: ``interactional``); ``recovery`` is the share of the loss
    they judge given back (see :mod:`sim.justice`), so perceived quality is 1 - loss x (1 - recovery).
    """

    __slots__ = (
        "id", "segment", "arrived_at", "state", "service_min", "patience_min", "expectation", "tolerance",
        "loss", "distributive", "interactional", "recovery", "recovered", "recovery_delay", "handovers",
        "bonus", "blame", "failed_at", "failure", "failures", "complained", "tags", "name", "process",
        "hold_until", "extra_wait", "path", "stays", "pending", "deferred", "kind", "settled", "tallies",
        "outcome_tallies",
    )

    def __init__(self, cid: int, segment: str, arrived_at: float, service_min: float,
                 patience_min: float | None, expectation: float, tolerance: float = 15.0):
        self.id = cid
        self.segment = segment
        self.arrived_at = arrived_at
        self.state = "queueing"
        self.service_min = service_min
        self.patience_min = patience_min
        self.expectation = expectation  # this customer's own expectation of quality (0..1)
        self.tolerance = tolerance  # minutes this customer waits before waiting starts to count against quality
        self.loss = 0.0  # perceived quality the failures took away
        self.distributive = 0.0  # quality given back by fixes and compensation
        self.interactional = 0.0  # quality given back (or taken away) by words and manners
        self.recovery = 0.0  # share of the loss the customer judges given back, -1..1
        self.recovered = False  # whether anyone acted to recover a felt failure
        self.recovery_delay = 0.0  # minutes from the failure (or the complaint) to the recovery
        self.handovers = 0  # desks the case passed through
        self.bonus = 0.0  # the recovery paradox's lift above no failure (rare)
        self.blame = 0.0  # how much the customer blames the firm for the worst failure's cause, 0..1
        self.failed_at: float | None = None
        self.failure: tuple[str, str] | None = None  # (category, severity) of the worst felt failure
        self.failures = 0
        self.complained = False
        self.tags: set[str] = set()
        self.name: str | None = None
        self.process: simpy.Process | None = None
        self.hold_until = 0.0  # a holding disruption keeps the customer from service until then
        self.extra_wait = 0.0  # minutes of delay a (non-holding) disruption added to the felt wait
        self.path: str | None = None  # how the visit ended (see sim.retention.PATHS)
        self.stays: bool | None = None  # whether the customer will come back
        self.pending = 0  # recoveries ordered for this customer and not finished yet
        self.deferred: tuple | None = None  # the visit's conclusion, waiting for those recoveries
        self.tallies: tuple = ()  # the KPI tallies the visit is booked in (none during the warm-up)
        self.outcome_tallies: tuple = ()  # the same for what failures did (with failures on)
        self.kind: str | None = None  # the failure type (or disruption) of the worst felt failure
        self.settled: int | None = None  # judged at a station on the way, with this many failures felt by then

    @property
    def given_back(self) -> float:
        """Share of the loss the customer judges given back, the recovery paradox's lift included."""
        return self.recovery + self.bonus / self.loss if self.loss > 0 else self.recovery

    @property
    def perceived(self) -> float:
        """Perceived quality so far (1 = faultless; above 1 only through the recovery paradox)."""
        return perceived_quality(self.loss, self.given_back)

    @property
    def satisfied(self) -> bool:
        return self.perceived >= self.expectation

    @property
    def mood(self) -> float:
        """-1 (furious) .. +1 (delighted), from perceived quality against expectation."""
        return mood(self.perceived, self.expectation)

    def feel_failure(self, category: str, severity: str, loss: float, blame: float, now: float,
                     kind: str | None = None) -> None:
        """Record a failure the customer noticed; the most severe one is kept for retention."""
        self.failures += 1
        self.loss += loss
        if self.failed_at is None:
            self.failed_at = now
        order = ("minor", "major", "critical")
        if self.failure is None or order.index(severity) > order.index(self.failure[1]):
            self.failure = (category, severity)
            self.kind = kind or category
            self.blame = blame
        elif order.index(severity) == order.index(self.failure[1]):
            self.blame = max(self.blame, blame)


class DayTally:
    """What one day brought: visits judged, failures felt, complaints made and answered."""

    __slots__ = ("visits", "failures", "complaints", "answered")

    def __init__(self):
        self.visits = self.failures = self.complaints = self.answered = 0


class StepFlow:
    """What the model needs at run time about one step of a journey: its station, samplers and routing."""

    __slots__ = ("name", "pool", "priority", "service_time", "patience", "routes", "router", "kpis", "branches", "following")

    def __init__(self, name: str, pool: StaffPool, priority: int, service_time, patience, kpis: QueueTally | None):
        self.name = name
        self.pool = pool
        self.priority = -priority  # SimPy serves the lowest number first
        self.service_time = service_time
        self.patience = patience
        self.routes: list[tuple[float, "StepFlow | None"]] = []  # (cumulative probability, next step or leave)
        self.branches = False  # whether the next step is drawn (else it is ``following``, None for leaving)
        self.following: "StepFlow | None" = None
        self.router: Stream | None = None
        self.kpis = kpis  # this station's queue KPIs, when the run reports stations apart

    def next_step(self) -> "StepFlow | None":
        """Where the customer goes after this step (None: they leave), drawn by the routing chances."""
        routes = self.routes
        u = self.router.uniform()
        for edge, step in routes:
            if u < edge:
                return step
        return routes[-1][1]


class SegmentFlow:
    """What the model needs at run time about one segment: its arrivals, journey, priority and value."""

    def __init__(self, name: str, scenario: Scenario, streams: Streams, pools: dict[str, StaffPool],
                 station_kpis: dict[str, QueueTally] | None = None):
        spec = scenario.segments[name]
        op = scenario.operation
        self.name = name
        self.spec = spec
        self.balk_at = spec.balk_queue_length
        self.value = spec.value
        quality = scenario.quality
        self.expectation = spec.expectation if spec.expectation is not None else quality.expectation
        self.expectation_sd = quality.expectation_sd
        self.tolerance_median = quality.wait_tolerance_min
        self.tolerance_sigma = lognormal_sigma(quality.wait_tolerance_cv)
        self.tastes = streams[f"tastes.{name}"]
        self._tastes: list[tuple[float, float]] = []  # the next customers' (expectation, tolerance), last first
        self.demand = 1.0  # arrivals relative to the first day (word of mouth in multi-day runs)
        self.profile = BlockProfile.over_days(
            [scenario.arrival_blocks(name, day) for day in range(scenario.arrival_period_days)], op.duration_min
        )
        self.interarrival = streams[f"arrivals.{name}"]
        self.steps = self._journey(name, spec, streams, pools, station_kpis or {})
        first = self.first = self.steps[0]
        # the first step keeps the stream names of one-station visits, so their runs are unchanged
        self.pool = first.pool
        self.priority = first.priority
        self.service_time = first.service_time
        self.patience = first.patience
        self.queue_length = None  # time average of the number of this segment's customers queueing

    def tastes_of_next(self) -> tuple[float, float]:
        """The next customer's own expectation and tolerance for waiting (minutes)."""
        if not self._tastes:  # drawn for a block of customers at once, far cheaper than one by one
            z = self.tastes.generator.standard_normal((2, TASTES_BLOCK))
            expectations = customer_expectation(self.expectation, self.expectation_sd, z[0]).tolist()
            tolerances = customer_tolerance(self.tolerance_median, self.tolerance_sigma, z[1]).tolist()
            self._tastes = list(zip(reversed(expectations), reversed(tolerances)))  # handed out from the end
        return self._tastes.pop()

    @staticmethod
    def _journey(name, spec, streams: Streams, pools, station_kpis) -> list[StepFlow]:
        steps = spec.steps
        flows = []
        for i, step in enumerate(steps):
            suffix = "" if i == 0 else f".{step.name}"
            patience = step.patience_min or (spec.patience_min if i == 0 else None)
            flows.append(StepFlow(
                step.name, pools[step.station], spec.priority if step.priority is None else step.priority,
                make_sampler(step.time, streams[f"service.{name}{suffix}"]),
                make_sampler(patience, streams[f"patience.{name}{suffix}"]) if patience else None,
                station_kpis.get(step.station),
            ))
        by_name = {flow.name: flow for flow in flows}
        router = streams[f"routing.{name}"]
        for i, flow in enumerate(flows):
            running = 0.0
            for target, share in routing_targets(steps, i):
                running += share
                flow.routes.append((running, by_name[target] if target is not None else None))
            flow.router = router
            flow.branches = len(flow.routes) > 1
            flow.following = flow.routes[0][1]
        return flows
