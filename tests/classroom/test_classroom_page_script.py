"""The projector page's own script, run in V8 (mini-racer, installed from PyPI with the dev tools), against
the real server: it asks for the board with the console key, draws it, asks again half a second later and
draws what changed in the room, and says so when the server stops answering.

A browser is not needed: the page uses a handful of DOM calls (getElementById, insertRow, insertCell,
createElement, textContent, innerHTML), given here by a small stand-in document, and ``fetch`` and
``setTimeout``, which the test answers itself: every fetch goes to the real server over HTTP, and the
test decides when the page's next poll comes. (The chromium test draws the same page in a real browser
where Debian's chromium is installed.)
"""
from __future__ import annotations

import contextlib
import json
import re
import time

import requests
from py_mini_racer import MiniRacer
from websockets.sync.client import connect

from .conftest import ThreadedServer

DOCUMENT = r"""
var now = 0; Date.now = () => now;
function Element(tag) { this.tag = tag; this.children = []; this.className = ""; this._text = ""; this._html = ""; }
Object.defineProperty(Element.prototype, "textContent", {  // as in a browser: whatever is set becomes text
  get() { return this._text; }, set(v) { this._text = String(v); this.children = []; } });
Object.defineProperty(Element.prototype, "innerHTML", {
  get() { return this._html; }, set(v) { this._html = String(v); this.children = []; this._text = ""; } });
Element.prototype.appendChild = function (child) { this.children.push(child); return child; };
Element.prototype.insertRow = function () { return this.appendChild(new Element("tr")); };
Element.prototype.insertCell = function () { return this.appendChild(new Element("td")); };
var elements = {};
var document = { getElementById: (id) => elements[id] || (elements[id] = new Element(id)),
                 createElement: (tag) => new Element(tag) };
var location = { search: "@SEARCH@" };
class URLSearchParams {
  constructor(search) { this.map = {}; for (const part of search.replace(/^\?/, "").split("&")) {
    const [k, v] = part.split("="); if (k) this.map[decodeURIComponent(k)] = decodeURIComponent(v || ""); } }
  get(k) { return k in this.map ? this.map[k] : null; } }
var requests = [], timers = [];
function fetch(url, options) { return new Promise((resolve, reject) => requests.push({url, resolve, reject})); }
function setTimeout(fn, ms) { timers.push({fn, ms}); }
function answer(status, body) {
  const r = requests.shift(); r.resolve({ok: status === 200, status, json: async () => JSON.parse(body)}); }
function fail() { requests.shift().reject(new TypeError("Failed to fetch")); }
function screen() {
  const text = (id) => document.getElementById(id).textContent;
  return JSON.stringify({title: text("title"), phase: text("phase"), phaseClass: document.getElementById("phase").className,
    counts: text("counts"), timer: text("timer"), stale: text("stale"), head: document.getElementById("head").children.map(c => c.textContent),
    rows: document.getElementById("rows").children.map(r => ({cls: r.className, cells: r.children.map(c => c.textContent)})),
    chart: document.getElementById("chart").innerHTML, requests: requests.map(r => r.url), timers: timers.map(t => t.ms)});
}
"""


class Page:
    """The page's script in V8, its fetches answered by the real server."""

    def __init__(self, base: str, path: str):
        self.base = base
        html = requests.get(base + path, timeout=10)
        assert html.status_code == 200
        assert not re.search(r'<(script|link|img)[^>]+(src|href)=', html.text), "the page loads nothing from elsewhere"
        script = html.text.split("<script>", 1)[1].split("</script>", 1)[0]
        self.js = MiniRacer()
        self.js.eval(DOCUMENT.replace("@SEARCH@", "?" + path.split("?", 1)[1]))
        self.js.eval(script)

    def screen(self) -> dict:
        return json.loads(self.js.eval("screen()"))

    def answer_from_server(self) -> None:
        """Answer the page's pending fetch with what the server answers to it."""
        url = self.js.eval("requests[0].url")
        reply = requests.get(self.base + url, timeout=10)
        self.js.eval(f"answer({reply.status_code}, {json.dumps(reply.text)})")
        self.js.eval("0")  # lets the page's awaiting code run

    def next_poll(self, after_ms: int) -> None:
        """Move the page's clock on and run its next poll."""
        self.js.eval(f"{{ now += {after_ms}; const t = timers.shift(); t.fn(); }}")


