"""Start the game: ``python -m game`` (console script ``srl-game``)."""
from __future__ import annotations

import os
import sys
from typing import Sequence

from sim import UserError

HEADLESS_FRAME_S = 1 / 15  # seconds of game time per frame when there is no window to keep up with


def main(argv: Sequence[str] | None = None) -> int:
    """Run the game; a user mistake prints one line and returns 2."""
    from trainer import RecordsError

    from .cli import PROG, parse

    app = records = None
    try:
        options, font_path = parse(argv)
        if options.answers and options.headless:
            return _scripted(options)
        if options.headless:
            os.environ["SDL_VIDEODRIVER"] = "dummy"
            os.environ["SDL_AUDIODRIVER"] = "dummy"
        import pygame

        from trainer import TrainerRecords

        from .app import App
        from .demo import Autopilot, Screenshots
        from .fonts import resolve_font
        from .scenes.briefing import BriefingScene
        from .scenes.registry import make_scene
        from .scenes.title import TitleScene
        from .trainer_start import resolve, start_scenes

        wants_records = options.db is not None or options.session_name is not None or options.resume is not None
        records = TrainerRecords.open(options.db) if wants_records else None  # a bad --db stops here, untouched
        start = resolve(records, options) if records is not None else None
        pygame.display.init()
        options.font = resolve_font(font_path)
        app = App(options, records=records)
        drivers = []
        if options.autoplay or options.answers:
            scenario = options.scenario or start.scenario
            shots = Screenshots(options.screenshots, options.lang) if options.screenshots else None
            drivers.append(Autopilot(scenario.source, shots, tour_settings=shots is not None and start is None,
                                     quit_at_end=options.headless))
        if options.join is not None:
            app.reset(TitleScene(app), make_scene("classroom_join", app, options.join, options.code or "",
                                                  options.trainee_name or ""))
        elif options.console is not None:
            app.reset(TitleScene(app), make_scene("classroom_console", app, options.console, options.code))
        elif start is not None:
            app.reset(*start_scenes(app, start))
        elif options.scenario is not None and not options.autoplay:
            app.reset(TitleScene(app), BriefingScene(app, options.scenario))
        else:
            app.push(TitleScene(app))
        app.run(tuple(drivers), frame_dt=HEADLESS_FRAME_S if options.headless else None)
        if options.screenshots:
            print(f"{len(drivers[0].shots.saved)} screenshots in {options.screenshots}")
        return 0
    except (UserError, RecordsError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    finally:
        if app is not None:
            app.close()
        elif records is not None:
            records.close()
        if "pygame" in sys.modules:
            sys.modules["pygame"].quit()


def _scripted(options) -> int:
    """``--headless --answers RULE``: play by the rule without a window, print the score, write ``--json``."""
    from .recording import TurnPlan
    from .scripted import report, summary, write_json
    from trainer import TrainerRecords
    from .trainer_start import resolve

    recorded = options.session_name is not None or options.resume is not None
    records = TrainerRecords.open(options.db) if recorded else None
    try:
        start = resolve(records, options) if records is not None else None  # a wrong name or turn stops here
        if start is not None and start.resumed is not None:  # the rest of a recorded turn, answered by the rule
            result = report(start.scenario, options.answers, start.resumed.seed, options.replications, session=start.resumed)
        else:
            plan = TurnPlan(records, start.trainee, options.scenario.name) if start is not None else None
            result = report(options.scenario, options.answers, options.seed, options.replications, plan)
    finally:
        if records is not None:
            records.close()
    print(summary(result))
    if options.json is not None:
        write_json(result, options.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
