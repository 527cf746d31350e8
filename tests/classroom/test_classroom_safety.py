"""Safety on a shared network: codes, names, sizes, rates and roles, each refused alone and logged."""
from __future__ import annotations

import asyncio
import json

import requests
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from trainer.classroom.limits import CodeLockout, Limits, RateLimiter
from trainer.classroom.records import ClassroomRecords


def _hello(code: str, name: str | None = "Ana", role: str = "trainee", client: str = "game-1") -> str:
    message = {"type": "hello", "role": role, "code": code, "client": client}
    if name is not None:
        message["name"] = name
    return json.dumps(message)


def _report(message_id: str, decision: str = "storm_question", choice: str = "honest_update") -> str:
    return json.dumps({"type": "report", "id": message_id, "minute": 5,
                       "body": {"kind": "decision", "decision": decision, "choice": choice}})


async def _with_server(room, body, limits: Limits = Limits()):
    server = room.server(limits)
    port = await server.start("127.0.0.1", 0)
    try:
        return await body(server, f"ws://127.0.0.1:{port}")
    finally:
        await server.stop()


async def _answer(ws) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), 5))


def test_only_the_code_lets_a_trainee_in_and_wrong_codes_are_logged(room):
    async def body(server, url):
        async with connect(url) as ws:
            await ws.send(_hello("WRONG1"))
            refused = await _answer(ws)
            try:
                await asyncio.wait_for(ws.recv(), 5)
                closed = False
            except ConnectionClosed:
                closed = True
        async with connect(url) as ws:  # the console code is not a trainee's code, and the reverse
            await ws.send(_hello(room.classroom.join_code, role="console"))
            as_console = await _answer(ws)
        async with connect(url) as ws:
            await ws.send(_hello(room.classroom.join_code.lower()))  # typed in small letters: still right
            welcome = await _answer(ws)
        return refused, closed, as_console, welcome

    refused, closed, as_console, welcome = asyncio.run(_with_server(room, body))
    assert refused["type"] == "refused" and refused["reason"] == "wrong_code" and closed
    assert as_console["reason"] == "wrong_code"
    assert welcome["type"] == "welcome" and welcome["name"] == "Ana" and welcome["seed"] == 3
    reasons = [e["data"]["reason"] for e in ClassroomRecords(room.records).events(room.classroom, "refused")]
    assert reasons == ["wrong_code", "wrong_code"]


def test_repeated_wrong_codes_lock_that_address_out_for_a_while(room):
    limits = Limits(wrong_codes=4, wrong_codes_window_s=60, lockout_s=1.5)

    async def attempt(url, code, source="127.0.0.1", role="trainee", client="game-1"):
        async with connect(url, local_addr=(source, 0)) as ws:
            await ws.send(_hello(code, None if role == "console" else "Ana", role=role, client=client))
            return await _answer(ws)

    async def body(server, url):
        guesses = [await attempt(url, f"GUESS{n}") for n in range(4)]
        right_but_locked = await attempt(url, room.classroom.join_code)
        console_locked = await attempt(url, room.classroom.console_code, role="console")
        other_computer = await attempt(url, room.classroom.join_code, source="127.0.0.2", client="game-2")
        await asyncio.sleep(1.6)
        after_the_lockout = await attempt(url, room.classroom.join_code)
        return guesses, right_but_locked, console_locked, other_computer, after_the_lockout

    guesses, locked, console_locked, other, after = asyncio.run(_with_server(room, body, limits))
    assert [g["reason"] for g in guesses] == ["wrong_code"] * 4
    assert locked["reason"] == console_locked["reason"] == "locked_out" and "try again in 2 s" in locked["detail"]
    assert other["type"] == "welcome"  # another computer of the room is not affected
    assert after["type"] == "welcome" and after["name"] == "Ana"
    store = ClassroomRecords(room.records)
    assert [e["data"]["address"] for e in store.events(room.classroom, "locked_out")] == ["127.0.0.1"]
    assert [e["data"]["reason"] for e in store.events(room.classroom, "refused")] == ["wrong_code"] * 4 + ["locked_out"] * 2


def test_the_lockout_counts_wrong_codes_within_its_window_and_a_right_code_clears_them():
    now = [0.0]
    lockout = CodeLockout(limit=3, window_s=10, lockout_s=30, clock=lambda: now[0])
    assert [lockout.failed("a"), lockout.failed("a")] == [False, False]
    now[0] = 11.0  # those two are old now
    assert [lockout.failed("a"), lockout.failed("a")] == [False, False] and lockout.remaining("a") == 0
    lockout.succeeded("a")  # the right code: the count starts again
    assert [lockout.failed("a"), lockout.failed("a"), lockout.failed("a")] == [False, False, True]
    assert lockout.remaining("a") == 30 and lockout.remaining("b") == 0
    now[0] = 41.0
    assert lockout.remaining("a") == 0 and not lockout.failed("a")


