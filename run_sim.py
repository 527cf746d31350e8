"""Command line for planners: validate scenarios, run them, and (more commands below) study them.

Thin by design: each command parses its flags, calls the ``sim`` package and prints the result.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

DEFAULT_SCENARIO = Path(__file__).resolve().parent / "scenarios" / "bank_branch.yaml"
STOP_GRACE_S = 20.0  # a run stopped by a signal ends within this, even if a thread it leaves still waits


class CliError(Exception):
    """A mistake in the command line itself (a flag or its value)."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a bad flag as one line plus a hint, with exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"run_sim.py: {message}\nTry `python run_sim.py {self.prog.split()[-1] if ' ' in self.prog else ''} --help`.\n".replace("  ", " "))


# -- shared helpers -------------------------------------------------------------------------------
def seed_number(text: str) -> int:
    """An argparse type: a seed is a whole number from 0 (numpy's seed sequences take no negative ones)."""
    if not text.strip().isdigit() or len(text.strip()) > 30:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a seed; give a whole number from 0 to 30 digits long (e.g. 7)")
    return int(text)


def show_note(message, category, *_args, **_kwargs) -> None:
    """Show library notes (settings adjusted, a long run ahead) as one ``note:`` line on stderr."""
    from sim.errors import UserNote

    print(f"note: {message}" if issubclass(category, UserNote) else f"warning: {message}", file=sys.stderr)


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


def print_summary(title: str, kpis: dict[str, dict[str, Any]], by: Sequence[str] = ()) -> None:
    """A table of KPI, mean and 95 % interval: the whole run's, then those of each dimension in ``by``."""
    from rich.console import Console
    from rich.table import Table
    from sim.model.kpis import dimension_of

    table = Table(title=title, title_justify="left")
    table.add_column("KPI")
    table.add_column("mean", justify="right")
    table.add_column("95 % interval", justify="right")
    shown = [name for name in kpis if dimension_of(name) is None]
    for dimension in by:
        names = [name for name in kpis if dimension_of(name) == dimension]
        parts = list(dict.fromkeys(name.split(".", 2)[1] for name in names))  # one part's KPIs together
        shown += sorted(names, key=lambda name: parts.index(name.split(".", 2)[1]))
    for name in shown:
        entry = kpis[name]
        low, high = entry["ci95"]
        interval = "-" if math.isnan(low) else f"{format_number(low)} .. {format_number(high)}"
        table.add_row(name, format_number(entry["mean"]), interval)
    console = Console()
    (console if console.is_terminal else Console(width=160)).print(table)  # files get whole KPI names


LOG_EVERY_S = 5.0  # progress lines when stderr is not a terminal (a pipe, a log file)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def time_left(elapsed: float, done: int, total: int | None) -> str:
    """Time left at the rate measured so far (elapsed per replication done), or "-" before the first."""
    if not done or not total:
        return "-:--:--"
    return _duration(elapsed * max(total - done, 0) / done)


@contextmanager
def progress_while(description: str, known_total: bool = True) -> Iterator[Callable[[int, int], None]]:
    """Progress on stderr from the first report: ``report(done, total)`` in replications.

    On a terminal, a bar with the time left from the measured rate; otherwise a line every few seconds.
    ``known_total=False`` (the staffing search, whose work is not known in advance) counts replications
    without a total, one bar through all of its phases.
    """
    import time

    from rich.console import Console
    from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn
    from rich.text import Text

    class MeasuredTimeLeft(ProgressColumn):
        def render(self, task) -> Text:
            return Text(time_left(task.elapsed or 0.0, int(task.completed), task.total and int(task.total)), style="progress.remaining")

    console = Console(stderr=True)
    progress = Progress(TextColumn(description), BarColumn(), TextColumn("{task.completed:.0f}/{task.fields[of]} replications"),
                        MeasuredTimeLeft(), console=console, transient=True)
    task = None
    begun = last_line = time.monotonic()
    on_terminal = console.is_terminal

    def report(done: int, total: int) -> None:
        nonlocal task, last_line
        total = total if known_total else None
        if on_terminal:
            if task is None:
                progress.start()
                task = progress.add_task(description, total=total, of="?")
            progress.update(task, completed=done, total=total, of=total if total is not None else "?")
            return
        now = time.monotonic()
        if task is None or now - last_line >= LOG_EVERY_S:
            task, last_line = True, now
            of = f"/{total}" if total else ""
            left = f", about {time_left(now - begun, done, total)} left" if total and done else ""
            print(f"{description}: {done}{of} replications, {_duration(now - begun)} elapsed{left}", file=sys.stderr, flush=True)

    try:
        yield report
    finally:
        if on_terminal and task is not None:
            progress.stop()


