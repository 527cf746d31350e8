"""The scenario picker's catalogue and the exercise schema's checks."""
from __future__ import annotations

from pathlib import Path

import pytest

from game.catalog import scan
from sim import ScenarioError, load_scenario_text

ROOT = Path(__file__).resolve().parents[2]


def test_catalog_lists_every_file_with_errors_instead_of_crashing(tmp_path, planning_only):
    for name in ("delayed_flight.yaml", "vip_lounge.yaml"):
        (tmp_path / name).write_text((ROOT / "scenarios" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "bank_branch.yaml").write_text(planning_only.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "broken.yaml").write_text("meta: [not, a, mapping\n", encoding="utf-8")
    entries = {entry.path.name: entry for entry in scan(tmp_path)}
    assert entries["delayed_flight.yaml"].playable and entries["vip_lounge.yaml"].playable
    assert not entries["bank_branch.yaml"].playable and entries["bank_branch.yaml"].error is None
    assert entries["broken.yaml"].error is not None and "broken.yaml" in entries["broken.yaml"].error
    assert [e.path.name for e in scan(tmp_path)][-1] == "broken.yaml"
    assert entries["delayed_flight.yaml"].real_minutes == 3
    assert entries["vip_lounge.yaml"].title("zh") == "贵宾休息室错过登机提醒"


@pytest.mark.parametrize("change, says", [
    ("actions: [apologise, rebook, follow_up]", "unknown recovery action 'teleport'"),
    ("default: cannot_change", "default 'shrug' is not one of the choices"),
    ("segment: resting", "unknown segment 'sleepers'"),
    ("missed_flight: cannot_change", "unknown choice 'cry'"),
])
def test_exercise_mistakes_name_the_key_and_the_allowed_values(change, says):
    text = (ROOT / "scenarios" / "vip_lounge.yaml").read_text(encoding="utf-8")
    replacement = {
        "actions: [apologise, rebook, follow_up]": "actions: [apologise, teleport, follow_up]",
        "default: cannot_change": "default: shrug",
        "segment: resting": "segment: sleepers",
        "missed_flight: cannot_change": "missed_flight: cry",
    }[change]
    assert change in text
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(text.replace(change, replacement, 1), "vip_lounge.yaml")
    assert says in str(raised.value)


def test_both_exercises_are_fully_bilingual(flight, lounge):
    from pydantic import BaseModel

    from sim.scenario.base import LocalizedText

    def walk(node, path="exercise"):
        if isinstance(node, LocalizedText):
            assert node.zh, f"{path} has no Chinese text"
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name), f"{path}.{name}")
        elif isinstance(node, (list, tuple)):
            for i, item in enumerate(node):
                walk(item, f"{path}.{i}")
        elif isinstance(node, dict):
            for key, item in node.items():
                walk(item, f"{path}.{key}")

    for scenario in (flight, lounge):
        walk(scenario.exercise)
        walk(scenario.meta, "meta")
        for name, policy in scenario.policies.items():
            walk(policy, f"policies.{name}")


def test_the_catalog_reads_a_file_once_and_again_when_it_changes(tmp_path, monkeypatch):
    import os

    from game import catalog

    path = tmp_path / "flight.yaml"
    path.write_bytes((ROOT / "scenarios" / "delayed_flight.yaml").read_bytes())
    loads = []
    real = catalog.load_scenario
    monkeypatch.setattr(catalog, "load_scenario", lambda p: loads.append(p) or real(p))
    first = catalog.scan(tmp_path)
    assert catalog.scan(tmp_path)[0] is first[0] and len(loads) == 1  # the picker opened again: nothing re-read
    path.write_text(path.read_text(encoding="utf-8").replace("Three hours", "Four hours", 1), encoding="utf-8")
    os.utime(path, ns=(0, path.stat().st_mtime_ns + 10**9))
    assert catalog.scan(tmp_path)[0] is not first[0] and len(loads) == 2


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_picker_pages_by_key_and_says_what_is_shown(make_app, monkeypatch, lang):
    """The library holds more scenarios than fit: the picker says which are shown and how to reach the rest, and
    Page Down / Page Up move a page, End / Home to the last and the first ones."""
    import time

    import pygame

    import game.scenes.picker as picker_module
    from game.scenes.registry import make_scene
    from game_scripted import press

    hints: list[str] = []
    draw = picker_module.draw_text
    monkeypatch.setattr(picker_module, "draw_text", lambda surface, fonts, text, *a, **k: hints.append(text) or draw(
        surface, fonts, text, *a, **k))
    app = make_app(lang=lang)
    picker = app.push(make_scene("picker", app))
    picker.entries = None  # as while the files are still being read: nothing to page yet, and no harm done
    press(pygame.K_END)
    for _ in range(400):  # the files are read in the background
        app.step(0.05)
        if picker.entries is not None:
            break
        time.sleep(0.01)
    count, page = len(picker.entries), picker_module.VISIBLE
    press(pygame.K_HOME)
    assert count > page + 1  # the library needs more than one page
    steps = [(None, 0), (pygame.K_PAGEDOWN, page), (pygame.K_END, count - page), (pygame.K_PAGEDOWN, count - page),
             (pygame.K_PAGEUP, count - 2 * page if count >= 2 * page else 0), (pygame.K_HOME, 0), (pygame.K_PAGEUP, 0)]
    for key, first in steps:
        if key is not None:
            press(key)
        hints.clear()
        app.step(0.05)
        assert picker.first == first, (key, picker.first)
        shown = f"{first + 1}-{min(first + page, count)} / {count}"
        expected = app.text("picker.more" if first + page < count else "picker.top", shown=shown)
        assert expected in hints, (key, hints[-3:])
        names = {b.id for b in picker.buttons.buttons if b.id.startswith("scenario:")}
        assert names == {f"scenario:{e.path.name}" for e in picker.entries[first:first + page]}


@pytest.mark.parametrize("where, says", [
    ("fixtures", "exercise.layout.fixtures"), ("boards", "exercise.layout.boards"),
    ("rows", "exercise.layout.boards.0.rows"), ("columns", "exercise.layout.boards.0.columns"),
])
def test_a_venue_id_used_twice_is_named(where, says):
    """An inject updating board 'departures' must not have to guess which of two boards of that id it means."""
    import copy

    import yaml

    data = yaml.safe_load((ROOT / "scenarios" / "vip_lounge.yaml").read_text(encoding="utf-8"))
    layout = data["exercise"]["layout"]
    items = {"fixtures": layout["fixtures"], "boards": layout["boards"], "rows": layout["boards"][0]["rows"],
             "columns": layout["boards"][0]["columns"]}[where]
    items.append(copy.deepcopy(items[0]))
    with pytest.raises(ScenarioError) as raised:
        load_scenario_text(yaml.safe_dump(data, allow_unicode=True), "vip_lounge.yaml")
    assert says in str(raised.value) and "used twice" in str(raised.value)
