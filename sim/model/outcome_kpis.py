"""KPIs of what failures did: dissatisfaction, complaints, recovery, retention, word of mouth, money."""
from __future__ import annotations

from .kpis import safe_ratio
from .retention import PATHS
from .word_of_mouth import WordOfMouthLedger

RECOVERED = ("resolved_quickly", "resolved_slowly", "unresolved")  # customers who got a recovery attempt


class OutcomeKpis:
    """Streaming counters over the customers whose visit ended after the warm-up."""

    def __init__(self, ledger: WordOfMouthLedger, visits_per_customer: float, no_failure_retention: float,
                 values: dict[str, float]):
        self.ledger = ledger
        self.visits = visits_per_customer
        self.no_failure_retention = no_failure_retention
        self.values = values  # revenue of one visit, per segment
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

    def conclude(self, path: str, stays: float, perceived: float, value: float, dissatisfied: bool) -> None:
        """Book one finished visit; ``stays`` is the customer's chance of coming back, ``dissatisfied`` how it left."""
        self.concluded += 1
        self.left_dissatisfied += dissatisfied
        self.quality_sum += perceived
        self.path_count[path] += 1
        self.path_quality[path] += perceived
        if path != "no_failure":  # dissatisfied by the failure, whatever a recovery did afterwards
            self.dissatisfied += 1
        self.stayed += stays
        self.path_stayed[path] += stays
        self.revenue_lost_leaving += (1.0 - stays) * value * self.visits

    def conclude_satisfied(self, value: float) -> None:
        """Book a visit with no felt failure (the fast path of :meth:`conclude`: perceived quality 1)."""
        self.satisfied += 1
        self.satisfied_value += value

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

    def results(self, served: float, people: dict[str, int]) -> dict[str, float]:
        """The outcome KPIs; ``people`` counts the customers of each segment who came (all part of its market)."""
        self._merge_satisfied()
        self.ledger.flush()
        ledger = self.ledger
        market = {name: max(m.size, people.get(name, 0) + m.lost + m.won) for name, m in ledger.markets.items()}
        lost_value = sum(m.lost * self.values[name] for name, m in ledger.markets.items()) * self.visits
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
            "wom_negative_tellers": float(ledger.negative_tellers),
            "wom_reached": float(ledger.total("heard_bad")),
            "customers_lost_wom": float(ledger.total("lost")),
            "wom_positive_tellers": float(ledger.positive_tellers),
            "wom_positive_reached": float(ledger.total("heard_good")),
            "customers_won_wom": float(ledger.total("won")),
            "market": float(sum(market.values())),
            "market_value": sum(market[name] * self.values[name] for name in market) * self.visits,
            "recovery_cost": self.recovery_cost,
            "revenue_lost": self.revenue_lost_leaving + lost_value,
            "quality_score": safe_ratio(self.quality_sum, self.concluded),
        }
        for path in PATHS:
            results[f"customers.{path}"] = float(self.path_count[path])
            results[f"retention.{path}"] = safe_ratio(self.path_stayed[path], self.path_count[path])
            results[f"quality.{path}"] = safe_ratio(self.path_quality[path], self.path_count[path])
        return results