def write_json(path: str, payload: dict[str, Any]) -> None:
    """Write ``payload`` as stable JSON (sorted keys, NaN as null) so equal runs give equal bytes."""
    from sim.atomic_write import write_atomic

    write_atomic(path, json.dumps(payload, indent=2, sort_keys=True, allow_nan=False, default=str) + "\n", make_folders=True)


def until_stopped(work: Callable[[], Any]) -> tuple[Any, KeyboardInterrupt | None]:
    """``work()``'s result and None, or, when Ctrl-C or a stop signal ends it, what had finished and the
    interrupt, to raise again once that is written."""
    from sim.interrupts import Incomplete

    try:
        return work(), None
    except Incomplete as stop:
        return stop.partial, stop.cause


def stop_after_writing(stopped: KeyboardInterrupt | None, finished: str) -> None:
    """Say on stderr what an interrupted command kept, then end it as the interrupt does (no traceback)."""
    if stopped is not None:
        print(f"incomplete: {finished}; the files written hold only that and are marked incomplete", file=sys.stderr)
        raise stopped


def without_nan(value: Any) -> Any:
    """Replace NaN (no data for a KPI) by None so the JSON is valid."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: without_nan(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nan(v) for v in value]
    return value


# (command, attribute, flag) of every file a command reads, and of every file or folder it writes
INPUT_FILES = [(None, "scenario", "the scenario file"), ("fit", "queue_log", "the queue log"),
               ("fit", "complaints", "the complaint log")]
OUTPUT_FILES = [(None, "json", "--json"), (None, "csv", "--csv"), (None, "events", "--events"), (None, "out", "--out"),
                ("run", "queue_log", "--queue-log"), (None, "report", "--report")]


def check_outputs(args: argparse.Namespace) -> None:
    """Refuse, before any work, an output that would replace one of the command's inputs or another output.

    Every file is written whole or not at all, but writing the results over the scenario (or the log)
    being read would still destroy it, and two outputs on one path would keep only the last.
    """
    from sim.atomic_write import same_file

    def named(table: list[tuple[str | None, str, str]]) -> list[tuple[str, str]]:
        return [(getattr(args, attribute), label) for command, attribute, label in table
                if command in (None, args.command) and getattr(args, attribute, None)]

    inputs = named(INPUT_FILES)
    if args.command in {"run", "sweep", "staff", "compare"} and not getattr(args, "scenario", None):
        inputs.append((str(DEFAULT_SCENARIO), "the scenario file"))
    outputs = named(OUTPUT_FILES)
    for index, (path, flag) in enumerate(outputs):
        for source, what in inputs:
            if same_file(path, source):
                raise CliError(f"{flag} {path}: that is {what} this command reads; writing there would replace it. "
                               "Give another file name")
        for other, other_flag in outputs[index + 1:]:
            if same_file(path, other) or os.path.abspath(path) == os.path.abspath(other):  # (or will be)
                raise CliError(f"{flag} and {other_flag} both name {path}; one would replace the other. "
                               "Give each its own file name")


def scenario_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The key-path settings of the command line: ``--set`` flags, then the shortcuts for common ones."""
    settings = parse_assignments(args.set, "--set")
    if getattr(args, "no_failures", False):
        settings["failures"] = "off"
    if getattr(args, "block_min", None) is not None:
        settings["operation.block_min"] = args.block_min
    return settings


def load(args: argparse.Namespace):
    """The scenario a command works on, with the command line's settings applied.

    Warns (on stderr) where a setting of a role's count is overridden by a shift with an absolute count.
    """
    from sim import load_scenario
    from sim.scenario.variants import fixed_shift_warnings

    scenario = load_scenario(args.scenario or DEFAULT_SCENARIO, scenario_settings(args))
    keys = [*scenario_settings(args), *(item.partition("=")[0].strip() for item in getattr(args, "param", []) + getattr(args, "variant", []))]
    for warning in fixed_shift_warnings(scenario, keys):
        print(warning, file=sys.stderr)
    print_notes(args.scenario or DEFAULT_SCENARIO, scenario)
    return scenario


def print_notes(path, scenario) -> None:
    """Say which keys of an older scenario format were loaded but no longer have an effect."""
    for note in scenario.notes:
        print(f"note: {path}: {note}", file=sys.stderr)


# -- commands -------------------------------------------------------------------------------------
def cmd_validate(args: argparse.Namespace) -> int:
    from sim import ScenarioError, load_scenario

    from sim.scenario.bilingual import untranslated_texts

    failed = 0
    for path in args.files:
        try:
            scenario = load_scenario(path)
            print_notes(path, scenario)
            print(f"{path}: ok")
            missing = untranslated_texts(scenario)
            if missing:
                shown = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
                print(f"{path}: note: {len(missing)} player-facing text(s) have no Chinese version, which the scenario "
                      f"library requires (write them as {{en: ..., zh: ...}}): {shown}", file=sys.stderr)
        except ScenarioError as exc:
            failed += 1
            print(exc.message, file=sys.stderr)
    return 1 if failed else 0


