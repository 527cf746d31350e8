"""The session scoreboard (trainees x scenarios, with the KPIs behind each score) and the group's
common mistakes (the bad choices made most often), built from the stored turns.

Turns played by an answer rule (``srl-game --answers``, see :attr:`TurnRecord.scripted`) are the
trainer's tests or demonstrations, not what a trainee did: they are counted apart in each cell and left
out of the best score and of the common mistakes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Mapping, Sequence

from .models import Session, Trainee, Turn, TurnRecord
from .store import TrainerRecords
from .text import BilingualText, localize


@dataclass(frozen=True)
class ScoreCell:
    """One trainee's results at one scenario: the best finished turn and how many turns were played.

    The best turn is the one with the highest score as a share of its range (the latest one on a tie),
    among the trainee's own turns; ``scripted`` counts the turns an answer rule played, which never count.
    """

    best: Turn | None
    finished: int
    in_progress: int
    scripted: int = 0

    @property
    def played(self) -> bool:
        return self.finished + self.in_progress + self.scripted > 0


@dataclass(frozen=True)
class MistakeCount:
    """A bad choice at a decision point and how often the group made it."""

    scenario_id: str
    decision_point_id: str
    choice_id: str
    label: BilingualText | None
    times: int
    trainees: int

    def text(self, lang: str | None = None) -> str:
        return localize(self.label, lang, fallback=self.choice_id)


@dataclass(frozen=True)
class Scoreboard:
    """Everything the session reports show: scores, KPIs, common mistakes and every turn's record."""

    session: Session
    trainees: tuple[Trainee, ...]
    cells: Mapping[tuple[int, str], ScoreCell]
    kpi_names: tuple[str, ...]
    mistakes: tuple[MistakeCount, ...]
    records: tuple[TurnRecord, ...]

    def cell(self, trainee_id: int, scenario_id: str) -> ScoreCell:
        return self.cells.get((trainee_id, scenario_id), ScoreCell(None, 0, 0))

    def trainee_records(self, trainee_id: int) -> list[TurnRecord]:
        return [record for record in self.records if record.trainee.id == trainee_id]


def build_scoreboard(records: TrainerRecords, session_id: int) -> Scoreboard:
    """Read one session from the records file and summarise it."""
    session = records.get_session(session_id)
    return summarise(session, records.trainees(session_id), records.session_records(session_id))


def summarise(session: Session, trainees: Sequence[Trainee], turn_records: Sequence[TurnRecord]) -> Scoreboard:
    """Summarise a session's turn records into a scoreboard."""
    grouped: dict[tuple[int, str], list[TurnRecord]] = defaultdict(list)
    for record in turn_records:
        grouped[(record.trainee.id, record.turn.scenario_id)].append(record)
    cells = {key: _cell(records) for key, records in grouped.items()}
    kpi_names = sorted({name for cell in cells.values() if cell.best for name in (cell.best.kpis or {})})
    return Scoreboard(session, tuple(trainees), cells, tuple(kpi_names), tuple(common_mistakes(turn_records)),
                      tuple(turn_records))


def _cell(records: Sequence[TurnRecord]) -> ScoreCell:
    turns = [record.turn for record in records if record.scripted is None]
    finished = [turn for turn in turns if turn.finished]
    best = max(finished, key=lambda turn: (turn.scaled_score, turn.id), default=None)
    return ScoreCell(best, len(finished), len(turns) - len(finished), len(records) - len(turns))


def common_mistakes(turn_records: Sequence[TurnRecord], limit: int | None = None) -> list[MistakeCount]:
    """Bad choices ranked by how often trainees made them (then by how many made them); scripted turns are left out."""
    times: Counter = Counter()
    who: dict[tuple, set[int]] = defaultdict(set)
    labels: dict[tuple, BilingualText | None] = {}
    for record in turn_records:
        if record.scripted is not None:
            continue
        for decision in record.mistakes:
            key = (record.turn.scenario_id, decision.decision_point_id, decision.choice_id)
            times[key] += 1
            who[key].add(record.trainee.id)
            labels[key] = decision.choice_label or labels.get(key)
    ranked = sorted(times, key=lambda key: (-times[key], -len(who[key]), key))
    return [MistakeCount(*key, labels[key], times[key], len(who[key])) for key in ranked[:limit]]
