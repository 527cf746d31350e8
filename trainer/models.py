"""Plain, read-only records returned by the trainer store: sessions, trainees, turns, decisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from .text import BilingualText, localize

IN_PROGRESS = "in_progress"
FINISHED = "finished"
SCRIPTED = "scripted"  # the key of a start or resume outcome naming the answer rule that played the turn


@dataclass(frozen=True)
class ScenarioRef:
    """A scenario chosen for a session: its id in the scenario files and an optional display title."""

    id: str
    title: BilingualText | None = None

    def label(self, lang: str | None = None) -> str:
        """The title in `lang` (English by default), or the id when there is no title."""
        return localize(self.title, lang, fallback=self.id)


@dataclass(frozen=True)
class Session:
    """A training session: a named, dated group exercise over a list of scenarios."""

    id: int
    uid: str
    name: str
    date: dt.date
    created_at: str
    scenarios: tuple[ScenarioRef, ...]

    def scenario(self, scenario_id: str) -> ScenarioRef | None:
        """The session's scenario with this id, if it has one."""
        return next((s for s in self.scenarios if s.id == scenario_id), None)


@dataclass(frozen=True)
class Trainee:
    """A person taking part in one session, known by the name they joined with."""

    id: int
    uid: str
    session_id: int
    name: str
    joined_at: str


@dataclass(frozen=True)
class Turn:
    """One attempt by a trainee at one scenario; score and KPIs are set when it is finished."""

    id: int
    uid: str
    trainee_id: int
    scenario_id: str
    attempt: int
    seed: int | None
    status: str
    started_at: str
    finished_at: str | None = None
    score: float | None = None
    score_min: float | None = None
    score_max: float | None = None
    kpis: Mapping[str, float] | None = None

    @property
    def finished(self) -> bool:
        return self.status == FINISHED

    @property
    def scaled_score(self) -> float | None:
        """The score as a fraction of its range (0..1), or None before the turn is finished."""
        if self.score is None or self.score_min is None or self.score_max is None:
            return None
        return (self.score - self.score_min) / (self.score_max - self.score_min)


@dataclass(frozen=True)
class Decision:
    """A choice the trainee made at a decision point, at a simulated minute of the scenario.

    `is_mistake` is None for decisions recorded before mistakes were tracked (schema v1).
    """

    turn_id: int
    seq: int
    sim_minute: float
    decision_point_id: str
    choice_id: str
    feedback_key: str | None
    is_mistake: bool | None
    choice_label: BilingualText | None
    recorded_at: str

    def label(self, lang: str | None = None) -> str:
        return localize(self.choice_label, lang, fallback=self.choice_id)


@dataclass(frozen=True)
class Outcome:
    """A consequence the model reported during a turn (for example a customer leaving), with its data."""

    turn_id: int
    seq: int
    sim_minute: float
    kind: str
    data: Mapping[str, Any]
    recorded_at: str


@dataclass(frozen=True)
class TurnRecord:
    """Everything stored about one turn: what a debrief shows and what resuming a turn replays."""

    session: Session
    trainee: Trainee
    turn: Turn
    decisions: tuple[Decision, ...] = field(default_factory=tuple)
    outcomes: tuple[Outcome, ...] = field(default_factory=tuple)

    @property
    def scenario(self) -> ScenarioRef:
        return self.session.scenario(self.turn.scenario_id) or ScenarioRef(self.turn.scenario_id)

    @property
    def last_sim_minute(self) -> float:
        """The latest simulated minute recorded so far (0 if nothing was recorded yet)."""
        minutes = [d.sim_minute for d in self.decisions] + [o.sim_minute for o in self.outcomes]
        return max(minutes, default=0.0)

    @property
    def mistakes(self) -> tuple[Decision, ...]:
        return tuple(d for d in self.decisions if d.is_mistake)

    @property
    def scripted(self) -> str | None:
        """The answer rule that played this turn (``srl-game --answers expert|worst|first|random``), or None
        for a trainee's own play. The game notes the rule in the turn's start (or in the resume a rule
        finished), so a scripted turn is never taken for what the trainee did."""
        return next((str(o.data[SCRIPTED]) for o in self.outcomes if o.data.get(SCRIPTED)), None)
