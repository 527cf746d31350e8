"""Resuming a recorded turn: replay its answers and play actions with its seed, then carry on live.

The model is deterministic for a seed, so feeding the exercise runtime the same answers and actions at
the same simulated minutes, in the same order, rebuilds the very state the turn had reached.
"""
from __future__ import annotations

from dataclasses import dataclass

from sim import Scenario, UserError
from sim.scenario.exercise import HESITATED
from trainer import Decision, TrainerRecords, TurnRecord
from trainer.models import SCRIPTED

from .recording import ACTION, RESUME, START, TurnRecorder
from .scoring import timed_out
from .session import Session


@dataclass(frozen=True)
class _Action:
    """A recorded play action: at ``minute``, ``verb`` on a customer or a role, after ``after`` answers."""

    minute: float
    verb: str
    customer: int | None
    role: str | None
    after: int


def recorded_policy(record: TurnRecord) -> str | None:
    """The model policy the turn was started with (None: a trainee answering live)."""
    start = next((o for o in record.outcomes if o.kind == START), None)
    return start.data.get("policy") if start is not None else None


def replay_order(record: TurnRecord) -> list[Decision | _Action]:
    """The turn's answers and play actions in the order they were made."""
    actions = [
        _Action(o.sim_minute, o.data["verb"], o.data.get("customer"), o.data.get("role"), int(o.data.get("after_decisions", 0)))
        for o in record.outcomes if o.kind == ACTION
    ]
    ordered: list[Decision | _Action] = []
    for index, decision in enumerate(record.decisions):
        ordered += [a for a in actions if a.after == index]
        ordered.append(decision)
    ordered += [a for a in actions if a.after >= len(record.decisions)]
    return ordered


def restore(scenario: Scenario, record: TurnRecord, scripted: str | None = None, speed: int = 1) -> Session:
    """A session in the state the recorded turn reached (answered from there by the rule ``scripted``, if
    given); raises UserError when the scenario no longer matches."""
    session = Session(scenario, seed=record.turn.seed or 0, scripted=scripted, speed=speed, policy=recorded_policy(record))
    run = session.run
    for item in replay_order(record):
        run.advance(item.sim_minute if isinstance(item, Decision) else item.minute)
        if isinstance(item, Decision):
            pending = run.pending.id if run.pending is not None else None
            if pending != item.decision_point_id or item.choice_id not in {c.id for c in run.pending.choices} | {HESITATED}:
                raise _mismatch(record, f"the answer {item.choice_id!r} to {item.decision_point_id!r}", item.sim_minute)
            run.choose(item.choice_id, timed_out=timed_out(item.feedback_key))
        elif run.pending is not None or not run.act(item.verb, customer=item.customer, role=item.role):
            raise _mismatch(record, f"the action {item.verb!r}", item.minute)
    return session


def resume_turn(records: TrainerRecords, scenario: Scenario, turn_id: int, scripted: str | None = None,
                speed: int = 1) -> Session:
    """An unfinished turn rebuilt from the records, recording on; raises RecordsError or UserError.

    ``scripted``: the rest is answered by that rule of :mod:`game.answers` (``--answers``), and the resume
    says so in the records. A demo (``--autoplay``) never carries on a recorded turn."""
    record = records.resume_turn(turn_id)
    if record.turn.scenario_id != scenario.name:
        raise UserError(f"Turn {turn_id} was played on scenario {record.turn.scenario_id!r}, not {scenario.name!r}; "
                        f"give that scenario's file.")
    session = restore(scenario, record, scripted, speed)
    recorder = TurnRecorder.attach(records, record.turn, record.trainee, session)
    extra = {SCRIPTED: scripted} if scripted is not None else {}
    recorder.note(RESUME, session.now, answers=len(session.run.records), actions=len(session.run.steps), **extra)
    return session


def _mismatch(record: TurnRecord, what: str, minute: float) -> UserError:
    return UserError(
        f"Turn {record.turn.id} cannot be resumed: {what} at minute {minute:g} no longer fits the scenario "
        f"{record.turn.scenario_id!r} (was the file changed?). Start a new turn instead."
    )
