"""Run a scenario's exercise inside a model: cast arrivals, injects, decision points and their choices.

The same runtime serves live play (the game stops at each decision point and waits for the trainee)
and headless replay (a :class:`Playbook` answers each decision point), so a trainee's choices can be
replayed through many seeds and compared with the scenario's policies on the model's own outcomes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Literal, Mapping

from ..model.actions import Action
from ..model.events import EventKind
from ..model.policy import settings_of
from ..model.simulation import Model
from ..scenario.exercise import HESITATED, ActionSpec, CastMember, Choice, Decision, Exercise, Inject

ItemKind = Literal["cast", "inject", "decision", "step"]

HESITATION_MOOD = -0.05
"""What a trainee's silence costs when a dialog's timer runs out: the customer waited and nothing was done."""
HESITATION = Choice(
    id=HESITATED, mood=HESITATION_MOOD, flags=["silence"],
    text={"en": "(You hesitate and say nothing.)", "zh": "（你犹豫了，什么也没说。）"},
    reply={"en": "Hello? Is anyone going to answer me?", "zh": "喂？有人要回答我吗？"},
    feedback={"en": "You hesitated: the customer waited, and nothing was done for them.",
              "zh": "你犹豫了：客人一直在等，却没有人为他做任何事。"},
)
"""The answer taken when the trainee lets the timer run out: visible to the trainee, never a hidden choice."""
_ORDER = {"cast": 0, "inject": 1, "step": 2, "decision": 3}


@dataclass(frozen=True)
class Step:
    """A play action taken at ``time``: a verb on a cast member, on a customer of a segment, or on staff."""

    time: float
    verb: str
    cast: str | None = None
    segment: str | None = None
    role: str | None = None


@dataclass
class Playbook:
    """What a policy or a trainee decided: a choice per decision point, and the play actions in order."""

    choices: dict[str, str] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)

    @classmethod
    def from_policy(cls, scenario, name: str) -> "Playbook":
        """The playbook of one of the scenario's built-in policies."""
        return cls(choices=dict(scenario.policies[name].choices))


@dataclass(frozen=True)
class Happening:
    """Something the runtime did that the game shows: a cast arrival, an inject, a decision opening."""

    time: float
    kind: ItemKind
    ref: str
    customer: int = -1


@dataclass(frozen=True)
class ChoiceRecord:
    """One answered decision point, with the customer's mood just before and just after."""

    time: float
    decision: str
    choice: str
    customer: int
    timed_out: bool
    mood_before: float | None
    mood_after: float | None


@dataclass(frozen=True)
class _Item:
    time: float
    kind: ItemKind
    ref: object


def choice_in(decision: Decision, choice_id: str) -> Choice:
    """The choice ``choice_id`` of a decision, or the hesitation when the timer ran out."""
    return HESITATION if choice_id == HESITATED else next(c for c in decision.choices if c.id == choice_id)


def _decision_time(decision: Decision, injects: Mapping[str, Inject]) -> float:
    if decision.at_min is not None:
        return decision.at_min
    return injects[decision.after_inject].at_min + decision.delay_min


