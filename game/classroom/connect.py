"""Connecting the game to a classroom: the server's address, the hello, and the outbox kept on disk."""
from __future__ import annotations

import hashlib
import json
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import platformdirs

from trainer.classroom.link import LinkThread, new_id

ADDRESS = re.compile(r"^\s*(?:ws://)?(?P<host>[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:]+\]):(?P<port>\d{1,5})/?\s*$")


def server_url(address: str) -> str | None:
    """``ws://HOST:PORT`` for an address typed as HOST:PORT, or None when it is not one."""
    found = ADDRESS.match(address or "")
    if found is None or not 0 < int(found["port"]) < 65536:
        return None
    return f"ws://{found['host']}:{int(found['port'])}"


def page_url(address: str, path: str, **query: str) -> str | None:
    """``http://HOST:PORT/PATH?QUERY`` of a page the classroom server serves (the board, the group debrief)."""
    url = server_url(address)
    return None if url is None else f"http{url[2:]}{path}?{urllib.parse.urlencode(query)}"


class Fetch:
    """One JSON page fetched from the classroom server on a background thread, so the screen keeps drawing."""

    TIMEOUT_S = 10.0

    def __init__(self, url: str):
        self.url = url
        self.data: Any = None
        self.error: str | None = None
        self._thread = threading.Thread(target=self._get, name="classroom-fetch", daemon=True)
        self._thread.start()

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def _get(self) -> None:
        try:
            with urllib.request.urlopen(self.url, timeout=self.TIMEOUT_S) as reply:
                self.data = json.loads(reply.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            self.error = f"{error.code} {error.reason}"
        except (OSError, ValueError) as error:
            self.error = str(getattr(error, "reason", None) or error)


def outbox_path(address: str, code: str, name: str) -> Path:
    """Where a trainee's unacknowledged reports are kept, so a crashed game sends them when it joins again."""
    key = hashlib.sha256(f"{address}|{code.upper()}|{' '.join(name.split()).casefold()}".encode()).hexdigest()[:20]
    folder = platformdirs.user_data_path("service-recovery-lab", appauthor=False) / "classroom"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"outbox-{key}.json"


def join_link(address: str, code: str, name: str, outbox: Path | None = None) -> LinkThread:
    """A trainee's link to the classroom (the address must be valid: see :func:`server_url`)."""
    hello = {"type": "hello", "role": "trainee", "code": code.strip(), "name": name, "client": new_id()}
    return LinkThread(server_url(address), hello, outbox)


def console_link(address: str, code: str) -> LinkThread:
    """The trainer's console link to the classroom."""
    return LinkThread(server_url(address), {"type": "hello", "role": "console", "code": code.strip(), "client": new_id()})