def cmd_schema(args: argparse.Namespace) -> int:
    from sim import scenario_json_schema

    from sim.atomic_write import write_atomic

    text = json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False)
    if args.write is None:
        print(text)
        return 0
    write_atomic(args.write, text + "\n")
    print(f"wrote {args.write}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from sim.scenario.starter import write_starter

    path = write_starter(Path(args.folder) if args.folder else DEFAULT_SCENARIO.parent, args.name)
    print(f"wrote {path}; edit it, then check it with: python run_sim.py validate {path}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from sim.experiments.parallel import Runner
    from sim.experiments.replications import replicate

    scenario = load(args)
    with Runner(args.workers, args.dask) as runner:
        with progress_while(f"{scenario.name}: replications") as update:
            result, stopped = until_stopped(lambda: replicate(
                scenario, args.replications, args.seed, policy=args.policy, warmup_min=args.warmup,
                precision=args.precision, kpis=args.kpi or None, max_replications=args.max_replications,
                runner=runner, on_progress=update,
            ))
        where = runner.description
    if stopped is not None and not result.replications:
        raise stopped  # nothing finished, nothing to write
    policy = f", policy {args.policy}" if args.policy else ""
    incomplete = " (INCOMPLETE: stopped; the replications that finished)" if stopped else ""
    print_summary(f"{scenario.name}: {result.replications} replication(s), seed {args.seed}{policy}{incomplete}", result.kpis, args.by)
    if result.replications == 1:
        print("no interval from one replication: run at least 2 (-r 10 or more for useful intervals)")
    print_precision(result.precision, result.imprecise, args.max_replications)
    passed_on = result.kpis.get("escalations_passed_on", {}).get("mean") or 0.0
    if passed_on > 0:
        print(f"warning: {passed_on:.3g} escalated case(s) per run reached a level of recovery.escalation with no one "
              "on duty and went on to the next level; put someone on duty at every level, or drop the level", file=sys.stderr)
    if args.json:
        write_json(args.json, without_nan({
            "scenario": scenario.name, "seed": args.seed, "replications": result.replications, "policy": args.policy,
            "overrides": scenario_settings(args), "kpis": result.kpis, "complete": result.complete,
        }))
        print(f"wrote {args.json}")
    if args.report:
        from sim.outputs.report import run_report

        print(f"wrote {run_report(args.report, scenario, result, where)}")
    stop_after_writing(stopped, f"{result.replications} replication(s) finished, the first ones in order"
                       + (" (--events and --queue-log not written)" if args.events or args.queue_log else ""))
    if args.events:
        from sim.outputs.event_log import write_event_log

        count = write_event_log(args.events, scenario, args.seed, 0, args.policy)
        print(f"wrote {args.events} ({count:,} events of replication 0)")
    if args.queue_log:
        from sim.fitting import as_text, simulate_queue_log

        from sim.atomic_write import atomic_open

        table = as_text(simulate_queue_log(scenario, args.seed, 0))
        with atomic_open(args.queue_log, newline="", make_folders=True) as handle:
            table.to_csv(handle, index=False)
        print(f"wrote {args.queue_log} ({len(table):,} customers of replication 0, as a queue system would export them)")
    return 0


# -- planning commands: sweep, staff, compare -------------------------------------------------------------
def print_precision(precision: float | None, imprecise: Sequence[str], cap: int) -> None:
    """Say which KPIs did not reach the precision goal within --max-replications."""
    if precision is not None and imprecise:
        print(f"note: after {cap} replications (--max-replications) these KPIs are still wider than "
              f"+/-{precision:.0%} of their mean: {', '.join(imprecise)}", file=sys.stderr)


def interval_cell(entry: dict[str, Any], signed: bool = False) -> str:
    """``mean ± half-width`` of the 95 % interval, for a table cell (small values keep 3 significant digits)."""

    def number(value: float) -> str:
        text = f"{value:.3g}" if value and abs(value) < 0.01 else format_number(value)
        return f"+{text}" if signed and value > 0 else text

    low, high = entry["ci95"]
    half = "" if low is None or math.isnan(low) else f" ± {number((high - low) / 2).lstrip('+')}"
    return f"{number(entry['mean'])}{half}"


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]], left: int = 1) -> None:
    """A rich table; the first ``left`` columns are text, the others numbers."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for i, name in enumerate(header):
        table.add_column(name, justify="left" if i < left else "right", overflow="fold")
    for row in rows:
        table.add_row(*(str(cell) for cell in row))
    console = Console()
    Console(width=160).print(table) if not console.is_terminal else console.print(table)  # files get whole lines


def write_csv(path: str, rows: list[dict[str, Any]], note: str | None = None) -> None:
    """Write rows (dicts with the same keys) as CSV; NaN becomes an empty cell.

    ``note`` (an incomplete sweep) goes first as a ``# `` comment line, so no program reads the file
    as the whole sweep without being told (pandas: ``read_csv(path, comment="#")``).
    """
    import csv

    from sim.atomic_write import atomic_open

    with atomic_open(path, newline="", make_folders=True) as handle:
        if note:
            handle.write(f"# {note}\n")
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else [])
        writer.writeheader()
        writer.writerows([{k: "" if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()} for row in rows])


def shown_kpis(chosen: Sequence[str], available: Sequence[str]) -> list[str]:
    from sim.outputs.plots import headline_kpis

    return list(chosen) if chosen else headline_kpis(available)[:4]


def cmd_sweep(args: argparse.Namespace) -> int:
    from sim.experiments.parallel import Runner
    from sim.experiments.sweep import sweep

    scenario = load(args)
    with Runner(args.workers, args.dask) as runner:
        with progress_while(f"{scenario.name}: sweep") as update:
            result, stopped = until_stopped(lambda: sweep(
                scenario, args.param, args.replications, args.seed, policy=args.policy, precision=args.precision,
                kpis=args.kpi or None, max_replications=args.max_replications, runner=runner, on_progress=update,
            ))
        where = runner.description
    if stopped is not None and not result.points:
        raise stopped  # no point finished, nothing to write
    done = f"{len(result.points)} of {result.planned_points} points finished" if stopped else ""
    names = shown_kpis(args.kpi, result.kpi_names())
    keys = [p.key for p in result.params]
    rows = [[*(point.settings[k] for k in keys), point.replications, *(interval_cell(point.kpis[n]) for n in names)] for point in result.points]
    print_table(f"{scenario.name}: {len(result.points)} points, seed {args.seed}; mean ± 95 % half-width"
                + (f" (INCOMPLETE: stopped; {done})" if stopped else ""),
                [*(k.split(".")[-1] for k in keys), "reps", *names], rows)
    print_precision(args.precision, sorted({n for p in result.points for n in p.imprecise}), args.max_replications)
    if args.csv:
        write_csv(args.csv, result.rows(), note=f"INCOMPLETE: the sweep was stopped; {done}" if stopped else None)
        print(f"wrote {args.csv}")
    if args.json:
        write_json(args.json, without_nan(result.to_dict()))
        print(f"wrote {args.json}")
    if args.report:
        from sim.outputs.report import sweep_report

        print(f"wrote {sweep_report(args.report, scenario, result, args.kpi or None, where)}")
    stop_after_writing(stopped, done)
    return 0


def cmd_staff(args: argparse.Namespace) -> int:
    from sim.experiments.optimiser import optimise_staffing
    from sim.experiments.parallel import Runner

    scenario = load(args)
    if args.out:
        if Path(args.out).exists() and not args.force:
            raise CliError(f"--out {args.out}: the file exists; choose another name, or add --force to replace it")
    with Runner(args.workers, args.dask) as runner:
        with progress_while(f"{scenario.name}: staffing search", known_total=False) as update:
            result = optimise_staffing(
                scenario, args.target, args.replications, args.seed, policy=args.policy, whole_day=args.whole_day,
                min_staff=args.min_staff, runner=runner, on_progress=update,
            )
    currency = scenario.meta.currency
    verdict = "meeting every target" if result.confirmed else "found; it does NOT meet every target (see below)"
    print_table(f"{scenario.name}: cheapest staff per {result.block_min:g}-minute block {verdict}",
                ["role", "block", "staff", "Erlang estimate"], left=2, rows=
                [[b.role, f"{b.start}-{b.end}", b.count, b.erlang] for b in result.schedule])
    print(f"cost: {result.cost:,.2f} {currency} for {result.staff_hours:g} staffed hours (cost_per_hour x hours); "
          f"the Erlang estimate costs {result.erlang_cost:,.2f} {currency}")
    print_table(f"targets, re-simulated with fresh seeds over {result.confirm_replications} replications "
                "(met when the whole 95 % interval is on the right side)",
                ["target", "mean", "95 % interval", "met"],
                [[t.target, format_number(t.mean), f"{format_number(t.ci95[0])} .. {format_number(t.ci95[1])}",
                  f"yes ({'lower' if '>' in t.target else 'upper'} bound {format_number(t.bound)})" if t.met else "NO"]
                 for t in result.targets])
    share = result.simulation_runs / result.full_grid_runs if result.full_grid_runs else 0.0
    print(f"simulation: {result.simulation_runs:,} replications over {result.evaluations} plans; a full grid over the same "
          f"counts would take {result.full_grid_runs:,} ({result.full_grid_plans:,} plans), so this used {share:.2%} of it")
    print("to run this schedule: " + " ".join(f"--set '{key}={json.dumps(value)}'" for key, value in result.overrides.items()))
    if args.out:
        from sim.outputs.scenario_file import write_variant

        source = args.scenario or DEFAULT_SCENARIO
        verdict = ("it met every target" if result.confirmed else "it did NOT meet every target") + \
            f" when re-simulated with fresh seeds over {result.confirm_replications} replications"
        comments = [f"The cheapest staffing `run_sim.py staff` found for {Path(source).name}, seed {args.seed}: "
                    f"{', '.join(args.target)}; {verdict}.",
                    f"Cost {result.cost:,.2f} {currency} for {result.staff_hours:g} staffed hours; the rest as in "
                    f"{Path(source).name}" + (f" with {' '.join(args.set)}" if args.set else "") + "."]
        if args.policy:
            comments.append(f"Found with the policy {args.policy}: run it with --policy {args.policy}.")
        path = write_variant(args.out, source, {**scenario_settings(args), **result.overrides}, comments)
        print(f"wrote {path}; run it with: python run_sim.py run {path}" + (f" --policy {args.policy}" if args.policy else ""))
    if args.json:
        write_json(args.json, without_nan(result.to_dict()))
        print(f"wrote {args.json}")
    if args.report:
        from sim.outputs.report import staffing_report

        print(f"wrote {staffing_report(args.report, scenario, result)}")
    if not result.confirmed:
        print(f"the schedule missed a target when re-simulated with fresh seeds, even with {result.confirm_replications} "
              "replications; raise --replications, or relax the target", file=sys.stderr)
        return 1
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from sim.experiments.compare import compare
    from sim.experiments.parallel import Runner

    scenario = load(args)
    variants = [next(iter(parse_assignments([item], "--variant").items())) for item in args.variant]
    with Runner(args.workers, args.dask) as runner:
        with progress_while(f"{scenario.name}: comparison") as update:
            result, stopped = until_stopped(lambda: compare(
                scenario, args.policy, variants, args.replications, args.seed, common_random_numbers=not args.independent,
                precision=args.precision, kpis=args.kpi or None, max_replications=args.max_replications,
                runner=runner, on_progress=update,
            ))
        where = runner.description
    if stopped is not None and not result.replications:
        raise stopped  # no replication finished for every alternative
    base = result.results[0]
    key_kpis = [k.kpi for k in scenario.meta.key_kpis if k.kpi in base.kpis]
    names = list(args.kpi) if args.kpi else key_kpis + shown_kpis([], list(base.kpis)) + [
        n for n in ("retention_rate", "customers_lost_wom", "recovery_cost", "revenue_lost") if n in base.kpis]
    names = list(dict.fromkeys(names))
    rows = []
    for other in result.results[1:]:
        for name in names:
            diff = result.differences[other.label][name]
            low, high = diff["ci95"]
            rows.append([name, other.label, interval_cell(base.kpis[name]), interval_cell(diff, signed=True) + (" *" if low > 0 or high < 0 else "")])
    pairing = "common random numbers" if result.common_random_numbers else "independent random numbers"
    print_table(f"{scenario.name}: {result.replications} replications each, seed {args.seed}, {pairing}"
                + (" (INCOMPLETE: stopped; the replications every alternative finished)" if stopped else ""),
                ["KPI", "alternative", f"baseline: {result.baseline}", "alternative - baseline"], rows, left=2)
    interval = "paired t-interval" if result.common_random_numbers else "t-interval of the replication-by-replication differences"
    print(f"each cell: mean ± 95 % half-width ({interval} for differences); * marks a difference whose interval excludes 0")
    if args.json:
        write_json(args.json, without_nan(result.to_dict()))
        print(f"wrote {args.json}")
    if args.report:
        from sim.outputs.report import compare_report

        print(f"wrote {compare_report(args.report, scenario, result, args.kpi or None, where)}")
    stop_after_writing(stopped, f"the first {result.replications} replications of every alternative finished")
    return 0


def cmd_fit(args: argparse.Namespace) -> int:
    from sim.fitting import FitOptions, fit_queue_log

    out = Path(args.out)
    if out.exists() and not args.force:
        raise CliError(f"--out {out}: the file exists; choose another name, or add --force to replace it")
    if args.replications < 0:
        raise CliError(f"--replications {args.replications}: give 0 (no check) or more simulations of the fitted scenario")
    if args.threshold is not None and args.threshold < 0:
        raise CliError(f"--threshold {args.threshold:g}: give the service-level wait in minutes, 0 or more")
    options = FitOptions(columns=args.columns, timezone=args.timezone, dayfirst=args.dayfirst, hours=args.hours,
                         by=args.by, day_type=args.day_type, threshold_min=args.threshold, complaints=args.complaints,
                         complaint_columns=args.complaint_columns, category_map=args.categories, seed=args.seed)
    fit = fit_queue_log(args.queue_log, options)
    log = fit.log
    print(log.summary())
    if log.defects:
        print_table("defects found (row numbers count the header as row 1)", ["defect", "rows", "what was done", "rows affected"],
                    [[d.message, d.count, d.action, d.example_rows()] for d in log.defects], left=1)
    print_fit(fit)
    for warning in fit.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    validation = None
    if args.replications > 0:
        from sim.fitting.validation import validate_fit

        with progress_while("simulating the fitted scenario") as update:
            validation = validate_fit(fit, args.replications, args.seed, on_progress=update)
        print_validation(validation)
    from sim.atomic_write import write_atomic

    write_atomic(out, fit.text, make_folders=True)
    print(f"wrote {out}; check it with: python run_sim.py validate {out}")
    if args.report:
        from sim.fitting.report import fit_report

        print(f"wrote {fit_report(args.report, fit, validation)}")
    return 0


def print_fit(fit) -> None:
    """Tables of the fitted arrivals, service times, patience and staffing."""
    hours = fit.arrivals.hours
    rows = []
    for segment in fit.arrivals.rates:
        profile = fit.arrivals.profile(segment)
        rows.append([segment, profile.day_type, profile.days, " ".join(f"{r:.3g}" for r in profile.rates),
                     f"{profile.combined_p:.2g}" if not math.isnan(profile.combined_p) else "-"])
    print_table(f"arrivals per hour from {hours.clock} ({hours.hours} hours)", ["segment", "day type", "days", "rates", "Poisson test p"], rows, left=2)
    rows = []
    for segment, service in fit.service.items():
        best = service.best
        params = ", ".join(f"{k} {v:.3g} ({best.intervals[k][0]:.3g}..{best.intervals[k][1]:.3g})" for k, v in best.params.items())
        runner_up = next((f for f in service.choice.fits if f is not best), None)
        rows.append([segment, service.role, best.n, best.family, params,
                     f"{runner_up.family} {runner_up.aic - best.aic:+.1f}" if runner_up else "-"])
    print_table("service times (minutes): best family by AIC, 95 % intervals", ["segment", "role", "services", "family", "parameters", "next best (dAIC)"], rows, left=2)
    rows = []
    for segment, patience in fit.patience.items():
        best = patience.best
        params = "-" if best is None else f"{best.family}: " + ", ".join(
            f"{k} {v:.3g} ({best.intervals[k][0]:.3g}..{best.intervals[k][1]:.3g})" for k, v in best.params.items())
        balk = fit.balking.get(segment)
        median = format_number(patience.km_median) if math.isfinite(patience.km_median) else f"> {patience.km_times.max():.3g}"
        rows.append([segment, patience.abandoned, patience.censored, params, median, balk.threshold if balk else "-"])
    print_table("patience (minutes), fitted to censored waits", ["segment", "abandoned", "censored", "fit, 95 % intervals", "Kaplan-Meier median", "balks at queue"], rows, left=1)
    rows = [[role, s.method, " ".join(str(c) for c in s.counts),
             " ".join("-" if math.isnan(b) else f"{b:.0%}" for b in s.busy_share)] for role, s in fit.staffing.items()]
    print_table("staff on duty per hour (typical day)", ["role", "from", "staff", "busy"], rows, left=2)


def print_validation(validation) -> None:
    """The hour-by-hour comparison of the log with the fitted scenario's simulations."""
    from sim.fitting.block_kpis import KPI_LABELS, KPIS

    cells: dict[str, list[str]] = {}
    for row in validation.rows:
        interval = "" if math.isnan(row.low) else f" ({row.low:.3g}..{row.high:.3g})"
        mark = "" if row.agrees else " DIFFERS"
        cells.setdefault(row.block, []).append(f"{row.observed:.3g}{interval}{mark}")
    print_table(f"the log ({validation.days} {validation.day_type} days) against {validation.replications} simulations "
                "of the fitted scenario: log value (simulated 95 % prediction interval)",
                ["hour", *(KPI_LABELS[k] for k in KPIS)], [[block, *values] for block, values in cells.items()])
    print(validation.verdict())


