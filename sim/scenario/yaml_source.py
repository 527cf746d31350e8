"""Safe YAML reading that keeps where each value came from, so errors can name the line and column."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML mapping together with its node tree (for line/column look-ups)."""

    data: dict[str, Any]
    root: yaml.Node | None
    source: str

    def position(self, path: tuple) -> str:
        """``line L, column C`` of the value (or the nearest enclosing value) at ``path``, or ``""``."""
        node = self.root
        found = None
        for part in path:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == str(part)), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                node = node.value[part]
            else:
                node = None
            if node is None:
                break
            found = node
        if found is None:
            found = self.root
        if found is None:
            return ""
        mark = found.start_mark
        return f"line {mark.line + 1}, column {mark.column + 1}"


def _duplicate_keys(node: yaml.Node, path: str = "") -> list[str]:
    """Keys written twice in one mapping (PyYAML would silently keep the last)."""
    problems: list[str] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            where = f"{path}.{key.value}" if path else str(key.value)
            if key.value in seen:
                mark = key.start_mark
                problems.append(
                    f"{where} (line {mark.line + 1}, column {mark.column + 1}): this key is written twice "
                    f"in the same mapping; keep one"
                )
            seen.add(key.value)
            problems.extend(_duplicate_keys(value, where))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            problems.extend(_duplicate_keys(item, f"{path}.{i}"))
    return problems


def parse_yaml(text: str, source: str) -> tuple[YamlDocument | None, list[str]]:
    """Parse ``text`` with the safe loader; return the document or the problems that stop it being read."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        return None, [f"{where}not valid YAML ({reason}); check indentation, colons and quotes there"]
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. unhashable keys, absurd nesting
        return None, [f"not usable YAML ({exc.__class__.__name__}: {exc}); simplify the structure"]
    if data is None:
        return None, ["the file is empty; a scenario needs at least meta, segments and staff"]
    if not isinstance(data, dict):
        return None, [f"the top level is a {type(data).__name__}, but a scenario must be a mapping of keys"]
    if any(not isinstance(key, str) for key in data):
        return None, ["every top-level key must be text (for example meta, segments, staff)"]
    problems = _duplicate_keys(root) if root is not None else []
    return YamlDocument(data, root, source), problems


def read_text(path: Path) -> str:
    """Read a scenario file as UTF-8, turning file-system problems into plain explanations."""
    from ..errors import ScenarioError

    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(path), ["no such file; check the path (scenarios live in scenarios/)"]) from None
    except IsADirectoryError:
        raise ScenarioError(str(path), ["this is a folder; give a .yaml scenario file inside it"]) from None
    except UnicodeDecodeError:
        raise ScenarioError(str(path), ["the file is not UTF-8 text; save it as UTF-8"]) from None
    except OSError as exc:
        raise ScenarioError(str(path), [f"cannot be read ({exc.strerror})"]) from None
