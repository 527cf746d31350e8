"""A trainee's run in a classroom: the model runs here, the room's phase drives its clock, the server hears of it.

The trainee's game keeps the whole model; the server only hears what the trainee did (answers, play
actions, the trainer's injects as they were applied) and how the run is going. Those reports are
exactly what is needed to rebuild the run: a game that was closed or crashed joins again, gets its
reports back from the server and replays them with the room's seed before playing on.
"""
from __future__ import annotations

import math
import time
from types import SimpleNamespace
from typing import Any, Callable

from sim import Model, Scenario, UserError
from sim.exercise import ChoiceRecord, ExerciseRun, Playbook, Step

from ..debrief.replay import build_series, judge, run_all
from ..recording import bilingual
from ..scoring import SCORE_MAX, Score, feedback_key, is_mistake, kpi_directions, recorded_kpis, score, scored_kpis, timed_out
from ..session import Session

PROGRESS_INTERVAL_S = 1.0  # how often the board hears where a trainee is (wall-clock seconds)
COMPARED_POLICIES = (("expert", "expert"), ("standard", "standard_process"))

Send = Callable[[dict[str, Any]], Any]


class ClassroomPlay:
    """One trainee's run: a game session whose clock the room's phase drives, reporting to the server."""

    def __init__(self, scenario: Scenario, welcome: dict[str, Any], send: Send, clock: Callable[[], float] = time.monotonic,
                 unsent: list[dict[str, Any]] = ()):
        """``unsent`` are reports a previous run of this game made but the server never acknowledged (kept in
        the link's outbox file): they are replayed after the server's, since they happened after them."""
        if welcome["scenario"] != scenario.name:
            raise UserError(f"The classroom plays {welcome['scenario']!r}, but the scenario given is {scenario.name!r}.")
        self.scenario = scenario
        self.send = send
        self.seed = int(welcome["seed"])
        self.session = Session(scenario, seed=self.seed, policy=None)
        self.session.recorder = self
        self.phase = welcome["phase"]
        self.timer = welcome["timer"]
        self.revealed_board: dict[str, Any] | None = None
        self.trainee = SimpleNamespace(name=welcome.get("name", ""))  # what the play and debrief screens show
        self.error: str | None = None  # a recorder's problem to show; the classroom's are shown by its screens
        self.stopped = False  # the server keeps what the game sends, so recording never stops on this side
        self.applied: set[int] = set()
        self.finished_score: float | None = welcome.get("score") if welcome.get("finished") else None
        self.score = self.finished_score
        self.interval_reported = self.done  # a finished run rejoining was measured (or left) before
        self._clock = clock
        self._last_progress = float("-inf")
        self._replaying = False
        self.shadows = self._policy_runs()
        self._thrown = {int(i["seq"]): i for i in welcome.get("injects", [])}
        played = list(welcome.get("played", []))
        known = {item.get("id") for item in played}
        played += [{"kind": m["body"]["kind"], "minute": m["minute"], "id": m["id"], **m["body"]} for m in unsent
                   if m.get("type") == "report" and m["id"] not in known
                   and m["body"]["kind"] in ("decision", "action", "inject")]
        self._replay(played)
        self.receive(welcome)

    # -- the room -------------------------------------------------------------------------------
    def receive(self, message: dict[str, Any]):
        """React to a message from the server: the room's phase and timers, an inject, the revealed board.

        Returns what an inject made happen in the run, if anything (for the play screen)."""
        kind = message.get("type")
        if kind in ("welcome", "state"):
            self.phase = message.get("phase", self.phase)
            self.timer = message.get("timer", self.timer)
            for thrown in message.get("injects", []):
                self.apply_inject(thrown)
            if self.phase == "ended":
                self.finish()
        elif kind == "inject":
            return self.apply_inject(message)
        elif kind == "board":
            self.revealed_board = message
        return None

    def apply_inject(self, thrown: dict[str, Any]):
        """Apply the trainer's throw number ``seq`` (an inject, a disruption, or a move of the clock) once, now,
        and tell the server at which minute it came.

        Returns what happened in the trainee's run (for the play screen to show): a happening, or for a move
        of the clock the list of what happened in the minutes skipped; None when nothing is to be shown.
        """
        seq = int(thrown["seq"])
        if seq in self.applied or self.done:
            return None
        self.applied.add(seq)
        self._thrown[seq] = thrown
        minute = self.session.now
        happening = self._throw_everywhere(thrown)
        if not self._replaying:
            self._report("inject", minute=minute, seq=seq)
        return happening

    def _throw_everywhere(self, thrown: dict[str, Any]):
        """Throw to the trainee's run and to the policies' runs alongside (a move of the clock only to the
        trainee's: the policies' runs follow it to the same minute in :meth:`keep_up`)."""
        happening = _throw(self.session.run, thrown)
        if "advance" not in thrown:
            for run in self.shadows.values():
                _throw(run, thrown)
        return happening

    @property
    def finished(self) -> bool:
        """Whether the run's end is reported (the recorder interface the debrief reads)."""
        return self.done

    @property
    def running(self) -> bool:
        return self.phase == "running" and not self.done

    @property
    def done(self) -> bool:
        return self.finished_score is not None

    def decision_seconds(self, decision) -> float | None:
        """How long the trainee has to answer, as the trainer set the timers (None: no timer)."""
        if self.timer == "off":
            return None
        return decision.timer_s if self.timer == "scenario" else float(self.timer)

    # -- playing --------------------------------------------------------------------------------
    def tick(self, real_seconds: float, speed: float = 1.0) -> list:
        """Advance the run while the room is running, then :meth:`keep_up` (headless play)."""
        happened = []
        if self.running and self.session.run.pending is None:
            minutes = real_seconds * self.scenario.exercise.time_scale * speed
            happened = self.session.run.advance(self.session.now + minutes)
        self.keep_up()
        return happened

    def keep_up(self) -> None:
        """After the run moved on: bring the policies' runs to the same minute, report progress now and then,
        and finish once the run is over."""
        for run in self.shadows.values():
            run.advance(self.session.now)
        if self.session.over and not self.done:
            self.finish()
        elif not self.done and self._clock() - self._last_progress >= PROGRESS_INTERVAL_S:
            self.report_progress()

    def choose(self, choice_id: str, timed_out: bool = False, shown: list[str] | None = None):
        return self.session.choose(choice_id, timed_out=timed_out, shown=shown)

    def act(self, verb_id: str, customer: int | None = None, role: str | None = None) -> bool:
        return self.session.act(verb_id, customer=customer, role=role)

    def live_kpis(self) -> tuple[dict[str, float], float | None]:
        """The run's KPIs so far and its provisional score against the policies at the same minute."""
        mine = self.session.model.kpis()
        scored = scored_kpis(self.scenario)
        if not self.shadows:
            return recorded_kpis(mine, scored), None
        expert, standard = (self.shadows[key].model.kpis() for key in ("expert", "standard"))
        # Many outcomes exist only once customers have left (a flight's passengers leave at the end): until a
        # scored KPI is measured for all three runs, and the expert is ahead of the standard process on it
        # (the score's own test), there is no score yet.
        measured = tuple(name for name in scored if all(_measured(kpis.get(name)) for kpis in (mine, expert, standard)))
        live = score([mine], [expert], [standard], measured, directions=kpi_directions(self.scenario)) if measured else None
        return recorded_kpis(mine, scored), live.value if live is not None and live.separates else None

    def report_progress(self) -> None:
        self._last_progress = self._clock()
        kpis, score = self.live_kpis()
        self._report("progress", decisions=len(self.session.run.records), kpis=kpis, score=score,
                     waiting=self.session.run.pending is not None)

    def finish(self, session=None, judged: Score | None = None) -> float:
        """End the run (unanswered decisions take their default), score it and report it (once).

        The debrief calls it as it calls a recorder's ``finish``, with the score its replays measured: that
        score and its 95 % interval are reported too (once), and replace the one run's score on the board
        and in the records, as a game played alone records it.
        """
        if not self.done:  # a trainee who left before the trainer ended comes here from the debrief
            you = self.session.finish()
            kpis = {"you": you}
            for key, run in self.shadows.items():
                run.run_to_end()
                kpis[key] = run.model.run()
            scored = scored_kpis(self.scenario)
            final = score([you], [kpis.get("expert", you)], [kpis.get("standard", you)], scored,
                          directions=kpi_directions(self.scenario)).value
            self.finished_score = self.score = final
            self._report("finish", score=min(final, SCORE_MAX), kpis=recorded_kpis(you, scored))
        if judged is not None:
            self.report_interval(judged)
        return self.finished_score

    def report_interval(self, judged: Score) -> None:
        """Report the score measured over the replays, with its interval (once, and only after the finish)."""
        if self.interval_reported or not self.done:
            return
        self.interval_reported = True
        self.score = judged.value
        self._report("interval", score=float(judged.value), low=float(judged.low), high=float(judged.high),
                     replications=int(judged.replications))

    def measure(self, replications: int) -> Score | None:
        """The finished run's score as the debrief measures it, for headless play (which has no debrief): its
        answers and actions replayed over ``replications`` seeds next to the scenario's policies.

        Touches only the model, so it can run on another thread; hand the score to :meth:`report_interval`.
        None when the scenario lacks a policy to judge by."""
        series = run_all(self.scenario, self.seed, build_series(self.scenario, self.session.run.playbook_of_play()),
                         replications)
        judgement = judge(self.scenario, series, self.seed)
        return judgement.score if judgement is not None else None

    # -- the recorder interface of game.session.Session --------------------------------------------
    def decision(self, record: ChoiceRecord, choice, shown: list[str] | None = None) -> None:
        if self._replaying:
            return
        self._report("decision", minute=record.time, decision=record.decision, choice=record.choice,
                     feedback_key=feedback_key(choice, record.timed_out), mistake=is_mistake(choice),
                     label=bilingual(choice.text), mood_before=record.mood_before, mood_after=record.mood_after)

    def action(self, step: Step, customer: int | None, role: str | None, decisions_before: int) -> None:
        if self._replaying:
            return
        self._report("action", minute=step.time, verb=step.verb, customer=customer, role=role, cast=step.cast,
                     segment=step.segment, after_decisions=decisions_before)

    # -- helpers --------------------------------------------------------------------------------
    def _report(self, kind: str, minute: float | None = None, **body: Any) -> None:
        body = {k: v for k, v in body.items() if v is not None}
        self.send({"type": "report", "minute": round(self.session.now if minute is None else minute, 6),
                   "body": {"kind": kind, **body}})

    def _policy_runs(self) -> dict[str, ExerciseRun]:
        """The scenario's policies played alongside on the same seed: the yardstick of the live score."""
        runs = {}
        for key, policy in COMPARED_POLICIES:
            if policy in self.scenario.policies:
                model = Model(self.scenario, seed=self.seed, policy=policy)
                runs[key] = ExerciseRun(model, playbook=Playbook.from_policy(self.scenario, policy))
        return runs if len(runs) == len(COMPARED_POLICIES) else {}

    def _replay(self, played: list[dict[str, Any]]) -> None:
        """Rebuild the run from the reports the server kept (a restarted game), without reporting them again."""
        run = self.session.run
        self._replaying = True
        try:
            for item in played:
                run.advance(item["minute"])
                for shadow in self.shadows.values():
                    shadow.advance(run.now)
                if item["kind"] == "decision":
                    if run.pending is None or run.pending.id != item["decision"]:
                        raise UserError(f"The classroom's record of {item['decision']!r} no longer fits the scenario "
                                        "file; play on the trainer's version of the scenario.")
                    self.session.choose(item["choice"], timed_out=timed_out(item.get("feedback_key")))
                elif item["kind"] == "action":
                    self.session.act(item["verb"], customer=item.get("customer"), role=item.get("role"))
                elif item["kind"] == "inject":
                    self.applied.add(int(item["seq"]))
                    self._replay_inject(int(item["seq"]))
        finally:
            self._replaying = False

    def _replay_inject(self, seq: int) -> None:
        thrown = self._thrown.get(seq)
        if thrown is not None:
            self._throw_everywhere(thrown)
            for shadow in self.shadows.values():
                shadow.advance(self.session.run.now)


def _measured(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def _throw(run: ExerciseRun, thrown: dict[str, Any]):
    if "advance" in thrown:  # the trainer moves the clock on (a decision that opens on the way stops it there)
        return run.advance(run.now + float(thrown["advance"]))
    if thrown.get("inject"):
        return run.throw(thrown["inject"])
    disruption = thrown.get("disruption") or {}
    return run.disrupt(disruption.get("category", "delivery_system"), disruption.get("severity", "major"),
                       disruption.get("segment"))
