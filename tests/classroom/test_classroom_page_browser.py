"""The projector page in a real headless browser (Debian's chromium): its script fetches the board and draws it."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from trainer.classroom.protocol import parse_incoming
from trainer.classroom.records import ClassroomRecords

from .conftest import ThreadedServer

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium)")
def test_the_projector_page_draws_the_board_in_a_browser(room):
    store = ClassroomRecords(room.records)
    for name, choice in (("Ana Lima", "honest_update"), ("王芳", "weather_blame")):
        member, _ = store.join(room.classroom, name, f"game-{name}")
        report = parse_incoming(json.dumps({"type": "report", "id": "d1", "minute": 31, "body": {
            "kind": "decision", "decision": "storm_question", "choice": choice, "mistake": choice != "honest_update"}}))
        store.record_report(room.classroom, member, report)
    served = ThreadedServer(room)
    try:
        page = f"http://127.0.0.1:{served.port}/board?key={room.classroom.console_code}"
        dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
                              "--dump-dom", page], capture_output=True, text=True, timeout=120).stdout
    finally:
        served.stop()
    rows = dom.split('<tbody id="rows">', 1)[1].split("</tbody>", 1)[0]
    assert rows.count("<tr") == 2 and "Ana Lima" in rows and "王芳" in rows  # drawn by the page's script
    assert 'id="phase">lobby<' in dom and "0 connected / 2 joined, 0 finished" in dom
