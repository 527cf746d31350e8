"""The SimPy model of a service operation, built from a validated scenario.

Customers of each segment arrive as a non-homogeneous Poisson process, queue (by segment priority)
for the staff role that serves them, may balk at a long queue or renege after their patience runs
out, and are served for a random time. Batch use calls :meth:`Model.run`; live play calls
:meth:`Model.step_to` repeatedly.
"""
from __future__ import annotations

import simpy

from .arrivals import HourlyProfile
from .durations import make_sampler
from .events import Event, EventKind
from .kpis import QueueKpis, safe_ratio
from .random_streams import Streams
from .scenario import Scenario
from .staffing import StaffPool


class Customer:
    """One visit by one customer: who they are and where they are in the operation."""

    __slots__ = ("id", "segment", "arrived_at", "state", "service_min", "patience_min")

    def __init__(self, cid: int, segment: str, arrived_at: float, service_min: float, patience_min: float | None):
        self.id = cid
        self.segment = segment
        self.arrived_at = arrived_at
        self.state = "queueing"
        self.service_min = service_min
        self.patience_min = patience_min


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
        self.profile = HourlyProfile(spec.hourly_rates(op.hours_per_day), op.duration_min)
        self.interarrival = streams[f"arrivals.{name}"]
        self.service_time = make_sampler(spec.service.time, streams[f"service.{name}"])
        self.patience = make_sampler(spec.patience_min, streams[f"patience.{name}"]) if spec.patience_min else None


class Model:
    """A runnable instance of a scenario for one seed and replication."""

    def __init__(self, scenario: Scenario, seed: int = 0, replication: int = 0, record_events: bool = False):
        op = scenario.operation
        self.scenario = scenario
        self.seed = seed
        self.replication = replication
        self.env = simpy.Environment()
        self.horizon = op.horizon_min
        self.measure_from = op.warmup_min
        self.streams = Streams(seed, replication)
        self.events: list[Event] | None = [] if record_events else None
        self.pools = {
            name: StaffPool(self.env, name, role, op.duration_min, op.days, self.measure_from)
            for name, role in scenario.staff.items()
        }
        self.flows = {name: SegmentFlow(name, scenario, self.streams, self.pools) for name in scenario.segments}
        self.queue = QueueKpis(self.measure_from, op.service_level_threshold_min)
        self.present: dict[int, Customer] = {}
        self._next_id = 0
        for flow in self.flows.values():
            if flow.profile.daily_mass > 0:
                self.env.process(self._arrivals(flow))

    # -- running --------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.env.now

    def run(self, until: float | None = None) -> dict[str, float]:
        """Run to ``until`` (default: the end of the last day) and return the KPIs."""
        self.step_to(self.horizon if until is None else until)
        return self.kpis()

    def step_to(self, t: float) -> None:
        """Advance the model to time ``t`` (minutes); used by live play one frame at a time."""
        t = min(t, self.horizon)
        if t > self.env.now:
            self.env.run(until=t)

    @property
    def finished(self) -> bool:
        return self.env.now >= self.horizon

    def log(self, kind: EventKind, customer: int = -1, segment: str = "", **detail) -> None:
        """Append to the event log when it is switched on."""
        if self.events is not None:
            self.events.append(Event(self.env.now, kind, customer, segment, detail))

    # -- processes ------------------------------------------------------------------------------
    def _arrivals(self, flow: SegmentFlow):
        env = self.env
        profile, draw, horizon = flow.profile, flow.interarrival, self.horizon
        while True:
            at = profile.next_arrival(env.now, draw.exponential())
            if at >= horizon:
                return
            yield env.timeout(at - env.now)
            patience = flow.patience() if flow.patience else None
            customer = Customer(self._next_id, flow.name, at, flow.service_time(), patience)
            self._next_id += 1
            env.process(self._visit(customer, flow))

    def _visit(self, customer: Customer, flow: SegmentFlow):
        env, pool, queue = self.env, flow.pool, self.queue
        counted = customer.arrived_at >= self.measure_from
        if counted:
            queue.arrived += 1
        self.log(EventKind.ARRIVAL, customer.id, flow.name)
        if flow.balk_at is not None and pool.queueing >= flow.balk_at:
            if counted:
                queue.balked += 1
            self.log(EventKind.BALK, customer.id, flow.name, queue=pool.queueing)
            return
        self.present[customer.id] = customer
        request = pool.resource.request(priority=flow.priority)
        pool.queueing += 1
        queue.queue.add(env.now, 1)
        if customer.patience_min is None:
            yield request
        else:
            outcome = yield request | env.timeout(customer.patience_min)
            if request not in outcome:
                request.cancel()
                pool.queueing -= 1
                queue.queue.add(env.now, -1)
                if counted:
                    queue.abandoned += 1
                customer.state = "abandoned"
                del self.present[customer.id]
                self.log(EventKind.ABANDON, customer.id, flow.name, waited=env.now - customer.arrived_at)
                return
        pool.queueing -= 1
        now = env.now
        queue.queue.add(now, -1)
        if counted:
            queue.record_served(now - customer.arrived_at)
        customer.state = "in_service"
        self.log(EventKind.SERVICE_START, customer.id, flow.name, role=pool.name)
        pool.busy.add(now, 1)
        yield env.timeout(customer.service_min)
        pool.busy.add(env.now, -1)
        pool.resource.release(request)
        customer.state = "served"
        self.log(EventKind.SERVICE_END, customer.id, flow.name)
        del self.present[customer.id]
        self.log(EventKind.DEPARTURE, customer.id, flow.name)

    # -- results --------------------------------------------------------------------------------
    def kpis(self) -> dict[str, float]:
        """KPIs of the run so far, measured from the end of the warm-up."""
        end = max(self.env.now, self.measure_from)
        results = self.queue.results(end)
        busy = sum(pool.busy.area_until(end) for pool in self.pools.values())
        on_duty = sum(pool.staff_minutes(self.measure_from, end) for pool in self.pools.values())
        results["utilization"] = safe_ratio(busy, on_duty)
        for name, pool in self.pools.items():
            results[f"utilization.{name}"] = safe_ratio(pool.busy.area_until(end), pool.staff_minutes(self.measure_from, end))
        return results


def run_once(scenario: Scenario, seed: int = 0, replication: int = 0) -> dict[str, float]:
    """KPIs of one replication of ``scenario``; a plain function so worker processes can call it."""
    return Model(scenario, seed=seed, replication=replication).run()
