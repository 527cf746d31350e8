"""Replays the trainee's choices (and the scenario's policies) through the model over many seeds, off the UI thread."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sim.exercise.runtime import Playbook, replay

CHART_KPIS = ("customers_lost_wom", "recovery_cost", "retention_rate")


@dataclass
class Series:
    """One way of playing (the trainee's, the expert's...) and its KPIs over the replications."""

    key: str
    playbook: Playbook
    policy: str | None
    runs: list[dict[str, float]] = field(default_factory=list)


class Replays:
    """Runs every series for replications 1..n of the session's seed in a background thread."""

    def __init__(self, scenario, seed: int, series: list[Series], replications: int):
        self.scenario = scenario
        self.seed = seed
        self.series = series
        self.replications = replications
        self.done = 0
        self.error: str | None = None
        self._thread = threading.Thread(target=self._work, name="debrief-replays", daemon=True)

    @property
    def total(self) -> int:
        return self.replications * len(self.series)

    @property
    def finished(self) -> bool:
        return self.done >= self.total or self.error is not None

    def start(self) -> "Replays":
        self._thread.start()
        return self

    def wait(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _work(self) -> None:
        try:
            for replication in range(1, self.replications + 1):
                for series in self.series:
                    series.runs.append(replay(self.scenario, series.playbook, self.seed, replication, series.policy))
                    self.done += 1
        except Exception as exc:  # shown on the replay tab instead of killing the game
            self.error = f"{type(exc).__name__}: {exc}"