def _join_and_answer(stack: contextlib.ExitStack, url: str, code: str, name: str, choice: str, minute: float):
    """A trainee joins, answers the storm question and reports progress, as a game does."""
    ws = stack.enter_context(connect(url, open_timeout=5))
    client = f"game-{minute:g}"
    ws.send(json.dumps({"type": "hello", "role": "trainee", "code": code, "name": name, "client": client}))
    assert json.loads(ws.recv(timeout=5))["type"] == "welcome"
    ws.send(json.dumps({"type": "report", "id": "d1", "minute": minute, "body": {
        "kind": "decision", "decision": "storm_question", "choice": choice, "mistake": choice != "honest_update"}}))
    assert json.loads(ws.recv(timeout=5))["type"] == "ack"
    ws.send(json.dumps({"type": "report", "id": "p1", "minute": minute + 1, "body": {
        "kind": "progress", "decisions": 1, "score": 70.0, "waiting": True,
        "kpis": {"retention_rate": 0.81, "quality_score": 0.66, "complaints": 12}}}))
    assert json.loads(ws.recv(timeout=5))["type"] == "ack"
    return ws


def _board_until(base: str, code: str, condition, seconds: float = 10.0) -> dict:
    """The server's board once ``condition`` holds (the server updates it as messages come in, and samples
    the group chart every two seconds)."""
    stop = time.monotonic() + seconds
    while True:
        board = requests.get(f"{base}/board.json?key={code}", timeout=5).json()
        if condition(board):
            return board
        assert time.monotonic() < stop, "the board did not change in time"
        time.sleep(0.1)


def test_the_projector_page_polls_the_server_and_redraws_what_changed(room):
    served = ThreadedServer(room)
    base = f"http://127.0.0.1:{served.port}"
    code = room.classroom.console_code
    stack = contextlib.ExitStack()
    try:
        page = Page(base, f"/board?key={code}")
        first = page.screen()
        assert first["requests"] == [f"/board.json?key={code}"]  # it asks for the board with the console key
        page.answer_from_server()
        empty = page.screen()
        assert empty["title"] == "Classroom test" and empty["phase"] == "lobby" and empty["rows"] == []
        assert empty["counts"] == "0 connected / 0 joined, 0 finished" and empty["timer"] == "as in the scenario"
        assert empty["timers"] == [500]  # the next poll in half a second

        ana = _join_and_answer(stack, served.url, room.classroom.join_code, "Ana Lima", "honest_update", 30)
        page.next_poll(500)
        page.answer_from_server()
        one = page.screen()
        assert [r["cells"][:5] for r in one["rows"]] == [["1", "Ana Lima", "31", "1 (deciding)", "0"]]
        assert one["rows"][0]["cells"][5] == "70" and one["rows"][0]["cells"][7:] == ["0.81", "0.66", "12"]
        assert one["head"][7:] == ["retention_rate", "quality_score", "complaints"]
        assert one["counts"] == "1 connected / 1 joined, 0 finished"

        _join_and_answer(stack, served.url, room.classroom.join_code, "王芳", "weather_blame", 32)
        ana.close()  # Ana's game drops out: her line is greyed out
        _board_until(base, code, lambda b: b["connected"] == 1 and any(p[1] is not None for p in b["history"]))
        page.next_poll(500)
        page.answer_from_server()
        two = page.screen()
        assert {r["cells"][1] for r in two["rows"]} == {"Ana Lima", "王芳"}
        assert {r["cells"][1]: r["cls"] for r in two["rows"]}["Ana Lima"] == "off"
        assert {r["cells"][1]: r["cells"][4] for r in two["rows"]}["王芳"] == "1"  # one mistake
        assert "<polyline" in two["chart"] and "70" in two["chart"]  # the group chart has its first point

        served.stop()  # the server goes away: the page keeps the last board and says it is reconnecting
        for _ in range(8):
            page.next_poll(500)
            page.js.eval("fail(); 0")
        gone = page.screen()
        assert gone["stale"] == "(reconnecting...)" and len(gone["rows"]) == 2
    finally:
        stack.close()
        if served.thread.is_alive():
            served.stop()
