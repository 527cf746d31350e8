"""``srl-trainer serve``: open (or reopen) a session's classroom and serve it until the trainer stops it."""
from __future__ import annotations

import asyncio
import ipaddress
import socket
from pathlib import Path
from typing import Callable

from ..errors import RecordsError
from ..store import TrainerRecords
from .limits import Limits
from .records import ClassroomRecords
from .server import ClassroomServer, load_facts

DEFAULT_PORT = 8765


def scenario_library() -> Path:
    """The ``scenarios/`` folder of this installation (next to the ``sim`` package)."""
    import sim

    return Path(sim.__file__).resolve().parent.parent / "scenarios"


def check_host(host: str) -> None:
    """A classroom serves the local network only: refuse an address reachable from the internet."""
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        raise RecordsError(f"--host {host}: no such address on this computer; give one of its addresses, "
                           "for example 127.0.0.1 or 192.168.1.20") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if address.is_global:
            raise RecordsError(f"--host {host} is a public internet address; a classroom runs on the local network "
                               "only: give a private address (192.168.x.x, 10.x.x.x) or 127.0.0.1")


def open_served_classroom(records: TrainerRecords, session_ref: str, scenario_id: str | None,
                          scenario_file: Path | None, seed: int):
    """The classroom to serve, its scenario and the facts the server checks against."""
    session = records.find_session(session_ref)
    scenario_id = scenario_id or session.scenarios[0].id
    path = scenario_file or scenario_library() / f"{scenario_id}.yaml"
    if not path.is_file():
        raise RecordsError(f"No scenario file for {scenario_id!r} at {path}; give it with --scenario-file FILE.")
    from sim import UserError

    try:
        scenario, facts = load_facts(path)
    except UserError as error:
        raise RecordsError(str(error)) from None
    if scenario.name != scenario_id:
        raise RecordsError(f"{path} holds scenario {scenario.name!r}, not {scenario_id!r}; give the right --scenario-file.")
    classroom = ClassroomRecords(records).open_classroom(session, scenario_id, seed)
    return classroom, scenario, facts


def serve(records: TrainerRecords, session_ref: str, *, scenario_id: str | None, scenario_file: Path | None,
          seed: int, host: str, port: int, limits: Limits, say: Callable[[str], None]) -> None:
    """Serve the classroom until interrupted (Ctrl+C); everything is recorded as it happens."""
    check_host(host)
    classroom, scenario, facts = open_served_classroom(records, session_ref, scenario_id, scenario_file, seed)

    async def main() -> None:
        server = ClassroomServer(records, classroom, facts, limits)
        try:
            bound = await server.start(host, port)
        except OSError as error:
            raise RecordsError(f"Cannot listen on {host}:{port} ({error.strerror}); is another classroom running? "
                               "Choose another --port.") from None
        shown = socket.gethostbyname(socket.gethostname()) if host in ("0.0.0.0", "::") else host
        address = f"{shown}:{bound}"
        say(f"Classroom of {server.board.session!r}: {scenario.name} (seed {classroom.seed}), {classroom.phase}")
        say(f"Join code: {classroom.join_code}")
        say(f"Trainees:  srl-game --join {address} --code {classroom.join_code} --trainee \"NAME\"")
        say(f"Console:   srl-game --console {address} --code {classroom.console_code}")
        say(f"Projector: http://{address}/board?key={classroom.console_code}")
        say("Every event is kept in the records as it happens. Stop the server with Ctrl+C.")
        try:
            await asyncio.Event().wait()
        finally:
            await server.stop()

    asyncio.run(main())
