"""Chance of a service failure at one encounter: Bitner category rates raised by load and low skill."""
from __future__ import annotations

from ..scenario.failures import CATEGORIES, SEVERITIES, Failures


def load_multiplier(utilisation: float, failures: Failures) -> float:
    """Rushed staff fail more: 1 below the threshold, rising linearly to 1 + load_effect at full load."""
    over = (utilisation - failures.load_threshold) / (1.0 - failures.load_threshold)
    return 1.0 + failures.load_effect * min(max(over, 0.0), 1.0)


def skill_multiplier(skill: float, failures: Failures) -> float:
    """Less-trained staff fail more: 1 at full skill."""
    return 1.0 + failures.skill_effect * (1.0 - skill)


class FailureChances:
    """Per-category failure chances, with the learning multipliers root-cause analysis applies."""

    def __init__(self, failures: Failures):
        self.spec = failures
        self.base = {c: getattr(failures.categories, c) for c in CATEGORIES}
        self.learning = dict.fromkeys(CATEGORIES, 1.0)
        mix = failures.severity_mix
        self.severity_cumulative = [mix.minor, mix.minor + mix.major, 1.0]
        self._refresh()

    def _refresh(self) -> None:
        rates = [self.base[c] * self.learning[c] for c in CATEGORIES]
        self.total = sum(rates)
        running, self.cumulative = 0.0, []
        for rate in rates:
            running += rate
            self.cumulative.append(running)

    def learn(self, complaints_by_category: dict[str, int]) -> None:
        """Root-cause analysis of a day's complaints lowers each category's chance for the days after."""
        spec = self.spec
        for category, count in complaints_by_category.items():
            reduced = self.learning[category] * (1.0 - spec.learning_per_complaint) ** count
            self.learning[category] = max(spec.learning_floor, reduced)
        self._refresh()

    def draw(self, u_fail: float, u_kind: float, multiplier: float) -> tuple[str, str] | None:
        """(category, severity) of a failure, or None; ``u_*`` are uniform draws, ``multiplier`` load x skill."""
        if u_fail >= self.total * multiplier:
            return None
        # reuse the failing draw to pick the category (it is uniform on [0, total x multiplier))
        point = u_fail / multiplier
        category = CATEGORIES[-1]
        for name, edge in zip(CATEGORIES, self.cumulative):
            if point < edge:
                category = name
                break
        severity = SEVERITIES[-1]
        for name, edge in zip(SEVERITIES, self.severity_cumulative):
            if u_kind < edge:
                severity = name
                break
        return category, severity
