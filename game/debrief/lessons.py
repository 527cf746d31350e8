"""Which principles and recovery dimensions the trainee followed, missed or broke, each tied to its moment.

A lesson is *missed* at a decision when an answer following it was offered and another was taken; it is
*broken* when the answer taken breaks it. A lesson no answer or action could have followed was not put
to the test.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sim.exercise.runtime import choice_in
from sim.scenario.exercise import DIMENSIONS, PRINCIPLES


@dataclass(frozen=True)
class Moment:
    """A time and what happened then (a decision's title or an action's label)."""

    time: float
    what: str


@dataclass
class Lesson:
    """One principle or dimension with the moments that followed, missed or broke it."""

    key: str
    followed: list[Moment] = field(default_factory=list)
    missed: list[Moment] = field(default_factory=list)
    broken: list[Moment] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """broken, missed, followed or not_seen (broken wins: one blame-shifting answer is remembered)."""
        if self.broken:
            return "broken"
        if self.missed:
            return "missed"
        return "followed" if self.followed else "not_seen"


def tested_lessons(exercise) -> set[str]:
    """The principles and dimensions some answer or play action of the exercise follows."""
    keys = {key for decision in exercise.decisions for choice in decision.choices for key in choice.follows}
    return keys | {key for verb in exercise.verbs for key in verb.follows}


def assess(run, local) -> list[Lesson]:
    """Lessons in the order of the exercise's principles and dimensions, then any others the choices touched."""
    exercise = run.exercise
    lessons: dict[str, Lesson] = {key: Lesson(key) for key in (*exercise.principles, *exercise.dimensions)}

    def lesson(key: str) -> Lesson:
        return lessons.setdefault(key, Lesson(key))

    for record in run.records:
        decision = run.decisions[record.decision]
        choice = choice_in(decision, record.choice)
        moment = Moment(record.time, local(decision.title))
        for key in choice.follows:
            lesson(key).followed.append(moment)
        for key in choice.breaks:
            lesson(key).broken.append(moment)
        offered = {key for other in decision.choices for key in other.follows}
        for key in sorted(offered - set(choice.follows) - set(choice.breaks)):
            lesson(key).missed.append(moment)
    for step in run.steps:
        verb = run.verbs[step.verb]
        for key in verb.follows:
            lesson(key).followed.append(Moment(step.time, local(verb.label)))
    order = {key: i for i, key in enumerate((*exercise.principles, *exercise.dimensions, *PRINCIPLES, *DIMENSIONS))}
    return sorted(lessons.values(), key=lambda item: order.get(item.key, len(order)))
