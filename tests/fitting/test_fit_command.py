"""`run_sim.py fit` as a user meets it: a scenario that validates, a report, and one clear line per mistake."""
from __future__ import annotations

import pytest
import yaml

import run_sim
from sim import load_scenario, load_scenario_text
from sim.fitting import as_text
from sim.fitting.simulated_log import simulate_queue_log

SCENARIO = {
    "meta": {"title": "command"},
    "operation": {"opens_at": "09:00", "duration_min": 240, "days": 4},
    "segments": {"walk_in": {"arrivals_per_hour": [20, 40, 40, 20], "service": {"role": "desk", "time": {"dist": "exponential", "mean": 5}},
                             "patience_min": {"dist": "exponential", "mean": 10}}},
    "staff": {"desk": {"count": 3}},
}


@pytest.fixture(scope="module")
def queue_log(tmp_path_factory):
    path = tmp_path_factory.mktemp("log") / "queue.csv"
    table = as_text(simulate_queue_log(load_scenario_text(yaml.safe_dump(SCENARIO), "c.yaml"), seed=2))
    table.rename(columns={"arrival": "Arrived", "staff": "Agent"}).to_csv(path, index=False)
    return path


def test_fit_writes_a_scenario_that_validates(queue_log, tmp_path, capsys):
    out = tmp_path / "fitted.yaml"
    code = run_sim.main(["fit", str(queue_log), "--out", str(out), "--columns", "arrival=Arrived,staff=Agent", "-r", "3", "--threshold", "4"])
    printed = capsys.readouterr().out
    assert code == 0
    assert run_sim.main(["validate", str(out)]) == 0
    scenario = load_scenario(out)
    assert scenario.operation.service_level_threshold_min == 4
    assert scenario.staff["desk"].count == 3
    text = out.read_text()
    assert "default: not in the log" in text  # values the log cannot tell are marked
    for heading in ("arrivals per hour", "service times", "patience", "staff on duty", "simulations of the fitted scenario"):
        assert heading in printed


def test_a_mapping_file_works_like_the_flag(queue_log, tmp_path):
    mapping = tmp_path / "columns.yaml"
    mapping.write_text("arrival: Arrived\nstaff: Agent\n")
    assert run_sim.main(["fit", str(queue_log), "--out", str(tmp_path / "f.yaml"), "--columns", str(mapping), "-r", "0"]) == 0


@pytest.mark.parametrize("args,message", [
    (["--columns", "arrival=Nope"], "names column 'Nope' for arrival"),
    (["--columns", "arrivl=Arrived"], "unknown field 'arrivl'"),
    (["--columns", "arrival"], "is not NAME=VALUE"),
    (["--timezone", "Mars/Olympus"], "unknown time zone"),
    (["--hours", "9-5"], "HH:MM-HH:MM"),
    (["--day-type", "holiday"], "the log has no such days"),
    (["--threshold", "-1"], "--threshold"),
    (["-r", "-2"], "--replications"),
])
def test_user_mistakes_get_one_clear_message(queue_log, tmp_path, capsys, args, message):
    mapping = [] if "--columns" in args else ["--columns", "arrival=Arrived"]
    code = run_sim.main(["fit", str(queue_log), "--out", str(tmp_path / "f.yaml"), "-r", "0", *mapping, *args])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "f.yaml").exists()


def test_bad_files_get_one_clear_message(tmp_path, capsys):
    out = str(tmp_path / "f.yaml")
    assert run_sim.main(["fit", str(tmp_path / "missing.csv"), "--out", out]) == 2
    assert "no such queue log" in capsys.readouterr().err
    not_a_log = tmp_path / "notes.csv"
    not_a_log.write_text("when,what\nmonday,busy\n")
    assert run_sim.main(["fit", str(not_a_log), "--out", out]) == 2
    assert "no column for arrival" in capsys.readouterr().err
    few = tmp_path / "few.csv"
    few.write_text("arrival,service_start,service_end\n2024-01-01 09:00,2024-01-01 09:01,2024-01-01 09:05\n")
    assert run_sim.main(["fit", str(few), "--out", out]) == 2
    assert "only 1 usable customers" in capsys.readouterr().err
    excel = tmp_path / "log.xlsx"
    excel.write_bytes(b"not really excel")
    assert run_sim.main(["fit", str(excel), "--out", out]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_an_existing_scenario_is_not_overwritten(queue_log, tmp_path, capsys):
    out = tmp_path / "mine.yaml"
    out.write_text("precious")
    assert run_sim.main(["fit", str(queue_log), "--out", str(out), "--columns", "arrival=Arrived", "-r", "0"]) == 2
    assert "--force" in capsys.readouterr().err and out.read_text() == "precious"
    assert run_sim.main(["fit", str(queue_log), "--out", str(out), "--columns", "arrival=Arrived", "-r", "0", "--force"]) == 0


def test_excel_and_parquet_logs_read_like_the_csv(queue_log, tmp_path):
    """The same log saved by a spreadsheet (date cells) or as Parquet (timestamp columns) gives the same customers."""
    import pandas as pd

    from sim.fitting.fit import FitOptions, read_queue_log

    options = FitOptions(columns="arrival=Arrived,staff=Agent")
    table = pd.read_csv(queue_log, dtype=str, keep_default_na=False)
    typed = table.copy()
    for column in ("Arrived", "service_start", "service_end", "abandoned_at"):
        typed[column] = pd.to_datetime(table[column].replace("", None))
    typed.to_excel(tmp_path / "queue.xlsx", index=False)
    typed.to_parquet(tmp_path / "queue.parquet", index=False)
    fields = ["row", "segment", "staff", "outcome", "arrival", "wait", "service"]
    expected = read_queue_log(queue_log, options).customers[fields]
    assert len(expected) > 500
    for path, header_rows in ((tmp_path / "queue.xlsx", 1), (tmp_path / "queue.parquet", 0)):
        got = read_queue_log(path, options).customers[fields]
        # rows numbered as the file shows them: a spreadsheet's header is row 1, a Parquet file has none
        assert (got["row"] + 1 - header_rows).tolist() == expected["row"].tolist(), path.suffix
        pd.testing.assert_frame_equal(got.drop(columns="row"), expected.drop(columns="row"), check_exact=False, atol=1e-6)


@pytest.mark.parametrize("text,columns", [
    ("arrival\n2024-01-01 09:00\n2024-01-01 09:02\n", ["arrival"]),  # one column: never split at a letter
    ("arrival;service_start\n2024-01-01 09:00;2024-01-01 09:01\n", ["arrival", "service_start"]),
    ("arrival\tservice_start\n2024-01-01 09:00\t2024-01-01 09:01\n", ["arrival", "service_start"]),
    ("\ufeffarrival,service_start\n2024-01-01 09:00,2024-01-01 09:01\n", ["arrival", "service_start"]),
])
def test_the_delimiter_is_found_among_those_exports_use(tmp_path, text, columns):
    from sim.fitting.reading import read_table

    path = tmp_path / "log.csv"
    path.write_text(text, encoding="utf-8")
    assert list(read_table(path).columns) == columns


@pytest.mark.parametrize("text,message", [("", "No columns to parse"),
                                          ("arrival,service_start\n", "Give a log with one row per customer")])
def test_an_empty_log_gets_one_clear_message(tmp_path, capsys, text, message):
    path = tmp_path / "log.csv"
    path.write_text(text, encoding="utf-8")
    assert run_sim.main(["fit", str(path), "--out", str(tmp_path / "f.yaml")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and "the defects: \n" not in err + "\n"
