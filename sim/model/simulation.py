"""The SimPy model of a service operation, built from a validated scenario.

Customers of each segment arrive as a non-homogeneous Poisson process, queue (by segment priority)
for the staff role that serves them, may balk or renege, and are served. When the scenario has a
``failures`` section, services can fail; dissatisfied customers complain or stay silent; staff recover
on the spot or by escalation, taking staff time from the same pools; customers stay or leave; and the
dissatisfied spread word of mouth. Batch use calls :meth:`Model.run`; live play calls
:meth:`Model.step_to` and injects decisions through :meth:`Model.apply`.
"""
from __future__ import annotations

import simpy

from ..scenario import Scenario
from ..scenario.failures import Disruption
from ..scenario.policies import Policy
from .actions import Action
from .complaints import complaint_probability
from .customer import Customer, DayTally, SegmentFlow
from .events import Event, EventKind
from .failures import FailureChances, load_multiplier, skill_multiplier
from .interventions import RECOVERY_PRIORITY, apply_action
from .kpis import QueueKpis, safe_ratio
from .outcome_kpis import OutcomeKpis
from .policy import Response, resolve_policy
from .random_streams import Streams
from .recovery_cost import recovery_cost_factor
from .retention import resolution_path, retention_probability
from .satisfaction import failure_loss, wait_loss
from .staffing import StaffPool
from .word_of_mouth import WordOfMouthLedger

PRIORITISED = -(10**5)  # a customer the trainee moved to the front


