"""Numbers no operation has (1e308 minutes, a 30-digit count) are refused by name; extreme but real ones run.

Every such number used to pass validation and then overflow the run's arithmetic (a traceback), or
turn money KPIs into infinity.
"""
from __future__ import annotations

import copy
import math
import re

import numpy as np
import pytest
import yaml

from sim import ScenarioError, load_scenario_text, replicate
from sim.model.durations import make_sampler
from sim.model.random_streams import Stream
from sim.scenario.distributions import LogNormal

from .test_scenario_validation import ROOT

BANK = yaml.safe_load((ROOT / "scenarios" / "bank_branch.yaml").read_text(encoding="utf-8"))


def numeric_leaves(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from numeric_leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from numeric_leaves(value, (*path, index))
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield path


def with_value(data: dict, path: tuple, value) -> str:
    data = copy.deepcopy(data)
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return yaml.safe_dump(data, allow_unicode=True)


@pytest.mark.parametrize("value", [1e308, -1e308, 10**30, 2e12], ids=["1e308", "-1e308", "30 digits", "2e12"])
def test_every_number_beyond_any_operation_is_refused_naming_its_key(value):
    leaves = list(numeric_leaves(BANK))
    assert len(leaves) > 60
    for path in leaves:
        with pytest.raises(ScenarioError) as refused:
            load_scenario_text(with_value(BANK, path, value), "bank.yaml")
        named = path[:-1] if isinstance(path[-1], int) else path  # a value in a list is named by the list
        shown = [re.sub(r"\.(exponential|lognormal|fixed|uniform|gamma|weibull)\.", ".", line.lstrip(" -"))
                 for line in refused.value.problems]  # (which kind of distribution it was read as)
        assert any(line.startswith(".".join(map(str, named))) for line in shown), (path, refused.value.problems)


def test_lists_of_numbers_are_checked_too():
    rates = BANK["segments"]["regular"]["arrivals_per_hour"]
    with pytest.raises(ScenarioError, match="far beyond any real operation"):
        load_scenario_text(with_value(BANK, ("segments", "regular", "arrivals_per_hour"), [1e300, *rates[1:]]), "bank.yaml")


@pytest.mark.parametrize("mean,sd", [(1e-300, 3.0), (4.0, 1e12), (1e12, 1e-300), (1e-300, 1e12)])
def test_a_lognormal_of_any_spread_draws_finite_durations(mean, sd):
    draw = make_sampler(LogNormal(dist="lognormal", mean=mean, sd=sd), Stream(np.random.default_rng(3)))
    draws = [draw() for _ in range(2000)]
    assert all(math.isfinite(x) and x >= 0 for x in draws)


def test_a_lognormal_keeps_its_mean_and_sd():
    """The overflow-free formula is the usual one: mean 6, sd 3 are reproduced (5-sigma tolerances)."""
    draw = make_sampler(LogNormal(dist="lognormal", mean=6.0, sd=3.0), Stream(np.random.default_rng(11)))
    draws = np.array([draw() for _ in range(40_000)])
    assert abs(draws.mean() - 6.0) < 5 * 3.0 / math.sqrt(len(draws))
    assert abs(draws.std() - 3.0) < 0.15


@pytest.mark.parametrize("setting", [("service", "time", "mean", 1e-300), ("service", "time", "sd", 1e12),
                                     ("patience_min", "mean", 1e12)])
def test_extreme_but_finite_durations_run_to_the_end(setting):
    *path, value = setting
    text = with_value(BANK, ("segments", "regular", *path), value)
    result = replicate(load_scenario_text(text, "bank.yaml"), 2, 0, workers=1)
    assert 0 <= result.kpis["served"]["mean"] <= result.kpis["arrived"]["mean"]
    assert all(0 <= result.kpis[name]["mean"] <= 1 for name in ("service_level", "abandon_rate", "prob_wait"))


def test_a_weibull_shape_whose_mean_would_overflow_is_refused():
    service = {"role": "teller", "time": {"dist": "weibull", "shape": 0.001, "scale": 3}}
    with pytest.raises(ScenarioError, match="shape.*greater than or equal to 0.1"):
        load_scenario_text(with_value(BANK, ("segments", "regular", "service"), service), "bank.yaml")