def add_experiment_flags(parser: argparse.ArgumentParser, replications: int, precision: bool = True) -> None:
    """Flags every experiment shares: scenario, seed, replications, overrides, workers, Dask, policy, outputs."""
    parser.add_argument("scenario", nargs="?", help=f"scenario file (default: {DEFAULT_SCENARIO.relative_to(DEFAULT_SCENARIO.parent.parent)})")
    parser.add_argument("--seed", type=seed_number, default=0, help="random seed (default 0); the same seed gives the same results")
    parser.add_argument("--replications", "-r", type=int, default=replications,
                        help=f"replications per alternative (default {replications}); the first batch with --precision")
    parser.add_argument("--set", action="append", default=[], metavar="KEY.PATH=VALUE", help="override a scenario value, e.g. staff.teller.count=4")
    parser.add_argument("--workers", type=int, metavar="N", help="local worker processes (default: the cores available)")
    parser.add_argument("--dask", metavar="tcp://HOST:PORT", help="run on the Dask cluster with this scheduler instead")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--report", metavar="DIR", help="write figures (PNG) and a self-contained HTML report to DIR")
    parser.add_argument("--no-failures", action="store_true",
                        help="switch service failures off (the pure queue; same as --set failures=off)")
    parser.add_argument("--block-min", type=float, metavar="MIN",
                        help="length of the blocks of the day KPIs are split into, block.HH:MM.KPI (default: operation.block_min, 60)")
    if precision:
        parser.add_argument("--precision", type=float, metavar="SHARE",
                            help="add replications until each KPI's 95 %% interval half-width is under SHARE of its mean (e.g. 0.05)")
        parser.add_argument("--kpi", action="append", default=[], metavar="NAME", help="the KPIs --precision applies to and that are shown (repeatable)")
        parser.add_argument("--max-replications", type=int, default=500, metavar="N", help="stop --precision at N replications (default 500)")


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="run_sim.py", description="Simulate service operations, failures and recovery.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=ArgumentParser, metavar="COMMAND")

    validate = commands.add_parser("validate", help="check scenario files against the schema")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(handler=cmd_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of scenario files")
    schema.add_argument("--write", metavar="FILE", help="write it to FILE instead (e.g. scenarios/schema.json, for editors)")
    schema.set_defaults(handler=cmd_schema)

    new = commands.add_parser("new", help="write a commented starter scenario, scenarios/NAME.yaml")
    new.add_argument("name", metavar="NAME", help="file name without .yaml: lowercase letters, digits and underscores")
    new.add_argument("--folder", metavar="DIR", help="write it in DIR instead of the scenarios/ folder")
    new.set_defaults(handler=cmd_new)

    run = commands.add_parser("run", help="simulate a scenario and print its KPIs with 95 %% intervals")
    add_experiment_flags(run, 10)
    run.add_argument("--policy", metavar="NAME", help="a policy from the scenario's `policies:` mapping")
    run.add_argument("--events", metavar="FILE.jsonl", help="also write the event log of the first replication as JSON lines")
    run.add_argument("--queue-log", metavar="FILE.csv", help="also write replication 0 as a queue log (one row per customer), the input of `fit`")
    run.add_argument("--warmup", type=float, metavar="MIN", help="leave the first MIN minutes out of every KPI (overrides operation.warmup_min)")
    run.add_argument("--by", action="append", default=[], choices=["segment", "block"],
                     help="also show the KPIs of each segment or block of the day (repeatable; the JSON always has them)")
    run.set_defaults(handler=cmd_run)

    sweep = commands.add_parser("sweep", help="replicate every combination of parameter values (a grid)")
    add_experiment_flags(sweep, 30)
    sweep.add_argument("--param", action="append", required=True, metavar="KEY.PATH=VALUES",
                       help="values to sweep: FIRST:LAST or FIRST:LAST:STEP (integers, inclusive) or a comma list; repeat for a grid")
    sweep.add_argument("--policy", metavar="NAME", help="a policy from the scenario's `policies:` mapping")
    sweep.add_argument("--csv", metavar="FILE", help="write one row per point (mean and 95 %% interval per KPI) as CSV")
    sweep.set_defaults(handler=cmd_sweep)

    staff = commands.add_parser("staff", help="find the cheapest staff per role and block of the day that meets KPI targets")
    add_experiment_flags(staff, 20, precision=False)
    staff.add_argument("--target", action="append", required=True, metavar="KPI>=VALUE",
                       help='a target such as "service_level>=0.8" or "mean_wait_min<=5" (repeatable; all must hold)')
    staff.add_argument("--whole-day", action="store_true",
                       help="judge queue targets (service level, waits, abandonment, utilisation) over the day, not in every block")
    staff.add_argument("--min-staff", type=int, metavar="N", help="keep at least N staff per role in every block (default 1 where customers come)")
    staff.add_argument("--policy", metavar="NAME", help="a policy from the scenario's `policies:` mapping")
    staff.add_argument("--out", metavar="FILE.yaml", help="also write the scenario with the schedule found as a scenario file")
    staff.add_argument("--force", action="store_true", help="replace --out if it exists")
    staff.set_defaults(handler=cmd_staff)

    compare = commands.add_parser("compare", help="compare policies or settings, paired by common random numbers")
    add_experiment_flags(compare, 30)
    compare.add_argument("--policy", action="append", default=[], metavar="NAME",
                         help="a policy to compare (repeatable; the first is the baseline; one alone is compared with the default)")
    compare.add_argument("--variant", action="append", default=[], metavar="KEY.PATH=VALUE",
                         help="an alternative that differs from the baseline in one setting, e.g. staff.teller.count=7 (repeatable)")
    compare.add_argument("--independent", action="store_true", help="give each alternative its own random numbers (to see what pairing gains)")
    compare.set_defaults(handler=cmd_compare)

    fit = commands.add_parser("fit", help="calibrate a scenario from a queue log (and a complaint log)")
    fit.add_argument("queue_log", metavar="QUEUE_LOG", help="CSV, Excel or Parquet file with one row per customer")
    fit.add_argument("--out", required=True, metavar="FILE.yaml", help="where to write the fitted scenario")
    fit.add_argument("--force", action="store_true", help="replace --out if it exists")
    fit.add_argument("--columns", metavar="FIELD=COLUMN,...|FILE",
                     help="map the log's columns: arrival, service_start, service_end, abandoned_at, outcome, segment, station, staff, id "
                          "(or a YAML/JSON file with the same mapping); common names are found without it")
    fit.add_argument("--timezone", metavar="ZONE", help="time zone of timestamps without an offset, e.g. Europe/Paris (finds clock changes)")
    fit.add_argument("--dayfirst", action="store_true", help="read 04/03/2024 as 4 March (default: April 3)")
    fit.add_argument("--hours", metavar="HH:MM-HH:MM", help="opening hours (default: from the arrivals)")
    fit.add_argument("--by", choices=["weekday", "daytype", "none"], default="daytype",
                     help="arrival profiles per weekday, per day type (weekday/weekend, the default) or one for all days")
    fit.add_argument("--day-type", metavar="TYPE", help="the usual day of the scenario (default: the day type with most days); "
                     "the others go under arrivals_by_day")
    fit.add_argument("--threshold", type=float, metavar="MIN", help="service-level wait threshold in minutes (default 5)")
    fit.add_argument("--complaints", metavar="LOG", help="complaint log: time, case id, category, resolution time, outcome")
    fit.add_argument("--complaint-columns", metavar="FIELD=COLUMN,...|FILE", help="map the complaint log's columns: time, case, category, resolved_at, outcome")
    fit.add_argument("--categories", metavar="FILE|CAT=BITNER,...",
                     help="map complaint categories to Bitner's: delivery_system, customer_needs, employee_action")
    fit.add_argument("--replications", "-r", type=int, default=10, metavar="N",
                     help="simulations of the fitted scenario to compare with the log (default 10; 0 skips the check)")
    fit.add_argument("--seed", type=int, default=0, help="random seed of those simulations (default 0)")
    fit.add_argument("--report", metavar="DIR", help="write figures (PNG) and a self-contained HTML report to DIR")
    fit.set_defaults(handler=cmd_fit)
    return parser


def end_within(seconds: float, code: int) -> None:
    """After a stop signal: should the process still be waiting ``seconds`` from now (the interpreter's
    exit waits for every thread, and a worker pool's thread stopped mid-hand-over may wait for ever),
    end it then with ``code``. Everything the run writes is written before this is armed."""
    import os
    import threading

    def end() -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)

    timer = threading.Timer(seconds, end)
    timer.daemon = True
    timer.start()


def main(argv: Sequence[str] | None = None) -> int:
    from sim import UserError
    from sim.interrupts import Incomplete, Interrupted, signals_as_interrupts

    args = build_parser().parse_args(argv)
    try:
        with warnings.catch_warnings(), signals_as_interrupts():
            warnings.showwarning = show_note
            check_outputs(args)
            return args.handler(args)
    except (UserError, CliError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt as stop:
        cause = stop.cause if isinstance(stop, Incomplete) else stop  # work stopped with nothing written
        if isinstance(cause, Interrupted):
            print(f"stopped by {cause}", file=sys.stderr)
            end_within(STOP_GRACE_S, 128 + cause.signum)
            return 128 + cause.signum
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
