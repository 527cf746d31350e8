"""Shared test helpers: scenario builders for textbook queues."""
from __future__ import annotations

import os

import pytest
import yaml

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("MPLBACKEND", "Agg")


def queue_scenario_dict(arrivals_per_min: float, service_mean: float, servers: int, minutes: float,
                        warmup_share: float = 0.1, patience_mean: float | None = None, failures: dict | None = None) -> dict:
    """An M/M/c (or M/M/c+M) scenario as data: one segment, one role, constant rate."""
    segment = {
        "arrivals_per_hour": arrivals_per_min * 60,
        "service": {"role": "agent", "time": {"dist": "exponential", "mean": service_mean}},
    }
    if patience_mean is not None:
        segment["patience_min"] = {"dist": "exponential", "mean": patience_mean}
    data = {
        "meta": {"title": "textbook queue"},
        "operation": {"duration_min": minutes, "warmup_min": minutes * warmup_share},
        "segments": {"customer": segment},
        "staff": {"agent": {"count": servers}},
    }
    if failures is not None:
        data["failures"] = failures
    return data


@pytest.fixture
def make_queue():
    """Build a validated textbook-queue scenario: ``make_queue(arrivals_per_min, service_mean, servers, minutes)``."""
    from sim import load_scenario_text

    def build(*args, **kwargs):
        return load_scenario_text(yaml.safe_dump(queue_scenario_dict(*args, **kwargs)), "textbook.yaml")

    return build


@pytest.fixture
def write_scenario(tmp_path):
    """Write scenario data (a dict or YAML text) to a file and return its path."""

    def write(data, name: str = "scenario.yaml"):
        path = tmp_path / name
        path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path

    return write
