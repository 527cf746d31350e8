"""The SimPy model of a service operation, built from a validated scenario.

Customers of each segment arrive as a non-homogeneous Poisson process and go through the stations of
their journey (a staff role or a self-service resource each): at each they queue by priority, may
renege, and are served, then move on by the journey's routing. Outages take capacity away for a while.
When the scenario has a
``failures`` section, services can fail; dissatisfied customers complain or stay silent; staff recover
on the spot or by escalation, taking staff time from the same pools; customers stay or leave; and the
dissatisfied spread word of mouth. Batch use calls :meth:`Model.run`; live play calls
:meth:`Model.step_to` and injects decisions through :meth:`Model.apply`.
"""
from __future__ import annotations

import heapq

import simpy

from ..scenario import Scenario
from ..scenario.failures import CATEGORIES, Disruption
from ..scenario.operation import Outage, StaffRole
from ..scenario.policies import Policy
from .accumulators import DayBlocks
from .actions import Action
from .attribution import blame, complaint_factor, felt_blame, telling_factor
from .complaints import complaint_probability
from .customer import Customer, DayTally, SegmentFlow
from .events import Event, EventKind
from .failures import (
    INJECTED,
    WAITING,
    FailureChances,
    load_multiplier,
    skill_multiplier,
)
from .interventions import RECOVERY_PRIORITY, apply_action
from .justice import interactional_share, paradox_possible, recovery_satisfaction, recovery_value
from .kpis import STATION, QueueKpis, busy_share
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
        self.blocks = DayBlocks(op.block_min, op.duration_min, op.days, op.opens_at_min)
        self.pools = {
            name: StaffPool(self.env, name, role, self.blocks, self.measure_from)
            for name, role in scenario.staff.items()
        }
        for name, resource in scenario.self_service.items():  # a self-service resource is a pool of units
            self.pools[name] = StaffPool(self.env, name, StaffRole(count=resource.capacity), self.blocks, self.measure_from)
        used = {step.station for segment in scenario.segments.values() for step in segment.steps}
        # stations are reported apart when a visit can pass through more than one
        self.multi_station = len(used) > 1 or any(len(segment.steps) > 1 for segment in scenario.segments.values())
        self.queue = QueueKpis(self.measure_from, op.service_level_threshold_min, self.blocks, scenario.segments)
        self.station_kpis = {name: self.queue.part(STATION, name) for name in sorted(used)} if self.multi_station else {}
        self.flows = {name: SegmentFlow(name, scenario, self.streams, self.pools, self.station_kpis) for name in scenario.segments}
        for name, flow in self.flows.items():
            flow.queue_length = self.queue.queue_lengths[name]
        self.present: dict[int, Customer] = {}
        self._next_id = 0
        self.warnings: dict[str, int] = {}  # things that went wrong in the run itself, with how often
        self.failing = scenario.failures is not None
        if self.failing:
            self._setup_failures(scenario)
        for outage in scenario.outages:
            self.env.process(self._outage(outage))
        for flow in self.flows.values():
            if flow.profile.daily_mass > 0:
                self.env.process(self._arrivals(flow))
            for _ in range(flow.spec.starting_queue):
                self.admit(flow)

    def _setup_failures(self, scenario: Scenario) -> None:
        failures = scenario.failures
        self.chances = FailureChances(failures, list(self.pools))
        for pool in self.pools.values():
            pool.skill_multiplier = skill_multiplier(pool.role.skill, failures)
        # no encounter can fail with a draw above this, however busy and unskilled the staff
        self.max_failure_multiplier = (1.0 + failures.load_effect) * max(p.skill_multiplier for p in self.pools.values())
        self.chain = scenario.recovery.chain()
        self.chain_capacity = [
            simpy.Resource(self.env, capacity=level.capacity) if level.capacity else None for level in self.chain
        ]
        # with named failure types, failures and complaints are counted by what caused them
        kinds = [*failures.types, *(d.id for d in failures.disruptions), INJECTED] if failures.types else []
        self.failures_by_kind = dict.fromkeys(kinds, 0)
        self.complaints_by_kind = dict.fromkeys([*kinds, WAITING] if kinds else [], 0)
        self.escalations_passed_on = 0  # cases a level of the chain could not take (no one on duty)
        self.failure_draws = self.streams["failures"]
        self.behaviour_draws = self.streams["behaviour"]
        self.recovery_draws = self.streams["recovery"]
        attribution = scenario.behaviour.attribution
        self.attribution = attribution
        causes = {category: getattr(failures.causes, category) for category in CATEGORIES}
        self.category_blame = {category: blame(c.controllable, c.stable, attribution) for category, c in causes.items()}
        wom = scenario.word_of_mouth
        self.delight_margin = wom.delight_margin
        self.ledger = WordOfMouthLedger(wom, self.streams["word_of_mouth"].generator, self.market_sizes(scenario),
                                        graph_seed=self.seed)
        self.outcomes = OutcomeKpis(self.ledger, wom.visits_per_customer, scenario.behaviour.retention.no_failure,
                                    {name: flow.value for name, flow in self.flows.items()}, self.blocks)
        self.people = dict.fromkeys(self.flows, 0)  # customers of each segment who came (part of its market)
        # off-site levels of the escalation chain with a capacity: when each of their case handlers is next free
        self.off_site_free = {level: [0.0] * step.capacity for level, step in enumerate(self.chain)
                              if step.role is None and step.capacity}
        self.active_disruptions: list[Disruption] = []
        self.complaints_today = {kind.name: 0 for kind in self.chances.kinds}
        self.today = DayTally()
        self.days: list[DayTally] = [self.today]  # one tally per day: failures, complaints, answers
        self.memory = scenario.behaviour.memory
        self.appeasement = 0.0
        self.frustration = self.memory.initial_frustration if self.memory else 0.0
        for disruption in failures.disruptions:
            self.env.process(self._disruption(disruption))
        if scenario.operation.days > 1:
            self.env.process(self._day_ends())

    def market_sizes(self, scenario: Scenario) -> dict[str, int]:
        """People who could become customers, per segment: as the scenario says, or a multiple of the arrivals."""
        wom = scenario.word_of_mouth
        days = scenario.operation.days
        sizes = {}
        for name, flow in self.flows.items():
            default = round(wom.market_multiple * flow.profile.daily_mass * days)
            sizes[name] = wom.market.get(name, max(default, 1))
        return sizes

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
        profile, draw, horizon, day = flow.profile, flow.interarrival, self.horizon, self.scenario.operation.duration_min
        demand_may_change = self.failing and self.scenario.operation.days > 1  # by word of mouth, day by day
        while True:
            demand = flow.demand
            at = profile.next_arrival(env.now, draw.exponential() / demand) if demand > 0 else horizon
            if demand_may_change:
                next_day = (env.now // day + 1) * day
                if at >= next_day and next_day < horizon:
                    # word of mouth may change tomorrow's demand: start afresh then (arrivals are memoryless)
                    yield env.timeout(next_day - env.now)
                    continue
            if at >= horizon:
                return
            yield env.timeout(at - env.now)
            self.admit(flow)

    def admit(self, flow: SegmentFlow) -> Customer:
        """A customer of ``flow`` arrives now: draw their service time and patience, start their visit."""
        patience = flow.patience() if flow.patience else None
        expectation, tolerance = flow.tastes_of_next()
        customer = Customer(self._next_id, flow.name, self.env.now, flow.service_time(), patience, expectation, tolerance)
        # the block of the day the customer's KPIs are booked under (none during the warm-up)
        block = self.blocks.of(customer.arrived_at) if customer.arrived_at >= self.measure_from else None
        customer.tallies = self.queue.tallies(flow.name, block)
        self._next_id += 1
        if self.failing:
            self.people[flow.name] += 1
            customer.outcome_tallies = self.outcomes.tallies(flow.name, block)
            for disruption in self.active_disruptions:
                if disruption.segment in (None, flow.name):
                    self._disrupt(customer, disruption)
        self.present[customer.id] = customer
        customer.process = self.env.process(self._visit(customer, flow))
        return customer

    def _visit(self, customer: Customer, flow: SegmentFlow):
        """The customer's journey: queue and service at each station in turn, then the visit is judged."""
        env = self.env
        tallies = customer.tallies
        counted = bool(tallies)
        logging = self.events is not None
        for tally in tallies:
            tally.arrived += 1
        if logging:
            self.log(EventKind.ARRIVAL, customer.id, flow.name)
        step = flow.first
        pool = step.pool
        if flow.balk_at is not None and pool.queueing >= flow.balk_at:
            for tally in tallies:
                tally.balked += 1
            customer.state = "balked"
            del self.present[customer.id]
            if logging:
                self.log(EventKind.BALK, customer.id, flow.name, queue=pool.queueing)
            return
        waited = 0.0  # queueing time over the whole journey
        deadline = None if customer.patience_min is None else customer.arrived_at + customer.patience_min
        while True:
            station = step.kpis
            entered = env.now
            request = pool.resource.request(priority=step.priority)
            pool.queueing += 1
            flow.queue_length.add(entered, 1)
            if station is not None:
                if counted:
                    station.arrived += 1
                station.queue.add(entered, 1)
            while True:
                try:
                    if deadline is None:
                        yield request
                    else:
                        outcome = yield request | env.timeout(max(deadline - env.now, 0.0))
                        if request not in outcome:
                            request.cancel()
                            pool.queueing -= 1
                            flow.queue_length.add(env.now, -1)
                            if station is not None:
                                station.queue.add(env.now, -1)
                                if counted:
                                    station.abandoned += 1
                            self._abandon(customer, flow, counted)
                            return
                    break
                except simpy.Interrupt:  # the trainee moved this customer to the front of the queue
                    request.cancel()
                    request = pool.resource.request(priority=PRIORITISED)
            if customer.hold_until > env.now:  # held by a disruption: keep the place in the queue, not the staff
                pool.resource.release(request)
                customer.state = "held"  # (no outside action can move a held customer)
                yield env.timeout(customer.hold_until - env.now)
                request = pool.resource.request(priority=PRIORITISED)  # back at the front of the queue
                yield request
            pool.queueing -= 1
            now = env.now
            flow.queue_length.add(now, -1)
            wait = now - entered
            waited += wait
            # where the customer goes next is drawn now (it does not depend on the service), so the
            # visit's waiting is booked when its last service starts, as for a one-station visit
            following = step.next_step() if step.branches else step.following
            if station is not None:
                station.queue.add(now, -1)
                if counted:
                    station.record_served(wait)
            if following is None:
                for tally in tallies:
                    tally.record_served(waited)
            customer.state = "in_service"
            if logging:
                self.log(EventKind.SERVICE_START, customer.id, flow.name, role=pool.name, waited=wait, station=step.name)
            pool.work(now, 1)
            failing = self.failing
            if failing:
                felt = customer.failures
                u_fail = self.failure_draws.uniform()
                if u_fail < self.chances.total[pool.name] * self.max_failure_multiplier:  # else no failure whatever the load
                    self._maybe_fail(customer, pool, u_fail)
            try:
                yield env.timeout(customer.service_min * pool.slowdown)
            except simpy.Interrupt:  # an outside action completed the service now (a manual fallback)
                pass
            if logging:
                self.log(EventKind.SERVICE_END, customer.id, flow.name, station=step.name)
            if following is None:
                break
            on_the_way = None
            if failing and customer.failures > felt and not customer.satisfied:
                on_the_way = self._judge_on_the_way(customer, flow, pool, request, counted)
            if on_the_way is None:
                pool.work(env.now, -1)
                pool.resource.release(request)
            else:
                yield from on_the_way
            step, pool = following, following.pool
            customer.state = "queueing"
            customer.service_min = step.service_time()
            deadline = None if step.patience is None else env.now + step.patience()
        recovery = None
        if failing:
            if (customer.failures == 0 and waited + customer.extra_wait <= customer.tolerance and not self.frustration
                    and customer.settled is None):
                # the common case, booked in a few additions: a faultless visit
                self.today.visits += 1
                customer.path = "no_failure"
                if counted:
                    for tally in customer.outcome_tallies:
                        tally.conclude_satisfied(flow.value)
                    if 1.0 - customer.expectation >= self.delight_margin:
                        self.ledger.tell_good(flow.name)
                if logging:
                    self._story(customer, flow, self.scenario.behaviour.retention.no_failure, False,
                                1.0 - customer.expectation >= self.delight_margin)
            else:
                recovery = self._after_service(customer, flow, pool, request, waited, counted)
        if recovery is None:
            pool.work(env.now, -1)
            pool.resource.release(request)
        else:
            yield from recovery
        for tally in tallies:
            tally.record_departure(env.now - customer.arrived_at)
        self._depart(customer, flow)

    def _depart(self, customer: Customer, flow: SegmentFlow) -> None:
        customer.state = "left"
        self.present.pop(customer.id, None)
        if self.events is not None:
            self.log(EventKind.DEPARTURE, customer.id, flow.name, mood=round(customer.mood, 3),
                     path=customer.path, stays=customer.stays)

    def _abandon(self, customer: Customer, flow: SegmentFlow, counted: bool) -> None:
        for tally in customer.tallies:
            tally.abandoned += 1
        customer.state = "abandoned"
        self.present.pop(customer.id, None)
        waited = self.env.now - customer.arrived_at
        self.log(EventKind.ABANDON, customer.id, flow.name, waited=waited)
        if self.failing:
            # giving up is a felt failure of the delivery system (unreasonably slow service)
            self.today.visits += 1
            self._feel_wait(customer, waited + customer.extra_wait, gave_up=True)
            if not customer.satisfied and self._complains(customer):
                self._record_complaint(customer, flow)
            # nobody is left to recover the visit on the spot
            self._conclude(customer, flow, counted)

    # -- failures -------------------------------------------------------------------------------
    def _maybe_fail(self, customer: Customer, pool: StaffPool, u_fail: float) -> None:
        """Whether this encounter fails, given the uniform draw ``u_fail`` and the pool's load and skill."""
        draws = self.failure_draws
        failures = self.scenario.failures
        on_duty = pool.on_duty or 1
        load = pool.busy.value / on_duty
        multiplier = pool.skill_multiplier
        if load > failures.load_threshold:
            multiplier *= load_multiplier(load, failures)
        failure = self.chances.draw(u_fail, draws.uniform(), multiplier, pool.name)
        if failure is None:
            return
        kind, severity = failure
        if draws.uniform() < self.response.prevention:
            for tally in customer.outcome_tallies:
                tally.failures_prevented += 1
            self.log(EventKind.FAILURE, customer.id, customer.segment, category=kind.category, severity=severity,
                     prevented=True, failure_type=kind.name, station=pool.name)
            return
        self.inflict_failure(customer, kind.category, severity, cause="service", kind=kind.name, station=pool.name,
                             blame_share=blame(kind.controllable, kind.stable, self.attribution),
                             controllable=kind.controllable, stable=kind.stable)

    def inflict_failure(self, customer: Customer, category: str, severity: str, cause: str, label: str = "",
                        kind: str | None = None, station: str = "", blame_share: float | None = None,
                        loss: float | None = None, **detail) -> None:
        """``customer`` feels a failure: perceived quality drops by its SERVQUAL-weighted loss.

        ``kind`` names what failed (a failure type, a disruption) for its own counters; by default the category.
        ``blame_share`` is how much the customer blames the firm for it (default: the category's cause).
        """
        kind = kind or category
        if loss is None:
            loss = failure_loss(category, severity, self.scenario.quality)
        if blame_share is None:
            blame_share = self.category_blame[category]
        customer.feel_failure(category, severity, loss, blame_share, self.env.now, kind)
        self.judge(customer)
        self.today.failures += 1
        for tally in customer.outcome_tallies:
            tally.failures += 1
        if customer.arrived_at >= self.measure_from:
            if kind in self.failures_by_kind:
                self.failures_by_kind[kind] += 1
        if self.events is not None:
            self.log(EventKind.FAILURE, customer.id, customer.segment, category=category, severity=severity, cause=cause,
                     label=label, failure_type=kind, station=station, **detail)

    def _disrupt(self, customer: Customer, disruption: Disruption) -> None:
        if disruption.holds:  # the delay is real: the customer cannot be served before it is over
            customer.hold_until = max(customer.hold_until, self.env.now + disruption.delay_min)
        else:
            customer.extra_wait += disruption.delay_min
        cause_blame = blame(disruption.cause == "internal", disruption.stable, self.attribution)
        self.inflict_failure(customer, disruption.category, disruption.severity, cause=disruption.id, kind=disruption.id,
                             blame_share=cause_blame)

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

    def _outage(self, outage: Outage):
        """A station loses staff, or serves slower, for a while; staff out finish the job in hand first."""
        pool = self.pools[outage.station]
        yield self.env.timeout(outage.at_min)
        out = outage.staff_out if outage.staff_out is not None else round((outage.share_out or 0.0) * pool.on_duty)
        out = min(out, pool.on_duty)
        self.log(EventKind.DISRUPTION, id=outage.id, station=outage.station, staff_out=out, slowdown=outage.slowdown)
        pool.take_out(out)
        pool.slowdown *= outage.slowdown
        yield self.env.timeout(outage.lasts_min)
        pool.take_out(-out)
        pool.slowdown /= outage.slowdown
        self.log(EventKind.DISRUPTION, id=outage.id, station=outage.station, ended=True)

    def warn(self, message: str) -> None:
        """Note something that went wrong in the run itself (shown after the run), counting repeats."""
        self.warnings[message] = self.warnings.get(message, 0) + 1

    def _day_ends(self):
        """At each closing: root-cause analysis, the customers' memory, and word of mouth on tomorrow's demand."""
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
            # stories told today reach the market overnight; people lost stay away, people won come
            self.ledger.flush()
            for name, flow in self.flows.items():
                flow.demand = self.ledger.markets[name].demand_factor

    def _remember(self, day: "DayTally") -> None:
        memory = self.memory
        answered = day.answered / day.complaints if day.complaints else 0.0
        failed = day.failures / day.visits if day.visits else 0.0
        self.appeasement = min(memory.appeasement_cap, memory.appeasement_fade * self.appeasement + memory.appeasement_gain * answered)
        self.frustration = memory.frustration_fade * self.frustration + memory.frustration_gain * failed

    def complaint_mood(self) -> float:
        """Multiplier on the chance to complain from the customers' memory (1 without memory)."""
        return max(0.0, 1.0 + self.frustration - self.appeasement)

    # -- judging a visit: justice, attribution ----------------------------------------------------
    def judge(self, customer: Customer) -> None:
        """Recompute the share of the loss the customer judges given back (:mod:`sim.justice`)."""
        if customer.failure is None:
            return
        customer.recovery = recovery_satisfaction(
            customer.failure[0], customer.loss, customer.distributive, customer.interactional,
            customer.recovery_delay, customer.handovers, self.scenario.recovery.justice,
        )

    def felt_blame(self, customer: Customer) -> float:
        """The customer's blame on the firm after the handling so far."""
        return felt_blame(customer.blame, interactional_share(customer.interactional, self.scenario.recovery.justice))

    def receive_recovery(self, customer: Customer, actions, delay: float, handovers: int) -> None:
        """``customer`` gets the recovery ``actions`` (RecoveryAction objects) after ``delay`` minutes."""
        given = {"distributive": 0.0, "interactional": 0.0}
        for action in actions:
            given[action.kind] += action.restores
        self._give(customer, given["distributive"], given["interactional"], delay, handovers)

    def treat(self, customer: Customer, delta: float, label: str = "") -> None:
        """Words and manners that change how the customer feels treated (interactional justice).

        Kind words after a failure are a recovery like any other; a rude remark to a customer who had no
        failure is itself a failure of employee action.
        """
        if delta < 0 and customer.failure is None and self.failing:
            self.inflict_failure(customer, "employee_action", "minor", cause="treatment", label=label, loss=-delta)
        delay = self.env.now - customer.failed_at if customer.failed_at is not None else 0.0
        self._give(customer, 0.0, delta, delay, 0, recovering=delta > 0)

    def _give(self, customer: Customer, distributive: float, interactional: float, delay: float, handovers: int,
              recovering: bool = True) -> None:
        customer.distributive += distributive
        customer.interactional += interactional
        if recovering and customer.failure is not None:
            if not customer.recovered:
                customer.recovery_delay, customer.handovers = delay, handovers
            else:  # the fastest answer sets the speed the customer judges
                customer.recovery_delay = min(customer.recovery_delay, delay)
                customer.handovers = min(customer.handovers, handovers)
            customer.recovered = True
        self.judge(customer)

    def _feel_wait(self, customer: Customer, waited: float, gave_up: bool = False) -> None:
        """Waiting beyond the customer's tolerance is felt as slow service; giving up, as service not delivered."""
        quality = self.scenario.quality
        loss = wait_loss(waited, customer.tolerance, quality)
        if gave_up:
            loss += failure_loss("delivery_system", "major", quality)
        if loss <= 0:
            return
        if customer.failure is None:
            # the wait itself is the failure (not a failure of the encounter: the failure KPIs leave it out)
            customer.feel_failure("delivery_system", "minor", loss, self.category_blame["delivery_system"], self.env.now,
                                  WAITING)
        else:
            customer.loss += loss
        self.judge(customer)

    def _complains(self, customer: Customer) -> bool:
        severity = customer.failure[1]
        chance = (complaint_probability(severity, self.scenario.behaviour, self.response.channels)
                  * self.complaint_mood() * complaint_factor(self.felt_blame(customer), self.attribution))
        return self.behaviour_draws.uniform() < chance

    # -- after service: complaint, recovery, outcome ----------------------------------------------
    def _after_service(self, customer: Customer, flow: SegmentFlow, pool: StaffPool, request, wait: float, counted: bool):
        """Judge the visit; returns the recovery process to run while the server is held, or None."""
        self.today.visits += 1
        waited = wait + customer.extra_wait
        if waited > customer.tolerance:
            self._feel_wait(customer, waited)
        if customer.settled is not None and customer.settled == customer.failures:  # nothing new since a station judged it
            self._conclude(customer, flow, counted)
            return None
        if customer.failure is None or customer.satisfied:
            self._conclude(customer, flow, counted)
            return None
        complained = self._complains(customer)
        noticed = not complained and self.behaviour_draws.uniform() < self.response.proactive_share
        if not (complained or noticed):
            self._conclude(customer, flow, counted)
            return None
        if complained:
            self._record_complaint(customer, flow)
        elif counted:
            for tally in customer.outcome_tallies:
                tally.proactive += 1
        return self._recovery_visit(customer, flow, pool, request, counted)

    def _judge_on_the_way(self, customer: Customer, flow: SegmentFlow, pool: StaffPool, request, counted: bool):
        """A failure at a station before the last: the customer complains (or is noticed) there, and is
        recovered by that station's staff, or stays silent; the visit's outcome is concluded at its end.

        Returns the recovery process to run while the server is held, or None.
        """
        complained = self._complains(customer)
        noticed = not complained and self.behaviour_draws.uniform() < self.response.proactive_share
        if not (complained or noticed):
            customer.settled = customer.failures
            return None
        if complained:
            self._record_complaint(customer, flow)
        elif counted:
            for tally in customer.outcome_tallies:
                tally.proactive += 1
        return self._recovery_visit(customer, flow, pool, request, counted, conclude=False)

    def _recovery_visit(self, customer: Customer, flow: SegmentFlow, pool: StaffPool, request, counted: bool,
                        conclude: bool = True):
        recovery = self.scenario.recovery
        start = self.env.now
        resolved, off_site, handovers, staff_cost = yield from self._recover(customer, flow, pool, request, self.response.actions)
        delay = self.env.now - start + off_site + self.response.back_office_delay_min
        actions = [recovery.actions[a] for a in self.response.actions] if resolved else []
        if customer.complained:
            self.today.answered += 1
        self.receive_recovery(customer, actions, delay, handovers)
        cost = (staff_cost + sum(a.cost for a in actions)) * recovery_cost_factor(delay, recovery.cost_curve)
        for tally in customer.outcome_tallies:
            tally.recovery_cost += cost
            tally.recoveries += 1
            tally.recovery_delay_sum += delay
        self.log(EventKind.RESOLUTION, customer.id, customer.segment, delay_min=delay, satisfied=customer.satisfied,
                 recovery=round(customer.recovery, 4))
        if conclude:
            self._conclude(customer, flow, counted)
        else:  # the journey goes on; the outcome is booked when it ends
            customer.settled = customer.failures
            customer.state = "queueing"

    def _record_complaint(self, customer: Customer, flow: SegmentFlow) -> None:
        customer.complained = True
        for tally in customer.outcome_tallies:
            tally.complaints += 1
        category = customer.failure[0]
        kind = customer.kind
        if kind in self.complaints_today:
            self.complaints_today[kind] += 1
        if kind in self.complaints_by_kind and customer.arrived_at >= self.measure_from:
            self.complaints_by_kind[kind] += 1
        self.today.complaints += 1
        self.log(EventKind.COMPLAINT, customer.id, flow.name, category=category, severity=customer.failure[1])

    def _recover(self, customer: Customer, flow: SegmentFlow, pool: StaffPool, request, actions: tuple[str, ...]):
        """Carry out the recovery: on the spot by the server, or up the escalation chain (releasing the server first).

        Returns (whether anyone could act on the case, delay spent off site, handovers, cost of the staff time).
        """
        env = self.env
        recovery = self.scenario.recovery
        staff_time = sum(recovery.actions[a].staff_min for a in actions)
        front_rate = pool.role.cost_per_hour / 60.0
        on_the_spot = self.recovery_draws.uniform() < recovery.on_the_spot_share[self.response.empowerment]
        customer.state = "recovering"
        if on_the_spot:
            yield env.timeout(staff_time)
            pool.work(env.now, -1)
            pool.resource.release(request)
            self.log(EventKind.RECOVERY_ACTION, customer.id, flow.name, actions=list(actions), by=pool.name, escalated=False)
            return True, 0.0, 0, staff_time * front_rate
        chain = self.chain
        yield env.timeout(chain[0].handover_min)  # the front line explains the case before passing it on
        pool.work(env.now, -1)
        pool.resource.release(request)
        staff_cost = chain[0].handover_min * front_rate
        customer.state = "awaiting_recovery"
        last = len(chain) - 1
        for level, step in enumerate(chain):
            handovers = level + 1
            if step.role is None:
                # head office handles it off site, case by case: the customer feels the delay
                worked = step.handover_min + staff_time
                answered = env.now + step.delay_min  # its turnaround, work included
                free = self.off_site_free.get(level)
                if free is not None:  # its case handlers take the cases in turn: a backlog answers later
                    answered = max(answered, heapq.heappop(free) + worked)
                    heapq.heappush(free, answered)
                self.log(EventKind.RECOVERY_ACTION, customer.id, flow.name, actions=list(actions), by="head office",
                         escalated=True, level=level)
                return True, answered - env.now, handovers, staff_cost + worked * step.cost_per_hour / 60.0
            if step.delay_min:
                yield env.timeout(step.delay_min)  # the level takes the case up later (a call back, a round)
            handler = self.pools[step.role]
            if handler.on_duty == 0:
                if customer.arrived_at >= self.measure_from:
                    self.escalations_passed_on += 1
                self.warn(f"escalation level {level + 1} ({step.role}) had no one on duty; "
                          + ("the case went to the next level" if level < last else "the case was left unresolved"))
                continue
            settles = level == last or step.resolves >= 1.0 or self.recovery_draws.uniform() < step.resolves
            limit = self.chain_capacity[level]
            slot = limit.request() if limit is not None else None
            if slot is not None:
                yield slot
            with handler.resource.request(priority=RECOVERY_PRIORITY) as job:
                yield job
                customer.state = "recovering"
                handler.work(env.now, 1)
                # hearing the case, then acting on it, or explaining it to the next level
                worked = step.handover_min + (staff_time if settles else chain[level + 1].handover_min)
                yield env.timeout(worked)
                handler.work(env.now, -1)
            staff_cost += worked * handler.role.cost_per_hour / 60.0
            if slot is not None:
                limit.release(slot)
            if settles:
                self.log(EventKind.RECOVERY_ACTION, customer.id, flow.name, actions=list(actions), by=handler.name,
                         escalated=True, level=level)
                return True, 0.0, handovers, staff_cost
            customer.state = "awaiting_recovery"
        return False, 0.0, len(chain), staff_cost

    def _conclude(self, customer: Customer, flow: SegmentFlow, counted: bool) -> None:
        """Book how the visit ended: path, chance of coming back, satisfaction and word of mouth.

        A customer for whom staff are still carrying out an ordered recovery is judged when it is done.
        """
        if customer.pending:
            customer.deferred = (flow, counted)
            return
        scenario = self.scenario
        retention = scenario.behaviour.retention
        satisfied = customer.satisfied
        delay = customer.recovery_delay
        made_good = (recovery_value(customer.failure[0], customer.loss, customer.distributive, customer.interactional,
                                    scenario.recovery.justice) if customer.recovered else 0.0)
        path = resolution_path(satisfied, customer.recovered, customer.complained, delay, retention, made_good)
        felt = self.felt_blame(customer) if customer.failure is not None else 0.0
        paradox = scenario.recovery.paradox
        lifted = False
        if customer.recovered and satisfied and paradox_possible(
                customer.failure[1], customer.failures, felt, customer.recovery, delay, retention.quick_within_min, paradox):
            draws = self.streams["paradox"]  # a stream of its own: the paradox never shifts other draws
            if draws.uniform() < paradox.chance:
                customer.bonus = scenario.recovery.paradox_bonus * draws.uniform()
                lifted = True
        if customer.failure is None or path == "no_failure":
            chance = retention.no_failure
        else:
            # loyalty follows the recovery as judged, never the paradox's lift (de Matos et al. 2007)
            chance = retention_probability(customer.failure[1], customer.recovery, felt, retention)
        if self.frustration:
            chance *= max(0.0, 1.0 - self.memory.frustration_retention_effect * self.frustration)
        customer.path = path
        negative = not satisfied  # left dissatisfied: tells bad news
        # the paradox's lift is left out: it does not make customers praise the firm (de Matos et al. 2007)
        positive = not negative and customer.perceived - customer.bonus - customer.expectation >= self.delight_margin
        if counted:
            # KPIs book the chance of returning (its conditional expectation): same mean, less noise
            for tally in customer.outcome_tallies:
                tally.conclude(path, chance, customer.perceived, flow.value, customer.complained, lifted, negative)
            if negative:
                self.ledger.tell_bad(flow.name, telling_factor(felt, self.attribution))
            elif positive:
                self.ledger.tell_good(flow.name)
        if self.events is not None:
            self._story(customer, flow, chance, negative, positive)

    def recovery_done(self, customer: Customer) -> None:
        """An ordered recovery for ``customer`` is finished; a visit that was waiting for it ends now."""
        customer.pending -= 1
        if not customer.pending and customer.deferred is not None:
            flow, counted = customer.deferred
            customer.deferred = None
            self._conclude(customer, flow, counted)

    def _story(self, customer: Customer, flow: SegmentFlow, chance: float, negative: bool, positive: bool) -> None:
        """For the event log: whether this customer comes back (a draw of its own) and what they tell."""
        customer.stays = self.streams["stories"].uniform() < chance
        if negative or positive:
            self.log(EventKind.WORD_OF_MOUTH, customer.id, flow.name, negative=negative)

    # -- outside influence ----------------------------------------------------------------------
    def apply(self, action: Action) -> int | None:
        """Inject one outside decision (a trainee's choice or a scripted policy step); see :class:`Action`."""
        return apply_action(self, action)

    # -- results --------------------------------------------------------------------------------
    def _block_utilisation(self, end: float, staff: list[StaffPool]) -> dict[str, float]:
        """``block.HH:MM.utilization`` (all staff) and ``.utilization.ROLE``: busy share of the time at work in each block
        (the schedule plus any time beyond it, see :meth:`_time_at_work`)."""
        blocks = self.blocks
        busy = {pool.name: pool.busy.block_areas(end) for pool in self.pools.values()}
        on_duty = {pool.name: pool.overtime.block_areas(end) for pool in self.pools.values()}
        for k, lo, hi in blocks.spans(self.measure_from, end):
            for name, pool in self.pools.items():
                on_duty[name][k] += pool.staff_minutes(lo, hi)
        results = {}
        names = [pool.name for pool in staff]
        for k, label in enumerate(blocks.labels):
            results[f"block.{label}.utilization"] = busy_share(sum(busy[n][k] for n in names), sum(on_duty[n][k] for n in names))
            for name in self.pools:
                results[f"block.{label}.utilization.{name}"] = busy_share(busy[name][k], on_duty[name][k])
        return results

    def _time_at_work(self, pool: StaffPool, end: float) -> float:
        """Staff-minutes at work from the warm-up's end to ``end``: the schedule, plus the time staff stayed on
        beyond it (finishing the customer in hand after a shift, or borrowed from another role)."""
        return pool.staff_minutes(self.measure_from, end) + pool.overtime.area_until(end)

    def kpis(self) -> dict[str, float]:
        """KPIs of the run so far, measured from the end of the warm-up."""
        end = max(self.env.now, self.measure_from)
        waiting = ((c.segment, c.arrived_at) for c in self.present.values() if c.state == "queueing")
        results = self.queue.results(end, self.queue.late_at_end(waiting, end))
        staff = [self.pools[name] for name in self.scenario.staff]
        busy = sum(pool.busy.area_until(end) for pool in staff)
        on_duty = sum(self._time_at_work(pool, end) for pool in staff)
        results["utilization"] = busy_share(busy, on_duty)
        for name, pool in self.pools.items():
            results[f"utilization.{name}"] = busy_share(pool.busy.area_until(end), self._time_at_work(pool, end))
        results.update(self._block_utilisation(end, staff))
        if self.failing:
            results.update(self.outcomes.results(self.queue.served(), self.people))
            results["escalations_passed_on"] = float(self.escalations_passed_on)
            for kind, count in self.failures_by_kind.items():
                results[f"failures.{kind}"] = float(count)
            for kind, count in self.complaints_by_kind.items():
                results[f"complaints.{kind}"] = float(count)
        return results

