"""Opening the game on a recorded turn from the command line: ``--session`` (with ``--trainee``), or ``--resume``.

Everything is checked against the records before the window opens, so a wrong name or turn number is
one line on stderr and exit status 2, like any other mistake on the command line.
"""
from __future__ import annotations

from dataclasses import dataclass

from sim import Scenario, UserError
from trainer import RecordsError, Session, Trainee, TrainerRecords

from .catalog import default_scenario_dir, find
from .recording import TurnPlan
from .resume import resume_turn
from .session import Session as Playthrough


@dataclass(frozen=True)
class RecordedStart:
    """Where the game opens: a session's page, a trainee's page, a recorded briefing, or a resumed turn."""

    session: Session
    trainee: Trainee | None = None
    scenario: Scenario | None = None
    resumed: Playthrough | None = None


def resolve(records: TrainerRecords, options) -> RecordedStart | None:
    """What ``--session``/``--trainee``/``--resume`` ask for (None without them); raises RecordsError or UserError."""
    if options.resume is not None:
        record = records.resume_turn(options.resume)
        scenario = options.scenario or _scenario_file(options, record.turn.scenario_id, options.resume)
        resumed = resume_turn(records, scenario, options.resume, options.answers, options.speed)
        return RecordedStart(record.session, record.trainee, scenario, resumed)
    if options.session_name is None:
        return None
    session = records.find_session(options.session_name)
    scenario = options.scenario
    if scenario is not None and session.scenario(scenario.name) is None:
        known = ", ".join(s.id for s in session.scenarios)
        raise RecordsError(f"--scenario {scenario.source}: {scenario.name!r} is not part of session {session.name!r}; "
                           f"its scenarios are: {known}")
    trainee = records.join_session(session.id, options.trainee_name) if options.trainee_name is not None else None
    return RecordedStart(session, trainee, scenario if trainee is not None else None)


def _scenario_file(options, scenario_id: str, turn_id: int) -> Scenario:
    folder = options.scenario_dir or default_scenario_dir()
    entry = find(folder, scenario_id)
    if entry is None or not entry.playable:
        problem = entry.error if entry is not None and entry.error else "no such file"
        raise UserError(f"--resume {turn_id}: the turn's scenario {scenario_id!r} cannot be loaded from {folder} ({problem}); "
                        f"give its file with --scenario FILE")
    return entry.scenario


def start_scenes(app, start: RecordedStart) -> list:
    """The scene stack for ``start``: title, trainer pages, then the briefing of the recorded turn if any."""
    from .scenes.briefing import BriefingScene
    from .scenes.title import TitleScene
    from .scenes.trainer_session import TrainerSessionScene
    from .scenes.trainer_sessions import TrainerSessionsScene
    from .scenes.trainer_trainee import TraineeScene

    scenes = [TitleScene(app), TrainerSessionsScene(app), TrainerSessionScene(app, start.session)]
    if start.trainee is not None:
        scenes.append(TraineeScene(app, start.session, start.trainee))
    if start.resumed is not None:
        scenes.append(BriefingScene(app, start.scenario, resumed=start.resumed))
    elif start.scenario is not None:  # a demo (--autoplay) is never recorded as the trainee's turn
        plan = None if app.options.autoplay else TurnPlan(app.records(), start.trainee, start.scenario.name)
        scenes.append(BriefingScene(app, start.scenario, plan=plan))
    return scenes
