"""One playthrough: the scenario, its live model, the exercise runtime and the game clock."""
from __future__ import annotations

from sim import Model, Scenario
from sim.exercise.runtime import ExerciseRun, Happening
from sim.model.clock import time_of_day

SPEEDS = (0, 1, 2, 4)


def clock_text(scenario: Scenario, t: float) -> str:
    """The wall-clock time (HH:MM) of model minute ``t``; in a run of several days, led by the day
    (``D3 09:15``), so the clock of a multi-week scenario never seems to run backwards."""
    operation = scenario.operation
    if operation.horizon_min <= operation.duration_min:
        return time_of_day(operation, t)
    return f"D{int(t // operation.duration_min) + 1} {time_of_day(operation, t)}"


class Session:
    """A scenario being played: advances the model on a scaled clock and remembers what happened.

    When the turn is recorded, ``recorder`` (a :class:`game.recording.TurnRecorder`) is told of every
    answer and play action as it happens; answers and actions therefore go through :meth:`choose` and
    :meth:`act`, not straight to the exercise runtime.
    """

    def __init__(self, scenario: Scenario, seed: int = 0, autoplay: str | None = None, speed: int = 1,
                 policy: str | None = None, scripted: str | None = None):
        self.scenario = scenario
        self.exercise = scenario.exercise
        self.seed = seed
        self.autoplay = autoplay  # a demo: the policy answers on screen (never recorded as a trainee's turn)
        self.scripted = scripted  # scripted play: a rule of game.answers answers on screen (recorded as such)
        # How the model's staff respond: the trainee's settings (the scenario's `recovery` section), changed
        # only by the exercise's choices; a demo reaches its policy's settings through the same choices.
        # (Turns recorded before that carry the policy they were started with.)
        self.policy = policy
        self.model = Model(scenario, seed=seed, policy=self.policy, record_events=True)
        self.run = ExerciseRun(self.model)
        self.recorder = None
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

    # -- the trainee's input --------------------------------------------------------------------
    def choose(self, choice_id: str, timed_out: bool = False, shown: list[str] | None = None):
        """Answer the open decision point (``shown``: the answers' order on screen); the model applies the
        consequences and a recorded turn stores it."""
        choice = self.run.choose(choice_id, timed_out=timed_out)
        if self.recorder is not None:
            self.recorder.decision(self.run.records[-1], choice, shown)
        return choice

    def act(self, verb_id: str, customer: int | None = None, role: str | None = None) -> bool:
        """Carry out a play action on a customer or a staff role; False when it cannot apply now."""
        if not self.run.act(verb_id, customer=customer, role=role):
            return False
        if self.recorder is not None:
            self.recorder.action(self.run.steps[-1], customer, role, decisions_before=len(self.run.records))
        return True

    @property
    def over(self) -> bool:
        return self.run.finished

    def clock_text(self, t: float | None = None) -> str:
        """The wall-clock time (HH:MM) of model time ``t`` (default: now)."""
        return clock_text(self.scenario, self.now if t is None else t)

    # -- results --------------------------------------------------------------------------------
    def finish(self) -> dict[str, float]:
        """Play out what is left (unanswered decisions take their default), run the model to its horizon
        so visits under way conclude, and return the KPIs (once)."""
        if self.final_kpis is None:
            self.run.run_to_end()
            self.final_kpis = self.model.run()
        return self.final_kpis
