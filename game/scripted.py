"""Scripted play: the exercise played as a trainee would, answers picked by a rule, judged as the debrief does.

``srl-game --scenario F --headless --answers expert|worst|first|random`` plays with the trainee's
operation settings and the dialogs in their shuffled order, replays the answers over the debrief's
replications next to the scenario's policies, and reports the score with its interval and the KPIs.
No window is needed; a recorded scripted turn is marked as such in the trainer records.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from sim import Scenario
from sim.atomic_write import write_atomic

from .answers import answer_rng, dialog_order, pick
from .debrief.replay import build_series, judge, run_all
from .scoring import HIGHER_IS_BETTER, scored_kpis
from .session import Session


def play(scenario: Scenario, strategy: str, seed: int = 0, plan=None, session: Session | None = None) -> Session:
    """Play the exercise headless to its end, answering each decision by ``strategy``; record it when ``plan``
    is given. ``session``: carry on this one (a resumed turn) instead of starting anew."""
    if session is not None:
        seed = session.seed
    else:
        session = Session(scenario, seed=seed)
    if plan is not None:
        from .recording import TurnRecorder

        TurnRecorder.start(plan, session, scripted=strategy)
    run = session.run
    while not run.finished:
        run.advance(run.end_min)
        if run.pending is not None:
            shown = dialog_order(scenario, run.pending, seed)
            choice = pick(strategy, run.pending, shown, scenario, answer_rng(seed, run.pending))
            session.choose(choice, shown=[c.id for c in shown])
    return session


def mean_kpis(runs: list[dict[str, float]], names) -> dict[str, float]:
    """Each KPI's mean over the runs that have it."""
    return {name: float(np.mean([r[name] for r in runs])) for name in names if runs and all(name in r for r in runs)}


def report(scenario: Scenario, strategy: str, seed: int = 0, replications: int = 20, plan=None,
           cache: dict | None = None, session: Session | None = None) -> dict:
    """Play, replay and judge; the result as the JSON ``--json`` writes (``cache``: see ``run_all``;
    ``session``: a resumed turn to finish)."""
    session = play(scenario, strategy, seed, plan, session)
    live = session.finish()
    series = run_all(scenario, seed, build_series(scenario, session.run.playbook_of_play()), replications, cache)
    judgement = judge(scenario, series, seed)
    names = list(dict.fromkeys([*scored_kpis(scenario), *HIGHER_IS_BETTER]))
    result = {
        "scenario": scenario.name,
        "answers": strategy,
        "seed": seed,
        "replications": replications,
        "choices": {r.decision: r.choice for r in session.run.records},
        "run": {name: live[name] for name in names if name in live},
        "kpis": {s.key: mean_kpis(s.runs, names) for s in series},
    }
    if judgement is not None:
        result.update(judgement.score.as_dict())
        result["gap"] = {"answers": judgement.from_answers, "settings": judgement.from_settings}
    if session.recorder is not None:
        session.recorder.finish(session, judgement.score if judgement else None)
        result["turn"] = session.recorder.turn.id
    return result


def write_json(result: dict, path: Path) -> None:
    """Write the result whole or not at all (a full or read-only disk is a UserError naming the file)."""
    write_atomic(path, json.dumps(result, indent=2, ensure_ascii=False) + "\n")


def summary(result: dict) -> str:
    """One line for the terminal."""
    if "score" not in result:
        return f"{result['scenario']}: answers {result['answers']}: no score (the scenario lacks an expert or standard policy)"
    low, high = result["ci95"]
    line = (f"{result['scenario']}: answers {result['answers']}, seed {result['seed']}: score {result['score']:g} "
            f"(95 % interval {low:g}-{high:g}, {result['replications']} replications)")
    if result.get("basis") == "perceived_quality":
        line += ("; the expert and the standard process end alike on every key KPI of the scenario, so the score "
                 "cannot place these answers between them: it is the perceived quality of their runs (in %)")
    return line