def test_the_lockout_forgets_old_addresses_so_its_memory_stays_bounded():
    now = [0.0]
    lockout = CodeLockout(limit=3, window_s=10, lockout_s=30, clock=lambda: now[0], max_addresses=100)
    for n in range(5000):
        now[0] = n * 0.001
        lockout.failed(f"10.0.{n // 256}.{n % 256}")
    assert len(lockout._failures) <= 101


def test_a_name_in_use_on_another_computer_is_refused(room):
    async def body(server, url):
        async with connect(url) as first:
            await first.send(_hello(room.classroom.join_code, "Ana", client="game-1"))
            await _answer(first)
            async with connect(url) as second:
                await second.send(_hello(room.classroom.join_code, " ana ", client="game-2"))
                taken = await _answer(second)
            async with connect(url) as same_game:  # the same game reconnecting replaces its old connection
                await same_game.send(_hello(room.classroom.join_code, "Ana", client="game-1"))
                again = await _answer(same_game)
        return taken, again

    taken, again = asyncio.run(_with_server(room, body))
    assert taken["reason"] == "name_taken"
    assert again["type"] == "welcome"


def test_bad_messages_are_refused_alone_while_another_trainee_plays_on(room):
    async def body(server, url):
        async with connect(url) as good, connect(url, max_size=None) as bad:
            await good.send(_hello(room.classroom.join_code, "Good", client="g"))
            await bad.send(_hello(room.classroom.join_code, "Bad", client="b"))
            await _answer(good), await _answer(bad)
            replies = []
            for raw in ["not json", "[]", '{"type": "report"}', _report("r1", "storm_question", "no_such_choice"),
                        json.dumps({"type": "command", "id": "c1", "action": "end"}), b"\x00\x01binary"]:
                await bad.send(raw)
                replies.append(await _answer(bad))
            await good.send(_report("g1"))
            good_ack = await _answer(good)
            await bad.send("x" * 100_000)  # far beyond the size limit: this connection is closed
            try:
                await asyncio.wait_for(bad.recv(), 5)
                oversize_closed = False
            except ConnectionClosed as closed:
                oversize_closed = closed.rcvd is not None and closed.rcvd.code == 1009
            await good.send(_report("g2", "hungry_child", "children_first"))
            return replies, good_ack, oversize_closed, await _answer(good)

    replies, good_ack, oversize_closed, later_ack = asyncio.run(_with_server(room, body))
    assert [r["reason"] for r in replies] == ["not_json", "invalid", "invalid", "invalid", "not_allowed", "binary"]
    assert all(r["type"] == "refused" for r in replies)
    assert good_ack == {"type": "ack", "id": "g1"} and oversize_closed
    assert later_ack == {"type": "ack", "id": "g2"}  # the good trainee is still served
    refused = ClassroomRecords(room.records).events(room.classroom, "refused")
    assert [e["data"]["reason"] for e in refused] == ["not_json", "invalid", "invalid", "invalid", "not_allowed",
                                                       "binary", "too_big"]
    decisions = ClassroomRecords(room.records).events(room.classroom, "decision")
    assert [(e["sender"], e["message_id"]) for e in decisions] == [("trainee:1", "g1"), ("trainee:1", "g2")]


def test_a_flood_is_rate_limited_and_then_disconnected(room):
    limits = Limits(messages_per_second=5, burst=10, refusals_before_close=20)

    async def body(server, url):
        async with connect(url) as ws:
            await ws.send(_hello(room.classroom.join_code))
            await _answer(ws)
            for n in range(60):
                await ws.send(_report(f"f{n}"))
            answers = []
            try:
                while True:
                    answers.append(await _answer(ws))
            except ConnectionClosed:
                pass
        return answers

    answers = asyncio.run(_with_server(room, body, limits))
    acked = [a for a in answers if a["type"] == "ack"]
    limited = [a for a in answers if a.get("reason") == "rate_limited"]
    assert 10 <= len(acked) <= 12 and len(limited) == 20 and all(a["retry"] for a in limited)
    logged = ClassroomRecords(room.records).events(room.classroom, "refused")
    assert len(logged) == Limits().refusals_logged  # the first few are kept, not a flood of them


