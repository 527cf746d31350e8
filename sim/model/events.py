"""Typed records of what happened in a run: the event log the game renders and the debrief explains."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import Enum
from typing import Any


class EventKind(str, Enum):
    """Everything the model can report about one customer or one disruption."""

    ARRIVAL = "arrival"
    BALK = "balk"
    SERVICE_START = "service_start"
    SERVICE_END = "service_end"
    ABANDON = "abandon"
    FAILURE = "failure"
    COMPLAINT = "complaint"
    RECOVERY_ACTION = "recovery_action"
    RESOLUTION = "resolution"
    DEPARTURE = "departure"
    WORD_OF_MOUTH = "word_of_mouth"
    DISRUPTION = "disruption"
    INJECT = "inject"
    DECISION = "decision"  # a trainee's (or a policy's) answer at a decision point
    ACTION = "action"  # an outside action applied to the model (Model.apply)


@dataclass(slots=True)
class Event:
    """One thing that happened at ``time`` (minutes) to ``customer`` (an id, or -1 for none)."""

    time: float
    kind: EventKind
    customer: int = -1
    segment: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        record = asdict(self)
        record["kind"] = self.kind.value
        record["time"] = round(self.time, 6)
        return record
