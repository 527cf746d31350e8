"""One playthrough: the scenario, its live model, the exercise runtime and the game clock."""
from __future__ import annotations

from sim import Model, Scenario
from sim.exercise import ExerciseRun, Happening

SPEEDS = (0, 1, 2, 4)


class Session:
    """A scenario being played: advances the model on a scaled clock and remembers what happened."""

    def __init__(self, scenario: Scenario, seed: int = 0, autoplay: str | None = None, speed: int = 1):
        self.scenario = scenario
        self.exercise = scenario.exercise
        self.seed = seed
        self.autoplay = autoplay
        self.model = Model(scenario, seed=seed, policy=autoplay, record_events=True)
        self.run = ExerciseRun(self.model)
        self.speed = speed if speed in SPEEDS else 1
        self.resume_speed = self.speed or 1
        self.final_kpis: dict[str, float] | None = None

    # -- clock ----------------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.model.now

    @property
    def paused(self) -> bool:
        return self.speed == 0

    def set_speed(self, speed: int) -> None:
        self.speed = speed
        if speed:
            self.resume_speed = speed

    def toggle_pause(self) -> None:
        self.set_speed(0 if self.speed else self.resume_speed)

    def tick(self, real_seconds: float) -> list[Happening]:
        """Advance by ``real_seconds`` of play at the current speed; return what happened."""
        if not self.speed or self.run.pending is not None:
            return []
        minutes = real_seconds * self.exercise.time_scale * self.speed
        return self.run.advance(self.model.now + minutes)

    @property
    def over(self) -> bool:
        return self.run.finished

    def clock_text(self, t: float | None = None) -> str:
        """The wall-clock time (HH:MM) of model time ``t`` (default: now)."""
        minute = int(self.scenario.operation.opens_at_min + (self.now if t is None else t)) % (24 * 60)
        return f"{minute // 60:02d}:{minute % 60:02d}"

    # -- results --------------------------------------------------------------------------------
    def finish(self) -> dict[str, float]:
        """Play out what is left (unanswered decisions take their default), run the model to its horizon
        so visits under way conclude, and return the KPIs (once)."""
        if self.final_kpis is None:
            self.run.run_to_end()
            self.final_kpis = self.model.run()
        return self.final_kpis
