"""Malformed scenarios get one clear message naming the key path, position and fix; never a traceback."""
from __future__ import annotations

import copy
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim import ScenarioError, load_scenario, load_scenario_text

ROOT = Path(__file__).resolve().parents[1]

GOOD = {
    "meta": {"title": {"en": "Lounge", "zh": "贵宾室"}},
    "operation": {"duration_min": 240, "opens_at": "18:00"},
    "segments": {
        "guest": {
            "arrivals_per_hour": [20, 30, 30, 10],
            "service": {"role": "agent", "time": {"dist": "exponential", "mean": 4}},
            "patience_min": {"dist": "exponential", "mean": 20},
        }
    },
    "staff": {"agent": {"count": 3, "shifts": [{"start_min": 60, "end_min": 180, "count": 4}]}},
    "failures": {"categories": {"delivery_system": 0.05}},
    "policies": {"expert": {"empowerment": "high", "actions": ["apologise", "fix"]}},
}


def mutate(path: str, value, delete: bool = False) -> dict:
    data = copy.deepcopy(GOOD)
    *parents, last = path.split(".")
    node = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    if delete:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value
    return data


def alias_bomb(levels: int = 9) -> str:
    """The "billion laughs" file: each level names the previous one nine times (9**9 values expanded)."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def deeply_nested(levels: int = 5000) -> str:
    return "meta: " + "{a: " * levels + "1" + "}" * levels + "\n"


# (case id, scenario data or raw YAML text, fragments the message must contain)
BAD_CASES = [
    ("unknown top-level key", mutate("colour", "blue"), ["colour", "unknown key", "allowed keys"]),
    ("unknown nested key", mutate("segments.guest.paitence", 3), ["segments.guest.paitence", "unknown key"]),
    ("missing title", mutate("meta.title", None, delete=True), ["meta.title", "missing"]),
    ("missing segments", mutate("segments", None, delete=True), ["segments", "missing"]),
    ("empty staff", mutate("staff", {}), ["staff", "at least 1"]),
    ("negative arrival rate", mutate("segments.guest.arrivals_per_hour", -5), ["arrivals_per_hour", "-5"]),
    ("negative hourly rate", mutate("segments.guest.arrivals_per_hour", [20, -1, 3, 4]), ["arrivals_per_hour", "-1"]),
    ("wrong hour count", mutate("segments.guest.arrivals_per_hour", [20, 30]), ["arrivals_per_hour", "2 hourly rates", "4 hour"]),
    ("rate is text", mutate("segments.guest.arrivals_per_hour", "lots"), ["arrivals_per_hour", "'lots'", "a number"]),
    ("staff zero with customers", mutate("staff.agent", {"count": 0}), ["staff.agent.count", "at least 1 staff"]),
    ("negative staff", mutate("staff.agent.count", -2), ["staff.agent.count", "-2", "greater than or equal to 0"]),
    ("shift after closing", mutate("staff.agent.shifts", [{"start_min": 200, "end_min": 300, "count": 2}]), ["shifts.0.end_min", "after closing"]),
    ("shift ends before start", mutate("staff.agent.shifts", [{"start_min": 100, "end_min": 50, "count": 2}]), ["shifts.0", "after start_min"]),
    ("unknown role", mutate("segments.guest.service.role", "pilot"), ["service.role", "pilot", "allowed: agent"]),
    ("unknown distribution", mutate("segments.guest.service.time", {"dist": "erlang", "mean": 3}), ["service.time", "erlang", "exponential", "weibull"]),
    ("distribution missing mean", mutate("segments.guest.service.time", {"dist": "exponential"}), ["segments.guest.service.time.mean", "missing"]),
    ("zero mean service", mutate("segments.guest.service.time", {"dist": "exponential", "mean": 0}), ["mean", "greater than 0"]),
    ("uniform reversed", mutate("segments.guest.service.time", {"dist": "uniform", "low": 5, "high": 2}), ["high", "at least low"]),
    ("bad clock", mutate("operation.opens_at", "25:00"), ["operation.opens_at", "HH:MM"]),
    ("warm-up too long", mutate("operation.warmup_min", 500), ["warmup_min", "shorter than the run"]),
    ("bad difficulty", mutate("meta.difficulty", "extreme"), ["meta.difficulty", "'easy', 'medium' or 'hard'"]),
    ("text with unknown language", mutate("meta.title", {"en": "x", "fr": "y"}), ["meta.title", "not allowed here"]),
    ("probability above one", mutate("failures.categories.delivery_system", 1.5), ["delivery_system", "1.5", "less than or equal to 1"]),
    ("unknown failure category", mutate("failures.categories.weather", 0.1), ["failures.categories.weather", "unknown key"]),
    ("severity mix not summing to one", mutate("failures.severity_mix", {"minor": 0.5, "major": 0.1, "critical": 0.1}), ["severity_mix", "add up to 0.7"]),
    ("negative action cost", mutate("recovery", {"actions": {"fix": {"staff_min": 5, "cost": -3, "restores": 0.2}}, "default_actions": ["fix"]}), ["recovery.actions.fix.cost", "-3"]),
    ("unknown policy action", mutate("policies.expert.actions", ["hug"]), ["policies.expert.actions.0", "hug", "allowed"]),
    ("unknown empowerment", mutate("policies.expert.empowerment", "total"), ["empowerment", "'low', 'medium' or 'high'"]),
    ("disruption for unknown segment", mutate("failures.disruptions", [{"id": "storm", "at_min": 10, "segment": "crew"}]), ["disruptions.0.segment", "crew"]),
    ("service and journey", mutate("segments.guest.journey", [{"station": "agent", "time": {"dist": "fixed", "value": 1}}]),
     ["segments.guest", "exactly one of service"]),
    ("unknown journey station", mutate("segments.guest", {"arrivals_per_hour": 5, "journey": [
        {"station": "agent", "time": {"dist": "fixed", "value": 1}}, {"station": "pharmacy", "time": {"dist": "fixed", "value": 1}}]}),
     ["segments.guest.journey.1.station", "pharmacy", "allowed: agent"]),
    ("routing to an unknown step", mutate("segments.guest", {"arrivals_per_hour": 5, "journey": [
        {"station": "agent", "time": {"dist": "fixed", "value": 1}, "next": {"lab": 0.5}}]}), ["routes to unknown step", "lab"]),
    ("routing over one", mutate("segments.guest", {"arrivals_per_hour": 5, "journey": [
        {"station": "agent", "time": {"dist": "fixed", "value": 1}, "next": {"agent": 0.7, "leave": 0.1}},
        {"id": "again", "station": "agent", "time": {"dist": "fixed", "value": 1}, "next": {"agent": 0.9, "again": 0.2}}]}),
     ["journey.1", "add up to 1.1"]),
    ("outage at an unknown station", mutate("outages", [{"id": "down", "station": "kitchen", "at_min": 5, "lasts_min": 5, "staff_out": 1}]),
     ["outages.0.station", "kitchen", "allowed: agent"]),
    ("outage changing nothing", mutate("outages", [{"id": "down", "station": "agent", "at_min": 5, "lasts_min": 5}]),
     ["outages.0", "changes nothing"]),
    ("failure type at an unknown station", mutate("failures.types", {"rude": {"category": "employee_action", "chance": 0.1, "stations": ["desk"]}}),
     ["failures.types.rude.stations.0", "desk"]),
    ("escalation to an unknown role", mutate("recovery.escalation", [{"role": "boss"}]), ["recovery.escalation.0.role", "boss"]),
    ("head office before a role", mutate("recovery.escalation", [{"delay_min": 10}, {"role": "agent"}]),
     ["recovery.escalation.0.role", "head office", "last level"]),
    ("mix with an unknown segment", mutate("arrivals", {"per_hour": 10, "mix": {"guest": 0.5, "crew": 0.5}}), ["arrivals.mix.crew", "unknown segment"]),
    ("mix not adding up", mutate("arrivals", {"per_hour": 10, "mix": {"guest": 0.5}}), ["arrivals", "adds up to 0.5"]),
    ("half-hour blocks miscounted", mutate("segments.guest", {"arrivals": {"per_hour": [1, 2, 3], "block_min": 30},
                                                            "service": {"role": "agent", "time": {"dist": "fixed", "value": 1}}}),
     ["segments.guest.arrivals.per_hour", "8 block(s) of 30 min"]),
    ("peak with a bad clock", mutate("segments.guest", {"arrivals": {"per_hour": 1, "peaks": [{"start": "8am", "end": "10:00", "per_hour": 3}]},
                                                      "service": {"role": "agent", "time": {"dist": "fixed", "value": 1}}}),
     ["peaks.0.start", "HH:MM"]),
    ("no arrivals at all", mutate("segments.guest.arrivals_per_hour", None, delete=True), ["segments.guest.arrivals_per_hour", "arrivals.mix"]),
    ("not a mapping", "- just\n- a list\n", ["top level is a list"]),
    ("empty file", "", ["empty"]),
    ("broken YAML", "meta: {title: x\nsegments: [", ["not valid YAML", "line"]),
    ("tab indentation", "meta:\n\ttitle: x\n", ["not valid YAML", "line 2"]),
    ("duplicate key", "meta: {title: a}\nmeta: {title: b}\n", ["meta", "written twice"]),
    ("alias bomb", alias_bomb(), ["aliases", "expand to more than", "write the values out"]),
    ("too many aliases", "a: &a 1\nb: [" + ", ".join(["*a"] * 101) + "]\n", ["line 2", "more than 100 aliases"]),
    ("alias loop", "a: &a [1, *a]\n", ["line 1", "refers to the value it is inside"]),
    ("deeply nested", deeply_nested(), ["line 1", "nested more than 64 levels"]),
    ("deeply nested lists", "meta: " + "[" * 3000 + "]" * 3000 + "\n", ["nested more than 64 levels"]),
]


@pytest.mark.parametrize("case,data,fragments", BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_scenario_gets_a_clear_message(write_scenario, case, data, fragments):
    path = write_scenario(data)
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    message = raised.value.message
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert "Traceback" not in message


@pytest.mark.parametrize("text", [alias_bomb(), alias_bomb(12), deeply_nested(), deeply_nested(50_000)],
                         ids=["bomb", "bigger bomb", "deep", "deeper"])
def test_hostile_files_are_refused_in_well_under_a_second(write_scenario, text):
    path = write_scenario(text)
    started = time.perf_counter()
    with pytest.raises(ScenarioError):
        load_scenario(path)
    assert time.perf_counter() - started < 1.0  # expanding the bomb takes minutes; refusing it, milliseconds


def test_aliases_within_the_limits_still_load(write_scenario):
    text = """
