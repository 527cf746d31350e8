"""The classroom protocol: every message a trainee's game, the trainer's console and the server exchange.

Messages are JSON objects sent as websocket text frames, one message a frame, each with a ``type``.
Everything that arrives is validated here (pydantic) before the server looks at it, so a malformed,
oversized or unknown message is refused with one error reply and never reaches the records.

A report or a console command carries an ``id`` chosen by its sender: the server keeps each id once
and acknowledges it, so a sender that lost its connection simply resends whatever was not
acknowledged, and nothing is recorded twice.
"""
from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError, model_validator

PROTOCOL_VERSION = 1
MAX_MESSAGE_BYTES = 16 * 1024  # a report is a few hundred bytes; anything near this is refused
MAX_KPIS = 40

MessageId = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Ident = Annotated[str, StringConstraints(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.:+-]+$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=40)]
Minute = Annotated[float, Field(ge=0, le=1e7, allow_inf_nan=False)]
Number = Annotated[float, Field(allow_inf_nan=False)]
Label = Annotated[str, StringConstraints(max_length=300)]
Kpis = Annotated[dict[Ident, Number], Field(max_length=MAX_KPIS)]
TimerSetting = Union[Literal["scenario", "off"], Annotated[float, Field(gt=0, le=600, allow_inf_nan=False)]]

PHASES = ("lobby", "running", "paused", "ended")
Phase = Literal["lobby", "running", "paused", "ended"]


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- sent by trainees and consoles ------------------------------------------------------------------


class Hello(_Message):
    """The first message on every connection: who is joining, with which code."""

    type: Literal["hello"]
    role: Literal["trainee", "console"]
    code: Code
    name: Name | None = Field(None, description="the trainee's name (trainees only)")
    client: MessageId = Field(description="a random id the game keeps for the trainee's machine")
    protocol: int = PROTOCOL_VERSION


class DecisionReport(_Message):
    """An answer given at a decision point, as the trainee's game judged it."""

    kind: Literal["decision"]
    decision: Ident
    choice: Ident
    feedback_key: Ident | None = None
    mistake: bool = False
    label: Label | dict[Literal["en", "zh"], Label] | None = None
    mood_before: Number | None = None
    mood_after: Number | None = None


class ActionReport(_Message):
    """A play action (a verb on a customer, a segment or a staff role)."""

    kind: Literal["action"]
    verb: Ident
    customer: int | None = None
    role: Ident | None = None
    cast: Ident | None = None
    segment: Ident | None = None
    after_decisions: Annotated[int, Field(ge=0, le=10_000)] = 0


class InjectReport(_Message):
    """The game applied one of the trainer's injects (numbered by the server) at this minute."""

    kind: Literal["inject"]
    seq: Annotated[int, Field(ge=1, le=10_000)]


class ProgressReport(_Message):
    """Where the trainee is: decisions answered, the model's KPIs so far and the provisional score."""

    kind: Literal["progress"]
    decisions: Annotated[int, Field(ge=0, le=10_000)]
    kpis: Kpis = Field(default_factory=dict)
    score: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)] | None = None
    waiting: bool = Field(False, description="a decision is open and waiting for the trainee")


class FinishReport(_Message):
    """The end of the trainee's run: the score (0..100) and the KPIs behind it."""

    kind: Literal["finish"]
    score: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
    kpis: Kpis


class IntervalReport(_Message):
    """The finished run's score measured as the game's debrief measures it: the trainee's answers and actions
    replayed over ``replications`` seeds next to the scenario's policies, with its 95 % interval."""

    kind: Literal["interval"]
    score: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
    low: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
    high: Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
    replications: Annotated[int, Field(ge=1, le=10_000)]

    @model_validator(mode="after")
    def _ordered(self) -> "IntervalReport":
        if not self.low <= self.score <= self.high:
            raise ValueError("an interval needs low <= score <= high")
        return self


ReportBody = Annotated[
    Union[DecisionReport, ActionReport, InjectReport, ProgressReport, FinishReport, IntervalReport],
    Field(discriminator="kind"),
]


class Report(_Message):
    """Something the trainee's game did or measured at a simulated minute; acknowledged by ``id``."""

    type: Literal["report"]
    id: MessageId
    minute: Minute
    body: ReportBody


class Disruption(_Message):
    """A failure thrown at every customer present (of one segment, or of all)."""

    category: Literal["delivery_system", "customer_needs", "employee_action"] = "delivery_system"
    severity: Literal["minor", "major", "critical"] = "major"
    segment: Ident | None = None


class Command(_Message):
    """A console's order to the whole room."""

    type: Literal["command"]
    id: MessageId
    action: Literal["start", "pause", "resume", "timers", "inject", "advance", "end", "reveal"]
    timer: TimerSetting | None = Field(None, description="with 'timers': scenario timers, off, or seconds")
    inject: Ident | None = Field(None, description="with 'inject': one of the scenario's injects")
    disruption: Disruption | None = Field(None, description="with 'inject': a disruption instead")
    minutes: Annotated[float, Field(gt=0, le=600, allow_inf_nan=False)] | None = Field(
        None, description="with 'advance': move every trainee's clock on this many simulated minutes")
    reveal: bool = Field(True, description="with 'reveal': show (true) or hide (false) the group's results")
    names: bool = Field(False, description="with 'reveal': show names (otherwise trainees are anonymised)")


Incoming = Annotated[Union[Hello, Report, Command], Field(discriminator="type")]
_incoming = TypeAdapter(Incoming)


class ProtocolError(ValueError):
    """A message that cannot be accepted; ``reason`` is a short code, the message a sentence for logs."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def parse_incoming(raw: str | bytes) -> Hello | Report | Command:
    """Validate one frame from a client; raise ProtocolError saying what is wrong."""
    if isinstance(raw, bytes):
        raise ProtocolError("binary", "binary frames are not part of the protocol; send JSON text")
    if len(raw.encode("utf-8", "surrogatepass")) > MAX_MESSAGE_BYTES:
        raise ProtocolError("too_big", f"message longer than {MAX_MESSAGE_BYTES} bytes")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise ProtocolError("not_json", "message is not JSON") from None
    try:
        return _incoming.validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "message"
        raise ProtocolError("invalid", f"{where}: {first['msg']}") from None


def encode(message: dict[str, Any] | BaseModel) -> str:
    """One outgoing frame: a message model or a plain dict, as compact JSON."""
    if isinstance(message, BaseModel):
        return message.model_dump_json(exclude_none=True)
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def scenario_digest(text: str) -> str:
    """A short fingerprint of a scenario file, so a trainee with a different file is told before playing."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
