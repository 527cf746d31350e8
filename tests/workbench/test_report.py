"""Figures and the HTML report: every figure saved as PNG and embedded, axes in clock time and units."""
from __future__ import annotations

import base64
import re

import matplotlib.image
import pytest

import sim
from sim.outputs import plots, report
from sim.experiments.compare import compare
from sim.experiments.optimiser import optimise_staffing
from sim.experiments.replications import replicate
from sim.experiments.sweep import sweep
from sim.outputs.trace import trace_replications


def embedded_pngs(index):
    html = index.read_text(encoding="utf-8")
    return [base64.b64decode(data) for data in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html)]


def check_folder(index, names):
    assert index.name == "index.html"
    images = embedded_pngs(index)
    assert len(images) == len(names)
    for name, data in zip(names, images):
        png = index.parent / f"{name}.png"
        assert png.read_bytes() == data  # the page embeds exactly the files written beside it
        height, width, _ = matplotlib.image.imread(png).shape
        assert width > 500 and height > 250


def test_run_report_has_the_day_the_funnel_word_of_mouth_and_the_cost_curve(lounge, tmp_path):
    result = replicate(lounge, 6, seed=1, workers=1)
    index = report.run_report(tmp_path / "run", lounge, result, "this process")
    check_folder(index, ["intraday", "intraday_outcomes", "queue_and_staff", "funnel", "word_of_mouth", "recovery_cost"])
    text = index.read_text(encoding="utf-8")
    assert "Evening lounge: simulation report" in text and "Retention (share of customers who return)" in text


def test_sweep_compare_and_staffing_reports(lounge, tmp_path):
    swept = sweep(lounge, ["staff.agent.count=4:6"], 3, workers=1)
    check_folder(report.sweep_report(tmp_path / "sweep", lounge, swept, ["service_level", "retention_rate"]),
                 ["sweep_service_level", "sweep_retention_rate"])
    compared = compare(lounge, ["standard_process", "empowered"], replications=4, workers=1)
    check_folder(report.compare_report(tmp_path / "compare", lounge, compared),
                 ["differences", "intraday", "intraday_outcomes", "funnel", "word_of_mouth", "recovery_cost"])
    staffed = optimise_staffing(lounge, ["service_level>=0.7"], replications=4, workers=1)
    check_folder(report.staffing_report(tmp_path / "staff", lounge, staffed), ["staffing", "targets_by_block"])


def test_a_scenario_without_failures_says_so_instead_of_drawing_empty_figures(tmp_path):
    from workbench_helpers import lounge_data, write_scenario

    plain = sim.load_scenario(write_scenario(tmp_path, lounge_data(failures=False)))
    index = report.run_report(tmp_path / "plain", plain, replicate(plain, 3, workers=1))
    check_folder(index, ["intraday", "queue_and_staff"])
    assert "no `failures` section" in index.read_text(encoding="utf-8")


def test_time_axes_read_as_clock_times_from_the_opening(lounge):
    figure = plots.plot_trace(trace_replications(lounge, 2, every_min=10))
    axis = figure.axes[0]
    figure.canvas.draw()
    low, high = axis.get_xlim()
    labels = [tick.get_text() for tick, at in zip(axis.get_xticklabels(), axis.get_xticks()) if low <= at <= high]
    assert labels == ["18:00", "19:00", "20:00"]


@pytest.mark.parametrize("name,label", [
    ("mean_wait_min", "Mean wait (min)"),
    ("recovery_cost", "Recovery cost (CNY per replication)"),
    ("segment.vip.mean_wait_min", "Mean wait, segment vip (min)"),
    ("block.09:00.service_level", "Service level, block 09:00 (share served within the threshold)"),
    ("utilization.agent", "Utilization: agent"),
    ("retention.silent", "Retention: silent"),
])
def test_kpi_labels_carry_units(name, label):
    assert plots.kpi_label(name, "CNY") == label


def test_report_folder_that_cannot_be_created_is_a_user_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(sim.UserError, match="--report"):
        report.write_report(blocker / "sub", "t", [], [])
