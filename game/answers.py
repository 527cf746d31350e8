"""The answers a trainee is offered at a decision point, and the scripted ways of picking one.

The order of a dialog's answers is shuffled by the turn's seed, yet the same turn (resumed, replayed,
scripted) shows the same order every time. The answers are ranked (the expert's first, then by the
scenario's own marks) and each rank is placed so that, over one exercise, it takes each position in turn
(in a random order) before any position is used again: a trainee who always presses the same key meets the
expert's answer, and the second best, and so on, no more often than chance would give, so a fixed key
cannot collect the good answers of a turn.
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


def ranked(scenario, decision: Decision) -> list[Choice]:
    """The decision's answers from best to worst: the expert's, then the others by :func:`merit` (the first
    written first on a tie)."""
    best = expert_choice(scenario, decision)
    others = sorted((c for c in decision.choices if c.id != best), key=merit, reverse=True)
    return [c for c in decision.choices if c.id == best] + others


def answer_positions(scenario, seed: int) -> dict[str, dict[str, int]]:
    """Where each answer sits in each decision's dialog for the turn's ``seed`` (decision id -> choice id ->
    position). Each rank (see :func:`ranked`) draws its positions without replacement from a bag of its own,
    refilled when no position in it is still free in the dialog, so no rank holds a position twice before
    the others have had their turn. Dialogs with fewer answers draw first (they can use fewer positions)."""
    rng = random.Random(f"{seed}:placement")
    decisions = scenario.exercise.decisions
    widest = max(len(d.choices) for d in decisions)
    bags: dict[int, list[int]] = {}
    placed: dict[str, dict[str, int]] = {}
    for decision in sorted(decisions, key=lambda d: len(d.choices)):
        free = set(range(len(decision.choices)))
        slots: dict[str, int] = {}
        for rank, choice in enumerate(ranked(scenario, decision)):
            bag = bags.setdefault(rank, [])
            if not free.intersection(bag):
                bag[:] = range(widest)
            slot = rng.choice([s for s in bag if s in free])
            bag.remove(slot)
            free.remove(slot)
            slots[choice.id] = slot
        placed[decision.id] = slots
    return placed


def expert_positions(scenario, seed: int) -> dict[str, int]:
    """Where the expert's answer sits in each decision's dialog for the turn's ``seed``."""
    placed = answer_positions(scenario, seed)
    return {d.id: placed[d.id][expert_choice(scenario, d)] for d in scenario.exercise.decisions}


def dialog_order(scenario, decision: Decision, seed: int) -> list[Choice]:
    """The decision's answers in the order the dialog shows them for the turn's ``seed``."""
    slots = answer_positions(scenario, seed)[decision.id]
    return sorted(decision.choices, key=lambda choice: slots[choice.id])


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
