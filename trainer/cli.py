"""Command line for trainers: sessions, scoreboards, debriefs, exports and posting to an LRS.

Every problem a trainer can fix is printed as one line on stderr with exit code 2; the records
file is never changed by a failed command.
"""

from __future__ import annotations

import argparse
import getpass
import math
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text as RichText

from .errors import RecordsError
from .store import TrainerRecords
from .text import printable

def Text(text: str = "", **options) -> RichText:  # noqa: N802 - stands in for rich's Text
    """Rich text for the terminal with control characters removed: names and labels are shown as data."""
    return RichText(printable(text), **options)


PROG = "srl-trainer"
ENV_LRS_URL, ENV_LRS_USER, ENV_LRS_PASSWORD = "SRL_LRS_URL", "SRL_LRS_USER", "SRL_LRS_PASSWORD"
EXIT_USER_ERROR = 2
MAX_ATTEMPTS = 20


class _Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one-line RecordsErrors instead of a usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise RecordsError(f"{message}; see '{self.prog} --help' for the options.")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the process exit code."""
    out = Console(highlight=False, soft_wrap=True)
    try:
        args = build_parser().parse_args(argv)
        return args.run(args, out) or 0
    except RecordsError as error:
        print(printable(f"{PROG}: {error}"), file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; everything recorded before that is kept.", file=sys.stderr)
        return 130


def build_parser() -> argparse.ArgumentParser:
    db_option = _Parser(add_help=False)
    db_option.add_argument("--db", type=Path, default=argparse.SUPPRESS, metavar="PATH",
                           help="records file (default: trainer-records.sqlite3 in your data folder)")
    parser = _Parser(prog=PROG, parents=[db_option],
                     description="Service Recovery Lab trainer records: sessions, scores, exports.")
    commands = parser.add_subparsers(title="commands", dest="command", required=True, metavar="COMMAND")

    def command(name: str, run: Callable, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[db_option], help=help_text, description=help_text)
        sub.set_defaults(run=run)
        return sub

    command("info", _info, "show where the records file is and what it holds")
    command("sessions", _sessions, "list the training sessions")

    sub = command("create-session", _create_session, "create a training session")
    sub.add_argument("name")
    sub.add_argument("--date", required=True, help="session date, YYYY-MM-DD")
    sub.add_argument("--scenario", action="append", required=True, metavar="ID", dest="scenarios",
                     help="a scenario id to play (repeat for several, in playing order)")

    sub = command("add-trainee", _add_trainees, "add trainees to a session")
    sub.add_argument("session", help="session number or exact name")
    sub.add_argument("names", nargs="+", metavar="NAME")

    sub = command("turns", _turns, "list a session's turns (their numbers open debriefs)")
    sub.add_argument("session", help="session number or exact name")
    sub.add_argument("--unfinished", action="store_true", help="only turns that can be resumed")

    sub = command("scoreboard", _scoreboard, "show a session's scores and common mistakes; write PNG/HTML")
    sub.add_argument("session", help="session number or exact name")
    sub.add_argument("--png", type=Path, metavar="FILE", help="write the scoreboard picture")
    sub.add_argument("--html", type=Path, metavar="FILE", help="write a self-contained HTML report")
    _add_lang(sub)

    sub = command("debrief", _debrief, "show one turn's decisions, feedback and KPIs")
    sub.add_argument("turn", type=_positive_int, help="turn number (see 'turns')")
    _add_lang(sub)

    sub = command("export", _export, "write a session's records as CSV and xAPI JSON lines")
    sub.add_argument("session", help="session number or exact name")
    sub.add_argument("--csv", type=Path, metavar="FILE", help="one row per turn, with KPIs")
    sub.add_argument("--decisions-csv", type=Path, metavar="FILE", help="one row per decision")
    sub.add_argument("--outcomes-csv", type=Path, metavar="FILE", help="one row per outcome")
    sub.add_argument("--xapi", type=Path, metavar="FILE", help="xAPI statements, one per line (.jsonl)")
    _add_iri_base(sub)
    _add_lang(sub)

    sub = command("post", _post, "send a session's xAPI statements to a learning record store")
    sub.add_argument("session", help="session number or exact name")
    sub.add_argument("--lrs", metavar="URL", help=f"the LRS's xAPI address (or set {ENV_LRS_URL})")
    sub.add_argument("--user", help=f"LRS user name (or set {ENV_LRS_USER})")
    sub.add_argument("--password", help=f"LRS password (or set {ENV_LRS_PASSWORD}; asked for if missing)")
    sub.add_argument("--resend", action="store_true", help="send statements the LRS acknowledged before too")
    sub.add_argument("--timeout", type=_seconds, default=10.0, metavar="SECONDS", help="per request (default 10)")
    sub.add_argument("--attempts", type=_attempts, default=4, help="tries per request (default 4, at most 20)")
    _add_iri_base(sub)

    sub = command("serve", _serve, "run a classroom: trainees join from their own games, the console follows live")
    sub.add_argument("--session", required=True, metavar="NAME", help="session number or exact name")
    sub.add_argument("--scenario", metavar="ID", help="which of the session's scenarios to play (default: its first)")
    sub.add_argument("--scenario-file", type=Path, metavar="FILE", help="the scenario's file (default: scenarios/ID.yaml)")
    sub.add_argument("--seed", type=_whole_number, default=0, help="the seed every trainee plays (default 0)")
    sub.add_argument("--host", default="127.0.0.1", metavar="ADDR",
                     help="address to listen on (default 127.0.0.1; the machine's local network address for a room)")
    sub.add_argument("--port", type=_port, default=8765, metavar="N", help="port to listen on (default 8765)")
    sub.add_argument("--max-connections", type=_positive_int, default=200, metavar="N",
                     help="trainees and consoles at once (default 200)")

    sub = command("classroom-debrief", _classroom_debrief, "how a classroom answered each decision, best and worst runs")
    sub.add_argument("session", help="session number or exact name")
    sub.add_argument("--scenario", metavar="ID", help="the classroom of this scenario (default: the latest)")
    sub.add_argument("--names", action="store_true", help="show who gave each answer (anonymised by default)")
    sub.add_argument("--csv", type=Path, metavar="FILE", help="one row per decision point and answer")
    sub.add_argument("--png", type=Path, metavar="FILE", help="the answers as a picture")
    sub.add_argument("--html", type=Path, metavar="FILE", help="the whole debrief as one web page")
    _add_lang(sub)
    return parser


def _add_lang(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--lang", choices=["en", "zh"], default=None, help="language of scenario texts (default en)")


def _add_iri_base(sub: argparse.ArgumentParser) -> None:
    from .xapi import DEFAULT_IRI_BASE

    sub.add_argument("--iri-base", default=DEFAULT_IRI_BASE, metavar="IRI",
                     help=f"prefix of activity and extension IRIs (default {DEFAULT_IRI_BASE})")


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return int(text)


def _whole_number(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 0 or more")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return int(text)


def _attempts(text: str) -> int:
    count = _positive_int(text)
    if count > MAX_ATTEMPTS:
        raise argparse.ArgumentTypeError(f"{text!r}: at most {MAX_ATTEMPTS} tries per request")
    return count


def _seconds(text: str) -> float:
    from .lrs import MAX_TIMEOUT_SECONDS

    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_TIMEOUT_SECONDS):
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0 and at most {MAX_TIMEOUT_SECONDS:g}")
    return seconds


def _open(args: argparse.Namespace, create: bool = False) -> TrainerRecords:
    return TrainerRecords.open(getattr(args, "db", None), create=create)


# --- commands -------------------------------------------------------------------------------------


def _info(args: argparse.Namespace, out: Console) -> None:
    with _open(args) as records:
        sessions = records.list_sessions()
        out.print(Text(f"Records file: {records.path}"))
        out.print(f"Schema version: {records.schema_version()}; sessions: {len(sessions)}")


def _sessions(args: argparse.Namespace, out: Console) -> None:
    with _open(args) as records:
        table = Table("#", "Name", "Date", "Scenarios", "Trainees", "Turns finished / started", title="Sessions")
        for session in records.list_sessions():
            turns = records.turns(session.id)
            table.add_row(str(session.id), Text(session.name), session.date.isoformat(),
                          Text(", ".join(s.id for s in session.scenarios)), str(len(records.trainees(session.id))),
                          f"{sum(t.finished for t in turns)} / {len(turns)}")
        out.print(table if table.row_count else "No sessions yet; create one with 'create-session'.")


def _create_session(args: argparse.Namespace, out: Console) -> None:
    with _open(args, create=True) as records:
        session = records.create_session(args.name, args.date, args.scenarios)
        out.print(Text(f"Created session {session.id}: {session.name} ({session.date.isoformat()})"))


def _add_trainees(args: argparse.Namespace, out: Console) -> None:
    with _open(args) as records:
        session = records.find_session(args.session)
        for name in args.names:
            trainee = records.add_trainee(session.id, name)
            out.print(Text(f"Added {trainee.name} to {session.name}"))


def _turns(args: argparse.Namespace, out: Console) -> None:
    with _open(args) as records:
        session = records.find_session(args.session)
        names = {t.id: t.name for t in records.trainees(session.id)}
        scripted = {record.turn.id: record.scripted for record in records.session_records(session.id)}
        table = Table("Turn", "Trainee", "Scenario", "Attempt", "Status", "Score", "Started", title=Text(session.name))
        for turn in records.turns(session.id, unfinished_only=args.unfinished):
            score = f"{turn.score:g} / {turn.score_max:g}" if turn.finished else ""
            status = turn.status.replace("_", " ") + (f", scripted ({scripted[turn.id]})" if scripted.get(turn.id) else "")
            table.add_row(str(turn.id), Text(names[turn.trainee_id]), Text(turn.scenario_id), str(turn.attempt),
                          status, score, turn.started_at)
        out.print(table if table.row_count else "No turns.")


def _scoreboard(args: argparse.Namespace, out: Console) -> None:
    from .scoreboard import build_scoreboard

    with _open(args) as records:
        board = build_scoreboard(records, records.find_session(args.session).id)
        png = html = None
        if args.png or args.html:
            from .charts import scoreboard_png

            png = scoreboard_png(board, args.lang)
        if args.html:
            from .report_html import scoreboard_html

            html = scoreboard_html(board, args.lang, png)
        _write_outputs(records, out, [(args.png, png), (args.html, html)])
    _print_scoreboard(board, args.lang, out)


def _print_scoreboard(board, lang: str | None, out: Console) -> None:
    scenarios = board.session.scenarios
    table = Table("Trainee", title=Text(f"{board.session.name} ({board.session.date.isoformat()})"))
    for scenario in scenarios:
        table.add_column(Text(scenario.label(lang)))
    for trainee in board.trainees:
        cells = []
        for scenario in scenarios:
            cell = board.cell(trainee.id, scenario.id)
            scripted = f"\n+{cell.scripted} scripted (not counted)" if cell.scripted else ""
            if cell.best is None:
                cells.append(("in progress" if cell.in_progress else "-") + scripted)
            else:
                kpis = ", ".join(f"{k} {v:g}" for k, v in sorted((cell.best.kpis or {}).items()))
                cells.append(Text(f"{cell.best.score:g} / {cell.best.score_max:g}\n{kpis}{scripted}"))
        table.add_row(Text(trainee.name), *cells)
    out.print(table)
    if board.mistakes:
        mistakes = Table("Bad choice", "Scenario", "Decision point", "Times", "Trainees", title="Common mistakes")
        for m in board.mistakes[:10]:
            scenario = board.session.scenario(m.scenario_id)
            mistakes.add_row(Text(m.text(lang)), Text(scenario.label(lang) if scenario else m.scenario_id),
                             Text(m.decision_point_id), str(m.times), str(m.trainees))
        out.print(mistakes)


def _debrief(args: argparse.Namespace, out: Console) -> None:
    with _open(args) as records:
        record = records.turn_record(args.turn)
    turn = record.turn
    status = f"score {turn.score:g} / {turn.score_max:g}" if turn.finished else "in progress"
    out.print(Text(f"{record.trainee.name} - {record.scenario.label(args.lang)}, attempt {turn.attempt}: {status}"))
    if record.scripted:
        out.print(Text(f"Scripted: played by the rule --answers {record.scripted}, not by the trainee (not counted on the scoreboard)"))
    table = Table("Sim. minute", "Decision point", "Choice", "Feedback", "Mistake")
    for d in record.decisions:
        mistake = {True: "yes", False: "", None: "?"}[d.is_mistake]
        table.add_row(f"{d.sim_minute:.1f}", Text(d.decision_point_id), Text(d.label(args.lang)),
                      Text(d.feedback_key or ""), mistake)
    out.print(table)
    if turn.kpis:
        out.print(Text("KPIs: " + ", ".join(f"{k} {v:g}" for k, v in sorted(turn.kpis.items()))))


def _export(args: argparse.Namespace, out: Console) -> None:
    from . import export

    wanted = [args.csv, args.decisions_csv, args.outcomes_csv, args.xapi]
    if not any(wanted):
        raise RecordsError("Nothing to export; give at least one of --csv, --decisions-csv, --outcomes-csv, --xapi.")
    with _open(args) as records:
        turn_records = records.session_records(records.find_session(args.session).id)
        contents = [
            export.csv_text(*export.turns_table(turn_records)) if args.csv else None,
            export.csv_text(*export.decisions_table(turn_records, args.lang)) if args.decisions_csv else None,
            export.csv_text(*export.outcomes_table(turn_records)) if args.outcomes_csv else None,
            export.xapi_jsonl(turn_records, args.iri_base) if args.xapi else None,
        ]
        _write_outputs(records, out, list(zip(wanted, contents)))


def _write_outputs(records: TrainerRecords, out: Console, outputs: list[tuple[Path | None, str | bytes | None]]) -> None:
    """Write each requested export (CSV with a byte-order mark, so spreadsheets read Chinese correctly)."""
    from .export import write_export

    for path, content in outputs:
        if path is None or content is None:
            continue
        encoding = "utf-8-sig" if path.suffix.lower() == ".csv" else "utf-8"
        written = write_export(path, content, records_path=records.path, encoding=encoding)
        out.print(Text(f"Wrote {written}"))


def _post(args: argparse.Namespace, out: Console) -> None:
    from rich.progress import Progress

    from .lrs import LrsClient
    from .publish import publish_session

    url = args.lrs or os.environ.get(ENV_LRS_URL)
    user = args.user or os.environ.get(ENV_LRS_USER)
    password = args.password or os.environ.get(ENV_LRS_PASSWORD)
    if not url:
        raise RecordsError(f"Which LRS? Give --lrs URL (or set {ENV_LRS_URL}).")
    if user and not password and sys.stdin.isatty():
        password = getpass.getpass(f"LRS password for {user}: ")
    with _open(args) as records, LrsClient(url, user or "", password or "", timeout_seconds=args.timeout,
                                           max_attempts=args.attempts) as client:
        session = records.find_session(args.session)
        with Progress(console=out, transient=True) as progress:
            task = progress.add_task("Posting statements", total=None)
            summary = publish_session(records, session, client, iri_base=args.iri_base, resend=args.resend,
                                      on_progress=lambda done, total: progress.update(task, completed=done, total=total))
    result = summary.post
    out.print(f"{summary.total} statements: {result.stored} newly stored, {result.already_stored} already in the LRS, "
              f"{summary.skipped} skipped (acknowledged earlier).")
    if result.conflicts:
        out.print(f"{result.conflicts} statements were not delivered: the LRS holds their ids with other content (or "
                  "would not show them). They stay pending; ask the LRS's administrator which copy is right.")


def _serve(args: argparse.Namespace, out: Console) -> None:
    from .classroom.limits import Limits
    from .classroom.serve import serve

    def say(line: str) -> None:
        out.print(Text(line))
        out.file.flush()

    with _open(args) as records:
        serve(records, args.session, scenario_id=args.scenario, scenario_file=args.scenario_file, seed=args.seed,
              host=args.host, port=args.port, limits=Limits(max_connections=args.max_connections), say=say)


def _classroom_debrief(args: argparse.Namespace, out: Console) -> None:
    from .classroom.debrief import (build_group_debrief, debrief_html, debrief_png, debrief_table, file_titles,
                                    latest_classroom)
    from .classroom.serve import scenario_library
    from .export import csv_text

    with _open(args) as records:
        session = records.find_session(args.session)
        classroom = latest_classroom(records, session, args.scenario)
        titles = file_titles(scenario_library() / f"{classroom.scenario_id}.yaml")
        debrief = build_group_debrief(records, classroom, names=args.names, titles=titles)
        png = debrief_png(debrief, args.lang) if args.png or args.html else None
        outputs = [(args.csv, csv_text(*debrief_table(debrief, args.lang)) if args.csv else None), (args.png, png),
                   (args.html, debrief_html(debrief, args.lang, png) if args.html else None)]
        _write_outputs(records, out, outputs)
    out.print(Text(f"{session.name}: {debrief.classroom.scenario_id}, {debrief.trainees} trainees, "
                   f"{debrief.finished} finished"))
    for decision, answers in debrief.answers.items():
        table = Table("Answer", "Trainees", "Mistake", "Mood change", "Mean score",
                      title=Text(debrief.title(decision, args.lang)))
        for a in answers:
            table.add_row(Text(a.text(args.lang)), str(a.times), "yes" if a.mistake else "",
                          "" if a.mood_change is None else f"{a.mood_change:+.2f}",
                          "" if a.mean_score is None else f"{a.mean_score:.0f}")
        out.print(table)
