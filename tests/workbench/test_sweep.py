"""Sweeps: the --param syntax, the grid, common random numbers across points, and the rows written out."""
from __future__ import annotations

import pytest
from workbench_helpers import same_numbers

from sim.errors import ScenarioError, UserError
from sim.experiments.replications import replicate
from sim.experiments.sweep import Param, grid, parse_param, parse_values, sweep
from sim.scenario.variants import scenario_variant


@pytest.mark.parametrize("text,values", [
    ("2:12", tuple(range(2, 13))),
    ("2:12:5", (2, 7, 12)),
    ("3:3", (3,)),
    ("-2:0", (-2, -1, 0)),
    ("low,high", ("low", "high")),
    ("0.5, 1.5", (0.5, 1.5)),
    ("true,false", (True, False)),
    ("[1, 2]", ([1, 2],)),
    ("[], [{start_min: 0, end_min: 60, count: 3}]", ([], [{"start_min": 0, "end_min": 60, "count": 3}])),
    ("\"09:00\",\"10:00\"", ("09:00", "10:00")),
    ("7", (7,)),
])
def test_values_are_ranges_or_yaml_lists(text, values):
    assert parse_values(text, "--param x") == values


@pytest.mark.parametrize("text,fragment", [
    ("staff.agent.count", "write it as KEY.PATH=VALUES"),
    ("=2:3", "write it as KEY.PATH=VALUES"),
    ("staff.agent.count=", "write it as KEY.PATH=VALUES"),
    ("staff.agent.count=5:2", "'5:2' is an empty range"),
    ("staff.agent.count=1:5:0", "'1:5:0' is an empty range"),
    ("recovery.empowerment=low,,high", "cannot read .low,,high.; give FIRST:LAST"),
])
def test_bad_param_syntax_is_one_clear_error(text, fragment):
    with pytest.raises(UserError, match=fragment):
        parse_param(text)


def test_the_grid_is_every_combination_with_the_last_key_fastest():
    points = grid([Param("a", (1, 2)), Param("b", ("x", "y", "z"))])
    assert points == [{"a": a, "b": b} for a in (1, 2) for b in ("x", "y", "z")]


def test_every_point_shares_the_customers_and_matches_a_plain_replicate(lounge):
    result = sweep(lounge, {"staff.agent.count": [4, 6], "recovery.empowerment": ["low", "high"]}, 5, seed=8, workers=1)
    assert [p.settings for p in result.points] == grid(result.params)
    # common random numbers: the arrivals of replication i are the same at every point
    first = result.points[0].kpis["arrived"]["mean"]
    assert all(p.kpis["arrived"]["mean"] == first for p in result.points)
    # a point is exactly a replicate() of the scenario with that point's settings
    alone = replicate(scenario_variant(lounge, result.points[3].settings), 5, seed=8, workers=1)
    assert same_numbers(alone.kpis, result.points[3].kpis)
    assert result.points[0].kpis["mean_wait_min"]["mean"] > result.points[2].kpis["mean_wait_min"]["mean"]


def test_rows_have_settings_then_mean_and_interval_per_kpi(lounge):
    result = sweep(lounge, ["staff.agent.count=5:6"], 3, seed=1, workers=1)
    rows = result.rows(["service_level"])
    assert list(rows[0]) == ["staff.agent.count", "replications", "service_level.mean", "service_level.low", "service_level.high"]
    assert [r["staff.agent.count"] for r in rows] == [5, 6]
    assert all(r["service_level.low"] <= r["service_level.mean"] <= r["service_level.high"] for r in rows)
    data = result.to_dict()
    assert data["params"] == {"staff.agent.count": [5, 6]} and len(data["points"]) == 2


def test_an_unknown_key_path_names_the_flag_and_the_options(lounge):
    with pytest.raises(ScenarioError) as caught:
        sweep(lounge, ["staff.agnt.count=2:3"], 2, workers=1)
    assert "--param staff.agnt.count: 'staff.agnt' does not exist" in caught.value.message
    assert "options at that level: agent" in caught.value.message


def test_a_bad_value_names_the_point(lounge):
    with pytest.raises(ScenarioError, match=r"with --param recovery.empowerment='great'.*recovery.empowerment"):
        sweep(lounge, ["recovery.empowerment=low,great"], 2, workers=1)


def test_a_key_given_twice_is_refused(lounge):
    with pytest.raises(UserError, match="given more than once"):
        sweep(lounge, ["staff.agent.count=2:3", "staff.agent.count=4"], 2, workers=1)
