"""The group debrief of a classroom: how the room answered each decision point and what it led to.

For every decision point: how many trainees took each answer (anonymised unless the trainer chooses to
show names), whether it counts as a mistake, what it did to the customer in the trainees' own model
runs (the customer's mood after the answer minus before) and the mean final score of those who took
it. Then the best and the worst finished runs side by side, and the group's common mistakes. Written as
a CSV table, a PNG picture and one self-contained HTML page.
"""
from __future__ import annotations

import base64
import io
import statistics
import textwrap
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any, Mapping

from ..models import Session, TurnRecord
from ..scoreboard import MistakeCount, common_mistakes
from ..store import TrainerRecords
from ..text import BilingualText, localize
from .records import Classroom, ClassroomRecords


@dataclass(frozen=True)
class AnswerCount:
    """One answer at one decision point, as the group gave it."""

    decision: str
    choice: str
    label: BilingualText | None
    times: int
    mistake: bool
    mood_change: float | None  # mean (mood after - mood before) of the customer answered, in the trainees' runs
    mean_score: float | None  # mean final score of the trainees who gave this answer
    names: tuple[str, ...]

    def text(self, lang: str | None = None) -> str:
        return localize(self.label, lang, fallback=self.choice)


@dataclass(frozen=True)
class GroupDebrief:
    session: Session
    classroom: Classroom
    trainees: int
    finished: int
    answers: dict[str, tuple[AnswerCount, ...]]  # by decision point, in the order the room met them
    best: TurnRecord | None
    worst: TurnRecord | None
    mistakes: tuple[MistakeCount, ...]
    with_names: bool
    titles: Mapping[str, BilingualText] = field(default_factory=dict)  # decision point id -> its title

    def title(self, decision: str, lang: str | None = None) -> str:
        """A decision point as trainees saw it: its title in ``lang`` (its id when the scenario is not at hand)."""
        return localize(self.titles.get(decision), lang, fallback=decision)


def build_group_debrief(records: TrainerRecords, classroom: Classroom, *, names: bool = False,
                        titles: Mapping[str, BilingualText] | None = None) -> GroupDebrief:
    """The classroom's group debrief from its records; ``names`` shows who gave each answer; ``titles`` are the
    scenario's decision titles (see :func:`decision_titles`), in whose order the decision points are listed."""
    store = ClassroomRecords(records)
    members = store.members(classroom)
    turn_ids = {m.turn.id for m in members}
    turn_records = [r for r in records.session_records(classroom.session_id) if r.turn.id in turn_ids]
    by_sender = {m.sender: m for m in members}
    score_of = {m.trainee.id: r.turn.score for m in members for r in turn_records if r.turn.id == m.turn.id}
    given: dict[tuple[str, str], list[dict]] = {}
    for event in store.events(classroom, "decision"):
        member = by_sender.get(event["sender"])
        if member is not None:
            given.setdefault((event["data"]["decision"], event["data"]["choice"]), []).append(
                {**event["data"], "trainee": member.trainee})
    answers: dict[str, list[AnswerCount]] = {}
    for (decision, choice), rows in given.items():
        changes = [r["mood_after"] - r["mood_before"] for r in rows
                   if r.get("mood_after") is not None and r.get("mood_before") is not None]
        scores = [score_of[r["trainee"].id] for r in rows if score_of.get(r["trainee"].id) is not None]
        answers.setdefault(decision, []).append(AnswerCount(
            decision, choice, rows[0].get("label"), len(rows), bool(rows[0].get("mistake")),
            statistics.fmean(changes) if changes else None, statistics.fmean(scores) if scores else None,
            tuple(sorted(r["trainee"].name for r in rows)) if names else ()))
    finished = sorted((r for r in turn_records if r.turn.finished), key=lambda r: (-(r.turn.score or 0), r.turn.id))
    titles = dict(titles or {})
    order = {decision: n for n, decision in enumerate(titles)}
    answers = dict(sorted(answers.items(), key=lambda item: order.get(item[0], len(order))))
    return GroupDebrief(
        session=records.get_session(classroom.session_id), classroom=classroom, trainees=len(members),
        finished=len(finished),
        answers={d: tuple(sorted(rows, key=lambda a: (-a.times, a.choice))) for d, rows in answers.items()},
        best=finished[0] if finished else None, worst=finished[-1] if len(finished) > 1 else None,
        mistakes=tuple(common_mistakes(turn_records)), with_names=names, titles=titles)


def plain_text(text) -> BilingualText:
    """A scenario's player-facing text as the records keep it: a string, or ``{en, zh}``."""
    return text if isinstance(text, str) else text.model_dump(exclude_none=True)


def decision_titles(scenario) -> dict[str, BilingualText]:
    """Each decision point's title in the scenario (plain text, or ``{en, zh}``), in the exercise's order."""
    return {d.id: plain_text(d.title) for d in scenario.exercise.decisions}


