"""Scenario files as they arrive from other machines and wrong paths: encodings, links, sizes, odd top levels.

Each either loads as the same scenario or ends in one message naming the file, the problem and the fix.
"""
from __future__ import annotations

import codecs
import os

import pytest
import yaml

import run_sim
from sim import ScenarioError, load_scenario
from sim.scenario import yaml_source

from .test_scenario_validation import GOOD


def scenario_text() -> str:
    return "# 贵宾室: a lounge\n" + yaml.safe_dump(GOOD, allow_unicode=True, sort_keys=False)


@pytest.mark.parametrize("encoding,bom", [("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
                                          ("utf-32-le", codecs.BOM_UTF32_LE), ("utf-8", codecs.BOM_UTF8)])
def test_a_file_saved_as_unicode_with_a_byte_order_mark_loads_as_the_same_scenario(tmp_path, encoding, bom):
    plain = tmp_path / "plain.yaml"
    plain.write_text(scenario_text(), encoding="utf-8")
    marked = tmp_path / "marked.yaml"
    marked.write_bytes(bom + scenario_text().encode(encoding))
    assert load_scenario(marked).model_dump() == load_scenario(plain).model_dump()


@pytest.mark.parametrize("raw,fragment", [
    (scenario_text().encode("utf-16-le"), "UTF-16 saved without a byte-order mark"),  # no mark: NULs between letters
    (b"meta: {title: x}\n\x00\x01\x02", "NUL characters"),
    (bytes(range(128, 256)) * 20, "not text in UTF-8"),
])
def test_binary_or_unmarked_utf16_files_are_named_as_such(tmp_path, raw, fragment):
    path = tmp_path / "odd.yaml"
    path.write_bytes(raw)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert fragment in caught.value.message and "save it as UTF-8" in caught.value.message


def test_a_link_to_itself_is_reported_not_crashed_on(tmp_path, capsys):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.symlink_to(second)
    second.symlink_to(first)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(first)
    assert "cannot be read" in caught.value.message and "links" in caught.value.message
    assert run_sim.main(["run", str(first), "-r", "2"]) == 2
    assert "a.yaml" in capsys.readouterr().err


def test_an_unreadable_file_is_named_with_the_fix(tmp_path, monkeypatch):
    path = tmp_path / "locked.yaml"
    path.write_text(scenario_text(), encoding="utf-8")
    real_open = open

    def denied(file, *args, **kwargs):  # as chmod 000 does for anyone but root
        if str(file) == str(path):
            raise PermissionError(13, os.strerror(13), str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", denied)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert "Permission denied" in caught.value.message and "permission to read it" in caught.value.message


def test_a_file_far_larger_than_any_scenario_is_refused_without_reading_it_all(tmp_path, monkeypatch):
    monkeypatch.setattr(yaml_source, "MAX_FILE_BYTES", 10_000)
    path = tmp_path / "huge.yaml"
    path.write_text(scenario_text() + "# padding\n" * 2_000, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert "larger than" in caught.value.message and "check the path" in caught.value.message
    small = tmp_path / "small.yaml"
    small.write_text(scenario_text(), encoding="utf-8")
    assert load_scenario(small).name == "small"


@pytest.mark.parametrize("text,fragment", [("42\n", "single value ('42')"), ("just words\n", "single value ('just words')"),
                                           ("- a\n- b\n", "list")])
def test_a_top_level_that_is_not_a_mapping_is_described_in_words(tmp_path, text, fragment):
    path = tmp_path / "flat.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert f"the top level is a {fragment}" in caught.value.message and "meta:, segments:, staff:" in caught.value.message


def test_a_classroom_serves_a_file_saved_as_utf16_with_the_same_fingerprint(tmp_path):
    """The server reads the file it serves as the loader does, so trainees with the UTF-8 copy may join."""
    from trainer.classroom.server import load_facts

    from .test_scenario_validation import ROOT

    text = (ROOT / "scenarios" / "delayed_flight.yaml").read_text(encoding="utf-8")
    plain, marked = tmp_path / "plain" / "delayed_flight.yaml", tmp_path / "marked" / "delayed_flight.yaml"
    for path, raw in ((plain, text.encode("utf-8")), (marked, codecs.BOM_UTF16_LE + text.encode("utf-16-le"))):
        path.parent.mkdir()
        path.write_bytes(raw)
    assert load_facts(marked)[1].digest == load_facts(plain)[1].digest
