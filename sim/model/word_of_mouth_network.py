"""Word of mouth over a social graph: a story reaches each person at most once (networkx small world).

The branching process of :mod:`sim.word_of_mouth` lets audiences overlap freely; on a graph, friends of
friends are often the same people, so reach saturates in a close-knit community. Each teller tells
every acquaintance; a listener of generation g retells to theirs with probability p * decay**(g-1).
"""
from __future__ import annotations

import networkx as nx
import numpy as np

from ..scenario.word_of_mouth import SocialNetwork, WordOfMouth


def build_graph(network: SocialNetwork, seed: int) -> list[np.ndarray]:
    """Adjacency lists of a connected Watts-Strogatz graph."""
    graph = nx.connected_watts_strogatz_graph(network.people, network.acquaintances, network.rewiring, seed=seed)
    return [np.fromiter(graph.neighbors(node), dtype=np.int64) for node in range(network.people)]


def spread_on_graph(rng: np.random.Generator, neighbours: list[np.ndarray], wom: WordOfMouth) -> int:
    """People one story reaches (the teller excluded), starting from a random person."""
    start = int(rng.integers(len(neighbours)))
    reached = {start}
    speakers = [start]
    for generation in range(wom.max_generations):
        listeners = []
        for speaker in speakers:
            for person in neighbours[speaker].tolist():
                if person not in reached:
                    reached.add(person)
                    listeners.append(person)
        if not listeners:
            break
        retell = wom.retell_probability * wom.retell_decay**generation
        speakers = [p for p, u in zip(listeners, rng.random(len(listeners))) if u < retell]
    return len(reached) - 1
