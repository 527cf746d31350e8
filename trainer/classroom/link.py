"""The game's side of a classroom connection: send reliably, reconnect, resend without duplicates.

Every report or command gets an id when it is handed to the link and stays in the outbox until the
server acknowledges that id. After a dropped connection the link reconnects (waiting a little longer
each time) and sends the outbox again in its original order; the server keeps each id once, so a
message whose acknowledgement was lost is simply acknowledged again. A progress report replaces an
earlier one still waiting, since only the latest matters. With a file, the outbox survives the game
being closed or crashing.
"""
from __future__ import annotations

import asyncio
import json
import os
import queue
import threading
import uuid
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from .protocol import MAX_MESSAGE_BYTES

RETRY_DELAYS_S = (0.2, 0.5, 1.0, 2.0, 3.0)
FATAL_REASONS = frozenset({"wrong_code", "name_taken", "bad_name", "name_missing", "hello_first"})


def new_id() -> str:
    return uuid.uuid4().hex


class Outbox:
    """Messages waiting for the server's acknowledgement, in the order they were made."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self.pending: OrderedDict[str, dict[str, Any]] = OrderedDict()
        if path is not None and path.exists():
            try:
                for message in json.loads(path.read_text(encoding="utf-8")):
                    self.pending[message["id"]] = message
            except (ValueError, KeyError, TypeError):
                path.rename(path.with_suffix(".unreadable"))  # keep it for a person to look at; start afresh

    def add(self, message: dict[str, Any]) -> None:
        if _is_progress(message):
            for old in [k for k, m in self.pending.items() if _is_progress(m)]:
                del self.pending[old]
        self.pending[message["id"]] = message
        self._save()

    def acknowledge(self, message_id: str) -> bool:
        found = self.pending.pop(message_id, None) is not None
        if found:
            self._save()
        return found

    def _save(self) -> None:
        if self.path is None:
            return
        durable = [m for m in self.pending.values() if not _is_progress(m)]
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(durable), encoding="utf-8")
        os.replace(temporary, self.path)


def _is_progress(message: dict[str, Any]) -> bool:
    return message.get("type") == "report" and message.get("body", {}).get("kind") == "progress"


class Link:
    """One trainee's game or console, connected to the classroom server at ``url`` (ws://HOST:PORT)."""

    def __init__(self, url: str, hello: dict[str, Any], on_message: Callable[[dict[str, Any]], None],
                 outbox: Outbox | None = None, retry_delays: tuple[float, ...] = RETRY_DELAYS_S):
        self.url = url
        self.hello = hello
        self.on_message = on_message
        self.outbox = outbox or Outbox()
        self.retry_delays = retry_delays
        self.welcome: dict[str, Any] | None = None
        # What was still unacknowledged when the welcome came, before this connection sent anything: with the
        # welcome's record of what the server kept, exactly what was played (a game that restarted rebuilds
        # its run from both; read later, the outbox may have lost what the server acknowledged meanwhile).
        self.unsent_at_welcome: list[dict[str, Any]] = []
        self.fatal: dict[str, Any] | None = None  # the server refused us for good (wrong code, name taken)
        self.connections = 0
        self.connected = asyncio.Event()
        self._ws: ClientConnection | None = None
        self._wake = asyncio.Event()
        self._closing = False

    def send(self, message: dict[str, Any]) -> str:
        """Queue a report or command (an id is added if it has none); it is sent, and resent, until acknowledged."""
        message.setdefault("id", new_id())
        self.outbox.add(message)
        self._wake.set()
        return message["id"]

    @property
    def unacknowledged(self) -> int:
        return len(self.outbox.pending)

    async def run(self) -> None:
        """Stay connected until :meth:`close` (or a final refusal); reconnect after every drop."""
        failures = 0
        while not self._closing and self.fatal is None:
            try:
                async with connect(self.url, max_size=MAX_MESSAGE_BYTES, open_timeout=5, ping_interval=5,
                                   ping_timeout=10, close_timeout=1) as ws:
                    await ws.send(json.dumps(self.hello))
                    first = await self._welcome(ws)
                    if first.get("type") != "welcome":
                        if first.get("reason") in FATAL_REASONS:
                            self.fatal = first
                        self.on_message(first)
                        return
                    failures = 0
                    self.connections += 1
                    self.unsent_at_welcome = [dict(m) for m in self.outbox.pending.values()]
                    self.welcome = first
                    self.on_message(first)
                    self._ws = ws
                    self.connected.set()
                    sender = asyncio.create_task(self._send_outbox(ws))
                    try:
                        async for raw in ws:
                            self._receive(json.loads(raw))
                    finally:
                        sender.cancel()
            except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError, ValueError):
                pass
            except InvalidURI as error:
                self.fatal = {"type": "refused", "reason": "bad_address", "detail": str(error)}
                return
            finally:
                self._ws = None
                self.connected.clear()
            if self._closing:
                return
            await asyncio.sleep(self.retry_delays[min(failures, len(self.retry_delays) - 1)])
            failures += 1

    @staticmethod
    async def _welcome(ws: ClientConnection) -> dict[str, Any]:
        """The server's answer to our hello: a welcome or a refusal (room news sent before it is in the welcome)."""
        while True:
            message = json.loads(await ws.recv())
            if message.get("type") in ("welcome", "refused"):
                return message

    async def _send_outbox(self, ws: ClientConnection) -> None:
        """Send every waiting message once on this connection, oldest first, then wait for new ones."""
        sent: set[str] = set()
        while True:
            self._wake.clear()
            for message_id, message in list(self.outbox.pending.items()):
                if message_id not in sent:
                    sent.add(message_id)
                    await ws.send(json.dumps(message))
            await self._wake.wait()

    def _receive(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "ack":
            self.outbox.acknowledge(message.get("id", ""))
            return
        if kind == "refused" and message.get("id") and not message.get("retry"):
            self.outbox.acknowledge(message["id"])  # the server will never take it: stop resending
        self.on_message(message)

    async def drop(self) -> None:
        """Cut the connection abruptly, as a network failure would (for tests and drills)."""
        ws = self._ws
        if ws is not None:
            ws.transport.abort()

    async def close(self) -> None:
        self._closing = True
        self._wake.set()
        if self._ws is not None:
            await self._ws.close()


class LinkThread:
    """A :class:`Link` on its own thread, for the game's frame loop: send from any thread, poll messages.

    Messages go to ``on_message`` (called on the link's thread) when given, else to :meth:`messages`.
    """

    def __init__(self, url: str, hello: dict[str, Any], outbox_path: Path | None = None,
                 on_message: Callable[[dict[str, Any]], None] | None = None):
        self.inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self.link: Link | None = None

        def main() -> None:
            asyncio.set_event_loop(self._loop)
            self.link = Link(url, hello, on_message or self.inbox.put, Outbox(outbox_path))
            self._ready.set()
            self._loop.run_until_complete(self.link.run())

        self._thread = threading.Thread(target=main, name="classroom-link", daemon=True)
        self._thread.start()
        self._ready.wait()

    def send(self, message: dict[str, Any]) -> None:
        message.setdefault("id", new_id())
        self._loop.call_soon_threadsafe(self.link.send, message)

    def messages(self) -> list[dict[str, Any]]:
        """Everything received since the last call."""
        found = []
        while True:
            try:
                found.append(self.inbox.get_nowait())
            except queue.Empty:
                return found

    @property
    def connected(self) -> bool:
        return self.link.connected.is_set()

    def close(self) -> None:
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self.link.close(), self._loop)
            self._thread.join(timeout=3)
