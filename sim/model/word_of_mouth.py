"""Word of mouth in a bounded market: a branching process of stories, landing on a finite population.

Each teller tells a negative-binomial number of people (mean 9.5 for a bad experience, 4.75 for a good
one, long-tailed: about 13 % tell more than 20, DOMAIN.md); each listener of generation g retells
with probability p x decay**(g-1) to ``mean_retold`` people, good and bad stories alike, so bad word
of mouth reaches about twice as many people as good. The people reached are drawn, with overlap, from
the segment's market (the people who could become customers): the same person may hear twice, but is
lost or won once, and nobody outside the market is lost.
"""
from __future__ import annotations

import math

import numpy as np

from ..scenario.word_of_mouth import WordOfMouth


def _success_probability(mean: float, dispersion: float) -> float:
    """numpy's negative_binomial(n, p) has mean n(1-p)/p; choose p for the wanted mean."""
    return dispersion / (dispersion + mean)


def expected_reach(mean_told: float, wom: WordOfMouth) -> float:
    """Expected people one teller's story reaches over all generations (in an unbounded market)."""
    total, generation = 0.0, mean_told
    for g in range(wom.max_generations):
        total += generation
        generation *= wom.retell_probability * wom.retell_decay**g * wom.mean_retold
    return total


def expected_customers_lost(wom: WordOfMouth) -> float:
    """Expected customers lost through one dissatisfied customer's story, in an unbounded market."""
    return expected_reach(wom.negative_mean_told, wom) * wom.conversion


def simulate_reach(rng: np.random.Generator, mean_told: np.ndarray | float, wom: WordOfMouth,
                   tellers: int | None = None) -> np.ndarray:
    """Contacts made by each teller's story over all generations (one array entry per teller).

    ``mean_told`` is the first-generation mean, one per teller (or one for all ``tellers``); people
    counted here may overlap, which :func:`newly_reached` resolves against the market.
    """
    means = np.broadcast_to(np.asarray(mean_told, dtype=float), (tellers,) if tellers is not None else np.shape(mean_told))
    count = means.shape[0]
    reach = np.zeros(count, dtype=np.int64)
    if count == 0:
        return reach
    told = means > 0
    first = np.zeros(count, dtype=np.int64)
    first[told] = rng.negative_binomial(wom.dispersion, _success_probability(means[told], wom.dispersion))
    reach += first
    speakers = rng.binomial(first, wom.retell_probability)
    if wom.mean_retold <= 0:
        return reach
    p = _success_probability(wom.mean_retold, wom.dispersion)
    for g in range(1, wom.max_generations):
        active = speakers > 0
        if not active.any():
            break
        # the sum of k independent NB(r, p) counts is NB(k r, p)
        heard = np.zeros(count, dtype=np.int64)
        heard[active] = rng.negative_binomial(speakers[active] * wom.dispersion, p)
        reach += heard
        speakers = rng.binomial(heard, wom.retell_probability * wom.retell_decay**g)
    return reach


def newly_reached(rng: np.random.Generator, unreached: int, market: int, contacts: int) -> int:
    """People hearing a story for the first time when ``contacts`` land uniformly on a market of ``market``.

    Each of the ``unreached`` people escapes every contact with probability (1 - 1/market)**contacts.
    """
    if contacts <= 0 or unreached <= 0 or market <= 0:
        return 0
    hit = -math.expm1(contacts * math.log1p(-1.0 / market)) if market > 1 else 1.0
    return int(rng.binomial(unreached, hit))


class MarketSegment:
    """The people of one segment's market: who has heard bad or good news, who is lost or won."""

    __slots__ = ("size", "heard_bad", "heard_good", "lost", "won")

    def __init__(self, size: int):
        self.size = size
        self.heard_bad = self.heard_good = 0
        self.lost = self.won = 0

    def spread(self, rng: np.random.Generator, contacts: int, negative: bool, wom: WordOfMouth) -> None:
        """Land ``contacts`` story contacts on the market; convert first hearers (each person once)."""
        undecided = self.size - self.lost - self.won
        if negative:
            new = newly_reached(rng, self.size - self.heard_bad, self.size, contacts)
            self.heard_bad += new
            self.lost += min(int(rng.binomial(new, wom.conversion)), undecided)
        else:
            new = newly_reached(rng, self.size - self.heard_good, self.size, contacts)
            self.heard_good += new
            self.won += min(int(rng.binomial(new, wom.positive_conversion)), undecided)

    @property
    def demand_factor(self) -> float:
        """Arrivals of later days relative to the first: the market less those lost, plus those won."""
        return (self.size - self.lost + self.won) / self.size if self.size else 1.0


class WordOfMouthLedger:
    """Collects tellers as customers leave and spreads their stories in batches (bounded memory)."""

    BATCH = 4096

    def __init__(self, wom: WordOfMouth, rng: np.random.Generator, markets: dict[str, int], graph_seed: int = 0):
        self.wom = wom
        self.rng = rng
        self.markets = {name: MarketSegment(size) for name, size in markets.items()}
        self.neighbours = None
        if wom.network is not None:
            from .word_of_mouth_network import build_graph

            self.neighbours = build_graph(wom.network, graph_seed)
        self.pending_bad: dict[str, list[float]] = {name: [] for name in markets}
        self.pending_good = dict.fromkeys(markets, 0)
        self.pending = 0
        self.negative_tellers = 0
        self.positive_tellers = 0

    def tell_bad(self, segment: str, factor: float) -> None:
        """A dissatisfied customer of ``segment`` will tell ``factor`` x the usual number of people."""
        self.pending_bad[segment].append(factor)
        self._count()

    def tell_good(self, segment: str, tellers: int = 1) -> None:
        """Delighted customers of ``segment`` will spread good word of mouth."""
        self.pending_good[segment] += tellers
        self._count(tellers)

    def _count(self, n: int = 1) -> None:
        self.pending += n
        if self.pending >= self.BATCH:
            self.flush()

    def _contacts(self, means: np.ndarray, over_graph: bool) -> int:
        if over_graph and self.neighbours is not None:
            from .word_of_mouth_network import spread_on_graph

            return sum(spread_on_graph(self.rng, self.neighbours, self.wom) for _ in range(len(means)))
        return int(simulate_reach(self.rng, means, self.wom).sum())

    def flush(self) -> None:
        """Spread every pending story now."""
        wom = self.wom
        for name, market in self.markets.items():
            factors = self.pending_bad[name]
            if factors:
                contacts = self._contacts(wom.negative_mean_told * np.asarray(factors), over_graph=True)
                market.spread(self.rng, contacts, True, wom)
                self.negative_tellers += len(factors)
                self.pending_bad[name] = []
            good = self.pending_good[name]
            if good:
                contacts = self._contacts(np.full(good, wom.positive_mean_told), over_graph=False)
                market.spread(self.rng, contacts, False, wom)
                self.positive_tellers += good
                self.pending_good[name] = 0
        self.pending = 0

    def total(self, field: str) -> int:
        return sum(getattr(market, field) for market in self.markets.values())
