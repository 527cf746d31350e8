"""A variant of a scenario file written as a file of its own (the staffing a search found), ready to
validate, run, share and edit.

The file holds the source file's own data (its ``extends:`` chain merged in, so it stands alone)
with the settings applied; defaults the source leaves out stay out. It is validated before it is
written, and written whole or not at all.
"""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any, Mapping, Sequence

import yaml

from ..atomic_write import same_file, write_atomic
from ..errors import UserError
from ..scenario.loading import load_scenario_text, scenario_file_data


def variant_text(source: str | Path, settings: Mapping[str, Any], comments: Sequence[str] = ()) -> str:
    """The YAML text of the scenario in ``source`` with ``settings`` (key path -> value), under ``# `` comment lines."""
    data = scenario_file_data(source, settings)
    header = "".join(f"# {part}\n" for line in comments for part in textwrap.wrap(line, 100))
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)


def check_not_the_source(path: str | Path, source: str | Path) -> None:
    """Refuse to write a variant over the file it is a variant of (checked before any long work)."""
    if same_file(path, source):
        raise UserError(f"--out {path}: that is the scenario file the schedule was found for; write it to another file")


def write_variant(path: str | Path, source: str | Path, settings: Mapping[str, Any], comments: Sequence[str] = ()) -> Path:
    """Write the scenario in ``source`` with ``settings`` to ``path`` (never over ``source`` itself)."""
    path = Path(path)
    check_not_the_source(path, source)
    text = variant_text(source, settings, comments)
    load_scenario_text(text, str(path))  # a file that would not load is never written
    write_atomic(path, text, make_folders=True)
    return path
