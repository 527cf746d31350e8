"""KPIs of what failures did: dissatisfaction, complaints, recovery, retention, word of mouth, money."""
from __future__ import annotations

from .kpis import safe_ratio
from .retention import PATHS

RECOVERED = ("resolved_quickly", "resolved_slowly", "unresolved")  # customers who got a recovery attempt
from .word_of_mouth import WordOfMouthLedger


class OutcomeKpis:
    """Streaming counters over the customers whose visit ended after the warm-up."""

    def __init__(self, ledger: WordOfMouthLedger, visits_per_customer: float, no_failure_retention: float):
        self.ledger = ledger
        self.visits = visits_per_customer
        self.no_failure_retention = no_failure_retention
        # the common case (no felt failure) is booked by three additions on the hot path
        self.satisfied = 0
        self.satisfied_quality = 0.0
        self.satisfied_value = 0.0
        self.failures = 0
        self.failures_prevented = 0
        self.concluded = 0
        self.dissatisfied = 0
        self.complaints = 0
        self.proactive = 0
        self.recoveries = 0
        self.recovery_delay_sum = 0.0
        self.recovery_cost = 0.0
        self.revenue_lost_leaving = 0.0
        self.negative_teller_value = 0.0
        self.quality_sum = 0.0
        self.stayed = 0.0  # expected returning customers: the sum of each one's chance of coming back
        self.path_count = dict.fromkeys(PATHS, 0)
        self.path_stayed = dict.fromkeys(PATHS, 0.0)
        self.path_quality = dict.fromkeys(PATHS, 0.0)

    def conclude(self, path: str, stays: float, perceived: float, value: float) -> None:
        """Book one finished visit; ``stays`` is the customer's chance of coming back."""
        self.concluded += 1
        self.quality_sum += perceived
        self.path_count[path] += 1
        self.path_quality[path] += perceived
        if path != "no_failure":
            self.dissatisfied += 1
        self.stayed += stays
        self.path_stayed[path] += stays
        self.revenue_lost_leaving += (1.0 - stays) * value * self.visits
        if path in ("silent", "unresolved"):
            self.ledger.tell(negative=True)
            self.negative_teller_value += value
        elif perceived > 1.0:
            self.ledger.tell(negative=False)

    def conclude_satisfied(self, perceived: float, value: float) -> None:
        """Book a visit with no felt failure (the fast path of :meth:`conclude`)."""
        self.satisfied += 1
        self.satisfied_quality += perceived
        self.satisfied_value += value

    def _merge_satisfied(self) -> None:
        r = self.no_failure_retention
        self.concluded += self.satisfied
        self.quality_sum += self.satisfied_quality
        self.path_count["no_failure"] += self.satisfied
        self.path_quality["no_failure"] += self.satisfied_quality
        self.stayed += r * self.satisfied
        self.path_stayed["no_failure"] += r * self.satisfied
        self.revenue_lost_leaving += (1.0 - r) * self.satisfied_value * self.visits
        self.satisfied, self.satisfied_quality, self.satisfied_value = 0, 0.0, 0.0

    def results(self, served: float) -> dict[str, float]:
        self._merge_satisfied()
        self.ledger.flush()
        ledger = self.ledger
        mean_teller_value = safe_ratio(self.negative_teller_value, ledger.negative_tellers) if ledger.negative_tellers else 0.0
        results = {
            "failures": float(self.failures),
            "failures_prevented": float(self.failures_prevented),
            "failure_rate": safe_ratio(self.failures, served),
            "dissatisfied": float(self.dissatisfied),
            "complaints": float(self.complaints),
            "complaint_rate": safe_ratio(self.complaints, self.dissatisfied),
            "silent_dissatisfied": float(self.path_count["silent"]),
            "proactive_recoveries": float(self.proactive),
            "mean_recovery_delay_min": safe_ratio(self.recovery_delay_sum, self.recoveries),
            "retention_rate": safe_ratio(self.stayed, self.concluded),
            "recovered_retention_rate": safe_ratio(
                sum(self.path_stayed[p] for p in RECOVERED), sum(self.path_count[p] for p in RECOVERED)
            ),
            "wom_reached": float(ledger.negative_reached),
            "customers_lost_wom": float(ledger.customers_lost),
            "wom_positive_reached": float(ledger.positive_reached),
            "customers_won_wom": float(ledger.customers_won),
            "recovery_cost": self.recovery_cost,
            "revenue_lost": self.revenue_lost_leaving + ledger.customers_lost * mean_teller_value * self.visits,
            "quality_score": safe_ratio(self.quality_sum, self.concluded),
        }
        for path in PATHS:
            results[f"customers.{path}"] = float(self.path_count[path])
            results[f"retention.{path}"] = safe_ratio(self.path_stayed[path], self.path_count[path])
            results[f"quality.{path}"] = safe_ratio(self.path_quality[path], self.path_count[path])
        return results
