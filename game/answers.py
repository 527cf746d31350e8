"""The answers a trainee is offered at a decision point, and the scripted ways of picking one.

The order of a dialog's answers is shuffled by the turn's seed and the decision's id, so the expert's
answer is not always in the same place, yet the same turn (resumed, replayed, scripted) shows the same
order every time.
"""
from __future__ import annotations

import random
from typing import Sequence

from sim.scenario.exercise import Choice, Decision

STRATEGIES = ("expert", "worst", "first", "random")
"""How a scripted trainee answers: as the expert policy, the worst answer, always the first shown, at random."""


def dialog_order(decision: Decision, seed: int) -> list[Choice]:
    """The decision's answers in the order the dialog shows them for the turn's ``seed``."""
    choices = list(decision.choices)
    random.Random(f"{seed}:{decision.id}").shuffle(choices)
    return choices


def answer_rng(seed: int, decision: Decision) -> random.Random:
    """The random source of the ``random`` rule at one decision: the same in a window and headless."""
    return random.Random(f"{seed}:{decision.id}:answer")


def merit(choice: Choice) -> float:
    """How good an answer is by the scenario's own marks: its mood change, flags, principles followed and broken."""
    return choice.mood - 0.1 * len(choice.flags) - 0.05 * len(choice.breaks) + 0.05 * len(choice.follows)


def worst_choice(decision: Decision) -> Choice:
    """The answer the scenario marks worst (lowest :func:`merit`; the first written wins ties)."""
    return min(decision.choices, key=merit)


def pick(strategy: str, decision: Decision, shown: Sequence[Choice], scenario, rng: random.Random) -> str:
    """The choice id a scripted trainee takes, among the answers ``shown`` (in the dialog's order)."""
    if strategy == "expert":
        policy = scenario.policies.get("expert")
        wanted = policy.choices.get(decision.id) if policy is not None else None
        return wanted if wanted is not None else max(decision.choices, key=merit).id
    if strategy == "worst":
        return worst_choice(decision).id
    if strategy == "first":
        return shown[0].id
    if strategy == "random":
        return rng.choice(list(shown)).id
    raise ValueError(f"unknown answering strategy {strategy!r}; known: {', '.join(STRATEGIES)}")
