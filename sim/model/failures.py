"""Chance of a service failure at one encounter: failure types (or the three Bitner categories) per station,
raised by load and low skill, lowered day by day by root-cause analysis."""
from __future__ import annotations

from dataclasses import dataclass

from ..scenario.failures import CATEGORIES, SEVERITIES, Failures, SeverityMix

WAITING = "waiting"  # the kind of failure felt from waiting too long (no failure type caused it)
INJECTED = "injected"  # the kind of failure an outside action inflicted


def load_multiplier(utilisation: float, failures: Failures) -> float:
    """Rushed staff fail more: 1 below the threshold, rising linearly to 1 + load_effect at full load."""
    over = (utilisation - failures.load_threshold) / (1.0 - failures.load_threshold)
    return 1.0 + failures.load_effect * min(max(over, 0.0), 1.0)


def skill_multiplier(skill: float, failures: Failures) -> float:
    """Less-trained staff fail more: 1 at full skill."""
    return 1.0 + failures.skill_effect * (1.0 - skill)


def _cumulative(mix: SeverityMix) -> list[float]:
    return [mix.minor, mix.minor + mix.major, 1.0]


@dataclass
class FailureKind:
    """One way a service can fail: a named type, or one of the three generic Bitner categories."""

    name: str
    category: str
    chance: float
    severity_cumulative: list[float]
    stations: frozenset[str] | None  # None: every station
    controllable: bool = True  # the cause as customers see it (Folkes 1984): blame, in sim.model.attribution
    stable: bool = False


def failure_kinds(failures: Failures) -> list[FailureKind]:
    """The scenario's failure types, or the three generic categories when it names none."""
    default = _cumulative(failures.severity_mix)
    if failures.types:
        return [
            FailureKind(name, kind.category, kind.chance,
                        _cumulative(kind.severity_mix) if kind.severity_mix else default,
                        frozenset(kind.stations) if kind.stations else None, kind.cause.controllable, kind.cause.stable)
            for name, kind in failures.types.items()
        ]
    causes = failures.causes
    return [
        FailureKind(c, c, getattr(failures.categories, c), default, None,
                    getattr(causes, c).controllable, getattr(causes, c).stable)
        for c in CATEGORIES
    ]


class FailureChances:
    """Per-station failure chances by kind, with the learning multipliers root-cause analysis applies."""

    def __init__(self, failures: Failures, stations: list[str]):
        self.spec = failures
        self.kinds = failure_kinds(failures)
        self.learning = {kind.name: 1.0 for kind in self.kinds}
        self.stations = stations
        self._refresh()

    def _refresh(self) -> None:
        self.total: dict[str, float] = {}  # chance that a service at the station fails in any way
        self.tables: dict[str, list[tuple[float, FailureKind]]] = {}
        for station in self.stations:
            running, table = 0.0, []
            for kind in self.kinds:
                if kind.stations is None or station in kind.stations:
                    running += kind.chance * self.learning[kind.name]
                    table.append((running, kind))
            self.total[station] = running
            self.tables[station] = table

    @property
    def most(self) -> float:
        """The largest chance of failure at any station (before load and skill)."""
        return max(self.total.values(), default=0.0)

    def learn(self, complaints_by_kind: dict[str, int]) -> None:
        """Root-cause analysis of a day's complaints lowers each kind's chance for the days after."""
        spec = self.spec
        for name, count in complaints_by_kind.items():
            if name in self.learning:
                reduced = self.learning[name] * (1.0 - spec.learning_per_complaint) ** count
                self.learning[name] = max(spec.learning_floor, reduced)
        self._refresh()

    def draw(self, u_fail: float, u_kind: float, multiplier: float, station: str) -> tuple[FailureKind, str] | None:
        """(kind, severity) of a failure at ``station``, or None; ``u_*`` are uniform draws, ``multiplier`` load x skill."""
        table = self.tables[station]
        if not table or u_fail >= table[-1][0] * multiplier:
            return None
        # reuse the failing draw to pick the kind (it is uniform on [0, total x multiplier))
        point = u_fail / multiplier
        kind = table[-1][1]
        for edge, candidate in table:
            if point < edge:
                kind = candidate
                break
        severity = SEVERITIES[-1]
        for name, edge in zip(SEVERITIES, kind.severity_cumulative):
            if u_kind < edge:
                severity = name
                break
        return kind, severity
