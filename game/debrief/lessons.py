"""Which principles and recovery dimensions the trainee followed or broke, each tied to its moment."""
from __future__ import annotations

from dataclasses import dataclass, field

from sim.scenario.exercise import DIMENSIONS, PRINCIPLES


@dataclass(frozen=True)
class Moment:
    """A time and what happened then (a decision's title or an action's label)."""

    time: float
    what: str


@dataclass
class Lesson:
    """One principle or dimension with the moments that followed or broke it."""

    key: str
    followed: list[Moment] = field(default_factory=list)
    broken: list[Moment] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """followed, broken or not_seen (broken wins: one blame-shifting answer is remembered)."""
        if self.broken:
            return "broken"
        return "followed" if self.followed else "not_seen"


def assess(run, local) -> list[Lesson]:
    """Lessons in the order of the exercise's principles and dimensions, then any others the choices touched."""
    exercise = run.exercise
    lessons: dict[str, Lesson] = {key: Lesson(key) for key in (*exercise.principles, *exercise.dimensions)}

    def lesson(key: str) -> Lesson:
        return lessons.setdefault(key, Lesson(key))

    for record in run.records:
        decision = run.decisions[record.decision]
        choice = next(c for c in decision.choices if c.id == record.choice)
        moment = Moment(record.time, local(decision.title))
        for key in choice.follows:
            lesson(key).followed.append(moment)
        for key in choice.breaks:
            lesson(key).broken.append(moment)
    for step in run.steps:
        verb = run.verbs[step.verb]
        for key in verb.follows:
            lesson(key).followed.append(Moment(step.time, local(verb.label)))
    order = {key: i for i, key in enumerate((*exercise.principles, *exercise.dimensions, *PRINCIPLES, *DIMENSIONS))}
    return sorted(lessons.values(), key=lambda item: order.get(item.key, len(order)))
