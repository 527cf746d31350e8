"""The live scoreboard of a classroom: who has joined, where each trainee is, their score and key KPIs.

The server keeps one :class:`Board` in memory, updates it from every report, and hands out snapshots
(plain JSON-ready dicts) to the console, the projector page and, once the trainer reveals them, to the
trainees. ``version`` grows with every change, so a sender can skip snapshots nobody has seen change.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable

HISTORY_LIMIT = 240  # points of the group chart kept (one every few seconds: a whole session)
KEY_KPIS_SHOWN = 4


@dataclass
class Standing:
    """One trainee's line on the board."""

    trainee_id: int
    name: str
    connected: bool = False
    minute: float = 0.0
    decisions: int = 0
    mistakes: int = 0
    score: float | None = None
    kpis: dict[str, float] = field(default_factory=dict)
    waiting: bool = False
    finished: bool = False
    interval: list[float] | None = None  # the final score's 95 % interval, once the trainee's game replayed the run
    replications: int | None = None


class Board:
    """The state of the room as the trainer sees it, updated as reports arrive."""

    def __init__(self, session: str, scenario: str, key_kpis: Iterable[str] = (), clock: Callable[[], float] = time.time):
        self.session = session
        self.scenario = scenario
        self.key_kpis = tuple(key_kpis)[:KEY_KPIS_SHOWN]
        self.phase = "lobby"
        self.timer: str | float = "scenario"
        self.revealed = 0
        self.injects: list[str] = []
        self.standings: dict[int, Standing] = {}
        # (seconds since start, mean score, mean minute, lowest score, highest score): the group chart's points
        self.history: list[tuple[float, float | None, float, float | None, float | None]] = []
        self.version = 0
        self._clock = clock
        self._started = clock()

    def touch(self) -> None:
        self.version += 1

    def standing(self, trainee_id: int, name: str) -> Standing:
        found = self.standings.get(trainee_id)
        if found is None:
            found = self.standings[trainee_id] = Standing(trainee_id, name)
            self.touch()
        return found

    def update(self, trainee_id: int, **values: Any) -> None:
        """Change some fields of a trainee's standing."""
        standing = self.standings[trainee_id]
        for name, value in values.items():
            setattr(standing, name, value)
        self.touch()

    def sample_history(self) -> None:
        """Add a point to the group chart: the mean provisional score, the mean simulated minute, and the
        lowest and highest score (the spread of the room)."""
        scores = [s.score for s in self.standings.values() if s.score is not None]
        minutes = [s.minute for s in self.standings.values()]
        point = (round(self._clock() - self._started, 1), round(sum(scores) / len(scores), 1) if scores else None,
                 round(sum(minutes) / len(minutes), 1) if minutes else 0.0,
                 round(min(scores), 1) if scores else None, round(max(scores), 1) if scores else None)
        if self.history and self.history[-1][1:] == point[1:]:
            return
        self.history.append(point)
        del self.history[:-HISTORY_LIMIT]
        self.touch()

    def snapshot(self, *, names: bool = True, me: int | None = None) -> dict[str, Any]:
        """The board as JSON-ready data, best score first; with names=False everyone but ``me`` is a rank."""
        rows = sorted(self.standings.values(), key=lambda s: (-(s.score if s.score is not None else -1), s.trainee_id))
        lines = []
        for rank, standing in enumerate(rows, start=1):
            line = asdict(standing)
            line["rank"] = rank
            line["me"] = standing.trainee_id == me
            if not names and standing.trainee_id != me:
                line["name"] = f"#{rank}"
                del line["trainee_id"]
            lines.append(line)
        return {
            "type": "board", "version": self.version, "session": self.session, "scenario": self.scenario,
            "phase": self.phase, "timer": self.timer, "revealed": self.revealed, "key_kpis": list(self.key_kpis),
            "injects": list(self.injects), "trainees": lines, "joined": len(self.standings),
            "connected": sum(s.connected for s in self.standings.values()),
            "finished": sum(s.finished for s in self.standings.values()),
            "history": [list(p) for p in self.history], "sent_at": self._clock(),
        }
