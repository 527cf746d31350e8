"""A report folder for an experiment: the figures as PNG files and one self-contained HTML page.

The HTML embeds every figure, so the single file can be mailed or archived on its own; the PNG files
beside it are for slides and documents.
"""
from __future__ import annotations

import base64
import html
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from matplotlib.figure import Figure
from matplotlib.text import Text

from ..atomic_write import write_atomic
from ..errors import UserError
from ..scenario import Scenario, text_in
from ..model.kpis import dimension_of, whole_run
from . import plots
from .trace import trace_replications

TRACE_REPLICATIONS = 10


@dataclass
class Section:
    """One part of a report: a heading, some sentences, a table and a figure (each optional)."""

    title: str
    text: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    figure: Figure | None = None
    image: str = ""  # file name stem of the figure's PNG


def _cell(value: Any) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return html.escape(str(value))


def interval_text(entry: dict[str, Any]) -> str:
    """``lo .. hi`` of a summary's 95 % interval, or ``-``."""
    low, high = entry["ci95"]
    if low is None or (isinstance(low, float) and math.isnan(low)):
        return "-"
    return f"{_cell(low)} .. {_cell(high)}"


def _png(figure: Figure) -> bytes:
    for text in figure.findobj(Text):  # titles and labels are data: a "$" in a name is not a formula
        text.set_parse_math(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; margin: .8em 0; font-size: .92em; }