class ExerciseRun:
    """The exercise of one scenario running inside one model.

    Call :meth:`advance` with the target model time; it steps the model from item to item (cast
    arrivals, injects, decisions) and returns what happened. Without a playbook it stops at a decision
    point, leaving it in :attr:`pending` until :meth:`choose` is called; with one it answers at once.
    """

    def __init__(self, model, exercise: Exercise | None = None, playbook: Playbook | None = None):
        self.model = model
        self.scenario = model.scenario
        self.exercise = exercise if exercise is not None else self.scenario.exercise
        self.playbook = playbook
        # Under a named policy the policy's own operation settings hold for the whole run; the answers
        # to operation-setting decisions change only a run without one (a trainee's, or a replay of it),
        # and only when given: a decision's default, taken when nobody answered, leaves them as they are.
        self.choices_set_operation = model.response.name == "default"
        ex = self.exercise
        self.decisions = {d.id: d for d in ex.decisions}
        self.injects = {i.id: i for i in ex.injects}
        self.verbs = {v.id: v for v in ex.verbs}
        self.cast_members = {c.id: c for c in ex.cast}
        self.cast_ids: dict[str, int] = {}
        self.cast_of: dict[int, str] = {}
        self.cast_tags: dict[str, set[str]] = {c.id: set(c.tags) for c in ex.cast}
        self._cast_records: dict[int, object] = {}
        self._last_used: dict[tuple[str, object], float] = {}
        self.records: list[ChoiceRecord] = []
        self.steps: list[Step] = []
        self.happenings: list[Happening] = []
        self.pending: Decision | None = None
        self.pending_customer: int = -1
        self.end_min = min(ex.end_min if ex.end_min is not None else model.horizon, model.horizon)
        items = [_Item(c.at_min, "cast", c) for c in ex.cast]
        items += [_Item(i.at_min, "inject", i) for i in ex.injects]
        items += [_Item(_decision_time(d, self.injects), "decision", d) for d in ex.decisions]
        if playbook is not None:
            items += [_Item(s.time, "step", s) for s in playbook.steps]
        items.sort(key=lambda item: (item.time, _ORDER[item.kind]))
        self._items = items
        self._next = 0
        if ex.start_min > model.now:
            model.step_to(ex.start_min)

    # -- time -----------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.model.now

    @property
    def finished(self) -> bool:
        """True once play has reached its end time and no decision is waiting."""
        return self.pending is None and self.model.now >= self.end_min - 1e-9

    def advance(self, t: float) -> list[Happening]:
        """Advance the model towards ``t`` (never past the end or an open decision); return what happened."""
        happened: list[Happening] = []
        if self.pending is not None:
            return happened
        t = min(t, self.end_min)
        while self._next < len(self._items) and self._items[self._next].time <= t:
            item = self._items[self._next]
            self._next += 1
            self.model.step_to(item.time)
            self._remember_cast()
            happening = self._fire(item)
            if happening is not None:
                happened.append(happening)
                self.happenings.append(happening)
            if self.pending is not None:
                return happened
        self.model.step_to(t)
        self._remember_cast()
        return happened

    def _remember_cast(self) -> None:
        """Keep the model's record of each cast member, so their mood can be read after they leave."""
        for cid, record in self._cast_records.items():
            if record is None and cid in self.model.present:
                self._cast_records[cid] = self.model.present[cid]

    def run_to_end(self) -> None:
        """Play to the end headless; every decision must be answered by the playbook (or its default)."""
        while not self.finished:
            self.advance(self.end_min)
            if self.pending is not None:
                self.choose(self.pending.default, timed_out=True, by_default=True)

    # -- items ----------------------------------------------------------------------------------
    def _fire(self, item: _Item) -> Happening | None:
        if item.kind == "cast":
            return self._arrive(item.ref)
        if item.kind == "inject":
            return self._inject(item.ref)
        if item.kind == "step":
            step: Step = item.ref
            return Happening(self.now, "step", step.verb) if self._replay_step(step) else None
        return self._open(item.ref)

    def _arrive(self, member: CastMember) -> Happening:
        name = member.name if isinstance(member.name, str) else member.name.en
        cid = self.model.apply(Action(
            kind="spawn", segment=member.segment, name=name, tags=tuple(member.tags), label=member.id, source="exercise",
        ))
        self.cast_ids[member.id] = cid
        self.cast_of[cid] = member.id
        self._cast_records[cid] = None  # the model admits the customer at its next step
        return Happening(self.now, "cast", member.id, cid)

    def _inject(self, inject: Inject) -> Happening | None:
        if inject.about is not None and self.cast_tags.get(inject.about, set()) & set(inject.unless_tags):
            return None
        self.model.log(EventKind.INJECT, -1, "", inject=inject.id, cue=inject.kind)
        for spec in inject.actions:
            self._apply_spec(spec, source="exercise")
        return Happening(self.now, "inject", inject.id)

    def _open(self, decision: Decision) -> Happening | None:
        customer = -1
        if decision.about is not None:
            if decision.about not in self.cast_ids or self.cast_tags[decision.about] & set(decision.unless_tags):
                return None
            customer = self.cast_ids[decision.about]
        self.pending = decision
        self.pending_customer = customer
        happening = Happening(self.now, "decision", decision.id, customer)
        if self.playbook is not None:
            choice = self.playbook.choices.get(decision.id)
            known = {c.id for c in decision.choices} | {HESITATED}
            self.choose(choice if choice in known else decision.default, timed_out=choice not in known or choice == HESITATED,
                        by_default=choice not in known)
        return happening

    def throw(self, inject_id: str) -> Happening | None:
        """Fire one of the scenario's injects now, off its schedule (a trainer throwing it to the room)."""
        happening = self._inject(self.injects[inject_id])
        if happening is not None:
            self.happenings.append(happening)
        return happening

    def disrupt(self, category: str = "delivery_system", severity: str = "major", segment: str | None = None) -> Happening:
        """A failure for every customer present now (of ``segment``, or of all), thrown in by a trainer."""
        self.model.log(EventKind.INJECT, -1, segment or "", inject="disruption", cue="disruption")
        self.model.apply(Action(kind="fail", segment=segment, category=category, severity=severity, label="disruption",
                                source="trainer"))
        return Happening(self.now, "inject", "disruption")

    # -- choices --------------------------------------------------------------------------------
    def choose(self, choice_id: str, timed_out: bool = False, by_default: bool = False) -> Choice:
        """Answer the pending decision with ``choice_id`` and apply its consequences to the model
        (``by_default``: nobody answered, so the answer's operation settings are not put in force)."""
        decision = self.pending
        if decision is None:
            raise RuntimeError("no decision is waiting for an answer")
        choice = choice_in(decision, choice_id)
        customer = self.pending_customer
        before = self.mood_of(customer)
        scope = self._scope(choice.applies_to, customer, decision.segment)
        self.model.log(
            EventKind.DECISION, customer, self._segment_of(customer, decision.segment),
            decision=decision.id, choice=choice.id, timed_out=timed_out, flags=list(choice.flags),
        )
        if choice.settings is not None and self.choices_set_operation and not by_default:
            settings = tuple(settings_of(choice.settings).items())
            self.model.apply(Action(kind="settings", settings=settings, label=decision.id, source="trainee"))
        self._apply_effects(scope, choice.mood, choice.tags, choice.actions, choice.role, choice.escalate, decision.id)
        if choice.prioritise is not None:
            queued = self._present(segment=choice.prioritise, queueing_only=True)
            if queued:
                self.model.apply(Action(kind="prioritise", customers=tuple(queued), label=decision.id, source="exercise"))
        for spec in choice.effects:
            self._apply_spec(spec, source="exercise", default_customers=scope.customers)
        self.records.append(ChoiceRecord(self.now, decision.id, choice.id, customer, timed_out, before, self.mood_of(customer)))
        self.pending = None
        self.pending_customer = -1
        return choice

    def choice_taken(self, decision_id: str) -> str | None:
        """The choice id taken at a decision point so far, if any."""
        return next((r.choice for r in self.records if r.decision == decision_id), None)

    def playbook_of_play(self) -> Playbook:
        """This run's choices and play actions as a playbook, to replay through other seeds."""
        return Playbook(choices={r.decision: r.choice for r in self.records}, steps=list(self.steps))

    # -- play actions ---------------------------------------------------------------------------
    def can_act(self, verb_id: str, customer: int | None = None, role: str | None = None) -> bool:
        """Whether a play action applies to the selection now (the game greys out the others)."""
        verb = self.verbs[verb_id]
        if self.cooling_down(verb_id, customer if verb.target == "customer" else role):
            return False
        if verb.target == "staff":
            return role is not None and verb.to_role is not None and role != verb.to_role and self._on_duty(role) > 1
        if verb.target == "customer":
            return customer is not None and customer in self.model.present
        return bool(self.model.present)

    def cooling_down(self, verb_id: str, target: int | str | None) -> bool:
        """True while the same action on the same target is still within its cooldown."""
        last = self._last_used.get((verb_id, target))
        return last is not None and self.now - last < self.verbs[verb_id].cooldown_min

    def act(self, verb_id: str, customer: int | None = None, role: str | None = None) -> bool:
        """Carry out a play action on a customer (or on a staff role); return False when it cannot apply."""
        if self.pending is not None or not self.can_act(verb_id, customer, role):
            return False
        verb = self.verbs[verb_id]
        self._last_used[(verb_id, customer if verb.target == "customer" else role)] = self.now
        if verb.target == "staff":
            self.model.apply(Action(kind="reassign", role=role, to_role=verb.to_role, count=1, label=verb.id))
            self.steps.append(Step(self.now, verb.id, role=role))
            return True
        if verb.target == "customer":
            scope = _Scope((customer,), None)
            cast = self.cast_of.get(customer)
            step = Step(self.now, verb.id, cast=cast, segment=None if cast else self.model.present[customer].segment)
        else:
            scope = _Scope((), verb.target == "segment" and customer is not None and self.model.present[customer].segment or None)
            step = Step(self.now, verb.id, segment=scope.segment)
        self._apply_effects(scope, verb.mood, verb.tags, verb.actions, verb.role, verb.escalate, verb.id)
        if verb.prioritise and scope.customers:
            self.model.apply(Action(kind="prioritise", customers=scope.customers, label=verb.id))
        self.steps.append(step)
        return True

    def _replay_step(self, step: Step) -> bool:
        """Apply a recorded play action in another run; a non-cast customer becomes the longest-waiting one of the segment."""
        verb = self.verbs.get(step.verb)
        if verb is None:
            return False
        if verb.target == "staff":
            return self.act(step.verb, role=step.role)
        if verb.target == "customer":
            if step.cast is not None:
                customer = self.cast_ids.get(step.cast)
            else:
                waiting = self._present(segment=step.segment)
                customer = min(waiting, key=lambda c: self.model.present[c].arrived_at) if waiting else None
            return customer is not None and self.act(step.verb, customer=customer)
        return self.act(step.verb)

    # -- helpers --------------------------------------------------------------------------------
    def _apply_effects(self, scope: "_Scope", mood, tags, actions, role, escalate, label) -> None:
        """Mood, tags and recovery for one customer, or as one broadcast (an announcement) to a group."""
        if not scope.customers and not self._present(segment=scope.segment):
            return
        common = dict(customers=scope.customers, segment=scope.segment, label=label)
        if mood:
            self.model.apply(Action(kind="mood", delta=mood, source="trainee", **common))
        if tags:
            self._tag(scope.customers or tuple(self._present(segment=scope.segment)), tags, label)
        if actions:
            self.model.apply(Action(
                kind="recover", actions=tuple(actions), role=role or self.exercise.trainee_role,
                escalate=escalate, source="trainee", **common,
            ))

    def _tag(self, customers: Iterable[int], tags: Iterable[str], label: str) -> None:
        customers, tags = tuple(customers), tuple(tags)
        for cid in customers:
            cast = self.cast_of.get(cid)
            if cast is not None:
                self.cast_tags[cast].update(tags)
        self.model.apply(Action(kind="tag", customers=customers, tags=tags, label=label))

    def _apply_spec(self, spec: ActionSpec, source: str, default_customers: Iterable[int] = ()) -> None:
        """Turn an action written in the scenario (cast ids) into a model action (customer ids)."""
        cast = [
            c for c in spec.cast
            if c in self.cast_ids and not (self.cast_tags[c] & set(spec.unless_tags)) and set(spec.only_tags) <= self.cast_tags[c]
        ]
        if spec.cast and not cast:
            return
        customers = tuple(self.cast_ids[c] for c in cast) or (tuple(default_customers) if spec.segment is None else ())
        if spec.kind == "tag":
            if customers:
                self._tag(customers, spec.tags, spec.label)
            return
        self.model.apply(Action(
            kind=spec.kind, customers=customers, segment=spec.segment, actions=tuple(spec.actions), role=spec.role,
            to_role=spec.to_role, count=spec.count, escalate=spec.escalate, category=spec.category,
            severity=spec.severity, delta=spec.delta, tags=tuple(spec.tags), label=spec.label, source=source,
        ))

    def _scope(self, applies_to: str, customer: int, segment: str | None) -> "_Scope":
        if applies_to == "everyone":
            return _Scope((), None)
        if applies_to == "segment" or customer < 0:
            return _Scope((), segment or self._segment_of(customer, None) or None)
        return _Scope((customer,), None)

    def _present(self, segment: str | None = None, queueing_only: bool = False) -> list[int]:
        found = []
        for cid, customer in self.model.present.items():
            if segment is not None and customer.segment != segment:
                continue
            if queueing_only and customer.state != "queueing":
                continue
            found.append(cid)
        return found

    def _segment_of(self, customer: int, fallback: str | None) -> str:
        cast = self.cast_of.get(customer)
        if cast is not None:
            return self.cast_members[cast].segment
        return fallback or ""

    def _on_duty(self, role: str) -> int:
        pool = self.model.pools.get(role)
        return pool.on_duty_at(self.now) if pool is not None else 0

    def customer(self, cid: int):
        """The model's record of a customer who is present, or of a cast member who has left."""
        found = self.model.present.get(cid)
        if cid in self._cast_records:
            if found is not None:
                self._cast_records[cid] = found
            else:
                found = self._cast_records[cid]
        return found

    def mood_of(self, customer: int) -> float | None:
        """The mood of a customer now, or None when the model holds no record of them."""
        found = self.customer(customer)
        return getattr(found, "mood", None) if found is not None else None


