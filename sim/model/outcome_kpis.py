"""KPIs of what failures did: dissatisfaction, complaints, recovery, retention, word of mouth, money.

Like the queue KPIs (:mod:`sim.model.kpis`), they are booked in one cell per segment and block of the
day a customer arrived in, and reported for the whole run, each segment and each block as sums of
cells (``segment.vip.complaints``, ``block.09:00.retention_rate``), by streaming counters: memory
depends on the number of parts, never on the number of customers.
Word of mouth reaches a segment's market, not an hour of the day, so its reach and the revenue it
loses are reported per segment only.
"""
from __future__ import annotations

from typing import Iterable

from .accumulators import DayBlocks
from .kpis import BLOCK, SEGMENT, safe_ratio, sum_of_cells
from .retention import PATHS
from .word_of_mouth import WordOfMouthLedger

RECOVERED = ("resolved_quickly", "resolved_slowly", "unresolved")  # customers who got a recovery attempt


class OutcomeTally:
    """Streaming counters over one group of customers (the whole run, a segment, a block of the day)
    whose visit ended after the warm-up."""

    __slots__ = ("visits", "no_failure_retention", "satisfied", "satisfied_value", "failures", "failures_prevented",
                 "concluded", "dissatisfied", "left_dissatisfied", "complaints", "complainers", "proactive", "recoveries", "paradoxes",
                 "recovery_delay_sum", "recovery_cost", "revenue_lost_leaving", "quality_sum", "stayed",
                 "path_count", "path_stayed", "path_quality")
    PER_PATH = ("path_count", "path_stayed", "path_quality")  # counters kept per path: what absorb() adds up
    COUNTS = ("satisfied", "satisfied_value", "failures", "failures_prevented", "concluded", "dissatisfied",
              "left_dissatisfied", "complaints", "complainers", "proactive", "recoveries", "paradoxes",
              "recovery_delay_sum", "recovery_cost", "revenue_lost_leaving", "quality_sum", "stayed")  # the others

    def __init__(self, visits_per_customer: float, no_failure_retention: float):
        self.visits = visits_per_customer
        self.no_failure_retention = no_failure_retention
        # the common case (no felt failure) is booked by two additions on the hot path
        self.satisfied = 0
        self.satisfied_value = 0.0
        self.failures = 0
        self.failures_prevented = 0
        self.concluded = 0
        self.dissatisfied = 0
        self.left_dissatisfied = 0  # still dissatisfied when the visit ended, after any recovery
        self.complaints = 0
        self.complainers = 0  # customers whose visit ended after a complaint
        self.proactive = 0
        self.recoveries = 0
        self.paradoxes = 0
        self.recovery_delay_sum = 0.0
        self.recovery_cost = 0.0
        self.revenue_lost_leaving = 0.0
        self.quality_sum = 0.0
        self.stayed = 0.0  # expected returning customers: the sum of each one's chance of coming back
        self.path_count = dict.fromkeys(PATHS, 0)
        self.path_stayed = dict.fromkeys(PATHS, 0.0)
        self.path_quality = dict.fromkeys(PATHS, 0.0)

    def conclude(self, path: str, stays: float, perceived: float, value: float, complained: bool = False,
                 lifted: bool = False, left_dissatisfied: bool = False) -> None:
        """Book one finished visit; ``stays`` is the customer's chance of coming back, ``lifted`` the paradox,
        ``left_dissatisfied`` whether the customer left below their expectation."""
        self.concluded += 1
        self.left_dissatisfied += left_dissatisfied
        self.quality_sum += perceived
        self.path_count[path] += 1
        self.path_quality[path] += perceived
        if path != "no_failure":  # dissatisfied by the failure, whatever a recovery did afterwards
            self.dissatisfied += 1
        self.stayed += stays
        self.path_stayed[path] += stays
        self.revenue_lost_leaving += (1.0 - stays) * value * self.visits
        self.complainers += complained  # the complaint rate's numerator: visits ended
        self.paradoxes += lifted

    def conclude_satisfied(self, value: float) -> None:
        """Book a visit with no felt failure (the fast path of :meth:`conclude`: perceived quality 1)."""
        self.satisfied += 1
        self.satisfied_value += value

    def absorb(self, other: "OutcomeTally") -> None:
        """Add the counts of ``other`` (a group of other customers) to this tally's."""
        for name in self.COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in self.PER_PATH:
            mine = getattr(self, name)
            for path, value in getattr(other, name).items():
                mine[path] += value

    def _merge_satisfied(self) -> None:
        r, n = self.no_failure_retention, self.satisfied
        self.concluded += n
        self.quality_sum += n
        self.path_count["no_failure"] += n
        self.path_quality["no_failure"] += n
        self.stayed += r * n
        self.path_stayed["no_failure"] += r * n
        self.revenue_lost_leaving += (1.0 - r) * self.satisfied_value * self.visits
        self.satisfied, self.satisfied_value = 0, 0.0

    def results(self, served: float) -> dict[str, float]:
        """The group's own KPIs (everything but word of mouth); ``served`` is how many of it were served."""
        self._merge_satisfied()
        recovered = sum(self.path_count[p] for p in RECOVERED)
        results = {
            "failures": float(self.failures),
            "failures_prevented": float(self.failures_prevented),
            "failure_rate": safe_ratio(self.failures, served),
            "dissatisfied": float(self.dissatisfied),
            "complaints": float(self.complaints),
            "complaint_rate": safe_ratio(self.complainers, self.dissatisfied),
            "silent_dissatisfied": float(self.path_count["silent"]),
            "left_dissatisfied": float(self.left_dissatisfied),
            "proactive_recoveries": float(self.proactive),
            "mean_recovery_delay_min": safe_ratio(self.recovery_delay_sum, self.recoveries),
            "retention_rate": safe_ratio(self.stayed, self.concluded),
            "recovered_retention_rate": safe_ratio(sum(self.path_stayed[p] for p in RECOVERED), recovered),
            "paradox_share": safe_ratio(self.paradoxes, recovered),
            "recovery_cost": self.recovery_cost,
            "quality_score": safe_ratio(self.quality_sum, self.concluded),
        }
        for path in PATHS:
            results[f"customers.{path}"] = float(self.path_count[path])
            results[f"retention.{path}"] = safe_ratio(self.path_stayed[path], self.path_count[path])
            results[f"quality.{path}"] = safe_ratio(self.path_quality[path], self.path_count[path])
        return results


