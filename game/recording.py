"""Recording a trainee's turn: each answer and play action is written to the trainer records as it happens.

Every write is its own committed transaction (see ``trainer.store``), so a crash loses nothing
already played. A write that still fails after a few short tries stops the recording for good:
what is stored stays a complete beginning of the turn (so it can be resumed), the turn is never
marked finished with answers missing, and the screens say that recording stopped and why. The turn's start notes the model's policy, each play action notes its exact target and
how many answers came before it: with the turn's seed that is all :mod:`game.resume` needs to rebuild it.
"""
from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from sim.exercise.runtime import ChoiceRecord, Step
from trainer import RecordsBusy, RecordsError, Trainee, TrainerRecords, Turn
from trainer.models import SCRIPTED

from .scoring import SCORE_MAX, SCORE_MIN, Score, feedback_key, is_mistake, recorded_kpis, scored_kpis
from .strings import LANGS

START, DECISION, ACTION, RESUME = "start", "decision", "action", "resume"  # kinds of outcome a recorded turn writes
WRITE_TRIES = 3  # a file another program has locked gets this many short tries...
TRY_WAIT_S = 0.15  # ...each waiting at most this long for the lock: the screen never freezes for long


@dataclass(frozen=True)
class TurnPlan:
    """A recorded turn about to be played: who plays which scenario, kept in which records file."""

    records: TrainerRecords
    trainee: Trainee
    scenario_id: str


def bilingual(text) -> str | dict[str, str]:
    """A scenario text (plain or {en, zh}) as the records keep it."""
    if text is None or isinstance(text, str):
        return text
    return {lang: value for lang in LANGS if (value := getattr(text, lang, None))}


class TurnRecorder:
    """Writes one turn until a write fails; then ``error`` says why recording stopped, and nothing more is written."""

    def __init__(self, records: TrainerRecords, turn: Turn, trainee: Trainee):
        self.records = records
        self.turn = turn
        self.trainee = trainee
        self.error: str | None = None  # why recording stopped (None while it goes on)
        self.score: float | None = None

    @property
    def stopped(self) -> bool:
        """Recording stopped after a failed write: the turn stays unfinished, with what was stored before."""
        return self.error is not None

    @classmethod
    def start(cls, plan: TurnPlan, session, scripted: str | None = None) -> "TurnRecorder":
        """Start the turn in the records (raises RecordsError) and attach a recorder to the session.

        A turn played by a rule (``srl-game --answers``) notes the rule in its start, so it is never
        mistaken for a trainee's own play."""
        turn = plan.records.start_turn(plan.trainee.id, plan.scenario_id, seed=session.seed)
        recorder = cls.attach(plan.records, turn, plan.trainee, session)
        extra = {SCRIPTED: scripted} if scripted is not None else {}
        recorder.note(START, session.now, policy=session.policy, **extra)
        return recorder

    @classmethod
    def attach(cls, records: TrainerRecords, turn: Turn, trainee: Trainee, session) -> "TurnRecorder":
        """Record the rest of an existing (resumed) turn."""
        recorder = cls(records, turn, trainee)
        session.recorder = recorder
        return recorder

    @property
    def finished(self) -> bool:
        return self.turn.finished

    def note(self, kind: str, minute: float, **data) -> None:
        """An outcome of the turn itself (its start, a resume) with its data."""
        self._write(self.records.record_outcome, sim_minute=minute, kind=kind, data=data)

    def decision(self, record: ChoiceRecord, choice, shown: list[str] | None = None) -> None:
        """An answer at a decision point, with the kind of feedback it got, whether it was a mistake and
        the order the answers were shown in."""
        self._write(self.records.record_decision, sim_minute=record.time, decision_point_id=record.decision,
                    choice_id=record.choice, feedback_key=feedback_key(choice, record.timed_out),
                    is_mistake=is_mistake(choice), choice_label=bilingual(choice.text))
        self.note(DECISION, record.time, decision=record.decision, choice=record.choice, customer=record.customer,
                  mood_before=record.mood_before, mood_after=record.mood_after, flags=list(choice.flags),
                  **({"shown": list(shown)} if shown is not None else {}))

    def action(self, step: Step, customer: int | None, role: str | None, decisions_before: int) -> None:
        """A play action, with the exact customer or role it was aimed at."""
        self.note(ACTION, step.time, verb=step.verb, customer=customer, role=role, cast=step.cast, segment=step.segment,
                  after_decisions=decisions_before)

    def finish(self, session, score: Score | None) -> None:
        """Close the turn with its score (None: the scenario lacks a policy to judge by) and the run's KPIs."""
        if self.finished:
            return
        value = score.value if score is not None else SCORE_MIN
        turn = self._write(self.records.finish_turn, score=value,
                           kpis=recorded_kpis(session.finish(), scored_kpis(session.scenario)),
                           score_min=SCORE_MIN, score_max=SCORE_MAX)
        if turn is not None:
            self.turn, self.score = turn, value

    def _write(self, method, **values):
        """One write, tried again briefly while another program holds the lock; a failure stops the recording."""
        if self.stopped:
            return None
        for attempt in range(WRITE_TRIES):
            try:
                with self.records.waiting_at_most(TRY_WAIT_S):
                    return method(self.turn.id, **values)
            except RecordsBusy as exc:
                problem = str(exc)
                if attempt + 1 < WRITE_TRIES:
                    time.sleep(TRY_WAIT_S / 3)
            except (RecordsError, sqlite3.Error) as exc:
                problem = str(exc)
                break
        self.error = problem
        return None
