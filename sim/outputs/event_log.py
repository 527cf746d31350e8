"""Writing a run's event log as JSON lines, streamed so a long run needs no memory for it."""
from __future__ import annotations

import json
from pathlib import Path
from typing import IO

from ..atomic_write import atomic_open
from ..model.events import Event
from ..exercise import run_once
from ..scenario import Scenario
from ..scenario.policies import Policy


class JsonLinesSink:
    """An event sink for :class:`sim.Model`: each event becomes one JSON line as it happens."""

    def __init__(self, stream: IO[str]):
        self.stream = stream
        self.count = 0

    def append(self, event: Event) -> None:
        self.stream.write(json.dumps(event.to_json(), ensure_ascii=False, allow_nan=False, default=str) + "\n")
        self.count += 1


def write_event_log(path: str | Path, scenario: Scenario, seed: int = 0, replication: int = 0,
                    policy: str | Policy | None = None) -> int:
    """Run one replication, exactly as ``run`` runs it (exercise and policy included), with its event log
    streamed to ``path``; return the number of events.

    The log is streamed to a temporary file that replaces ``path`` only once the run is complete.
    """
    with atomic_open(path) as stream:
        sink = JsonLinesSink(stream)
        run_once(scenario, seed, replication, policy, event_sink=sink)
    return sink.count
