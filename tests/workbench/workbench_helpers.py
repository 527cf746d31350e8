"""Helpers of the planning workbench tests: a small lounge scenario and exact comparison of results."""
from __future__ import annotations

from pathlib import Path

import yaml


def lounge_data(rates_per_hour=(40, 60), agents: int = 5, failures: bool = True) -> dict:
    """An evening lounge: guests queue for agents; failures, complaints and two recovery policies."""
    data = {
        "meta": {"title": {"en": "Evening lounge"}, "currency": "CNY"},
        "operation": {"opens_at": "18:00", "duration_min": 60 * len(rates_per_hour), "service_level_threshold_min": 5},
        "segments": {
            "guest": {
                "arrivals_per_hour": list(rates_per_hour),
                "service": {"role": "agent", "time": {"dist": "exponential", "mean": 5}},
                "patience_min": {"dist": "exponential", "mean": 20},
                "value": 500,
            }
        },
        "staff": {"agent": {"count": agents, "cost_per_hour": 80}},
        "policies": {
            "standard_process": {"empowerment": "low", "actions": ["acknowledge"]},
            "empowered": {"empowerment": "high", "actions": ["acknowledge", "apologise", "fix"]},
        },
    }
    if failures:
        data["failures"] = {"categories": {"delivery_system": 0.05, "customer_needs": 0.02, "employee_action": 0.01}}
    return data


def write_scenario(folder: Path, data: dict, name: str = "lounge") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def same_numbers(a, b) -> bool:
    """Exact equality of nested results, NaN included (``repr`` of a float round-trips every bit)."""
    return repr(a) == repr(b)
