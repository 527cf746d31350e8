"""Messy queue logs: every kind of defect is counted, reported with its rows, and handled as it says."""
from __future__ import annotations

import pandas as pd
import pytest
import yaml

from sim import load_scenario_text
from sim.fitting import FitOptions, as_text, fit_log, read_queue_log
from sim.fitting.cleaning import DEFECTS, UNSPECIFIED
from sim.fitting.simulated_log import simulate_queue_log

SCENARIO = {
    "meta": {"title": "messy"},
    "operation": {"opens_at": "09:00", "duration_min": 480, "days": 3},
    "segments": {"walk_in": {"arrivals_per_hour": 30, "service": {"role": "desk", "time": {"dist": "lognormal", "mean": 8, "sd": 4}},
                             "patience_min": {"dist": "exponential", "mean": 10}}},
    "staff": {"desk": {"count": 4}},
}


def clean_rows() -> list[dict]:
    scenario = load_scenario_text(yaml.safe_dump(SCENARIO), "messy.yaml")
    return as_text(simulate_queue_log(scenario, seed=3)).to_dict("records")


def shifted(stamp: str, minutes: float) -> str:
    return (pd.Timestamp(stamp) + pd.Timedelta(minutes=minutes)).strftime("%Y-%m-%d %H:%M:%S")


def messy_log() -> tuple[pd.DataFrame, dict[str, list[int]]]:
    """A clean simulated log with one (or two) rows of every defect; returns it and the expected rows."""
    rows = clean_rows()
    served = [i for i, r in enumerate(rows) if r["outcome"] == "served" and r["service_start"] != r["arrival"]]
    left = [i for i, r in enumerate(rows) if r["outcome"] == "abandoned"]
    tags: dict[int, str] = {}

    def edit(index: int, code: str, **changes) -> None:
        rows[index].update(changes)
        tags[id(rows[index])] = code

    r = rows
    edit(served[1], "missing_arrival", arrival="")
    edit(served[2], "unreadable_arrival", arrival="half past nine")
    edit(served[3], "unreadable_time", service_end="25:99", )
    edit(served[4], "unknown_outcome", outcome="finito")
    edit(served[5], "outcome_conflict", outcome="abandoned")
    edit(served[6], "served_and_abandoned", abandoned_at=r[served[6]]["service_end"], outcome="")
    edit(served[7], "no_outcome", service_start="", service_end="", outcome="")
    edit(served[8], "start_before_arrival", service_start=shifted(r[served[8]]["arrival"], -5))
    edit(left[0], "abandon_before_arrival", abandoned_at=shifted(r[left[0]]["arrival"], -2))
    edit(served[9], "end_before_start", service_end=shifted(r[served[9]]["service_start"], -1))
    edit(served[10], "too_long", service_end=shifted(r[served[10]]["service_start"], 2 * 1440))
    edit(served[11], "missing_end", service_end="")
    edit(served[12], "zero_service", service_end=r[served[12]]["service_start"])
    edit(served[13], "missing_segment", segment="")
    edit(served[14], "missing_staff", staff="")
    # two rows swapped: the second is now earlier than the one above it
    a, b = served[20], served[20] + 1
    rows[a], rows[b] = rows[b], rows[a]
    tags[id(rows[b])] = "out_of_order"
    # copies right after their originals
    rows.insert(served[30] + 1, dict(rows[served[30]]))
    tags[id(rows[served[30] + 1])] = "duplicate_row"
    clash = dict(rows[served[40]], service_end=shifted(rows[served[40]]["service_end"], 3))
    rows.insert(served[40] + 1, clash)
    tags[id(clash)] = "duplicate_id"
    rows.insert(served[50], {k: "" for k in rows[0]})
    tags[id(rows[served[50]])] = "blank_row"
    # at the end: past midnight on the last day, then the two clock changes of 2024 in Paris
    last_day = r[-1]["arrival"][:10]
    extra = [
        ("past_midnight", f"{last_day} 23:50:00", f"{last_day} 23:55:00", shifted(f"{last_day} 23:55:00", 20)),
        ("clock_nonexistent", "2024-03-31 02:15:00", "2024-03-31 03:20:00", "2024-03-31 03:30:00"),
        ("clock_change", "2024-10-27 01:50:00", "2024-10-27 03:05:00", "2024-10-27 03:15:00"),
        ("clock_ambiguous", "2024-10-27 02:30:00", "2024-10-27 03:40:00", "2024-10-27 03:50:00"),
    ]
    for n, (code, arrival, start, end) in enumerate(extra):
        row = dict(r[0], id=f"x{n}", arrival=arrival, service_start=start, service_end=end, abandoned_at="", outcome="served")
        rows.append(row)
        tags[id(row)] = code
    expected: dict[str, list[int]] = {}
    for position, row in enumerate(rows):
        if id(row) in tags:
            expected.setdefault(tags[id(row)], []).append(position + 2)  # the header is row 1
    # an unreadable service end is treated as missing, so that row also lacks its end
    expected["missing_end"] = sorted(expected["missing_end"] + expected["unreadable_time"])
    return pd.DataFrame(rows), expected


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    table, expected = messy_log()
    path = tmp_path_factory.mktemp("messy") / "queue.csv"
    table.to_csv(path, index=False)
    return path, expected


