"""Scripted trainees for classroom drills and load tests: many headless trainees in one process.

Each one joins the server as a game does (the same link and the same play), answers every decision
point after a short "thinking" pause by one of the game's scripted answer rules (``srl-game --answers``,
:mod:`game.answers`: the expert's answer, the worst, the first shown in the dialog's order, or one at
random), and can drop its connection at random moments: the classroom must lose nothing and record
nothing twice.
"""
from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Any

from sim import Scenario

from trainer.classroom.link import Link, new_id
from ..answers import STRATEGIES, answer_rng, dialog_order, pick
from ..scoring import Score
from .play import ClassroomPlay

ANSWERS = STRATEGIES


def scripted_answer(rule: str, play: ClassroomPlay, decision) -> tuple[str, list[str]]:
    """The choice a scripted trainee makes at a decision point by its rule, and the dialog's order of the answers.

    The same rule, order and random source as ``srl-game --answers`` on the room's seed, so a scripted
    trainee in a classroom answers exactly as the same rule does in a game played alone.
    """
    shown = dialog_order(play.scenario, decision, play.seed)
    return pick(rule, decision, shown, play.scenario, answer_rng(play.seed, decision)), [c.id for c in shown]


@dataclass
class ScriptedResult:
    """What a scripted trainee did: each answer with the time it was handed to the link, and the end."""

    name: str
    answers: list[tuple[str, str, float]] = field(default_factory=list)  # (decision, choice, monotonic time)
    score: float | None = None
    interval: Score | None = None
    drops: int = 0
    connections: int = 0
    refused: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ScriptedTrainee:
    """A headless trainee: ``answers`` is one of ANSWERS; ``speed`` multiplies the scenario's clock."""

    name: str
    answers: str = "random"
    seed: int = 0
    speed: float = 60.0
    think_s: tuple[float, float] = (0.05, 0.4)
    drop_chance: float = 0.0  # chance, each tick, to cut the connection
    tick_s: float = 0.1
    replications: int = 0  # after the finish, measure the score over this many replays and report it (0: don't)

    def __post_init__(self):
        if self.answers not in ANSWERS:
            raise ValueError(f"unknown answering rule {self.answers!r}; known: {', '.join(ANSWERS)}")

    async def play(self, url: str, code: str, scenario: Scenario, deadline_s: float = 120.0) -> ScriptedResult:
        """Join, play to the end (or until the trainer ends the exercise), wait for every acknowledgement."""
        rng = random.Random(f"{self.seed}:{self.name}")
        result = ScriptedResult(self.name)
        inbox: list[dict[str, Any]] = []
        hello = {"type": "hello", "role": "trainee", "code": code, "name": self.name, "client": new_id()}
        link = Link(url, hello, inbox.append, retry_delays=(0.05, 0.1, 0.2, 0.5))
        task = asyncio.create_task(link.run())
        stop_at = time.monotonic() + deadline_s
        try:
            while link.welcome is None:
                if link.fatal is not None or time.monotonic() > stop_at:
                    raise RuntimeError(f"{self.name} could not join: {link.fatal or inbox}")
                await asyncio.sleep(self.tick_s)
            play = ClassroomPlay(scenario, link.welcome, link.send)
            if inbox and inbox[0] is link.welcome:
                del inbox[0]
            answer_at = None
            while not (play.done and link.unacknowledged == 0) and time.monotonic() < stop_at:
                for message in inbox:
                    if message.get("type") == "refused":
                        result.refused.append(message)
                    play.receive(message)
                inbox.clear()
                pending = play.session.run.pending
                if pending is not None and play.running:
                    now = time.monotonic()
                    if answer_at is None:
                        answer_at = now + rng.uniform(*self.think_s)
                    elif now >= answer_at:
                        choice, shown = scripted_answer(self.answers, play, pending)
                        result.answers.append((pending.id, choice, time.monotonic()))
                        play.choose(choice, shown=shown)
                        answer_at = None
                play.tick(self.tick_s, self.speed)
                if play.done and self.replications and not play.interval_reported:
                    result.interval = await asyncio.to_thread(play.measure, self.replications)
                    if result.interval is not None:
                        play.report_interval(result.interval)
                    play.interval_reported = True
                if self.drop_chance and rng.random() < self.drop_chance and link.connected.is_set():
                    result.drops += 1
                    await link.drop()
                await asyncio.sleep(self.tick_s)
            result.score = play.score
        finally:
            result.connections = link.connections
            await link.close()
            await asyncio.wait_for(task, 5)
        return result
