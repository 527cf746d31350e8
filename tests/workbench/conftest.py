"""Fixtures of the planning workbench tests: a small evening lounge with failures and two policies."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

import sim

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the test modules import workbench_helpers

from workbench_helpers import lounge_data, write_scenario  # noqa: E402


@pytest.fixture
def lounge_file(tmp_path) -> Path:
    return write_scenario(tmp_path, lounge_data())


@pytest.fixture
def lounge(lounge_file) -> sim.Scenario:
    return sim.load_scenario(lounge_file)