th, td { border: 1px solid #ccc; padding: .25em .6em; text-align: right; } th { background: #f3f3f3; }
td:first-child, th:first-child { text-align: left; }
img { max-width: 100%; border: 1px solid #eee; }
p.note { color: #555; }
"""


def write_report(directory: str | Path, title: str, intro: Sequence[str], sections: Sequence[Section]) -> Path:
    """Write each figure as ``DIRECTORY/<image>.png`` and the whole report as ``DIRECTORY/index.html``."""
    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"--report {directory}: cannot create the folder ({exc.strerror}); choose one you can write to") from None
    parts = [f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
             f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"]
    parts += [f"<p class='note'>{html.escape(line)}</p>" for line in intro]
    for i, section in enumerate(sections, start=1):
        parts.append(f"<h2>{html.escape(section.title)}</h2>")
        parts += [f"<p>{html.escape(line)}</p>" for line in section.text]
        if section.header:
            parts.append("<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in section.header) + "</tr>")
            parts += ["<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in section.rows]
            parts.append("</table>")
        if section.figure is not None:
            data = _png(section.figure)
            name = f"{section.image or f'figure_{i}'}.png"
            write_atomic(folder / name, data)
            encoded = base64.b64encode(data).decode("ascii")
            parts.append(f"<p><img alt='{html.escape(section.title)}' src='data:image/png;base64,{encoded}'></p>")
    parts.append("</body></html>")
    return write_atomic(folder / "index.html", "\n".join(parts))


# -- sections shared by several reports ---------------------------------------------------------------------
def _title(scenario: Scenario) -> str:
    return text_in(scenario.meta.title) if getattr(scenario.meta, "title", None) else scenario.name


def kpi_table(title: str, summaries: dict[str, dict[str, dict[str, Any]]], currency: str,
              names: Sequence[str] | None = None) -> Section:
    """KPI rows (default: the whole run's), with mean and 95 % interval per alternative (label -> summary)."""
    labels = list(summaries)
    names = list(names) if names is not None else whole_run(list(next(iter(summaries.values()))))
    header = ["KPI"] + [h for label in labels for h in (f"{label}: mean", "95 % interval")]
    rows = [[plots.kpi_label(name, currency)] + [v for label in labels for v in (summaries[label][name]["mean"], interval_text(summaries[label][name]))]
            for name in names]
    return Section(title, header=header, rows=rows)


def outcome_sections(scenario: Scenario, runs: dict[str, list[dict[str, float]]], summaries: dict[str, dict], image_prefix: str = "") -> list[Section]:
    """Funnel, word of mouth and recovery cost sections, when the scenario simulates failures."""
    first = next(iter(summaries.values()))
    if "retention_rate" not in first:
        return [Section("Failures and recovery", ["This scenario has no `failures` section, so it simulates no failures, complaints or recovery."])]
    delays = {label: s["mean_recovery_delay_min"]["mean"] for label, s in summaries.items()}
    sections = [
        Section("Failure -> complaint -> recovery -> retention",
                ["Left: what became of the customers of one replication (one simulated run of the scenario), mean over "
                 "replications with its 95 % interval. Right: the share who come back, by path."],
                figure=plots.plot_funnel(summaries), image=f"{image_prefix}funnel"),
    ]
    if not plots.nothing_to_show([s[k] for s in summaries.values() for k in ("wom_reached", "customers_lost_wom")]):
        sections.append(Section("Word of mouth", ["People who heard about a bad experience, and the customers the firm lost that way, per replication."],
                                figure=plots.plot_word_of_mouth(runs), image=f"{image_prefix}word_of_mouth"))
    else:
        sections.append(Section("Word of mouth", ["Nobody spread negative word of mouth in any replication, so there is no figure."]))
    if any(not math.isnan(d) for d in delays.values()):
        sections.append(Section("Cost of recovery by delay",
                                ["The scenario's cost curve (on the spot : next day : later); dashed lines mark each alternative's mean recovery delay."],
                                figure=plots.plot_recovery_cost(scenario.recovery.cost_curve, delays), image=f"{image_prefix}recovery_cost"))
    return sections


SEGMENT_TABLE_KPIS = ("arrived", "mean_wait_min", "p90_wait_min", "service_level", "abandon_rate", "dissatisfied",
                      "complaints", "left_dissatisfied", "retention_rate", "customers_lost_wom", "revenue_lost")


def intraday_section(summaries: dict[str, dict], currency: str, targets: dict[str, float] | None = None) -> list[Section]:
    """Queue and outcome KPIs per block of the day (charts with bands) and per segment (table), when there is more than one."""
    sections = []
    figure = plots.plot_intraday(summaries, targets=targets, currency=currency)
    if figure is not None:
        sections.append(Section("Through the day", [
            "Queue KPIs of the customers who arrived in each block of the day (block.HH:MM.KPI in the JSON)."],
            figure=figure, image="intraday"))
    outcomes = plots.plot_intraday(summaries, kpis=plots.OUTCOME_INTRADAY_KPIS, currency=currency)
    if outcomes is not None:
        sections.append(Section("Outcomes through the day", [
            "What failures did to the customers who arrived in each block of the day: dissatisfied customers and "
            "complaints per replication, the share expected to come back, and perceived quality."],
            figure=outcomes, image="intraday_outcomes"))
    first = next(iter(summaries.values()))
    segments = [n for n in first if dimension_of(n) == "segment"]
    if len({n.split(".")[1] for n in segments}) > 1:
        shown = [n for n in segments if n.split(".", 2)[2] in SEGMENT_TABLE_KPIS]
        sections.append(kpi_table("By segment", summaries, currency, shown))
    return sections


def trace_section(scenario: Scenario, seed: int, policy: str | None = None) -> Section:
    """Queue and staff over the day, averaged over the first replications."""
    replications = TRACE_REPLICATIONS
    trace = trace_replications(scenario, replications, seed, policy=policy)
    return Section("Queue and staff over the day",
                   [f"Mean over replications 0-{replications - 1} (the same random numbers as the KPIs above); "
                    f"sampled every {trace.every_min:g} minutes"
                    + (" and folded onto one day." if trace.folded else ", one point per day of the run.")],
                   figure=plots.plot_trace(trace), image="queue_and_staff")


# -- one report per command ---------------------------------------------------------------------------------
def run_report(directory: str | Path, scenario: Scenario, result: Any, where: str = "") -> Path:
    """Report of ``replicate``: KPI table, queue and staff over the day, and the failure outcomes."""
    currency = scenario.meta.currency
    sections = [
        kpi_table("KPIs", {result.label: result.kpis}, currency),
        *intraday_section({result.label: result.kpis}, currency),
        trace_section(scenario, result.seed, result.policy),
        *outcome_sections(scenario, {result.label: result.runs}, {result.label: result.kpis}),
    ]
    intro = [f"Scenario {scenario.name}; {result.replications} replications, seed {result.seed}"
             + (f", policy {result.policy}" if result.policy else "") + (f"; run on {where}" if where else "") + "."]
    if not result.complete:
        intro.append(f"INCOMPLETE: the run was stopped; these are the first {result.replications} replications, "
                     "the ones that had finished.")
    return write_report(directory, f"{_title(scenario)}: simulation report", intro, sections)


def sweep_report(directory: str | Path, scenario: Scenario, result: Any, kpis: Sequence[str] | None = None, where: str = "") -> Path:
    """Report of ``sweep``: one figure per KPI against the swept parameter, and the table of points."""
    currency = scenario.meta.currency
    names = list(kpis) if kpis else plots.headline_kpis(result.kpi_names(), [k.kpi for k in scenario.meta.key_kpis])
    header = [p.key for p in result.params] + ["replications"] + [h for n in names for h in (f"{n} mean", f"{n} 95 % interval")]
    rows = [[point.settings[p.key] for p in result.params] + [point.replications]
            + [v for n in names for v in (point.kpis[n]["mean"], interval_text(point.kpis[n]))] for point in result.points]
    flat = [name for name in names if plots.flat([point.kpis[name] for point in result.points])]
    sections = [Section(plots.kpi_label(name, currency), figure=plots.plot_sweep(result, name, currency), image=f"sweep_{name}")
                for name in names if name not in flat]
    if flat:
        sections.append(Section("Left out", ["The same in every point, so not drawn: "
                                             + ", ".join(plots.kpi_label(name, currency) for name in flat) + "."]))
    sections.append(Section("All points", header=header, rows=rows))
    intro = [f"Scenario {scenario.name}; {len(result.points)} points, seed {result.seed} at every point (common random numbers)"
             + (f"; run on {where}" if where else "") + "."]
    if not result.complete:
        intro.append(f"INCOMPLETE: the sweep was stopped; only the {len(result.points)} of its {result.planned_points} "
                     "points that had finished are shown.")
    return write_report(directory, f"{_title(scenario)}: sweep", intro, sections)


def compare_report(directory: str | Path, scenario: Scenario, comparison: Any, kpis: Sequence[str] | None = None, where: str = "") -> Path:
    """Report of ``compare``: paired differences, each alternative's KPIs, and the failure outcomes side by side."""
    currency = scenario.meta.currency
    summaries = {r.label: r.kpis for r in comparison.results}
    names = list(kpis) if kpis else plots.headline_kpis(list(comparison.results[0].kpis), [k.kpi for k in scenario.meta.key_kpis])
    diff_rows = [[plots.kpi_label(n, currency), label, d[n]["mean"], interval_text(d[n])]
                 for label, d in comparison.differences.items() for n in names]
    sections = [
        Section("Differences from the baseline", [
            f"Each alternative minus '{comparison.baseline}', replication by replication "
            f"({'common random numbers' if comparison.common_random_numbers else 'independent random numbers'}), "
            + ("with the 95 % paired t-interval." if comparison.common_random_numbers else "with the 95 % t-interval of the differences.")],
            header=["KPI", "alternative", "difference", "95 % interval"], rows=diff_rows,
            figure=plots.plot_comparison(comparison, names, currency), image="differences"),
        kpi_table("KPIs of each alternative", summaries, currency,
                  names + [n for n in whole_run(list(comparison.results[0].kpis)) if n not in names]),
        *intraday_section(summaries, currency),
        *outcome_sections(scenario, {r.label: r.runs for r in comparison.results}, summaries),
    ]
    intro = [f"Scenario {scenario.name}; {comparison.replications} replications per alternative, seed {comparison.seed}"
             + (f"; run on {where}" if where else "") + "."]
    if not comparison.complete:
        intro.append(f"INCOMPLETE: the comparison was stopped; these are the first {comparison.replications} "
                     "replications, the ones every alternative had finished.")
    return write_report(directory, f"{_title(scenario)}: comparison", intro, sections)


def _targets_by_block(result: Any, currency: str) -> Figure | None:
    """The confirmation's per-block target KPIs with their bands and target lines (None without block targets)."""
    summary: dict[str, dict[str, Any]] = {}
    lines: dict[str, float] = {}
    kpis: list[str] = []
    for check in result.targets:
        name = check.target.split(" ")[0]
        if dimension_of(name) == "block":
            summary[name] = {"mean": check.mean, "ci95": check.ci95}
            kpi = name.split(".", 2)[2]
            lines[kpi] = float(check.target.split(" ")[-1])
            kpis.append(kpi)
    if not summary:
        return None
    return plots.plot_intraday({"schedule found": summary}, list(dict.fromkeys(kpis)), lines, currency)


def staffing_report(directory: str | Path, scenario: Scenario, result: Any) -> Path:
    """Report of ``optimise_staffing``: the schedule against the Erlang estimate and each target's confidence."""
    currency = scenario.meta.currency
    schedule_rows = [[b.role, f"{b.start}-{b.end}", b.count, b.erlang] for b in result.schedule]
    target_rows = [[t.target, t.mean, f"{_cell(t.ci95[0])} .. {_cell(t.ci95[1])}", t.bound, "yes" if t.met else "NO"] for t in result.targets]
    sections = [
        Section("Schedule", [f"Cost {result.cost:,.2f} {currency} for {result.staff_hours:g} staffed hours; "
                             f"the Erlang estimate costs {result.erlang_cost:,.2f} {currency}."],
                header=["role", "block", "staff", "Erlang estimate"], rows=schedule_rows,
                figure=plots.plot_staffing(result, scenario.operation.opens_at_min, currency), image="staffing"),
        Section("Targets, re-simulated with fresh seeds",
                [f"Over {result.confirm_replications} replications with seeds the search never used. A target is met "
                 "when its whole 95 % interval lies on the right side of it."],
                header=["target", "mean", "95 % interval", "bound judged", "met"], rows=target_rows,
                figure=_targets_by_block(result, currency), image="targets_by_block"),
        Section("Simulation effort", [f"{result.simulation_runs:,} replications over {result.evaluations} plans; a full grid over the "
                                      f"same counts would need {result.full_grid_runs:,} ({result.full_grid_plans:,} plans)."]),
    ]
    intro = [f"Scenario {scenario.name}; {result.replications} replications per plan, seed {result.seed}, blocks of {result.block_min:g} min."]
    return write_report(directory, f"{_title(scenario)}: staffing", intro, sections)