meta: {title: Lounge}
operation: {duration_min: 240}
segments:
  guest: {arrivals_per_hour: 20, service: {role: agent, time: &quick {dist: exponential, mean: 4}}}
  member: {arrivals_per_hour: 5, service: {role: agent, time: *quick}}
staff: {agent: {count: 3}}
"""
    scenario = load_scenario(write_scenario(text))
    assert scenario.segments["member"].service.time == scenario.segments["guest"].service.time


def test_error_names_line_and_column(write_scenario):
    text = yaml.safe_dump(mutate("staff.agent.count", -2), sort_keys=False)
    path = write_scenario(text)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "count: -2" in row)
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path)
    assert f"line {line}," in raised.value.message


def test_every_problem_is_reported_at_once(write_scenario):
    data = mutate("staff.agent.count", -2)
    data["segments"]["guest"]["priority"] = "high"
    data["operation"]["opens_at"] = "noon"
    with pytest.raises(ScenarioError) as raised:
        load_scenario(write_scenario(data))
    assert len(raised.value.problems) == 3


def test_the_good_scenario_loads(write_scenario):
    scenario = load_scenario(write_scenario(GOOD))
    assert scenario.segments["guest"].hourly_rates(4) == [20, 30, 30, 10]
    assert scenario.name == "scenario"


def test_validate_command_reports_without_traceback(write_scenario):
    bad = write_scenario(mutate("staff.agent.count", -2), "bad.yaml")
    good = write_scenario(GOOD, "good.yaml")
    result = subprocess.run([sys.executable, str(ROOT / "run_sim.py"), "validate", str(good), str(bad)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    assert "good.yaml: ok" in result.stdout
    assert "staff.agent.count" in result.stderr and "Traceback" not in result.stderr


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=25,
)
scenario_keys = st.sampled_from(["meta", "operation", "segments", "staff", "failures", "recovery", "policies", "behaviour"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(scenario_keys | st.text(max_size=8), yaml_values, max_size=6))
def test_validator_never_crashes_on_arbitrary_structures(data):
    try:
        load_scenario_text(yaml.safe_dump(data), "fuzz.yaml")
    except ScenarioError as error:
        assert error.problems and all(isinstance(p, str) and p for p in error.problems)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_validator_never_crashes_on_arbitrary_text(text):
    try:
        load_scenario_text(text, "fuzz.yaml")
    except ScenarioError as error:
        assert error.problems


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([c for c in BAD_CASES if isinstance(c[1], dict)]), yaml_values)
def test_validator_never_crashes_on_mutated_scenarios(case, junk):
    data = copy.deepcopy(case[1])
    data.setdefault("segments", {}).setdefault("guest", {})["service"] = junk
    try:
        load_scenario_text(yaml.safe_dump(data), "fuzz.yaml")
    except ScenarioError as error:
        assert error.problems


def test_a_wrong_decision_default_does_not_hide_other_cross_references(write_scenario):
    data = copy.deepcopy(GOOD)
    choice = {"id": "a", "text": "A", "feedback": "f"}
    data["exercise"] = {
        "role": "clerk", "trainee_role": "pilot", "situation": "s", "goals": ["g"],
        "decisions": [{"id": "d", "at_min": 5, "segment": "crew", "title": "t", "line": "l", "default": "z",
                       "choices": [choice, dict(choice, id="b"), dict(choice, id="c", actions=["hug"])]}],
    }
    with pytest.raises(ScenarioError) as raised:
        load_scenario(write_scenario(data))
    message = raised.value.message
    for fragment in ("decisions.0.default", "'z'", "trainee_role", "pilot", "decisions.0.segment", "crew", "hug"):
        assert fragment in message, f"{fragment!r} not in:\n{message}"


def test_set_errors_point_at_the_command_line(write_scenario):
    path = write_scenario(GOOD)
    with pytest.raises(ScenarioError) as raised:
        load_scenario(path, {"staff.agent.count": -1})
    assert "staff.agent.count (set on the command line: --set staff.agent.count)" in raised.value.message
    with pytest.raises(ScenarioError) as raised:  # a cross-reference broken by the command line
        load_scenario(path, {"segments.guest.service.role": "pilot"})
    message = raised.value.message
    assert "--set segments.guest.service.role" in message and "pilot" in message and not re.search(r"line \d", message)


def test_validate_notes_texts_without_chinese(write_scenario, capsys):
    import run_sim

    path = write_scenario(mutate("meta.title", "Lounge"))
    assert run_sim.main(["validate", str(path)]) == 0
    err = capsys.readouterr().err
    assert "meta.title" in err and "Chinese" in err


def test_value_errors_and_cross_references_are_reported_together(write_scenario):
    """A field error does not stop the cross-reference checks: both kinds come in one pass, each with its line."""
    data = copy.deepcopy(GOOD)
    data["staff"]["agent"]["count"] = -2                                        # value error in a named entry
    data["operation"]["opens_at"] = "noon"                                      # value error in a section
    data["segments"]["guest"]["service"]["role"] = "pilot"                      # unknown station
    data["policies"]["expert"]["actions"] = ["apologise", "hug"]                # unknown recovery action
    choice = {"id": "a", "text": "A", "feedback": "f"}
    data["exercise"] = {
        "role": "agent", "trainee_role": "agent", "situation": "s", "goals": ["g"],
        "decisions": [
            {"id": "d", "at_min": 5, "segment": "guest", "title": "t", "line": "l", "default": "a", "timer_s": 500,
             "choices": [choice, dict(choice, id="b"), dict(choice, id="c")]},                  # value error
            {"id": "e", "at_min": 9, "segment": "guest", "title": "t", "line": "l", "default": "z",
             "choices": [choice, dict(choice, id="b"), dict(choice, id="c", actions=["hug"])]},  # cross-references
        ],
    }
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    lines = text.splitlines()
    with pytest.raises(ScenarioError) as raised:
        load_scenario(write_scenario(text))
    problems = raised.value.problems

    def problem(key: str, needle: str) -> str:
        found = [p for p in problems if p.startswith(key + " (")]
        assert len(found) == 1, f"{key} not reported once in:\n" + "\n".join(problems)
        line = int(re.search(r"line (\d+), column \d+", found[0]).group(1))
        assert needle in lines[line - 1], f"{key} points at line {line}: {lines[line - 1]!r}"
        return found[0]

    problem("staff.agent.count", "count: -2")
    problem("operation.opens_at", "noon")
    problem("exercise.decisions.0.timer_s", "timer_s: 500")
    assert "'pilot'" in problem("segments.guest.service.role", "pilot")
    assert "'hug'" in problem("policies.expert.actions.1", "hug")
    assert "'z'" in problem("exercise.decisions.1.default", "default: z")
    assert "'hug'" in problem("exercise.decisions.1.choices.2.actions.0", "hug")
    assert len(problems) == 7, "\n".join(problems)


def test_an_invalid_named_entry_does_not_cause_false_cross_reference_errors(write_scenario):
    """A staff role with a bad value is still a role: segments sending customers to it are not 'unknown'."""
    data = mutate("staff.agent.count", "many")
    data["segments"]["guest"]["service"]["role"] = "agent"
    with pytest.raises(ScenarioError) as raised:
        load_scenario(write_scenario(data))
    assert len(raised.value.problems) == 1 and raised.value.problems[0].startswith("staff.agent.count")


def test_an_unknown_key_named_like_pydantics_key_marker_is_reported_not_crashed_on():
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text("'[key]': null\n", "odd.yaml")
    assert "unknown key '[key]'" in raised.value.message