class Model:
    """A runnable instance of a scenario for one seed, replication and policy."""

    def __init__(self, scenario: Scenario, seed: int = 0, replication: int = 0,
                 policy: str | Policy | None = None, record_events: bool = False, event_sink=None):
        op = scenario.operation
        self.scenario = scenario
        self.seed = seed
        self.replication = replication
        self.response: Response = resolve_policy(scenario, policy)
        self.env = simpy.Environment()
        self.horizon = op.horizon_min
        self.measure_from = op.warmup_min
        self.streams = Streams(seed, replication)
        # the event log is opt-in: a list to keep it, or any sink with append() (a JSON-lines file)
        self.events: list[Event] | None = event_sink if event_sink is not None else [] if record_events else None
        headroom = sum(role.max_count for role in scenario.staff.values())
        self.pools = {
            name: StaffPool(self.env, name, role, op.duration_min, op.days, self.measure_from, headroom - role.max_count)
            for name, role in scenario.staff.items()
        }
        self.flows = {name: SegmentFlow(name, scenario, self.streams, self.pools) for name in scenario.segments}
        self.queue = QueueKpis(self.measure_from, op.service_level_threshold_min)
        self.present: dict[int, Customer] = {}
        self._next_id = 0
        self.failing = scenario.failures is not None
        if self.failing:
            self._setup_failures(scenario)
        for flow in self.flows.values():
            if flow.profile.daily_mass > 0:
                self.env.process(self._arrivals(flow))

    def _setup_failures(self, scenario: Scenario) -> None:
        failures = scenario.failures
        self.chances = FailureChances(failures)
        self.wait_tolerance = scenario.quality.wait_tolerance_min
        for pool in self.pools.values():
            pool.skill_multiplier = skill_multiplier(pool.role.skill, failures)
        # no encounter can fail with a draw above this, however busy and unskilled the staff
        self.max_failure_multiplier = (1.0 + failures.load_effect) * max(p.skill_multiplier for p in self.pools.values())
        self.failure_draws = self.streams["failures"]
        self.behaviour_draws = self.streams["behaviour"]
        self.recovery_draws = self.streams["recovery"]
        self.ledger = WordOfMouthLedger(scenario.word_of_mouth, self.streams["word_of_mouth"].generator, graph_seed=self.seed)
        self.outcomes = OutcomeKpis(self.ledger, scenario.word_of_mouth.visits_per_customer,
                                    scenario.behaviour.retention.no_failure)
        self.active_disruptions: list[Disruption] = []
        self.complaints_today = {category: 0 for category in self.chances.base}
        self.today = DayTally()
        self.days: list[DayTally] = [self.today]  # one tally per day: failures, complaints, answers
        self.memory = scenario.behaviour.memory
        self.appeasement = 0.0
        self.frustration = self.memory.initial_frustration if self.memory else 0.0
        for disruption in failures.disruptions:
            self.env.process(self._disruption(disruption))
        if scenario.operation.days > 1:
            self.env.process(self._day_ends())

    # -- running --------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.env.now

    @property
    def finished(self) -> bool:
        return self.env.now >= self.horizon

    def run(self, until: float | None = None) -> dict[str, float]:
        """Run to ``until`` (default: the end of the last day) and return the KPIs."""
        self.step_to(self.horizon if until is None else until)
        return self.kpis()

    def step_to(self, t: float) -> None:
        """Advance the model to time ``t`` (minutes); live play calls this once a frame."""
        t = min(t, self.horizon)
        if t > self.env.now:
            self.env.run(until=t)

    def log(self, kind: EventKind, customer: int = -1, segment: str = "", **detail) -> None:
        """Append to the event log when it is switched on."""
        if self.events is not None:
            self.events.append(Event(self.env.now, kind, customer, segment, detail))

    # -- arrivals and the visit -----------------------------------------------------------------
    def _arrivals(self, flow: SegmentFlow):
        env = self.env
        profile, draw, horizon = flow.profile, flow.interarrival, self.horizon
        while True:
            at = profile.next_arrival(env.now, draw.exponential())
            if at >= horizon:
                return
            yield env.timeout(at - env.now)
            self.admit(flow)

    def admit(self, flow: SegmentFlow) -> Customer:
        """A customer of ``flow`` arrives now: draw their service time and patience, start their visit."""
        patience = flow.patience() if flow.patience else None
        customer = Customer(self._next_id, flow.name, self.env.now, flow.service_time(), patience, flow.expectation)
        self._next_id += 1
        if self.failing and self.active_disruptions:
            for disruption in self.active_disruptions:
                if disruption.segment in (None, flow.name):
                    self._disrupt(customer, disruption)
        self.present[customer.id] = customer
        customer.process = self.env.process(self._visit(customer, flow))
        return customer

    def _visit(self, customer: Customer, flow: SegmentFlow):
        env, pool, queue = self.env, flow.pool, self.queue
        counted = customer.arrived_at >= self.measure_from
        logging = self.events is not None
        if counted:
            queue.arrived += 1
        if logging:
            self.log(EventKind.ARRIVAL, customer.id, flow.name)
        if flow.balk_at is not None and pool.queueing >= flow.balk_at:
            if counted:
                queue.balked += 1
            customer.state = "balked"
            del self.present[customer.id]
            if logging:
                self.log(EventKind.BALK, customer.id, flow.name, queue=pool.queueing)
            return
        request = pool.resource.request(priority=flow.priority)
        pool.queueing += 1
        queue.queue.add(env.now, 1)
        while True:
            try:
                if customer.patience_min is None:
                    yield request
                else:
                    deadline = customer.arrived_at + customer.patience_min
                    outcome = yield request | env.timeout(max(deadline - env.now, 0.0))
                    if request not in outcome:
                        request.cancel()
                        pool.queueing -= 1
                        queue.queue.add(env.now, -1)
                        self._abandon(customer, flow, counted)
                        return
                break
            except simpy.Interrupt:  # the trainee moved this customer to the front of the queue
                request.cancel()
                request = pool.resource.request(priority=PRIORITISED)
        pool.queueing -= 1
        now = env.now
        queue.queue.add(now, -1)
        wait = now - customer.arrived_at
        if counted:
            queue.record_served(wait)
        customer.state = "in_service"
        if logging:
            self.log(EventKind.SERVICE_START, customer.id, flow.name, role=pool.name, waited=wait)
        pool.busy.add(now, 1)
        failing = self.failing
        if failing:
            u_fail = self.failure_draws.uniform()
            if u_fail < self.chances.total * self.max_failure_multiplier:  # else no failure whatever the load
                self._maybe_fail(customer, pool, u_fail)
        yield env.timeout(customer.service_min)
        if logging:
            self.log(EventKind.SERVICE_END, customer.id, flow.name)
        recovery = None
        if failing:
            if (wait + customer.extra_wait <= self.wait_tolerance and customer.perceived >= customer.expectation
                    and not logging and not self.frustration):
                # the common case, booked in three additions: a good visit with nothing to tell
                self.today.visits += 1
                customer.path = "no_failure"
                if counted:
                    self.outcomes.conclude_satisfied(customer.perceived, flow.value)
            else:
                recovery = self._after_service(customer, flow, pool, request, wait, counted)
        if recovery is None:
            pool.busy.add(env.now, -1)
            pool.resource.release(request)
        else:
            yield from recovery
        self._depart(customer, flow)

    def _depart(self, customer: Customer, flow: SegmentFlow) -> None:
        customer.state = "left"
        self.present.pop(customer.id, None)
        if self.events is not None:
            self.log(EventKind.DEPARTURE, customer.id, flow.name, mood=round(customer.mood, 3),
                     path=customer.path, stays=customer.stays)

    def _abandon(self, customer: Customer, flow: SegmentFlow, counted: bool) -> None:
        if counted:
            self.queue.abandoned += 1
        customer.state = "abandoned"
        self.present.pop(customer.id, None)
        waited = self.env.now - customer.arrived_at
        self.log(EventKind.ABANDON, customer.id, flow.name, waited=waited)
        if self.failing:
            # giving up is a felt failure of the delivery system (unreasonably slow service)
            customer.perceived -= wait_loss(waited + customer.extra_wait, self.scenario.quality)
            customer.feel_failure("delivery_system", "minor", 0.0)
            severity = customer.failure[1]
            complained = self.behaviour_draws.uniform() < complaint_probability(severity, self.scenario.behaviour, self.response.channels) * self.complaint_mood()
            if complained:
                self._record_complaint(customer, flow)
            # nobody is left to recover the visit on the spot
            self._conclude(customer, flow, "unresolved" if complained else "silent", severity, 0.0, counted)

    # -- failures -------------------------------------------------------------------------------
    def _maybe_fail(self, customer: Customer, pool: StaffPool, u_fail: float) -> None:
        """Whether this encounter fails, given the uniform draw ``u_fail`` and the pool's load and skill."""
        draws = self.failure_draws
        failures = self.scenario.failures
        on_duty = pool.scheduled + pool.moved or 1
        load = pool.busy.value / on_duty
        multiplier = pool.skill_multiplier
        if load > failures.load_threshold:
            multiplier *= load_multiplier(load, failures)
        if u_fail >= self.chances.total * multiplier:
            return
        failure = self.chances.draw(u_fail, draws.uniform(), multiplier)
        if failure is None:
            return
        category, severity = failure
        if draws.uniform() < self.response.prevention:
            if customer.arrived_at >= self.measure_from:
                self.outcomes.failures_prevented += 1
            self.log(EventKind.FAILURE, customer.id, customer.segment, category=category, severity=severity, prevented=True)
            return
        self.inflict_failure(customer, category, severity, cause="service")

    def inflict_failure(self, customer: Customer, category: str, severity: str, cause: str, label: str = "") -> None:
        """``customer`` feels a failure: perceived quality drops by its SERVQUAL-weighted loss."""
        customer.feel_failure(category, severity, failure_loss(category, severity, self.scenario.quality))
        self.today.failures += 1
        if customer.arrived_at >= self.measure_from:
            self.outcomes.failures += 1
        if self.events is not None:
            self.log(EventKind.FAILURE, customer.id, customer.segment, category=category, severity=severity, cause=cause, label=label)

    def _disrupt(self, customer: Customer, disruption: Disruption) -> None:
        customer.extra_wait += disruption.delay_min
        self.inflict_failure(customer, disruption.category, disruption.severity, cause=disruption.id)

    def _disruption(self, disruption: Disruption):
        yield self.env.timeout(disruption.at_min)
        self.log(EventKind.DISRUPTION, segment=disruption.segment or "", id=disruption.id,
                 category=disruption.category, severity=disruption.severity, delay_min=disruption.delay_min)
        for customer in list(self.present.values()):
            if disruption.segment in (None, customer.segment):
                self._disrupt(customer, disruption)
        if disruption.window_min > 0:
            self.active_disruptions.append(disruption)
            yield self.env.timeout(disruption.window_min)
            self.active_disruptions.remove(disruption)

    def _day_ends(self):
        """At each closing: root-cause analysis of the day's complaints, and the customers' memory."""
        day = self.scenario.operation.duration_min
        for _ in range(self.scenario.operation.days - 1):
            yield self.env.timeout(day)
            if self.response.root_cause_analysis:
                self.chances.learn(self.complaints_today)
            self.complaints_today = dict.fromkeys(self.complaints_today, 0)
            if self.memory is not None:
                self._remember(self.today)
            self.today = DayTally()
            self.days.append(self.today)

    def _remember(self, day: "DayTally") -> None:
        memory = self.memory
        answered = day.answered / day.complaints if day.complaints else 0.0
        failed = day.failures / day.visits if day.visits else 0.0
        self.appeasement = min(memory.appeasement_cap, memory.appeasement_fade * self.appeasement + memory.appeasement_gain * answered)
        self.frustration = memory.frustration_fade * self.frustration + memory.frustration_gain * failed

    def complaint_mood(self) -> float:
        """Multiplier on the chance to complain from the customers' memory (1 without memory)."""
        return max(0.0, 1.0 + self.frustration - self.appeasement)

    # -- after service: complaint, recovery, outcome ----------------------------------------------
    def _after_service(self, customer: Customer, flow: SegmentFlow, pool: StaffPool, request, wait: float, counted: bool):
        """Judge the visit; returns the recovery process to run while the server is held, or None."""
        scenario = self.scenario
        self.today.visits += 1
        waited = wait + customer.extra_wait
        if waited > self.wait_tolerance:
            customer.perceived -= wait_loss(waited, scenario.quality)
        if customer.perceived >= customer.expectation:
            self._conclude(customer, flow, "no_failure", "minor", 0.0, counted)
            return None
        if customer.failure is None:
            customer.feel_failure("delivery_system", "minor", 0.0)  # the wait itself was the failure
        severity = customer.failure[1]
        draws = self.behaviour_draws
        complained = draws.uniform() < complaint_probability(severity, scenario.behaviour, self.response.channels) * self.complaint_mood()
        noticed = not complained and draws.uniform() < self.response.proactive_share
        if not (complained or noticed):
            self._conclude(customer, flow, "silent", severity, 0.0, counted)
            return None
        if complained:
            self._record_complaint(customer, flow)
        elif counted:
            self.outcomes.proactive += 1
        return self._recovery_visit(customer, flow, pool, request, severity, counted)

    def _recovery_visit(self, customer: Customer, flow: SegmentFlow, pool: StaffPool, request, severity: str, counted: bool):
        start = self.env.now
        customer.extra_wait = 0.0  # from here on: delay spent off site, if the case leaves the building
        yield from self._recover(customer, flow, pool, request, self.response.actions)
        delay = self.env.now - start + customer.extra_wait + self.response.back_office_delay_min
        path = self._settle_recovery(customer, severity, delay, self.response.actions, counted)
        self._conclude(customer, flow, path, severity, delay, counted)

    def _record_complaint(self, customer: Customer, flow: SegmentFlow) -> None:
        customer.complained = True
        if customer.arrived_at >= self.measure_from:
            self.outcomes.complaints += 1
        category = customer.failure[0]
        self.complaints_today[category] += 1
        self.today.complaints += 1
        self.log(EventKind.COMPLAINT, customer.id, flow.name, category=category, severity=customer.failure[1])

    def _recover(self, customer: Customer, flow: SegmentFlow, pool: StaffPool, request, actions: tuple[str, ...]):
        """Carry out the recovery: on the spot by the server, or escalated (releasing the server first)."""
        env = self.env
        recovery = self.scenario.recovery
        staff_time = sum(recovery.actions[a].staff_min for a in actions)
        on_the_spot = self.recovery_draws.uniform() < recovery.on_the_spot_share[self.response.empowerment]
        customer.state = "recovering"
        if on_the_spot:
            yield env.timeout(staff_time)
            pool.busy.add(env.now, -1)
            pool.resource.release(request)
            self.log(EventKind.RECOVERY_ACTION, customer.id, flow.name, actions=list(actions), by=pool.name, escalated=False)
            return
        yield env.timeout(recovery.handover_min)  # the front line explains the case before passing it on
        pool.busy.add(env.now, -1)
        pool.resource.release(request)
        customer.state = "awaiting_recovery"
        handler = self.pools.get(recovery.supervisor_role or "")
        if handler is None:
            # head office handles it off site: only the delay is felt, no staff time here
            customer.extra_wait = recovery.escalation_delay_min
            self.log(EventKind.RECOVERY_ACTION, customer.id, flow.name, actions=list(actions), by="head office", escalated=True)
            return
        with handler.resource.request(priority=RECOVERY_PRIORITY) as job:
            yield job
            customer.state = "recovering"
            handler.busy.add(env.now, 1)
            yield env.timeout(recovery.handover_min + staff_time)  # hearing the case again, then acting
            handler.busy.add(env.now, -1)
        self.log(EventKind.RECOVERY_ACTION, customer.id, flow.name, actions=list(actions), by=handler.name, escalated=True)

    def _settle_recovery(self, customer: Customer, severity: str, delay: float, actions: tuple[str, ...], counted: bool) -> str:
        """Apply the actions' effect and cost; return the customer's path."""
        recovery = self.scenario.recovery
        restored = sum(recovery.actions[a].restores for a in actions)
        if customer.complained:
            self.today.answered += 1
        if counted:
            factor = recovery_cost_factor(delay, recovery.cost_curve)
            self.outcomes.recovery_cost += factor * sum(recovery.actions[a].cost for a in actions)
            self.outcomes.recoveries += 1
            self.outcomes.recovery_delay_sum += delay
        retention = self.scenario.behaviour.retention
        after = customer.perceived + restored
        quick = delay <= retention.quick_within_min
        if after > 1.0:
            # recovery paradox: only a first, minor failure recovered fast lifts satisfaction above no failure
            paradox = customer.failures == 1 and severity == "minor" and quick
            after = 1.0 + (min(after - 1.0, recovery.paradox_bonus) if paradox else 0.0)
        customer.perceived = after
        satisfied = after >= customer.expectation
        self.log(EventKind.RESOLUTION, customer.id, customer.segment, delay_min=delay, satisfied=satisfied)
        return resolution_path(delay, retention) if satisfied else "unresolved"

    def _conclude(self, customer: Customer, flow: SegmentFlow, path: str, severity: str, delay: float, counted: bool) -> None:
        retention = self.scenario.behaviour.retention
        chance = retention.no_failure if path == "no_failure" else retention_probability(path, severity, retention, delay)
        if self.frustration:
            chance *= max(0.0, 1.0 - self.memory.frustration_retention_effect * self.frustration)
        customer.path = path
        if counted:
            # KPIs book the chance of returning (its conditional expectation): same mean, less noise
            self.outcomes.conclude(path, chance, customer.perceived, flow.value)
        if self.events is not None:
            # the story of one visit needs a yes or no: draw it from its own stream
            customer.stays = self.streams["stories"].uniform() < chance
            if path in ("silent", "unresolved") or customer.perceived > 1.0:
                self.log(EventKind.WORD_OF_MOUTH, customer.id, flow.name, negative=path in ("silent", "unresolved"))

    # -- outside influence ----------------------------------------------------------------------
    def apply(self, action: Action) -> int | None:
        """Inject one outside decision (a trainee's choice or a scripted policy step); see :class:`Action`."""
        return apply_action(self, action)

    # -- results --------------------------------------------------------------------------------
    def kpis(self) -> dict[str, float]:
        """KPIs of the run so far, measured from the end of the warm-up."""
        end = max(self.env.now, self.measure_from)
        threshold = self.scenario.operation.service_level_threshold_min
        late = sum(1 for c in self.present.values()
                   if c.state == "queueing" and c.arrived_at >= self.measure_from and end - c.arrived_at > threshold)
        results = self.queue.results(end, late)
        busy = sum(pool.busy.area_until(end) for pool in self.pools.values())
        on_duty = sum(pool.staff_minutes(self.measure_from, end) for pool in self.pools.values())
        results["utilization"] = safe_ratio(busy, on_duty)
        for name, pool in self.pools.items():
            results[f"utilization.{name}"] = safe_ratio(pool.busy.area_until(end), pool.staff_minutes(self.measure_from, end))
        if self.failing:
            results.update(self.outcomes.results(self.queue.served))
        return results

