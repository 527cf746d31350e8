"""Fuzzing the protocol: random and malformed messages never crash the server or disturb another trainee."""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from trainer.classroom.limits import Limits
from trainer.classroom.records import ClassroomRecords

from .conftest import ThreadedServer

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=20,
)
FIELD_VALUES = JSON | st.sampled_from(["decision", "report", "hello", "command", "start", "end", "inject",
                                       "storm_question", "honest_update", 1e308, -1, "", "x" * 200])


@st.composite
def near_miss(draw) -> dict:
    """A real message with some fields changed, removed or added: the malformed messages worth trying."""
    templates = [
        {"type": "report", "id": "a1", "minute": 3.0,
         "body": {"kind": "decision", "decision": "storm_question", "choice": "honest_update"}},
        {"type": "report", "id": "a2", "minute": 4.0, "body": {"kind": "progress", "decisions": 1, "kpis": {"complaints": 2}}},
        {"type": "report", "id": "a3", "minute": 9.0, "body": {"kind": "finish", "score": 50, "kpis": {}}},
        {"type": "report", "id": "a4", "minute": 9.0, "body": {"kind": "inject", "seq": 1}},
        {"type": "command", "id": "c1", "action": "start"},
        {"type": "hello", "role": "console", "code": "ABCDEF", "client": "x"},
    ]
    message = json.loads(json.dumps(draw(st.sampled_from(templates))))
    target = message if draw(st.booleans()) or "body" not in message else message["body"]
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from(sorted(target) + ["extra", "kind", "id"]))
        if draw(st.booleans()):
            target[key] = draw(FIELD_VALUES)
        else:
            target.pop(key, None)
    return message


MESSAGES = (near_miss().map(json.dumps) | JSON.map(json.dumps) | st.text(max_size=200)
            | st.binary(max_size=200) | st.just("{" * 5000))


class _Errors(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _join(stack: contextlib.ExitStack, url: str, code: str, name: str, client: str):
    ws = stack.enter_context(connect(url, max_size=None, open_timeout=5))
    ws.send(json.dumps({"type": "hello", "role": "trainee", "code": code, "name": name, "client": client}))
    assert json.loads(ws.recv(timeout=5))["type"] == "welcome"
    return ws


def test_random_and_malformed_messages_never_crash_the_server_or_disturb_others(room):
    errors = _Errors()
    logging.getLogger("websockets").addHandler(errors)
    # Every connection here comes from the one loopback address, and hellos with wrong codes are among the
    # fuzz: the lockout after wrong codes (tested in test_classroom_safety) would shut the good trainee out.
    served = ThreadedServer(room, Limits(wrong_codes=10**6))
    code = room.classroom.join_code
    stack = contextlib.ExitStack()
    good = _join(stack, served.url, code, "Good", "good-game")
    fuzzer = {"ws": _join(stack, served.url, code, "Fuzzer", "fuzz-game")}
    sent_by_good = []

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(message=MESSAGES, first=st.booleans())
    def send(message, first):
        if first:  # as the first message of a new connection, in place of the hello
            with connect(served.url, max_size=None, open_timeout=5) as stranger:
                stranger.send(message)
                try:
                    reply = json.loads(stranger.recv(timeout=5))
                    assert reply["type"] in ("refused", "welcome")
                except ConnectionClosed:
                    pass
        else:
            try:
                fuzzer["ws"].send(message)
                reply = json.loads(fuzzer["ws"].recv(timeout=5))
                assert reply["type"] in ("refused", "ack")
            except ConnectionClosed:  # too big, or too many refusals: this trainee's connection alone is closed
                fuzzer["ws"] = _join(stack, served.url, code, "Fuzzer", "fuzz-game")
        message_id = f"good{len(sent_by_good)}"
        good.send(json.dumps({"type": "report", "id": message_id, "minute": len(sent_by_good),
                              "body": {"kind": "progress", "decisions": 0, "kpis": {"complaints": 1}}}))
        assert json.loads(good.recv(timeout=5)) == {"type": "ack", "id": message_id}
        sent_by_good.append(message_id)

    try:
        send()
    finally:
        stack.close()
        served.stop()
        logging.getLogger("websockets").removeHandler(errors)
    assert errors.records == [], [r.getMessage() for r in errors.records]
    stored = ClassroomRecords(room.records).events(room.classroom, "progress", sender="trainee:1")
    assert [e["message_id"] for e in stored] == sent_by_good
    assert ClassroomRecords(room.records).events(room.classroom, "refused")
