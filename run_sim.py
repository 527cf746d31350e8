"""Command line for planners: validate scenarios, run them, and (more commands below) study them.

Thin by design: each command parses its flags, calls the ``sim`` package and prints the result.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, Sequence

DEFAULT_SCENARIO = Path(__file__).resolve().parent / "scenarios" / "bank_branch.yaml"


class CliError(Exception):
    """A mistake in the command line itself (a flag or its value)."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a bad flag as one line plus a hint, with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"run_sim.py: {message}\nTry `python run_sim.py {self.prog.split()[-1] if ' ' in self.prog else ''} --help`.\n".replace("  ", " "))


# -- shared helpers -------------------------------------------------------------------------------
def parse_assignments(items: Sequence[str], flag: str) -> dict[str, Any]:
    """``["a.b=3", ...]`` -> ``{"a.b": 3}`` with YAML-typed values."""
    from sim.scenario import parse_override_value

    result: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CliError(f"{flag} {item!r}: write it as KEY.PATH=VALUE, for example {flag} staff.agent.count=4")
        result[key.strip()] = parse_override_value(value)
    return result


def format_number(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if abs(value) >= 1000 or value == int(value):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:g}"
    return f"{value:.3f}"


def print_summary(title: str, kpis: dict[str, dict[str, Any]]) -> None:
    """A table of KPI, mean and 95 % interval."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    table.add_column("KPI")
    table.add_column("mean", justify="right")
    table.add_column("95 % interval", justify="right")
    for name, entry in kpis.items():
        low, high = entry["ci95"]
        interval = "-" if math.isnan(low) else f"{format_number(low)} .. {format_number(high)}"
        table.add_row(name, format_number(entry["mean"]), interval)
    Console().print(table)


def progress_bar(description: str):
    """A rich progress bar on stderr with time left; returns (progress, callback(done, total))."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from rich.console import Console

    progress = Progress(
        TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=Console(stderr=True), transient=True,
    )
    task = progress.add_task(description, total=None)

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    return progress, update


def write_json(path: str, payload: dict[str, Any]) -> None:
    """Write ``payload`` as stable JSON (sorted keys, NaN as null) so equal runs give equal bytes."""
    text = json.dumps(payload, indent=2, sort_keys=True, allow_nan=False, default=str)
    try:
        Path(path).write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}; choose a folder you can write to") from None


def without_nan(value: Any) -> Any:
    """Replace NaN (no data for a KPI) by None so the JSON is valid."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: without_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nan(v) for v in value]
    return value


def load(path: str | None, overrides: Sequence[str] = ()):
    from sim import load_scenario

    return load_scenario(path or DEFAULT_SCENARIO, parse_assignments(overrides, "--set"))


# -- commands -------------------------------------------------------------------------------------
def cmd_validate(args: argparse.Namespace) -> int:
    from sim import ScenarioError, load_scenario

    failed = 0
    for path in args.files:
        try:
            load_scenario(path)
            print(f"{path}: ok")
        except ScenarioError as exc:
            failed += 1
            print(exc.message, file=sys.stderr)
    return 1 if failed else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from sim import scenario_json_schema

    print(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from sim.replications import replicate

    if args.replications < 1:
        raise CliError("--replications must be at least 1")
    scenario = load(args.scenario, args.set)
    progress, update = progress_bar(f"{scenario.name}: replications")
    with progress:
        result = replicate(scenario, args.replications, args.seed, on_progress=update)
    print_summary(f"{scenario.name}: {args.replications} replication(s), seed {args.seed}", result["kpis"])
    if args.json:
        write_json(args.json, without_nan({
            "scenario": scenario.name, "seed": args.seed, "replications": args.replications,
            "overrides": parse_assignments(args.set, "--set"), "kpis": result["kpis"],
        }))
        print(f"wrote {args.json}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="run_sim.py", description="Simulate service operations, failures and recovery.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check scenario files against the schema")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(handler=cmd_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of scenario files")
    schema.set_defaults(handler=cmd_schema)

    run = commands.add_parser("run", help="simulate a scenario and print its KPIs with 95 %% intervals")
    run.add_argument("scenario", nargs="?", help=f"scenario file (default: {DEFAULT_SCENARIO.relative_to(DEFAULT_SCENARIO.parent.parent)})")
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0); the same seed gives the same results")
    run.add_argument("--replications", "-r", type=int, default=10, help="independent replications (default 10)")
    run.add_argument("--set", action="append", default=[], metavar="KEY.PATH=VALUE", help="override a scenario value, e.g. staff.teller.count=4")
    run.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    run.set_defaults(handler=cmd_run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from sim import UserError

    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (UserError, CliError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
