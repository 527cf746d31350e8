"""The classroom server: trainees and the trainer's console connect to it over websockets.

It runs on the trainer's machine, bound to the address the trainer chooses (loopback by default), and
keeps every event in the session's records the moment it arrives, before acknowledging it. Messages
are validated (see :mod:`.protocol`) and limited in size and rate; a refused message gets one reply,
is logged, and disturbs nobody else. The same port serves the projector's scoreboard page over HTTP.

Records are written on one worker thread, one message at a time and in arrival order, so the network
loop never waits on the disk and a slow disk cannot reorder a trainee's decisions.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import math
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, broadcast, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from ..errors import RecordsError
from ..store import TrainerRecords
from ..text import BilingualText
from .board import Board
from .debrief import build_group_debrief, debrief_data, debrief_html, debrief_png, decision_titles, plain_text
from .limits import CodeLockout, Limits, RateLimiter
from .page import board_page
from .protocol import Command, Hello, ProtocolError, Report, encode, parse_incoming, scenario_digest
from .records import Classroom, ClassroomRecords, Member, console_sender, thrown_event, thrown_label
from .writer import RecordsWriter

CLOSE_POLICY = 1008  # websocket close code: the peer broke the rules (wrong code, too many bad messages)
CLOSE_REPLACED = 4000  # the same trainee connected again from the same game
PUSH_INTERVAL_S = 0.1  # how often changed scoreboards go out: well inside the one-second promise
HISTORY_INTERVAL_S = 2.0


@dataclass(eq=False)
class _Peer:
    """One open connection and what it is allowed to do."""

    ws: ServerConnection
    limiter: RateLimiter
    role: str = ""
    member: Member | None = None
    client: str = ""
    refusals: int = 0
    sent_version: int = -1


@dataclass(frozen=True)
class ScenarioFacts:
    """What the server checks reports and commands against: the scenario's decision points and injects."""

    digest: str
    choices: dict[str, frozenset[str]] = field(default_factory=dict)
    injects: tuple[str, ...] = ()
    key_kpis: tuple[str, ...] = ()
    titles: dict[str, BilingualText] = field(default_factory=dict)  # decision point id -> title, for the debrief
    inject_titles: dict[str, BilingualText] = field(default_factory=dict)  # inject id -> title, for the console

    @classmethod
    def of(cls, scenario, source_text: str) -> "ScenarioFacts":
        exercise = scenario.exercise
        return cls(
            digest=scenario_digest(source_text),
            choices={d.id: frozenset(c.id for c in d.choices) for d in exercise.decisions},
            injects=tuple(i.id for i in exercise.injects),
            key_kpis=tuple(k.kpi for k in (getattr(scenario.meta, "key_kpis", None) or ())),
            titles=decision_titles(scenario),
            inject_titles={i.id: plain_text(i.title) for i in exercise.injects},
        )


