"""Checks every scenario file passes, one set per file of scenarios/ (collected by globbing the folder, so a
new file is checked without any change here): it validates and is complete and bilingual; a short
simulation runs; its expert policy beats its standard process on each of its key KPIs, paired by common
random numbers; and the game plays its expert playbook headless from the title screen to the debrief.

``SRL_SCENARIO_DIR=FOLDER`` points the checks at another folder.
"""
from __future__ import annotations

import json
import math

import pytest
from scenario_checks import (
    REPLICATIONS,
    SEED,
    all_finite,
    paired_key_kpis,
    play_demo_headless,
    scenario_files,
    untranslated_texts,
)

import run_sim
from sim import load_scenario

FILES = scenario_files()
REQUIRED_POLICIES = ("standard_process", "expert")


def _ids(path) -> str:
    return path.stem


pytestmark = pytest.mark.parametrize("path", FILES, ids=_ids)


def test_it_validates_and_is_complete(path):
    scenario = load_scenario(path)
    meta = scenario.meta
    assert meta.learning_objectives, "meta.learning_objectives: say what the scenario teaches"
    assert meta.source_case is not None, "meta.source_case: name the case the scenario is built on"
    assert meta.key_kpis, "meta.key_kpis: name the KPIs on which the expert policy must beat the standard process"
    missing = [name for name in REQUIRED_POLICIES if name not in scenario.policies]
    assert not missing, f"policies: add {', '.join(missing)}"
    assert scenario.failures is not None, "failures: a scenario about recovery needs failures"
    exercise = scenario.exercise
    assert exercise is not None, "exercise: every scenario in the library is playable"
    first = exercise.decisions[0]
    pre_shift = all(c.settings is not None for c in first.choices)  # the pre-shift plan opens the exercise
    dialogs = exercise.decisions[1:] if pre_shift else exercise.decisions
    assert 2 <= len(dialogs) <= 4, "exercise.decisions: give 2 to 4 decision points (besides a pre-shift settings decision)"
    for decision in exercise.decisions:
        assert any(choice.flags for choice in decision.choices), (
            f"exercise.decisions.{decision.id}: offer at least one tempting bad answer (and mark it with flags)"
        )
        for policy in REQUIRED_POLICIES:
            assert decision.id in scenario.policies[policy].choices, (
                f"policies.{policy}.choices: say what the policy answers at decision point '{decision.id}'"
            )
    assert exercise.layout.fixtures and exercise.layout.boards, "exercise.layout: give fixtures and a board"
    assert exercise.cast and exercise.injects and exercise.verbs


def test_every_player_facing_text_is_in_english_and_chinese(path):
    assert untranslated_texts(load_scenario(path)) == []


def test_a_short_simulation_runs(path, tmp_path):
    out = tmp_path / "run.json"
    assert run_sim.main(["run", str(path), "-r", "2", "--workers", "1", "--seed", "3", "--json", str(out)]) == 0
    payload = json.loads(out.read_text())
    assert payload["replications"] == 2 and payload["kpis"]["arrived"]["mean"] > 0
    for key in load_scenario(path).meta.key_kpis:
        assert key.kpi in payload["kpis"], f"meta.key_kpis: unknown KPI '{key.kpi}'; known: {', '.join(sorted(payload['kpis']))}"
        mean = payload["kpis"][key.kpi]["mean"]
        assert mean is not None and math.isfinite(mean), f"{key.kpi} has no value in a short run"


def test_expert_beats_standard_process_on_each_key_kpi(path):
    """Paired by common random numbers: the same seed and replication for both policies, so each difference
    compares the same customers; the 95 % t-interval of the mean difference must exclude 0 on the better side."""
    scenario = load_scenario(path)
    pairs = paired_key_kpis(scenario, REPLICATIONS, SEED)
    for pair in pairs:
        assert all_finite(pair.differences), f"{pair.kpi} is undefined in some replications; choose a KPI every run has"
    losing = [pair.describe() for pair in pairs if not pair.expert_is_better]
    assert not losing, "the expert policy does not clearly beat the standard process:\n" + "\n".join(losing)


def test_the_game_plays_the_expert_playbook_headless(path):
    scenario = load_scenario(path)
    result = play_demo_headless(path)
    assert result.debrief is not None, f"the demo never reached the debrief (scenes: {result.scenes}, {result.frames} frames)"
    assert result.scenes[:3] == ["title", "picker", "briefing"] and "play" in result.scenes, result.scenes
    run = result.session.run
    assert result.session.over
    expert = scenario.policies["expert"].choices
    answered = {record.decision: record for record in run.records}
    for record in run.records:
        assert not record.timed_out and record.choice == expert[record.decision]
    unconditional = {d.id for d in scenario.exercise.decisions if not d.unless_tags}
    assert unconditional <= set(answered), f"decision points that never opened: {sorted(unconditional - set(answered))}"
    assert result.scenes.count("dialog") == len(run.records)
    kpis = result.debrief.kpis["you"]
    assert all(math.isfinite(kpis[key.kpi]) for key in scenario.meta.key_kpis)