def file_titles(path: Path) -> dict[str, BilingualText]:
    """The decision titles of a scenario file; none (the ids are shown) when it is missing or does not load."""
    from sim import UserError, load_scenario

    try:
        return decision_titles(load_scenario(path)) if path.is_file() else {}
    except (UserError, AttributeError):
        return {}


def debrief_data(debrief: GroupDebrief, key_kpis: tuple[str, ...] = ()) -> dict[str, Any]:
    """The group debrief as JSON-ready data, texts in every language given (the game picks the trainee's);
    ``key_kpis``: the scenario's, shown first when runs are compared."""

    def run(record: TurnRecord | None) -> dict[str, Any] | None:
        if record is None:
            return None
        return {"name": record.trainee.name if debrief.with_names else None, "score": record.turn.score,
                "kpis": dict(record.turn.kpis or {}),
                "answers": [{"decision": d.decision_point_id, "choice": d.choice_id, "label": d.choice_label,
                             "mistake": d.is_mistake} for d in record.decisions]}

    return {
        "session": debrief.session.name, "scenario": debrief.classroom.scenario_id, "seed": debrief.classroom.seed,
        "trainees": debrief.trainees, "finished": debrief.finished, "names": debrief.with_names,
        "key_kpis": list(key_kpis),
        "decisions": [{"id": decision, "title": debrief.titles.get(decision, decision), "answers": [
            {"choice": a.choice, "label": a.label if a.label is not None else a.choice, "times": a.times,
             "mistake": a.mistake, "mood_change": a.mood_change, "mean_score": a.mean_score, "names": list(a.names)}
            for a in answers]} for decision, answers in debrief.answers.items()],
        "best": run(debrief.best), "worst": run(debrief.worst),
        "mistakes": [{"decision": m.decision_point_id, "title": debrief.titles.get(m.decision_point_id, m.decision_point_id),
                      "choice": m.choice_id, "label": m.label if m.label is not None else m.choice_id,
                      "times": m.times, "trainees": m.trainees} for m in debrief.mistakes],
    }


def debrief_table(debrief: GroupDebrief, lang: str | None = None) -> tuple[list[str], list[list]]:
    """One row per decision point and answer (for CSV)."""
    header = ["decision_point", "choice", "label", "times", "share", "mistake", "mean_mood_change", "mean_score",
              "decision_title"]
    if debrief.with_names:
        header.append("trainees")
    rows = []
    for decision, answers in debrief.answers.items():
        total = sum(a.times for a in answers)
        for a in answers:
            row = [decision, a.choice, a.text(lang), a.times, round(a.times / total, 4), "yes" if a.mistake else "no",
                   _rounded(a.mood_change), _rounded(a.mean_score), debrief.title(decision, lang)]
            if debrief.with_names:
                row.append("; ".join(a.names))
            rows.append(row)
    return header, rows