class ClassroomServer:
    """One classroom, served: its records, its live board and its open connections."""

    def __init__(self, records: TrainerRecords, classroom: Classroom, facts: ScenarioFacts,
                 limits: Limits = Limits(), clock: Callable[[], float] = time.time):
        self.records = records
        self.store = ClassroomRecords(records)
        self.classroom = classroom
        self.facts = facts
        self.limits = limits
        session = records.get_session(classroom.session_id)
        self.board = Board(session.name, classroom.scenario_id, facts.key_kpis, clock)
        self.peers: set[_Peer] = set()
        self.trainees: dict[int, _Peer] = {}
        self.refused = 0
        self.lockout = CodeLockout(limits.wrong_codes, limits.wrong_codes_window_s, limits.lockout_s)
        self._writer: RecordsWriter | None = None
        self._server: Server | None = None
        self._tasks: list[asyncio.Task] = []
        self._restore_board()

    # -- life cycle -----------------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen on host:port (0: any free port); return the port."""
        self._server = await serve(self._handle, host, port, max_size=self.limits.max_message_bytes,
                                   process_request=self._http, ping_interval=5, ping_timeout=10, max_queue=64)
        self._writer = RecordsWriter(self.records)
        self._tasks.append(asyncio.create_task(self._push_loop()))
        return self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        if self._writer is not None:
            self._writer.close()

    async def _write(self, function, *args):
        return await self._writer.submit(function, *args)

    def _restore_board(self) -> None:
        """After a restart: the board as the records left it (members, answers, scores, last progress)."""
        room = self.classroom
        self.board.phase, self.board.timer, self.board.revealed = room.phase, room.timer, room.revealed
        self.thrown = self.store.injects(room)
        self.board.injects = [thrown_label(i) for i in self.thrown]
        for member in self.store.members(room):
            standing = self.board.standing(member.trainee.id, member.trainee.name)
            for event in self.store.events(room, sender=member.sender):
                self._apply_to_board(standing.trainee_id, event["kind"], event["minute"], event["data"])
            if member.turn.finished:
                standing.finished, standing.score = True, member.turn.score

    # -- HTTP: the projector page and the group debrief ------------------------------------------
    async def _http(self, connection: ServerConnection, request: Request) -> Response | None:
        if len(self.peers) >= self.limits.max_connections:
            return connection.respond(503, "The classroom is full.\n")
        if request.headers.get("Upgrade", "").lower() == "websocket":
            return None
        url = urlsplit(request.path)
        query = parse_qs(url.query)
        key = query.get("key", [""])[0]
        if url.path not in ("/board", "/board.json", "/debrief", "/debrief.json"):
            return connection.respond(404, "Not found. The scoreboard is at /board?key=CONSOLE-CODE.\n")
        if not hmac.compare_digest(key.encode(), self.classroom.console_code.encode()):
            return connection.respond(403, "Wrong or missing key: open the address srl-trainer serve printed.\n")
        if url.path == "/board.json":
            return _response(200, json.dumps(self.board.snapshot()), "application/json")
        if url.path == "/board":
            return _response(200, board_page(self.board.session), "text/html; charset=utf-8")
        names = query.get("names", ["0"])[0] == "1"
        debrief = await self._write(partial(build_group_debrief, self.records, self.classroom, names=names,
                                            titles=self.facts.titles))
        if url.path == "/debrief.json":
            return _response(200, json.dumps(debrief_data(debrief, self.facts.key_kpis), ensure_ascii=False), "application/json")
        lang = "zh" if query.get("lang", ["en"])[0] == "zh" else "en"
        png = await asyncio.to_thread(debrief_png, debrief, lang)
        return _response(200, debrief_html(debrief, lang, png), "text/html; charset=utf-8")

    # -- connections ----------------------------------------------------------------------------
    async def _handle(self, ws: ServerConnection) -> None:
        peer = _Peer(ws, RateLimiter(self.limits.messages_per_second, self.limits.burst))
        self.peers.add(peer)
        try:
            hello = await self._hello(peer)
            if hello is not None:
                await self._serve(peer, hello)
        except ConnectionClosed as closed:
            if closed.rcvd is not None and closed.rcvd.code == 1009 or closed.sent is not None and closed.sent.code == 1009:
                await self._log(peer, "refused", {"reason": "too_big"})
        finally:
            self.peers.discard(peer)
            await self._left(peer)

    async def _hello(self, peer: _Peer) -> Hello | None:
        try:
            raw = await asyncio.wait_for(peer.ws.recv(), self.limits.hello_timeout_s)
        except TimeoutError:
            await peer.ws.close(CLOSE_POLICY, "say hello first")
            return None
        try:
            hello = parse_incoming(raw)
        except ProtocolError as error:
            await self._refuse(peer, None, error.reason, str(error), close=True)
            return None
        if not isinstance(hello, Hello):
            await self._refuse(peer, None, "hello_first", "the first message must be a hello", close=True)
            return None
        address = _address(peer.ws)
        locked = self.lockout.remaining(address)
        if locked:
            await self._refuse(peer, None, "locked_out", f"too many wrong codes from this computer; try again in "
                               f"{math.ceil(locked)} s with the code your trainer gives", close=True)
            return None
        wanted = self.classroom.console_code if hello.role == "console" else self.classroom.join_code
        if not hmac.compare_digest(hello.code.upper().encode(), wanted.encode()):
            if self.lockout.failed(address):
                await self._log(peer, "locked_out", {"address": address, "seconds": self.limits.lockout_s})
            await self._refuse(peer, None, "wrong_code", "wrong code for this classroom", close=True)
            return None
        self.lockout.succeeded(address)
        if hello.role == "trainee" and hello.name is None:
            await self._refuse(peer, None, "name_missing", "a trainee joins with a name", close=True)
            return None
        return hello

    async def _serve(self, peer: _Peer, hello: Hello) -> None:
        peer.client = hello.client
        if hello.role == "trainee":
            if not await self._join(peer, hello):
                return
        else:
            peer.role = "console"
            await self._log(peer, "console_joined", {})
            await peer.ws.send(encode(self._welcome_console()))
            await peer.ws.send(encode(self.board.snapshot()))
            peer.sent_version = self.board.version
        async for raw in peer.ws:
            if not peer.limiter.allow():
                await self._refuse(peer, None, "rate_limited", "too many messages; slow down", retry=True)
                continue
            try:
                message = parse_incoming(raw)
            except ProtocolError as error:
                await self._refuse(peer, None, error.reason, str(error))
                continue
            if peer.role == "trainee" and isinstance(message, Report):
                await self._report(peer, message)
            elif peer.role == "console" and isinstance(message, Command):
                await self._command(peer, message)
            else:
                await self._refuse(peer, getattr(message, "id", None), "not_allowed",
                                   f"a {peer.role} cannot send a {message.type}")

    async def _join(self, peer: _Peer, hello: Hello) -> bool:
        try:
            member, new = await self._write(self.store.join, self.classroom, hello.name, hello.client)
        except RecordsError as error:
            await self._refuse(peer, None, "bad_name", str(error), close=True)
            return False
        current = self.trainees.get(member.trainee.id)
        if current is not None and current.client != hello.client:
            await self._refuse(peer, None, "name_taken",
                               f"{member.trainee.name} is already playing on another computer; join with another name",
                               close=True)
            return False
        if current is not None:  # the same game again: its old connection is dead or dying
            await current.ws.close(CLOSE_REPLACED, "replaced by a new connection")
        played = await self._write(self.store.played, self.classroom, member)
        await self._log(peer, "connected", {"new": new})
        # From here to the welcome going out nothing waits, so the welcome holds the room's state and every
        # message broadcast to the room afterwards reaches this trainee after it.
        peer.role, peer.member = "trainee", member
        self.trainees[member.trainee.id] = peer
        standing = self.board.standing(member.trainee.id, member.trainee.name)
        self.board.update(standing.trainee_id, connected=True)
        await peer.ws.send(encode({
            "type": "welcome", "role": "trainee", "name": member.trainee.name, "trainee": member.trainee.id,
            "session": self.board.session, "scenario": self.classroom.scenario_id, "digest": self.facts.digest,
            "seed": self.classroom.seed, "phase": self.board.phase, "timer": self.board.timer,
            "revealed": self.board.revealed, "injects": list(self.thrown),
            "played": [{"kind": e["kind"], "minute": e["minute"], "id": e["message_id"], **e["data"]} for e in played],
            "finished": member.turn.finished, "score": member.turn.score,
        }))
        return True

    async def _left(self, peer: _Peer) -> None:
        if peer.member is not None and self.trainees.get(peer.member.trainee.id) is peer:
            del self.trainees[peer.member.trainee.id]
            self.board.update(peer.member.trainee.id, connected=False)
            await self._log(peer, "disconnected", {})
        elif peer.role == "console":
            await self._log(peer, "console_left", {})

    def _welcome_console(self) -> dict[str, Any]:
        return {"type": "welcome", "role": "console", "session": self.board.session,
                "scenario": self.classroom.scenario_id, "join_code": self.classroom.join_code,
                "injects": list(self.facts.injects), "inject_titles": self.facts.inject_titles, "phase": self.board.phase, "timer": self.board.timer}

    # -- messages -------------------------------------------------------------------------------
    async def _report(self, peer: _Peer, report: Report) -> None:
        problem = self._check_report(report) or self._check_report_of(peer, report)
        if problem is not None:
            await self._refuse(peer, report.id, "invalid", problem)
            return
        try:
            new, peer.member = await self._write(self.store.record_report, self.classroom, peer.member, report)
        except (RecordsError, ValueError) as error:
            await self._refuse(peer, report.id, "not_recorded", str(error))
            return
        if new:
            body = report.body.model_dump(exclude={"kind"}, exclude_none=True)
            self._apply_to_board(peer.member.trainee.id, report.body.kind, report.minute, body)
        await peer.ws.send(encode({"type": "ack", "id": report.id}))

    def _check_report(self, report: Report) -> str | None:
        body = report.body
        if body.kind == "decision" and body.choice not in self.facts.choices.get(body.decision, ()):
            return f"{body.decision}/{body.choice} is not a decision and choice of {self.classroom.scenario_id}"
        if body.kind == "inject" and body.seq > len(self.board.injects):
            return f"there is no inject number {body.seq}"
        return None

    def _check_report_of(self, peer: _Peer, report: Report) -> str | None:
        """What the sender's own run rules out (on top of :meth:`_check_report`)."""
        if report.body.kind == "interval" and not peer.member.turn.finished:
            return "an interval comes after the run's finish"
        return None

    def _apply_to_board(self, trainee_id: int, kind: str, minute: float | None, data: dict[str, Any]) -> None:
        standing = self.board.standings[trainee_id]
        changes: dict[str, Any] = {"minute": max(standing.minute, minute or 0.0)}
        if kind == "decision":
            changes.update(decisions=standing.decisions + 1, mistakes=standing.mistakes + bool(data.get("mistake")),
                           waiting=False)
        elif kind == "progress":
            changes.update(kpis=self._shown_kpis(data.get("kpis", {})), score=data.get("score"),
                           waiting=bool(data.get("waiting")))
        elif kind == "finish":
            changes.update(kpis=self._shown_kpis(data.get("kpis", {})), score=data.get("score"), finished=True,
                           waiting=False)
        elif kind == "interval":
            changes.update(score=data["score"], interval=[data["low"], data["high"]], replications=data["replications"])
        elif kind not in ("action", "inject"):
            return
        self.board.update(trainee_id, **changes)

    def _shown_kpis(self, kpis: dict[str, float]) -> dict[str, float]:
        names = self.board.key_kpis or tuple(kpis)[:4]
        return {name: kpis[name] for name in names if name in kpis}

    async def _command(self, peer: _Peer, command: Command) -> None:
        problem = self._check_command(command)
        if problem is not None:
            await self._refuse(peer, command.id, "invalid", problem)
            return
        new, self.classroom = await self._write(self.store.record_command, self.classroom, peer.client, command)
        if new:
            board = self.board
            board.phase, board.timer, board.revealed = self.classroom.phase, self.classroom.timer, self.classroom.revealed
            board.touch()
            trainees = [p.ws for p in self.trainees.values()]
            if command.action in ("inject", "advance"):
                thrown = thrown_event(len(self.thrown) + 1, command.model_dump(exclude_none=True))
                self.thrown.append(thrown)
                board.injects.append(thrown_label(thrown))
                broadcast(trainees, encode({"type": "inject", **thrown}))
            else:
                broadcast(trainees, encode({"type": "state", "phase": board.phase, "timer": board.timer,
                                            "revealed": board.revealed}))
        await peer.ws.send(encode({"type": "ack", "id": command.id}))

    def _check_command(self, command: Command) -> str | None:
        if self.board.phase == "ended" and command.action != "reveal":
            return "the exercise has ended"
        if command.action == "start" and self.board.phase != "lobby":
            return "the exercise has already started"
        if command.action in ("pause", "inject", "advance") and self.board.phase not in ("running", "paused"):
            return f"'{command.action}' needs a started exercise"
        if command.action == "resume" and self.board.phase != "paused":
            return "the exercise is not paused"
        if command.action == "timers" and command.timer is None:
            return "'timers' needs timer: scenario, off or a number of seconds"
        if command.action == "advance" and command.minutes is None:
            return "'advance' needs minutes: how far to move every trainee's clock on"
        if command.action == "inject":
            if (command.inject is None) == (command.disruption is None):
                return "'inject' needs either inject (one of the scenario's) or disruption"
            if command.inject is not None and command.inject not in self.facts.injects:
                return f"{command.inject!r} is not an inject of {self.classroom.scenario_id}: {', '.join(self.facts.injects)}"
        return None

    async def _refuse(self, peer: _Peer, message_id: str | None, reason: str, detail: str, *,
                      retry: bool = False, close: bool = False) -> None:
        """Tell the sender why its message was refused and keep a note of it (the first few per connection)."""
        peer.refusals += 1
        self.refused += 1
        if peer.refusals <= self.limits.refusals_logged:
            await self._log(peer, "refused", {"reason": reason, "detail": detail[:300]})
        reply = {"type": "refused", "reason": reason, "detail": detail, "retry": retry}
        if message_id is not None:
            reply["id"] = message_id
        try:
            await peer.ws.send(encode(reply))
            if close or peer.refusals >= self.limits.refusals_before_close:
                await peer.ws.close(CLOSE_POLICY, reason if close else "too many refused messages")
        except ConnectionClosed:
            pass

    async def _log(self, peer: _Peer, kind: str, data: dict[str, Any]) -> None:
        if peer.member is not None:
            sender = peer.member.sender
        elif peer.role == "console":
            sender = console_sender(peer.client)
        else:
            sender = f"peer:{_address(peer.ws)}"
        await self._write(self.store.log, self.classroom, sender, kind, data)

    # -- pushing the board ----------------------------------------------------------------------
    async def _push_loop(self) -> None:
        last_sample = 0.0
        while True:
            await asyncio.sleep(PUSH_INTERVAL_S)
            now = time.monotonic()
            if now - last_sample >= HISTORY_INTERVAL_S:
                self.board.sample_history()
                last_sample = now
            self.push_board()

    def push_board(self) -> None:
        """Send the board to consoles (and, once revealed, to trainees) that have not seen this version."""
        version = self.board.version
        stale = [p for p in self.peers if p.sent_version != version and (p.role == "console" or
                                                                         p.role == "trainee" and self.board.revealed)]
        if not stale:
            return
        full = encode(self.board.snapshot())
        consoles = [p for p in stale if p.role == "console"]
        broadcast([p.ws for p in consoles], full)
        for peer in stale:
            if peer.role == "trainee":
                snapshot = self.board.snapshot(names=self.board.revealed == 2, me=peer.member.trainee.id)
                broadcast([peer.ws], encode(snapshot))
            peer.sent_version = version


def _address(ws: ServerConnection) -> str:
    """The address a connection comes from (its host, without the port)."""
    return str(ws.remote_address[0]) if ws.remote_address else "?"


def _response(status: int, body: str, content_type: str) -> Response:
    data = body.encode("utf-8")
    headers = Headers([("Content-Type", content_type), ("Content-Length", str(len(data))),
                       ("Cache-Control", "no-store"), ("X-Content-Type-Options", "nosniff")])
    return Response(status, "OK" if status == 200 else "Error", headers, data)


def load_facts(scenario_path: Path):
    """The scenario a classroom plays, read from its file, and the facts the server checks against."""
    from sim import load_scenario
    from sim.scenario import read_scenario_text

    scenario = load_scenario(scenario_path)
    if getattr(scenario, "exercise", None) is None:
        raise RecordsError(f"{scenario_path}: this scenario has no exercise section, so a classroom cannot play it.")
    return scenario, ScenarioFacts.of(scenario, read_scenario_text(Path(scenario_path)))