@dataclass(frozen=True)
class _Scope:
    """Who an effect reaches: listed customers, or (when none are listed) everyone present of ``segment``."""

    customers: tuple[int, ...]
    segment: str | None


def replay(scenario, playbook: Playbook, seed: int = 0, replication: int = 0, policy: str | None = None) -> dict[str, float]:
    """KPIs of one headless run of the exercise with ``playbook`` answering every decision point."""
    model = Model(scenario, seed=seed, replication=replication, policy=policy)
    run = ExerciseRun(model, playbook=playbook)
    run.run_to_end()
    return model.run()


def run_once(scenario, seed: int = 0, replication: int = 0, policy=None, event_sink=None) -> dict[str, float]:
    """KPIs of one replication of ``scenario``; a plain function so worker processes can call it.

    A scenario with an exercise plays it out too (its cast, injects and decision points), each decision
    answered as the policy's ``choices`` say, or by the decision's default. With failures off the
    exercise (which is about failing and recovering) is left out: the run is the pure queue.
    ``event_sink`` (anything with ``append``) receives the run's event log; logging never changes a KPI.
    """
    model = Model(scenario, seed=seed, replication=replication, policy=policy, event_sink=event_sink)
    if scenario.exercise is not None and scenario.failures is not None:
        ExerciseRun(model, playbook=Playbook(choices=dict(model.response.choices))).run_to_end()
    return model.run()
