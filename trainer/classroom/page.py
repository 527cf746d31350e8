"""The projector's scoreboard: one plain HTML page that fetches the board twice a second and redraws itself.

No script or style is loaded from elsewhere (the room may have no internet); the page reads the
console key from its own address and asks the server for ``/board.json`` with it.
"""
from __future__ import annotations

import html

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Classroom scoreboard - @TITLE@</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body { font-family: "Noto Sans", "Noto Sans CJK SC", Arial, sans-serif; background: #14181f; color: #e8ecf2; margin: 24px; }
h1 { font-size: 28px; margin: 0 0 4px; } .sub { color: #9aa6b8; margin-bottom: 16px; font-size: 18px; }
.phase { display: inline-block; padding: 2px 12px; border-radius: 12px; font-weight: bold; background: #2b3442; }
.phase.running { background: #1f6f43; } .phase.paused { background: #8a6d1d; } .phase.ended { background: #5a2f7a; }
.stale { color: #ff8c69; }
table { border-collapse: collapse; width: 100%; font-size: 18px; }
th, td { padding: 6px 10px; text-align: left; border-bottom: 1px solid #2b3442; }
th { color: #9aa6b8; font-weight: normal; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.off td { color: #6b7686; } .bar { background: #58a6ff; height: 12px; border-radius: 3px; }
.wait { color: #f4be50; } .done { color: #5cc878; }
#chart { background: #1b212b; border-radius: 8px; margin: 16px 0; }
</style></head>
<body>
<h1 id="title">@TITLE@</h1>
<div class="sub"><span id="scenario"></span> &middot; <span class="phase" id="phase">-</span>
 &middot; <span id="counts"></span> &middot; timers: <span id="timer"></span> <span id="stale"></span></div>
<svg id="chart" width="900" height="180" role="img" aria-label="Group score over time"></svg>
<table><thead><tr id="head"></tr></thead><tbody id="rows"></tbody></table>
<script>
"use strict";
const key = new URLSearchParams(location.search).get("key") || "";
const el = (id) => document.getElementById(id);
function cell(row, text, cls) { const td = row.insertCell(); td.textContent = text; if (cls) td.className = cls; return td; }
function fmt(v) { return v === null || v === undefined ? "-" : (Math.abs(v) < 1 && v !== 0 ? v.toFixed(2) : String(Math.round(v * 10) / 10)); }
function chart(history) {
  const svg = el("chart"), w = 900, h = 180, pad = 30;
  const pts = history.filter(p => p[1] !== null);
  let body = `<text x="${pad}" y="18" fill="#9aa6b8" font-size="13">group score (0-100) over time: mean, and lowest to highest</text>`;
  body += `<line x1="${pad}" y1="${h - pad}" x2="${w - 8}" y2="${h - pad}" stroke="#2b3442"/>`;
  if (pts.length > 0) {
    const t0 = pts[0][0], t1 = Math.max(pts[pts.length - 1][0], t0 + 1);
    const x = (p) => pad + (p[0] - t0) / (t1 - t0) * (w - pad - 8), y = (v) => h - pad - v / 100 * (h - 2 * pad);
    const spread = pts.filter(p => p.length >= 5 && p[3] !== null);
    if (spread.length > 1) {
      const band = spread.map(p => [x(p), y(p[4])]).concat(spread.slice().reverse().map(p => [x(p), y(p[3])]));
      body += `<polygon fill="#2c4a70" points="${band.map(p => p.join(",")).join(" ")}"/>`;
    }
    const xy = pts.map(p => [x(p), y(p[1])]);
    body += `<polyline fill="none" stroke="#58a6ff" stroke-width="3" points="${xy.map(p => p.join(",")).join(" ")}"/>`;
    body += xy.map(p => `<circle cx="${p[0]}" cy="${p[1]}" r="3" fill="#58a6ff"/>`).join("");
    const last = xy[xy.length - 1];
    body += `<text x="${Math.min(last[0] + 6, w - 40)}" y="${last[1] - 6}" fill="#e8ecf2" font-size="14">${fmt(pts[pts.length - 1][1])}</text>`;
  }
  svg.innerHTML = body;
}
function render(b) {
  el("title").textContent = b.session; el("scenario").textContent = b.scenario;
  el("phase").textContent = b.phase; el("phase").className = "phase " + b.phase;
  el("counts").textContent = `${b.connected} connected / ${b.joined} joined, ${b.finished} finished`;
  el("timer").textContent = b.timer === "scenario" ? "as in the scenario" : (b.timer === "off" ? "off" : b.timer + " s");
  const head = el("head"); head.innerHTML = "";
  for (const name of ["#", "Trainee", "Minute", "Answers", "Mistakes", "Score", ""].concat(b.key_kpis)) {
    const th = document.createElement("th"); th.textContent = name; head.appendChild(th);
  }
  const rows = el("rows"); rows.innerHTML = "";
  for (const t of b.trainees) {
    const row = rows.insertRow(); if (!t.connected && !t.finished) row.className = "off";
    cell(row, t.rank, "num"); cell(row, t.name);
    cell(row, Math.round(t.minute), "num");
    cell(row, t.decisions + (t.waiting ? " (deciding)" : ""), t.waiting ? "num wait" : "num");
    cell(row, t.mistakes, "num");
    const interval = t.interval ? ` (${fmt(t.interval[0])}-${fmt(t.interval[1])})` : "";
    cell(row, fmt(t.score) + interval + (t.finished ? " final" : ""), t.finished ? "num done" : "num");
    const bar = cell(row, ""); bar.innerHTML = `<div class="bar" style="width:${(t.score || 0) * 2}px"></div>`;
    for (const k of b.key_kpis) cell(row, fmt(t.kpis[k]), "num");
  }
  chart(b.history);
}
let lastOk = Date.now();
async function poll() {
  try {
    const reply = await fetch("/board.json?key=" + encodeURIComponent(key), {cache: "no-store"});
    if (reply.ok) { render(await reply.json()); lastOk = Date.now(); el("stale").textContent = ""; }
  } catch (e) { /* the server may be restarting: keep the last board and try again */ }
  if (Date.now() - lastOk > 3000) { el("stale").textContent = "(reconnecting...)"; el("stale").className = "stale"; }
  setTimeout(poll, 500);
}
poll();
</script></body></html>
"""


def board_page(session_name: str) -> str:
    """The scoreboard page for a session (its data comes from /board.json)."""
    return _PAGE.replace("@TITLE@", html.escape(session_name))
