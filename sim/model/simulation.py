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

import simpy

from ..scenario import Scenario
from ..scenario.failures import Disruption
from ..scenario.operation import Outage, StaffRole
from ..scenario.policies import Policy
from .accumulators import DayBlocks
from .actions import Action
from .complaints import complaint_probability
from .customer import Customer, DayTally, SegmentFlow, StepFlow
from .events import Event, EventKind
from .failures import INJECTED, WAITING, FailureChances, load_multiplier, skill_multiplier
from .interventions import RECOVERY_PRIORITY, apply_action
from .kpis import STATION, QueueKpis, safe_ratio
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
            flow.queue_lengths = (self.queue.whole.queue, self.queue.segments[name].queue)
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
        self.wait_tolerance = scenario.quality.wait_tolerance_min
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
        self.ledger = WordOfMouthLedger(scenario.word_of_mouth, self.streams["word_of_mouth"].generator, graph_seed=self.seed)
        self.outcomes = OutcomeKpis(self.ledger, scenario.word_of_mouth.visits_per_customer,
                                    scenario.behaviour.retention.no_failure)
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
        customer.tallies = self.queue.tallies(flow.name, customer.arrived_at)
        self._next_id += 1
        if self.failing and self.active_disruptions:
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
            for length in flow.queue_lengths:
                length.add(entered, 1)
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
                            for length in flow.queue_lengths:
                                length.add(env.now, -1)
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
            for length in flow.queue_lengths:
                length.add(now, -1)
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
            pool.busy.add(now, 1)
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
            if failing and customer.failures > felt and customer.perceived < customer.expectation:
                on_the_way = self._judge_on_the_way(customer, flow, pool, request, counted)
            if on_the_way is None:
                pool.busy.add(env.now, -1)
                pool.resource.release(request)
            else:
                yield from on_the_way
            step, pool = following, following.pool
            customer.state = "queueing"
            customer.service_min = step.service_time()
            deadline = None if step.patience is None else env.now + step.patience()
        recovery = None
        if failing:
            if (waited + customer.extra_wait <= self.wait_tolerance and customer.perceived >= customer.expectation
                    and not logging and not self.frustration and customer.settled is None):
                # the common case, booked in three additions: a good visit with nothing to tell
                self.today.visits += 1
                customer.path = "no_failure"
                if counted:
                    self.outcomes.conclude_satisfied(customer.perceived, flow.value)
            else:
                recovery = self._after_service(customer, flow, pool, request, waited, counted)
        if recovery is None:
            pool.busy.add(env.now, -1)
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
            customer.perceived -= wait_loss(waited + customer.extra_wait, self.scenario.quality)
            customer.feel_failure("delivery_system", "minor", 0.0, WAITING)
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
            if customer.arrived_at >= self.measure_from:
                self.outcomes.failures_prevented += 1
            self.log(EventKind.FAILURE, customer.id, customer.segment, category=kind.category, severity=severity,
                     prevented=True, failure_type=kind.name, station=pool.name)
            return
        self.inflict_failure(customer, kind.category, severity, cause="service", kind=kind.name, station=pool.name,
                             controllable=kind.controllable, stable=kind.stable)

    def inflict_failure(self, customer: Customer, category: str, severity: str, cause: str, label: str = "",
                        kind: str | None = None, station: str = "", **detail) -> None:
        """``customer`` feels a failure: perceived quality drops by its SERVQUAL-weighted loss.

        ``kind`` names what failed (a failure type, a disruption) for its own counters; by default the category.
        """
        kind = kind or category
        customer.feel_failure(category, severity, failure_loss(category, severity, self.scenario.quality), kind)
        self.today.failures += 1
        if customer.arrived_at >= self.measure_from:
            self.outcomes.failures += 1
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
        self.inflict_failure(customer, disruption.category, disruption.severity, cause=disruption.id, kind=disruption.id)

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
        settled = customer.settled
        if settled is not None and settled[3] == customer.failures:  # nothing new since a station judged it
            self._conclude(customer, flow, settled[0], settled[1], settled[2], counted)
            return None
        if customer.perceived >= customer.expectation:
            self._conclude(customer, flow, "no_failure", "minor", 0.0, counted)
            return None
        if customer.failure is None:
            customer.feel_failure("delivery_system", "minor", 0.0, WAITING)  # the wait itself was the failure
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

    def _judge_on_the_way(self, customer: Customer, flow: SegmentFlow, pool: StaffPool, request, counted: bool):
        """A failure at a station before the last: the customer complains (or is noticed) there, and is
        recovered by that station's staff, or stays silent; the visit's outcome is concluded at its end.

        Returns the recovery process to run while the server is held, or None.
        """
        severity = customer.failure[1]
        draws = self.behaviour_draws
        complained = draws.uniform() < complaint_probability(severity, self.scenario.behaviour, self.response.channels) * self.complaint_mood()
        noticed = not complained and draws.uniform() < self.response.proactive_share
        if not (complained or noticed):
            customer.settled = ("silent", severity, 0.0, customer.failures)
            return None
        if complained:
            self._record_complaint(customer, flow)
        elif counted:
            self.outcomes.proactive += 1
        return self._recovery_visit(customer, flow, pool, request, severity, counted, conclude=False)

    def _recovery_visit(self, customer: Customer, flow: SegmentFlow, pool: StaffPool, request, severity: str,
                        counted: bool, conclude: bool = True):
        start = self.env.now
        kept = customer.extra_wait
        customer.extra_wait = 0.0  # from here on: delay spent off site, if the case leaves the building
        resolved = yield from self._recover(customer, flow, pool, request, self.response.actions)
        delay = self.env.now - start + customer.extra_wait + self.response.back_office_delay_min
        path = self._settle_recovery(customer, severity, delay, self.response.actions if resolved else (), counted)
        if conclude:
            self._conclude(customer, flow, path, severity, delay, counted)
        else:  # the journey goes on; the outcome is booked when it ends
            customer.extra_wait = kept
            customer.settled = (path, severity, delay, customer.failures)
            customer.state = "queueing"

    def _record_complaint(self, customer: Customer, flow: SegmentFlow) -> None:
        customer.complained = True
        if customer.arrived_at >= self.measure_from:
            self.outcomes.complaints += 1
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

        Returns whether anyone could act on the case.
        """
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
            return True
        chain = self.chain
        yield env.timeout(chain[0].handover_min)  # the front line explains the case before passing it on
        pool.busy.add(env.now, -1)
        pool.resource.release(request)
        customer.state = "awaiting_recovery"
        last = len(chain) - 1
        for level, step in enumerate(chain):
            if step.role is None:
                # head office handles it off site: only the delay is felt, no staff time here
                customer.extra_wait += step.delay_min
                self.log(EventKind.RECOVERY_ACTION, customer.id, flow.name, actions=list(actions), by="head office",
                         escalated=True, level=level)
                return True
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
                handler.busy.add(env.now, 1)
                # hearing the case, then acting on it, or explaining it to the next level
                yield env.timeout(step.handover_min + (staff_time if settles else chain[level + 1].handover_min))
                handler.busy.add(env.now, -1)
            if slot is not None:
                limit.release(slot)
            if settles:
                self.log(EventKind.RECOVERY_ACTION, customer.id, flow.name, actions=list(actions), by=handler.name,
                         escalated=True, level=level)
                return True
            customer.state = "awaiting_recovery"
        return False

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
    def _block_utilisation(self, end: float, staff: list[StaffPool]) -> dict[str, float]:
        """``block.HH:MM.utilization`` (all staff) and ``.utilization.ROLE``: busy share of on-duty time in each block."""
        blocks = self.blocks
        busy = {pool.name: pool.busy.block_areas(end) for pool in self.pools.values()}
        on_duty = {name: [0.0] * blocks.per_day for name in self.pools}
        for k, lo, hi in blocks.spans(self.measure_from, end):
            for name, pool in self.pools.items():
                on_duty[name][k] += pool.staff_minutes(lo, hi)
        results = {}
        names = [pool.name for pool in staff]
        for k, label in enumerate(blocks.labels):
            results[f"block.{label}.utilization"] = safe_ratio(sum(busy[n][k] for n in names), sum(on_duty[n][k] for n in names))
            for name in self.pools:
                results[f"block.{label}.utilization.{name}"] = safe_ratio(busy[name][k], on_duty[name][k])
        return results

    def kpis(self) -> dict[str, float]:
        """KPIs of the run so far, measured from the end of the warm-up."""
        end = max(self.env.now, self.measure_from)
        waiting = ((c.segment, c.arrived_at) for c in self.present.values() if c.state == "queueing")
        results = self.queue.results(end, self.queue.late_at_end(waiting, end))
        staff = [self.pools[name] for name in self.scenario.staff]
        busy = sum(pool.busy.area_until(end) for pool in staff)
        on_duty = sum(pool.staff_minutes(self.measure_from, end) for pool in staff)
        results["utilization"] = safe_ratio(busy, on_duty)
        for name, pool in self.pools.items():
            results[f"utilization.{name}"] = safe_ratio(pool.busy.area_until(end), pool.staff_minutes(self.measure_from, end))
        results.update(self._block_utilisation(end, staff))
        if self.failing:
            results.update(self.outcomes.results(self.queue.whole.served))
            results["escalations_passed_on"] = float(self.escalations_passed_on)
            for kind, count in self.failures_by_kind.items():
                results[f"failures.{kind}"] = float(count)
            for kind, count in self.complaints_by_kind.items():
                results[f"complaints.{kind}"] = float(count)
        return results