class OutcomeKpis:
    """The outcome tallies of a run: the whole run, each segment and each block of the day, and the
    word-of-mouth ledger of every segment's market."""

    def __init__(self, ledger: WordOfMouthLedger, visits_per_customer: float, no_failure_retention: float,
                 values: dict[str, float], blocks: DayBlocks):
        self.ledger = ledger
        self.visits = visits_per_customer
        self.values = values  # revenue of one visit, per segment
        self.blocks = blocks
        self.no_failure_retention = no_failure_retention
        self.cells = {name: [self._tally() for _ in blocks.labels] for name in values}

    def _tally(self) -> OutcomeTally:
        return OutcomeTally(self.visits, self.no_failure_retention)

    def tallies(self, segment: str, block: int | None) -> tuple[OutcomeTally, ...]:
        """Where a customer of ``segment`` who arrived in ``block`` of the day is booked (nothing for None:
        the warm-up)."""
        return () if block is None else (self.cells[segment][block],)

    def parts(self) -> Iterable[tuple[str, OutcomeTally]]:
        """``("segment.vip", tally)``, then ``("block.09:00", tally)`` for each block of the day (sums of cells)."""
        for name, row in self.cells.items():
            yield f"{SEGMENT}.{name}", sum_of_cells(row, self._tally)
        for k, label in enumerate(self.blocks.labels):
            yield f"{BLOCK}.{label}", sum_of_cells([row[k] for row in self.cells.values()], self._tally)

    def results(self, served: dict[str, float], people: dict[str, int]) -> dict[str, float]:
        """The outcome KPIs of the whole run, then of each part under ``DIMENSION.NAME.``.

        ``served`` counts the customers served, by part key ("" for the whole run); ``people`` the
        customers of each segment who came (all part of its market).
        """
        self.ledger.flush()
        ledger = self.ledger
        market = {name: max(m.size, people.get(name, 0) + m.lost + m.won) for name, m in ledger.markets.items()}
        whole = sum_of_cells([cell for row in self.cells.values() for cell in row], self._tally)
        results = whole.results(served.get("", 0.0))
        results.update({
            "wom_negative_tellers": float(ledger.negative_tellers),
            "wom_reached": float(ledger.total("heard_bad")),
            "customers_lost_wom": float(ledger.total("lost")),
            "wom_positive_tellers": float(ledger.positive_tellers),
            "wom_positive_reached": float(ledger.total("heard_good")),
            "customers_won_wom": float(ledger.total("won")),
            "market": float(sum(market.values())),
            "market_value": sum(market[name] * self.values[name] for name in market) * self.visits,
            "revenue_lost": whole.revenue_lost_leaving + self._lost_by_word_of_mouth(ledger.markets),
        })
        leaving = {}  # revenue of the customers who did not come back, per part
        for key, tally in self.parts():
            for kpi, value in tally.results(served.get(key, 0.0)).items():
                results[f"{key}.{kpi}"] = value
            leaving[key] = tally.revenue_lost_leaving
        for name, m in ledger.markets.items():
            key = f"{SEGMENT}.{name}"
            results[f"{key}.wom_reached"] = float(m.heard_bad)
            results[f"{key}.customers_lost_wom"] = float(m.lost)
            results[f"{key}.wom_positive_reached"] = float(m.heard_good)
            results[f"{key}.customers_won_wom"] = float(m.won)
            results[f"{key}.market"] = float(market[name])
            results[f"{key}.market_value"] = market[name] * self.values[name] * self.visits
            results[f"{key}.revenue_lost"] = (leaving[key]
                                              + self._lost_by_word_of_mouth({name: m}))
        return results

    def _lost_by_word_of_mouth(self, markets) -> float:
        """Lifetime revenue of the people word of mouth turned away, in ``markets`` (name -> market)."""
        return sum(m.lost * self.values[name] for name, m in markets.items()) * self.visits
