"""Directions a planner relies on, each a paired comparison under common random numbers (95 % intervals)."""
from __future__ import annotations

import yaml

from sim import load_scenario_text, run_once
from sim.experiments.statistics import confidence_interval

REPLICATIONS = 20
SEED = 5


def busy_counter(supervisors: int | None = 1, empowerment: str = "low", channels: int = 1, agents: int = 7, days: int = 3):
    """A counter where failures are frequent and escalated cases queue for supervisors."""
    data = {
        "meta": {"title": "directions"},
        "operation": {"duration_min": 600, "days": days},
        "segments": {"customer": {"arrivals_per_hour": 60, "value": 40,
                                  "service": {"role": "agent", "time": {"dist": "exponential", "mean": 5}}}},
        "staff": {"agent": {"count": agents}, "supervisor": {"count": supervisors or 0}},
        "failures": {"categories": {"delivery_system": 0.12, "customer_needs": 0.06, "employee_action": 0.04}},
        "behaviour": {"channels": channels, "complaint_propensity": {"minor": 0.2, "major": 0.3, "critical": 0.5}},
        "recovery": {"supervisor_role": "supervisor" if supervisors else None, "empowerment": empowerment,
                     "actions": {"apologise": {"staff_min": 3, "restores": 0.1},
                                 "fix": {"staff_min": 20, "cost": 20, "restores": 0.2}},
                     "default_actions": ["apologise", "fix"]},
    }
    return load_scenario_text(yaml.safe_dump(data))


def paired(better, worse, kpi):
    """95 % interval of better - worse over replications sharing their random numbers."""
    differences = [run_once(better, SEED, r)[kpi] - run_once(worse, SEED, r)[kpi] for r in range(REPLICATIONS)]
    return confidence_interval(differences)


def test_more_supervisors_shorten_recovery_and_raise_retention():
    """Escalated cases wait less for a supervisor, so the customers recovered keep more loyalty (a gain of
    a few points among the recovered, too small to see in the retention of every customer)."""
    few, many = busy_counter(supervisors=1), busy_counter(supervisors=4)
    _, _, delay_high = paired(many, few, "mean_recovery_delay_min")
    assert delay_high < 0
    _, retention_low, _ = paired(many, few, "recovered_retention_rate")
    assert retention_low > 0


def test_more_empowerment_shortens_recovery_and_raises_retention():
    """Without empowerment, cases go to head office and are answered the next day.

    Retention is that of the customers who got a recovery: fixing on the spot also takes front-line
    time, which on a busy counter lengthens queues and raises the failure rate for everyone else.
    """
    low = busy_counter(empowerment="low", supervisors=None, agents=9)
    high = busy_counter(empowerment="high", supervisors=None, agents=9)
    _, _, delay_high = paired(high, low, "mean_recovery_delay_min")
    assert delay_high < 0
    _, retention_low, _ = paired(high, low, "recovered_retention_rate")
    assert retention_low > 0


def test_more_channels_bring_more_complaints_but_fewer_customers_lost():
    one, three = busy_counter(channels=1, supervisors=4), busy_counter(channels=3, supervisors=4)
    _, complaints_low, _ = paired(three, one, "complaints")
    assert complaints_low > 0
    _, _, lost_high = paired(three, one, "customers_lost_wom")
    assert lost_high < 0