def test_every_defect_is_found_on_its_rows(messy):
    path, expected = messy
    log = read_queue_log(path, FitOptions(timezone="Europe/Paris"))
    found = {d.code: d.rows for d in log.defects}
    assert len(expected) >= 15
    for code, rows in expected.items():
        assert found.get(code) == rows, f"{code}: expected rows {rows}, found {found.get(code)}"
    assert set(found) == set(expected), f"unexpected defects: {set(found) - set(expected)}"


def test_unusable_rows_are_left_out_and_counted(messy):
    path, expected = messy
    log = read_queue_log(path, FitOptions(timezone="Europe/Paris"))
    dropped = sum(d.count for d in log.defects if d.dropped)
    assert log.rows_dropped == dropped  # every row left out is accounted for by exactly one defect
    kept_rows = set(log.customers["row"])
    for defect in log.defects:
        assert defect.message == DEFECTS[defect.code][0] and defect.action == DEFECTS[defect.code][1]
        assert kept_rows.isdisjoint(defect.rows) if defect.dropped else set(defect.rows) <= kept_rows
    assert (log.customers["arrival"].diff().dropna() >= pd.Timedelta(0)).all()  # sorted by arrival
    assert (log.customers["wait"] >= 0).all() and (log.customers["service"].dropna() > 0).all()
    rows = log.customers.set_index("row")
    assert rows.loc[expected["missing_segment"][0], "segment"] == UNSPECIFIED
    assert pd.isna(rows.loc[expected["missing_end"][0], "service"])
    # the visit across the October clock change: 01:50 (+02:00) to 03:05 (+01:00) is a 135-minute wait
    assert rows.loc[expected["clock_change"][0], "wait"] == pytest.approx(135.0)


def test_without_a_time_zone_clock_changes_are_suspected_and_named(messy):
    """Read without --timezone, the visits at Paris's two clock changes are kept but reported with their rows,
    and the warning names the dates and asks for the zone; no other visit of the log is suspected."""
    path, expected = messy
    log = read_queue_log(path, FitOptions())
    found = {d.code: d.rows for d in log.defects}
    assert not set(found) & {"clock_ambiguous", "clock_nonexistent", "clock_change"}  # those need the zone
    at_changes = sorted(expected["clock_nonexistent"] + expected["clock_change"] + expected["clock_ambiguous"])
    assert found["clock_change_suspected"] == at_changes
    (warning,) = [w for w in log.warnings if "--timezone" in w]
    assert "Europe/Paris on 2024-03-31, 2024-10-27" in warning and warning.startswith("3 visits")
    assert set(at_changes) <= set(log.customers["row"])  # kept


def test_a_day_shop_on_a_clock_change_day_is_not_suspected():
    """A log that spans the changes of every region but has no one on the premises at night raises nothing."""
    rows = [{"arrival": f"{day} 10:{m:02d}:00", "service_start": f"{day} 10:{m + 1:02d}:00", "service_end": f"{day} 10:{m + 5:02d}:00"}
            for day in pd.date_range("2024-03-01", "2024-11-30", freq="D").strftime("%Y-%m-%d") for m in (0, 20, 40)]
    from sim.fitting.cleaning import clean_log
    from sim.fitting.reading import map_columns

    table = pd.DataFrame(rows)
    log = clean_log(table, map_columns(table, {}, "shop"), "shop.csv")
    assert "clock_change_suspected" not in {d.code for d in log.defects} and not log.warnings


def test_a_messy_log_still_fits(messy):
    path, _ = messy
    fit = fit_log(read_queue_log(path, FitOptions(timezone="Europe/Paris")), FitOptions(hours="09:00-17:00", by="none"))
    assert fit.scenario.segments["walk_in"].service.time.dist == "lognormal"
    assert any("outside the opening hours" in note for note in fit.notes)