def test_the_rate_limiter_refills_at_its_rate():
    now = [0.0]
    limiter = RateLimiter(rate=2, burst=3, clock=lambda: now[0])
    assert [limiter.allow() for _ in range(4)] == [True, True, True, False]
    now[0] = 1.0
    assert [limiter.allow() for _ in range(3)] == [True, True, False]


def test_connections_beyond_the_limit_are_turned_away(room):
    async def body(server, url):
        async with connect(url) as one, connect(url) as two:
            await one.send(_hello(room.classroom.join_code, "One", client="1"))
            await two.send(_hello(room.classroom.join_code, "Two", client="2"))
            await _answer(one), await _answer(two)
            try:
                async with connect(url):
                    return "admitted"
            except Exception as error:  # noqa: BLE001 - the handshake is refused with 503
                return str(error)

    assert "503" in asyncio.run(_with_server(room, body, Limits(max_connections=2)))


def test_the_projector_page_needs_the_console_code(room):
    async def body(server, url):
        base = url.replace("ws://", "http://")
        get = lambda path: requests.get(base + path, timeout=5)  # noqa: E731
        return await asyncio.gather(*[asyncio.to_thread(get, path) for path in (
            "/board", f"/board?key={room.classroom.join_code}", f"/board?key={room.classroom.console_code}",
            f"/board.json?key={room.classroom.console_code}", "/etc/passwd")])

    missing, trainee_code, page, data, elsewhere = asyncio.run(_with_server(room, body))
    assert missing.status_code == trainee_code.status_code == 403
    assert elsewhere.status_code == 404
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Classroom test" in page.text and "/board.json" in page.text
    board = data.json()
    assert board["session"] == "Classroom test" and board["phase"] == "lobby" and board["trainees"] == []


def test_a_trainee_sees_the_group_only_once_the_trainer_reveals_it(room):
    async def boards_within(ws, seconds: float) -> list[dict]:
        found = []
        try:
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), seconds))
                if message["type"] == "board":
                    found.append(message)
        except TimeoutError:
            return found

    async def body(server, url):
        async with connect(url) as ana, connect(url) as bo, connect(url) as console:
            await ana.send(_hello(room.classroom.join_code, "Ana", client="a"))
            await bo.send(_hello(room.classroom.join_code, "Bo", client="b"))
            await console.send(_hello(room.classroom.console_code, None, role="console", client="c"))
            await _answer(ana), await _answer(bo), await _answer(console)
            await bo.send(_report("b1"))
            before = await boards_within(ana, 0.8)
            await console.send(json.dumps({"type": "command", "id": "r1", "action": "reveal"}))
            anonymised = await boards_within(ana, 0.8)
            await console.send(json.dumps({"type": "command", "id": "r2", "action": "reveal", "names": True}))
            named = await boards_within(ana, 0.8)
        return before, anonymised, named

    before, anonymised, named = asyncio.run(_with_server(room, body))
    assert before == []
    lines = anonymised[-1]["trainees"]
    assert {line["name"] for line in lines} == {"Ana", "#2"} and [line["me"] for line in lines if line["name"] == "Ana"] == [True]
    assert {line["name"] for line in named[-1]["trainees"]} == {"Ana", "Bo"}


def test_the_console_moves_every_clock_on_once_the_exercise_has_started(room):
    async def body(server, url):
        async with connect(url) as ana, connect(url) as console:
            await ana.send(_hello(room.classroom.join_code, "Ana", client="a"))
            await console.send(_hello(room.classroom.console_code, None, role="console", client="c"))
            await _answer(ana), await _answer(console)
            replies = []
            for command in ({"id": "a1", "action": "advance", "minutes": 15}, {"id": "s", "action": "start"},
                            {"id": "a2", "action": "advance"}, {"id": "a3", "action": "advance", "minutes": 15}):
                await console.send(json.dumps({"type": "command", **command}))
                while (reply := await _answer(console))["type"] == "board":
                    pass
                replies.append(reply)
            heard = [m for m in [await _answer(ana), await _answer(ana)] if m["type"] == "inject"]
        return replies, heard, server.board.injects

    replies, heard, listed = asyncio.run(_with_server(room, body))
    assert [r.get("reason", r["type"]) for r in replies] == ["invalid", "ack", "invalid", "ack"]
    assert "needs a started exercise" in replies[0]["detail"] and "needs minutes" in replies[2]["detail"]
    assert heard == [{"type": "inject", "seq": 1, "advance": 15.0}] and listed == ["+15 min"]
    assert ClassroomRecords(room.records).injects(room.classroom) == [{"seq": 1, "advance": 15.0}]
