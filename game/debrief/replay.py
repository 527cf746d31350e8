"""Replays the trainee's way of playing and the scenario's policies through the model over many seeds.

Every series plays the same replications 1..n of the turn's seed (common random numbers) under the
trainee's operation settings; a policy's own settings reach the model only through its answers to the
exercise's operation-setting decisions, as a trainee's do. :class:`Replays` runs them off the UI thread
and can be cancelled when the debrief closes; :func:`run_all` runs them in the caller's thread.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sim.exercise.runtime import Playbook, replay

from ..scoring import Score, kpi_directions, score, scored_kpis

CHART_KPIS = ("customers_lost_wom", "recovery_cost", "retention_rate")
POLICIES = (("expert", "expert"), ("standard", "standard_process"))  # (series key, policy name)
MIXED = "you_expert_settings"  # the trainee's answers with the expert's operation settings


@dataclass
class Series:
    """One way of playing (the trainee's, the expert's...) and its KPIs over the replications."""

    key: str
    playbook: Playbook
    runs: list[dict[str, float]] = field(default_factory=list)


def setting_decisions(scenario) -> set[str]:
    """The decisions whose answers put operation settings in force."""
    return {d.id for d in scenario.exercise.decisions if any(c.settings is not None for c in d.choices)}


def build_series(scenario, you: Playbook) -> list[Series]:
    """The trainee's series, each policy's, and (when the trainee's settings differ from the expert's)
    the trainee's answers run with the expert's settings, which splits the gap between answers and settings."""
    series = [Series("you", you)]
    for key, policy in POLICIES:
        if policy in scenario.policies:
            series.append(Series(key, Playbook.from_policy(scenario, policy)))
    expert = next((s.playbook for s in series if s.key == "expert"), None)
    settings = setting_decisions(scenario)
    if expert is not None and any(you.choices.get(d) != expert.choices.get(d) for d in settings):
        choices = dict(you.choices)
        choices.update({d: expert.choices[d] for d in settings if d in expert.choices})
        series.append(Series(MIXED, Playbook(choices=choices, steps=list(you.steps))))
    return series


def run_one(scenario, seed: int, series: Series, replication: int) -> None:
    series.runs.append(replay(scenario, series.playbook, seed, replication))


def run_all(scenario, seed: int, series: list[Series], replications: int, cache: dict | None = None) -> list[Series]:
    """Every series over replications 1..n, in this thread; ``cache`` keeps the runs of a playbook for the
    next call with the same scenario, seed and replications (the policies' series, scripted rules compared)."""
    for one in series:
        key = (scenario.name, seed, replications, tuple(sorted(one.playbook.choices.items())), tuple(one.playbook.steps))
        if cache is not None and key in cache:
            one.runs = [dict(run) for run in cache[key]]
            continue
        for replication in range(1, replications + 1):
            run_one(scenario, seed, one, replication)
        if cache is not None:
            cache[key] = one.runs
    return series


@dataclass(frozen=True)
class Judgement:
    """The score and, when the settings differed from the expert's, the score with the expert's settings."""

    score: Score
    with_expert_settings: Score | None

    @property
    def from_settings(self) -> float:
        """Points of the gap to the expert due to the operation settings chosen."""
        if self.with_expert_settings is None:
            return 0.0
        return round(max(0.0, self.with_expert_settings.value - self.score.value), 1)

    @property
    def from_answers(self) -> float:
        """Points of the gap to the expert due to the answers given."""
        return round(max(0.0, 100.0 - self.score.value - self.from_settings), 1)


def judge(scenario, series: list[Series], seed: int = 0) -> Judgement | None:
    """The score of the trainee's series against the policies' (None when a policy is missing)."""
    runs = {s.key: s.runs for s in series}
    if "expert" not in runs or "standard" not in runs:
        return None
    kpis, directions = scored_kpis(scenario), kpi_directions(scenario)
    mixed = runs.get(MIXED)
    return Judgement(score(runs["you"], runs["expert"], runs["standard"], kpis, seed, directions),
                     score(mixed, runs["expert"], runs["standard"], kpis, seed, directions) if mixed else None)


class Replays:
    """Runs every series for replications 1..n of the session's seed in a background thread.

    ``series`` may be a function that builds them: it runs first, in the same thread (the debrief
    passes one that plays the trainee's run out to its end, so the screen never waits for it)."""

    def __init__(self, scenario, seed: int, series: list[Series] | Callable[[], list[Series]], replications: int):
        self.scenario = scenario
        self.seed = seed
        self._prepare = series if callable(series) else None
        self.series: list[Series] = [] if callable(series) else series
        self.prepared = not callable(series)  # the series are known (their runs may still be coming)
        self.replications = replications
        self.done = 0
        self.error: str | None = None
        self.judgement: Judgement | None = None
        self.complete = False  # every run done and judged
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._work, name="debrief-replays", daemon=True)

    @property
    def total(self) -> int:
        return self.replications * len(self.series)

    @property
    def finished(self) -> bool:
        return self.complete or self.error is not None

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def start(self) -> "Replays":
        self._thread.start()
        return self

    def cancel(self) -> None:
        """Stop after the run under way (the debrief closed: nobody will look at the rest)."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    def _work(self) -> None:
        try:
            if self._prepare is not None:
                self.series = self._prepare()
                self.prepared = True
            for replication in range(1, self.replications + 1):
                for series in self.series:
                    if self._stop.is_set():
                        return
                    run_one(self.scenario, self.seed, series, replication)
                    self.done += 1
            self.judgement = judge(self.scenario, self.series, self.seed)
            self.complete = True
        except Exception as exc:  # shown on the replay tab instead of killing the game
            self.error = f"{type(exc).__name__}: {exc}"
