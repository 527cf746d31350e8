"""The game's command line: flags, their checks, and the scenes the game starts with."""
from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Sequence

from sim import UserError, load_scenario
from sim.atomic_write import same_file
from trainer.database import default_db_path

from .answers import STRATEGIES
from .classroom.connect import server_url
from .strings import LANGS

PROG = "srl-game"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes become one-line UserErrors (exit 2, no usage dump)."""

    def error(self, message: str):  # noqa: D401 - argparse's hook
        raise UserError(f"{message}; see {PROG} --help")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="Play a Service Recovery Lab scenario: title, briefing, play, debrief.")
    parser.add_argument("--scenario", metavar="FILE", help="start this scenario directly (skips the title and picker)")
    parser.add_argument("--lang", choices=LANGS, default="en", help="language: en (English) or zh (Simplified Chinese)")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the model (default 0)")
    parser.add_argument("--font", metavar="PATH", help="font file with Chinese glyphs (default: found on the system)")
    parser.add_argument("--autoplay", metavar="POLICY", help="demo: play the scenario by one of its policies (e.g. expert)")
    parser.add_argument("--headless", action="store_true", help="run without a window (needs --autoplay or --answers)")
    parser.add_argument("--answers", choices=STRATEGIES, help="scripted play: answer every decision as the expert, with the "
                        "worst answer, always the first shown, or at random (with --headless: no window, prints the score)")
    parser.add_argument("--json", metavar="FILE", help="with --answers: write the score, its interval and the KPIs to FILE")
    parser.add_argument("--no-timer", action="store_true", help="dialogs wait for an answer (no countdown)")
    parser.add_argument("--screenshots", metavar="DIR", help="save a PNG of each screen passed (with --autoplay)")
    parser.add_argument("--scenario-dir", metavar="DIR", help="folder the scenario picker lists (default: scenarios/)")
    parser.add_argument("--speed", type=int, choices=(1, 2, 4), default=None, help="starting speed (default 1; demo 2)")
    parser.add_argument("--replays", type=int, default=20, metavar="N", help="model runs behind the debrief's chart (default 20)")
    parser.add_argument("--fullscreen", action="store_true", help="start in full screen")
    parser.add_argument("--no-sound", action="store_true", help="start with sound off")
    trainer = parser.add_argument_group("trainer sessions")
    trainer.add_argument("--db", metavar="PATH", help="trainer records file (default: trainer-records.sqlite3 in your data folder)")
    trainer.add_argument("--session", metavar="NAME", help="open this training session (its number or exact name)")
    trainer.add_argument("--trainee", metavar="NAME", help="with --session: record the turn for this trainee (joins if new)")
    trainer.add_argument("--resume", type=int, metavar="TURN", help="carry on this unfinished recorded turn")
    classroom = parser.add_argument_group("classroom (a trainer's srl-trainer serve)")
    classroom.add_argument("--join", metavar="HOST:PORT", help="join the classroom at this address (with --code and --trainee)")
    classroom.add_argument("--code", metavar="CODE", help="the classroom's join code (or, with --console, its console code)")
    classroom.add_argument("--console", metavar="HOST:PORT", help="open the trainer's console of the classroom at this address")
    trainer.add_argument("--export-dir", metavar="DIR", help="where scoreboards are exported (default: Documents/Service Recovery Lab)")
    return parser


def parse(argv: Sequence[str] | None):
    """Parse and check the flags; load the scenario. Raises UserError with one clear message."""
    from .app import Options

    args = build_parser().parse_args(argv)
    if args.answers and args.autoplay:
        raise UserError("--answers and --autoplay both answer the decisions; give one of them")
    if args.answers and not (args.scenario or args.resume):
        raise UserError("--answers needs --scenario FILE (or --resume TURN): which scenario should be played?")
    if args.answers and args.session is not None and args.trainee is None:
        raise UserError("--answers with --session needs --trainee NAME: whose scripted turn should be recorded?")
    if args.autoplay and args.resume is not None:
        raise UserError(f"--autoplay is a demo and a demo is never recorded, so it cannot carry on turn {args.resume}; "
                        f"leave it out to play the turn, or give --answers RULE to finish it by a rule (recorded as scripted)")
    if args.json and not (args.answers and args.headless):
        raise UserError("--json needs --answers RULE --headless: it writes the score of a scripted play")
    if args.json and not Path(os.path.abspath(Path(args.json).expanduser())).parent.is_dir():
        raise UserError(f"--json {args.json}: the folder does not exist; create it or give another path")
    for source, what in ((args.scenario, "the scenario file"), (args.db or default_db_path(), "the trainer records file")):
        if args.json and source and same_file(args.json, source):
            raise UserError(f"--json {args.json}: that is {what}; writing the score there would replace it. "
                            "Give another file name")
    if args.headless and not (args.autoplay or args.answers):
        raise UserError("--headless needs --autoplay POLICY or --answers RULE: without a window nobody can play")
    if args.screenshots and not args.autoplay:
        raise UserError("--screenshots needs --autoplay POLICY (the demo takes the screenshots)")
    if args.autoplay and not args.scenario:
        raise UserError("--autoplay needs --scenario FILE: which scenario should the demo play?")
    if args.join is not None and args.console is not None:
        raise UserError("--join and --console: give one (a trainee joins, the trainer opens the console)")
    if (args.join or args.console) and (args.session or args.resume or args.autoplay or args.scenario):
        raise UserError("--join/--console play the classroom's scenario; leave out --session, --resume, --autoplay and --scenario")
    if args.console is not None and not args.code:
        raise UserError("--console needs --code CODE: the console code srl-trainer serve printed")
    if args.code is not None and not (args.join or args.console):
        raise UserError("--code needs --join HOST:PORT (or --console HOST:PORT): which classroom is the code for?")
    for flag, address in (("--join", args.join), ("--console", args.console)):
        if address is not None and server_url(address) is None:
            raise UserError(f"{flag} {address}: write the address as HOST:PORT, for example 192.168.1.20:8765")
    if args.trainee is not None and args.session is None and args.join is None:
        raise UserError("--trainee needs --session NAME (or --join HOST:PORT): which training session is the trainee in?")
    if args.session is not None and args.scenario and args.trainee is None:
        raise UserError("--session with --scenario needs --trainee NAME: whose turn should be recorded?")
    if args.resume is not None and (args.session is not None or args.trainee is not None):
        raise UserError("--resume TURN already names its session and trainee; leave out --session and --trainee")
    if args.resume is not None and args.resume < 1:
        raise UserError(f"--resume {args.resume}: give a turn number (see: srl-trainer turns SESSION --unfinished)")
    if not 1 <= args.replays <= 1000:
        raise UserError(f"--replays {args.replays}: give a number from 1 to 1000")
    if args.seed < 0:
        raise UserError(f"--seed {args.seed}: give a whole number of 0 or more")
    scenario = None
    if args.scenario:
        scenario = load_scenario(args.scenario)
        if getattr(scenario, "exercise", None) is None:
            raise UserError(f"{args.scenario}: this scenario has no `exercise` section, so it cannot be played; "
                            f"playable examples: scenarios/delayed_flight.yaml, scenarios/vip_lounge.yaml")
        if args.autoplay and args.autoplay not in scenario.policies:
            known = ", ".join(sorted(scenario.policies)) or "none"
            raise UserError(f"--autoplay {args.autoplay}: unknown policy for {args.scenario}; known policies: {known}")
    scenario_dir = Path(args.scenario_dir) if args.scenario_dir else None
    if scenario_dir is not None and not scenario_dir.is_dir():
        raise UserError(f"--scenario-dir {args.scenario_dir}: no such folder")
    screenshots = Path(args.screenshots) if args.screenshots else None
    if screenshots is not None:
        try:
            screenshots.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"--screenshots {args.screenshots}: cannot create the folder ({exc.strerror})") from None
    speed = args.speed or (2 if args.autoplay and not args.headless else 4 if args.headless else 1)
    return Options(
        scenario=scenario, lang=args.lang, seed=args.seed, autoplay=args.autoplay, headless=args.headless,
        screenshots=screenshots, scenario_dir=scenario_dir, fullscreen=args.fullscreen, sound=not args.no_sound,
        speed=speed, replications=args.replays, db=Path(args.db).expanduser() if args.db else None,
        export_dir=Path(args.export_dir).expanduser() if args.export_dir else None, session_name=args.session,
        trainee_name=args.trainee, resume=args.resume, answers=args.answers,
        json=Path(args.json).expanduser() if args.json else None, timer=not args.no_timer,
        join=args.join, console=args.console, code=args.code,
    ), args.font
