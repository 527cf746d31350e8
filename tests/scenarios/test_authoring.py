"""Authoring scenarios: the guide's examples, the starter template, `extends:`, the editor schema, the
validator's report, and a new file picked up by the checks, the game's picker and `run_sim.py`."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml
from scenario_checks import ROOT, SCENARIO_DIR_VARIABLE, paired_key_kpis, play_demo_headless, untranslated_texts

import run_sim
from game.catalog import scan
from sim import ScenarioError, load_scenario, run_once, scenario_json_schema

SCENARIOS = ROOT / "scenarios"
GUIDE = ROOT / "docs" / "authoring.md"
SCHEMA_LINE = "# yaml-language-server: $schema=schema.json"


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "run_sim.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, env=env)


# -- the guide's examples -------------------------------------------------------------------------------
def guide_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)


def test_every_yaml_block_of_the_guide_is_valid_yaml():
    blocks = guide_blocks()
    assert len(blocks) >= 6
    for block in blocks:
        assert yaml.safe_load(block) is not None or block.strip().startswith("#")


@pytest.fixture(scope="module")
def guide_files(tmp_path_factory):
    """The guide's whole-file examples (blocks that start with ``# file: NAME``), written to a folder."""
    folder = tmp_path_factory.mktemp("guide")
    written = {}
    for block in guide_blocks():
        first = block.splitlines()[0]
        if first.startswith("# file: "):
            name = first.removeprefix("# file: ").strip()
            (folder / name).write_text(block, encoding="utf-8")
            written[name] = folder / name
    return written


def test_the_guides_whole_files_validate(guide_files):
    assert {"my_desk.yaml", "my_desk_lunch.yaml", "ticket_office.yaml"} <= set(guide_files)
    for path in guide_files.values():
        load_scenario(path)  # raises with every problem listed if the guide is wrong


def test_the_minimal_example_is_minimal_and_runs(guide_files):
    data = yaml.safe_load(guide_files["my_desk.yaml"].read_text(encoding="utf-8"))
    assert set(data) == {"meta", "segments", "staff"}
    kpis = run_once(load_scenario(guide_files["my_desk.yaml"]), seed=1)
    assert kpis["served"] > 0 and "failures" not in kpis  # a pure queue: failures are off


def test_the_guides_variant_extends_the_minimal_example(guide_files):
    base, lunch = load_scenario(guide_files["my_desk.yaml"]), load_scenario(guide_files["my_desk_lunch.yaml"])
    assert lunch.segments["customer"].arrivals_per_hour == 45 and lunch.staff["clerk"].count == 5
    assert lunch.segments["customer"].service == base.segments["customer"].service  # kept from the parent


def test_the_guides_full_example_passes_the_library_checks(guide_files):
    scenario = load_scenario(guide_files["ticket_office.yaml"])
    assert untranslated_texts(scenario) == []
    pairs = paired_key_kpis(scenario)
    assert all(pair.expert_is_better for pair in pairs), [pair.describe() for pair in pairs]


# -- the starter template: `run_sim.py new NAME` ----------------------------------------------------------
def test_new_writes_a_commented_starter_that_validates_runs_and_plays(tmp_path):
    assert run_sim.main(["new", "night_desk", "--folder", str(tmp_path)]) == 0
    path = tmp_path / "night_desk.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE and text.count("\n#") + text.count("  # ") > 20  # commented
    scenario = load_scenario(path)
    assert scenario.name == "night_desk"
    assert untranslated_texts(scenario) == []
    assert all(pair.expert_is_better for pair in paired_key_kpis(scenario))  # the starter passes the library checks
    result = play_demo_headless(path)
    assert result.debrief is not None and result.session.run.records


def test_new_writes_into_the_scenarios_folder_by_default(tmp_path, monkeypatch):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    monkeypatch.setattr(run_sim, "DEFAULT_SCENARIO", folder / "bank_branch.yaml")
    assert run_sim.main(["new", "late_checkout.yaml"]) == 0  # a trailing .yaml is accepted
    assert (folder / "late_checkout.yaml").is_file()


def test_new_never_overwrites_a_file(tmp_path):
    existing = tmp_path / "taken.yaml"
    existing.write_text("# my work\n", encoding="utf-8")
    result = cli("new", "taken", "--folder", str(tmp_path))
    assert result.returncode == 2 and "already exists" in result.stderr and "Traceback" not in result.stderr
    assert existing.read_text(encoding="utf-8") == "# my work\n"


