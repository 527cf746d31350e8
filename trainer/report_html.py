"""The session report as one self-contained HTML file: scores with their KPIs, common mistakes,
each trainee's debrief, and the scoreboard picture embedded as base64 (no other files needed).
"""

from __future__ import annotations

import base64
from html import escape

from .models import TurnRecord
from .scoreboard import Scoreboard, ScoreCell

_STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 2rem; color: #222; max-width: 70rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.35rem 0.6rem; vertical-align: top; text-align: left; }
th { background: #f2f2f2; }
.score { font-weight: bold; font-size: 1.1em; }
.kpis { color: #555; font-size: 0.85em; margin: 0.2rem 0 0; padding-left: 1rem; }
.mistake { color: #b52b27; }
.muted { color: #888; }
.scripted { color: #a05a00; font-style: italic; }
img { max-width: 100%; }
details { margin: 0.4rem 0; }
"""


def scoreboard_html(board: Scoreboard, lang: str | None = None, png: bytes | None = None) -> str:
    """The whole report as an HTML document; `png` is the scoreboard picture to embed, if any."""
    session = board.session
    title = f"{session.name} ({session.date.isoformat()})"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang or "en")}"><head><meta charset="utf-8">',
        f"<title>{escape(title)} - Service Recovery Lab</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p class=\"muted\">{len(board.trainees)} trainees, {len(board.records)} turns. "
        "Each cell shows the trainee's best finished turn and the KPIs behind its score; turns played by an answer "
        "rule (scripted) are marked and not counted.</p>",
        "<h2>Scoreboard</h2>",
        _scores_table(board, lang),
    ]
    if png is not None:
        encoded = base64.b64encode(png).decode("ascii")
        parts.append(f'<img alt="Scoreboard and common mistakes" src="data:image/png;base64,{encoded}">')
    parts += ["<h2>Common mistakes</h2>", _mistakes_table(board, lang), "<h2>Debriefs</h2>"]
    parts += [_trainee_debriefs(board, trainee.id, trainee.name, lang) for trainee in board.trainees]
    parts.append("</body></html>")
    return "\n".join(parts)


def _scores_table(board: Scoreboard, lang: str | None) -> str:
    scenarios = board.session.scenarios
    header = "".join(f"<th>{escape(s.label(lang))}</th>" for s in scenarios)
    rows = [
        f"<tr><th>{escape(trainee.name)}</th>"
        + "".join(f"<td>{_score_cell(board.cell(trainee.id, s.id))}</td>" for s in scenarios)
        + "</tr>"
        for trainee in board.trainees
    ]
    return f"<table><thead><tr><th>Trainee</th>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _score_cell(cell: ScoreCell) -> str:
    scripted = f' <span class="scripted">({cell.scripted} scripted, not counted)</span>' if cell.scripted else ""
    if cell.best is None:
        state = "in progress" if cell.in_progress else "–"
        return f'<span class="muted">{state}</span>{scripted}'
    turn = cell.best
    kpis = "".join(f"<li>{escape(name)}: {value:g}</li>" for name, value in sorted((turn.kpis or {}).items()))
    turns = cell.finished + cell.in_progress
    note = f' <span class="muted">({turns} turns)</span>' if turns > 1 else ""
    return f'<span class="score">{turn.score:g} / {turn.score_max:g}</span>{note}{scripted}<ul class="kpis">{kpis}</ul>'


def _mistakes_table(board: Scoreboard, lang: str | None) -> str:
    if not board.mistakes:
        return '<p class="muted">No mistakes recorded.</p>'
    rows = "".join(
        f"<tr><td class=\"mistake\">{escape(m.text(lang))}</td><td>{escape(_scenario_label(board, m.scenario_id, lang))}</td>"
        f"<td>{escape(m.decision_point_id)}</td><td>{m.times}</td><td>{m.trainees}</td></tr>"
        for m in board.mistakes
    )
    return ("<table><thead><tr><th>Bad choice</th><th>Scenario</th><th>Decision point</th><th>Times</th>"
            f"<th>Trainees</th></tr></thead><tbody>{rows}</tbody></table>")


def _scenario_label(board: Scoreboard, scenario_id: str, lang: str | None) -> str:
    scenario = board.session.scenario(scenario_id)
    return scenario.label(lang) if scenario else scenario_id


def _trainee_debriefs(board: Scoreboard, trainee_id: int, name: str, lang: str | None) -> str:
    turns = board.trainee_records(trainee_id)
    if not turns:
        return f'<h3>{escape(name)}</h3><p class="muted">No turns yet.</p>'
    return f"<h3>{escape(name)}</h3>" + "".join(_turn_debrief(record, lang) for record in turns)


_MISTAKE_CLASS = ' class="mistake"'


def _turn_debrief(record: TurnRecord, lang: str | None) -> str:
    turn = record.turn
    status = f"score {turn.score:g} / {turn.score_max:g}" if turn.finished else "in progress"
    summary = f"{escape(record.scenario.label(lang))}, attempt {turn.attempt}: {status}"
    if record.scripted:
        summary += f' <span class="scripted">scripted: --answers {escape(record.scripted)}, not counted</span>'
    rows = "".join(
        f"<tr><td>{d.sim_minute:.1f}</td><td>{escape(d.decision_point_id)}</td>"
        f"<td{_MISTAKE_CLASS if d.is_mistake else ''}>{escape(d.label(lang))}</td>"
        f"<td>{escape(d.feedback_key or '')}</td></tr>"
        for d in record.decisions
    )
    kpis = ", ".join(f"{escape(k)}: {v:g}" for k, v in sorted((turn.kpis or {}).items()))
    return (f"<details><summary>{summary}</summary>"
            "<table><thead><tr><th>Sim. minute</th><th>Decision point</th><th>Choice</th><th>Feedback</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            + (f"<p>KPIs: {kpis}</p>" if kpis else "") + "</details>")