def debrief_png(debrief: GroupDebrief, lang: str | None = None, dpi: int = 110) -> bytes:
    """A bar chart per decision point: how many took each answer, mistakes in red."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from ..charts import _installed_cjk_fonts

    decisions = list(debrief.answers.items()) or [("(no answers yet)", ())]
    heights = [0.9 + 0.42 * max(len(a), 1) for _, a in decisions]
    # parse_math off: session names and answers are data, "$" is a dollar sign
    with rc_context({"font.family": ["DejaVu Sans", *_installed_cjk_fonts()], "font.size": 9, "text.parse_math": False}):
        figure = Figure(figsize=(9, sum(heights) + 0.6), dpi=dpi, layout="constrained")
        FigureCanvasAgg(figure)
        axes_list = figure.subplots(len(decisions), 1, height_ratios=heights, squeeze=False)[:, 0]
        for axes, (decision, answers) in zip(axes_list, decisions):
            labels = ["\n".join(textwrap.wrap(a.text(lang), 50)) for a in answers]
            axes.barh(range(len(answers)), [a.times for a in answers],
                      color=["#d9534f" if a.mistake else "#5cb85c" for a in answers])
            axes.set_yticks(range(len(answers)), labels)
            axes.invert_yaxis()
            axes.set_title(debrief.title(decision, lang), loc="left", fontsize=10, fontweight="bold")
            for y, a in enumerate(answers):
                note = f" {a.times}" + (f"  mood {a.mood_change:+.2f}" if a.mood_change is not None else "") + (
                    f"  score {a.mean_score:.0f}" if a.mean_score is not None else "")
                axes.text(a.times, y, note, va="center", fontsize=8)
            axes.set_xlim(0, max([a.times for a in answers], default=1) * 1.6)
            axes.xaxis.get_major_locator().set_params(integer=True)
            axes.spines[["top", "right"]].set_visible(False)
        figure.suptitle(f"{debrief.session.name}: {debrief.classroom.scenario_id}, how the group answered",
                        fontsize=12, fontweight="bold")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


def debrief_html(debrief: GroupDebrief, lang: str | None = None, png: bytes | None = None) -> str:
    """The group debrief as one self-contained page (the picture embedded)."""
    title = f"{debrief.session.name} - {debrief.classroom.scenario_id}: group debrief"
    parts = [f'<!DOCTYPE html><html lang="{escape(lang or "en")}"><head><meta charset="utf-8">',
             f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>", f"<h1>{escape(title)}</h1>",
             f"<p class=muted>{debrief.trainees} trainees, {debrief.finished} finished, seed {debrief.classroom.seed}. "
             "Mood change: the customer's mood after the answer minus before, in the trainees' own runs "
             "(same seed for everyone). Score: mean final score (0-100) of the trainees who gave the answer.</p>"]
    if png is not None:
        parts.append(f'<img alt="How the group answered" src="data:image/png;base64,{base64.b64encode(png).decode()}">')
    for decision, answers in debrief.answers.items():
        parts.append(f"<h2>{escape(debrief.title(decision, lang))}</h2><table><tr><th>Answer</th><th>Trainees</th><th>Mood change</th>"
                     f"<th>Mean score</th>{'<th>Who</th>' if debrief.with_names else ''}</tr>")
        for a in answers:
            cls = ' class="mistake"' if a.mistake else ""
            who = f"<td>{escape(', '.join(a.names))}</td>" if debrief.with_names else ""
            parts.append(f"<tr{cls}><td>{escape(a.text(lang))}</td><td>{a.times}</td><td>{_shown(a.mood_change, '+.2f')}</td>"
                         f"<td>{_shown(a.mean_score, '.0f')}</td>{who}</tr>")
        parts.append("</table>")
    parts.append("<h2>Best and worst runs</h2>" + _side_by_side(debrief, lang))
    parts.append("<h2>Common mistakes</h2><table><tr><th>Bad choice</th><th>Decision point</th><th>Times</th>"
                 "<th>Trainees</th></tr>")
    parts += [f"<tr><td>{escape(m.text(lang))}</td><td>{escape(debrief.title(m.decision_point_id, lang))}</td><td>{m.times}</td>"
              f"<td>{m.trainees}</td></tr>" for m in debrief.mistakes]
    parts.append("</table></body></html>")
    return "\n".join(parts)


def _side_by_side(debrief: GroupDebrief, lang: str | None) -> str:
    runs = [(label, run) for label, run in (("Best run", debrief.best), ("Worst run", debrief.worst)) if run is not None]
    if not runs:
        return "<p class=muted>No finished run yet.</p>"
    heads = "".join(f"<th>{label}" + (f" ({escape(run.trainee.name)})" if debrief.with_names else "") + "</th>"
                    for label, run in runs)
    rows = [f"<tr><th>Score</th>{''.join(f'<td>{run.turn.score:g}</td>' for _, run in runs)}</tr>"]
    decisions = list(dict.fromkeys(d.decision_point_id for _, run in runs for d in run.decisions))
    for point in decisions:
        cells = []
        for _, run in runs:
            answer = next((d for d in run.decisions if d.decision_point_id == point), None)
            mark = ' class="mistake"' if answer is not None and answer.is_mistake else ""
            cells.append(f"<td{mark}>{escape(answer.label(lang)) if answer else '-'}</td>")
        rows.append(f"<tr><th>{escape(debrief.title(point, lang))}</th>{''.join(cells)}</tr>")
    kpis = sorted({k for _, run in runs for k in (run.turn.kpis or {})})
    for kpi in kpis:
        rows.append(f"<tr><th>{escape(kpi)}</th>"
                    + "".join(f"<td>{_shown((run.turn.kpis or {}).get(kpi), '.3g')}</td>" for _, run in runs) + "</tr>")
    return f"<table><tr><th></th>{heads}</tr>{''.join(rows)}</table>"


def _rounded(value: float | None) -> float | str:
    return "" if value is None else round(value, 4)


def _shown(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


_STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 2rem; color: #222; max-width: 70rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #ccc; padding: 0.35rem 0.6rem; text-align: left; }
th { background: #f2f2f2; } .mistake { color: #b52b27; } .muted { color: #777; } img { max-width: 100%; }
"""


def latest_classroom(records: TrainerRecords, session: Session, scenario_id: str | None) -> Classroom:
    """The session's most recent classroom (of a scenario, if given)."""
    from ..errors import RecordsError

    rooms = [c for c in ClassroomRecords(records).classrooms(session.id) if scenario_id in (None, c.scenario_id)]
    if not rooms:
        raise RecordsError(f"Session {session.name!r} has no classroom{f' of {scenario_id}' if scenario_id else ''} yet; "
                           "start one with 'serve'.")
    return rooms[-1]