@pytest.mark.parametrize("name", ["Night Desk", "1st_case", "../escape", "x" * 61, "case-1", ""])
def test_new_rejects_a_bad_name_with_one_clear_message(tmp_path, name):
    result = cli("new", name, "--folder", str(tmp_path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "lowercase letters, digits and underscores" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_new_into_a_missing_folder_is_one_clear_message(tmp_path):
    result = cli("new", "night_desk", "--folder", str(tmp_path / "nowhere"))
    assert result.returncode == 2 and "no such folder" in result.stderr and "Traceback" not in result.stderr


# -- extends: ---------------------------------------------------------------------------------------------
def test_a_scenario_that_extends_another_overrides_only_its_changes(tmp_path):
    shutil.copy(SCENARIOS / "hotel_checkin.yaml", tmp_path / "hotel_checkin.yaml")
    (tmp_path / "variants").mkdir()
    (tmp_path / "variants" / "short_staffed.yaml").write_text(
        "extends: ../hotel_checkin.yaml\n"
        "meta:\n  title: {en: Short-staffed Friday, zh: 人手不足的周五}\n"
        "staff:\n  clerk:\n    count: 4\n    shifts: []\n"
        "policies:\n  expert:\n    proactive_share: 0.2\n",
        encoding="utf-8",
    )
    parent = load_scenario(tmp_path / "hotel_checkin.yaml")
    child = load_scenario(tmp_path / "variants" / "short_staffed.yaml")
    assert child.name == "short_staffed" and child.meta.title.en == "Short-staffed Friday"
    assert child.meta.key_kpis == parent.meta.key_kpis  # the rest of meta is kept
    clerk = child.staff["clerk"]
    assert clerk.count == 4 and clerk.shifts == []  # a list is replaced as a whole
    assert clerk.skill == parent.staff["clerk"].skill and clerk.label == parent.staff["clerk"].label  # merged
    expert = child.policies["expert"]
    assert expert.proactive_share == 0.2 and expert.actions == parent.policies["expert"].actions
    assert child.exercise == parent.exercise and child.segments == parent.segments
    fewer = run_once(child, seed=5)
    assert fewer["mean_wait_min"] > run_once(parent, seed=5)["mean_wait_min"]  # fewer clerks, longer waits


def test_a_chain_of_extends_applies_in_order_and_set_applies_last(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "meta: {title: A}\nsegments:\n  c: {arrivals_per_hour: 10, service: {role: s, time: {dist: fixed, value: 2}}}\n"
        "staff:\n  s: {count: 1}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\nstaff:\n  s: {count: 2}\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text("extends: b.yaml\nmeta: {title: C}\n", encoding="utf-8")
    scenario = load_scenario(tmp_path / "c.yaml")
    assert scenario.meta.title == "C" and scenario.staff["s"].count == 2
    assert load_scenario(tmp_path / "c.yaml", {"staff.s.count": 3}).staff["s"].count == 3


def test_extends_in_a_loop_or_to_a_missing_file_is_one_clear_message(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\n", encoding="utf-8")
    (tmp_path / "c.yaml").write_text("extends: nowhere.yaml\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"loop \(a.yaml -> b.yaml -> a.yaml\)"):
        load_scenario(tmp_path / "a.yaml")
    result = cli("validate", str(tmp_path / "c.yaml"))
    assert result.returncode == 1 and "nowhere.yaml" in result.stderr and "no such file" in result.stderr
    assert "Traceback" not in result.stderr


# -- editor schema ------------------------------------------------------------------------------------------
def test_the_schema_file_for_editors_is_up_to_date():
    on_disk = json.loads((SCENARIOS / "schema.json").read_text(encoding="utf-8"))
    assert on_disk == scenario_json_schema(), "run: python run_sim.py schema --write scenarios/schema.json"


def test_schema_write_writes_what_schema_prints(tmp_path, capsys):
    assert run_sim.main(["schema"]) == 0
    printed = capsys.readouterr().out
    target = tmp_path / "schema.json"
    assert run_sim.main(["schema", "--write", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == printed
    assert capsys.readouterr().out.strip() == f"wrote {target}"


def test_schema_write_to_a_folder_that_does_not_exist_is_one_clear_message(tmp_path):
    result = cli("schema", "--write", str(tmp_path / "nowhere" / "schema.json"))
    assert result.returncode == 2 and "cannot write" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_scenario_file_points_editors_at_the_schema(path):
    assert path.read_text(encoding="utf-8").splitlines()[0] == SCHEMA_LINE


# -- the validator's report ----------------------------------------------------------------------------------
def test_validate_lists_every_broken_reference_with_its_line_and_column(tmp_path):
    lines = (SCENARIOS / "bank_branch.yaml").read_text(encoding="utf-8").splitlines()
    broken = {"      seat: waiting": "      seat: waitng", "    choices: {shift_plan: empower_fix, failed_transfer: fix_now, lunch_queue: apologise_open}":
              "    choices: {shift_plan: empower_fix, failed_transfer: fix_nw, lunch_queue: apologise_open}",
              "    - {id: refund, key: r, label: {en: Refund the fee, zh: 退还手续费}, actions: [fee_refund], follows: [compensation]}":
              "    - {id: refund, key: r, label: {en: Refund the fee, zh: 退还手续费}, actions: [fee_refnd], follows: [compensation]}"}
    where = {}
    for i, line in enumerate(lines):
        if line in broken:
            where[broken[line]] = i + 1
            lines[i] = broken[line]
    assert len(where) == 3
    path = tmp_path / "broken.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("validate", str(path), str(SCENARIOS / "hotel_checkin.yaml"))
    assert result.returncode == 1 and "hotel_checkin.yaml: ok" in result.stdout and "Traceback" not in result.stderr
    assert "3 problems" in result.stderr
    for expected, line in (("unknown seats fixture 'waitng'", where["      seat: waitng"]),
                           ("unknown choice 'fix_nw'", where["    choices: {shift_plan: empower_fix, failed_transfer: fix_nw, lunch_queue: apologise_open}"]),
                           ("unknown recovery action 'fee_refnd'", next(v for k, v in where.items() if "fee_refnd" in k))):
        reported = next(row for row in result.stderr.splitlines() if expected in row)
        assert f"(line {line}, column " in reported, reported


# -- a new file in the folder: the checks, the picker and run_sim.py pick it up -------------------------------
def test_a_scenario_dropped_into_the_folder_is_picked_up_without_code_changes(tmp_path):
    new = tmp_path / "hotel_friday_night.yaml"
    shutil.copy(SCENARIOS / "hotel_checkin.yaml", new)

    entries = scan(tmp_path)  # the game's picker lists the folder
    assert [entry.path.name for entry in entries] == [new.name]
    assert entries[0].playable and entries[0].error is None

    out = tmp_path / "run.json"
    result = cli("run", str(new), "-r", "2", "--workers", "1", "--json", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["scenario"] == "hotel_friday_night"

    env = {**os.environ, SCENARIO_DIR_VARIABLE: str(tmp_path)}
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         str(ROOT / "tests" / "scenarios" / "test_scenario_library.py")],
        capture_output=True, text=True, cwd=ROOT, env=env,
    )
    assert collected.returncode == 0, collected.stdout + collected.stderr
    ids = [line for line in collected.stdout.splitlines() if "::" in line]
    assert ids and all(line.endswith("[hotel_friday_night]") for line in ids)
    assert len(ids) == 5  # every library check, for the one file of the folder


# -- the checks themselves can fail ----------------------------------------------------------------------
def test_the_bilingual_check_finds_texts_without_chinese(tmp_path):
    text = run_sim_starter(tmp_path).replace('title: {en: "Night desk", zh: "Night desk"}', 'title: "Night desk"')
    text = text.replace('feedback: {en: "Owned and fixed on the spot.", zh: "当场承担并解决。"}', 'feedback: {en: "Owned and fixed on the spot."}')
    (tmp_path / "night_desk.yaml").write_text(text, encoding="utf-8")
    missing = untranslated_texts(load_scenario(tmp_path / "night_desk.yaml"))
    assert missing == ["meta.title", "exercise.decisions.0.choices.0.feedback"]


def test_the_paired_check_fails_when_the_expert_is_no_better(tmp_path):
    text = run_sim_starter(tmp_path)
    data = yaml.safe_load(text)
    data["policies"]["expert"] = {**data["policies"]["standard_process"], "label": "same as standard"}
    (tmp_path / "night_desk.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    pairs = paired_key_kpis(load_scenario(tmp_path / "night_desk.yaml"), replications=5)
    assert pairs and not any(pair.expert_is_better for pair in pairs)


def run_sim_starter(folder) -> str:
    assert run_sim.main(["new", "night_desk", "--folder", str(folder)]) == 0
    text = (folder / "night_desk.yaml").read_text(encoding="utf-8")
    (folder / "night_desk.yaml").unlink()
    return text
