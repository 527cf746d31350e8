"""The answers a trainee is offered at a decision point, and the scripted ways of picking one.

The order of a dialog's answers is shuffled by the turn's seed, yet the same turn (resumed, replayed,
scripted) shows the same order every time. The expert's answer is placed so that, over one exercise,
it takes each position in turn (in a random order) before any position is used again: a trainee who
always presses the same key meets the expert's answer no more often than chance would give.
"""
from __future__ import annotations

import random
from typing import Sequence

from sim.scenario.exercise import Choice, Decision

STRATEGIES = ("expert", "worst", "first", "random")
"""How a scripted trainee answers: as the expert policy, the worst answer, always the first shown, at random."""


def expert_choice(scenario, decision: Decision) -> str:
    """The expert policy's answer to ``decision`` (the best by the scenario's own marks when it names none)."""
    policy = scenario.policies.get("expert")
    wanted = policy.choices.get(decision.id) if policy is not None else None
    return wanted if wanted is not None else max(decision.choices, key=merit).id


def expert_positions(scenario, seed: int) -> dict[str, int]:
    """Where the expert's answer sits in each decision's dialog for the turn's ``seed``: positions are
    drawn without replacement from a bag refilled when it runs out, so no position repeats before the
    others have had their turn. Dialogs with fewer answers draw first (they can use fewer positions)."""
    rng = random.Random(f"{seed}:placement")
    decisions = scenario.exercise.decisions
    bag: list[int] = []
    positions: dict[str, int] = {}
    for decision in sorted(decisions, key=lambda d: len(d.choices)):
        fitting = [slot for slot in bag if slot < len(decision.choices)]
        if not fitting:
            bag = list(range(max(len(d.choices) for d in decisions)))
            fitting = [slot for slot in bag if slot < len(decision.choices)]
        slot = rng.choice(fitting)
        bag.remove(slot)
        positions[decision.id] = slot
    return positions


def dialog_order(scenario, decision: Decision, seed: int) -> list[Choice]:
    """The decision's answers in the order the dialog shows them for the turn's ``seed``."""
    best = expert_choice(scenario, decision)
    others = [choice for choice in decision.choices if choice.id != best]
    random.Random(f"{seed}:{decision.id}").shuffle(others)
    expert = [choice for choice in decision.choices if choice.id == best]
    slot = expert_positions(scenario, seed)[decision.id]
    return others[:slot] + expert + others[slot:]


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
        return expert_choice(scenario, decision)
    if strategy == "worst":
        return worst_choice(decision).id
    if strategy == "first":
        return shown[0].id
    if strategy == "random":
        return rng.choice(list(shown)).id
    raise ValueError(f"unknown answering strategy {strategy!r}; known: {', '.join(STRATEGIES)}")
