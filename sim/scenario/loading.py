"""Load a scenario file: read YAML safely, follow ``extends:``, apply ``--set`` overrides, validate."""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml
from pydantic import ValidationError

from ..errors import ScenarioError
from .error_messages import describe_validation_error, located
from .partial_checks import cross_check_problems_beside
from .root import Scenario
from .yaml_source import YamlDocument, YamlLimitError, load_value, parse_yaml, read_text

EXTENDS_KEY = "extends"


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Mappings merge key by key; anything else in ``override`` replaces what ``base`` had."""
    merged = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def parse_override_value(text: str) -> Any:
    """Read the value of ``--set key=value`` as YAML, so numbers, booleans and lists keep their type."""
    try:
        return load_value(text) if text.strip() else ""
    except YamlLimitError as exc:
        raise ScenarioError("--set", [f"the value {text[:40]!r}: {exc}"]) from None
    except yaml.YAMLError:
        return text


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain data with every default filled in, so any field can be addressed by key path."""
    return scenario.model_dump(mode="json", by_alias=True)


def _default_at(defaults: Callable[[], dict[str, Any] | None] | None, parts: list[str]) -> Any:
    """The value at key path ``parts`` in the scenario with its defaults filled in, or None."""
    node = defaults() if defaults else None
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def apply_overrides(data: dict[str, Any], overrides: Mapping[str, Any], source: str,
                    defaults: Callable[[], dict[str, Any] | None] | None = None) -> dict[str, Any]:
    """Set each dotted key path (``staff.agent.count``) to its value; unknown parents are an error.

    ``defaults()`` gives the same scenario with every default filled in: a path through a section the
    file leaves out (``quality.wait_tolerance_min``) starts from that section's defaults.
    """
    data = copy.deepcopy(data)
    problems = []
    for dotted, value in overrides.items():
        parts = dotted.split(".")
        node: Any = data
        for depth, part in enumerate(parts[:-1]):
            here = ".".join(parts[: depth + 1])
            if isinstance(node, dict) and part not in node:
                default = _default_at(defaults, parts[: depth + 1])
                if isinstance(default, (dict, list)):
                    node[part] = copy.deepcopy(default)
            if isinstance(node, dict) and part in node and (node[part] is None or node[part] is False or node[part] == "off"):
                problems.append(f"--set {dotted}: '{here}' is off in this scenario; switch it on first, "
                                f"for example --set '{here}={{}}' (on, with every default)")
                break
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                known = _default_at(defaults, parts[:depth]) if isinstance(node, dict) else None
                keys = list(dict.fromkeys([*node, *(known if isinstance(known, dict) else ())])) if isinstance(node, dict) else []
                options = ", ".join(map(str, keys)) if isinstance(node, dict) else f"0..{len(node) - 1}" if isinstance(node, list) else "none"
                problems.append(f"--set {dotted}: '{here}' does not exist in the scenario (options at that level: {options})")
                break
        else:
            last = parts[-1]
            if isinstance(node, dict):
                node[last] = value
            elif isinstance(node, list) and last.isdigit() and int(last) < len(node):
                node[int(last)] = value
            else:
                problems.append(f"--set {dotted}: '{'.'.join(parts[:-1])}' holds a single value, not keys")
    if problems:
        raise ScenarioError(source, problems)
    return data


def _read_document(path: Path) -> YamlDocument:
    doc, problems = parse_yaml(read_text(path), str(path))
    if doc is None or problems:
        raise ScenarioError(str(path), problems)
    return doc


def _resolve_extends(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], YamlDocument]:
    """The file's data merged over the chain of files it ``extends:`` (relative to the file)."""
    doc = _read_document(path)  # first: a path that cannot be read (a link to itself, say) is named as such
    resolved = path.resolve()
    if resolved in seen:
        chain = " -> ".join(p.name for p in (*seen, resolved))
        raise ScenarioError(str(path), [f"extends: the files extend each other in a loop ({chain}); break the loop"])
    data = dict(doc.data)
    parent = data.pop(EXTENDS_KEY, None)
    if parent is None:
        return data, doc
    if not isinstance(parent, str):
        raise ScenarioError(str(path), [f"extends: expected the name of another scenario file, got {parent!r}"])
    base, _ = _resolve_extends(path.parent / parent, (*seen, resolved))
    return deep_merge(base, data), doc


class _Overridden:
    """A document some of whose values ``--set`` replaced: problems with those point at the command line."""

    def __init__(self, doc: YamlDocument, overrides: Mapping[str, Any]):
        self.source = doc.source
        self._doc = doc
        self._keys = [tuple(dotted.split(".")) for dotted in overrides]

    def position(self, path: tuple) -> str:
        parts = tuple(str(p) for p in path)
        for key in self._keys:
            if parts[: len(key)] == key or key[: len(parts)] == parts:
                return f"set on the command line: --set {'.'.join(key)}"
        return self._doc.position(path)


def validate_data(data: dict[str, Any], doc: YamlDocument) -> Scenario:
    """Validate merged scenario data against the schema, naming every problem at once.

    Value errors and cross-reference errors come together: the cross-references are also checked on
    the rest of the file with the invalid parts set aside (``partial_checks``).
    """
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = describe_validation_error(exc, Scenario, doc)
        problems += [located(path, message, doc) for path, message in cross_check_problems_beside(Scenario, data, exc)]
        raise ScenarioError(doc.source, list(dict.fromkeys(problems))) from None
    except (RecursionError, ValueError, TypeError) as exc:  # structures too deep or odd for the validator
        raise ScenarioError(doc.source, [f"the file's structure cannot be checked ({exc.__class__.__name__}); simplify it"]) from None
    return scenario


def _with_defaults(data: dict[str, Any], doc: YamlDocument) -> dict[str, Any] | None:
    """``data`` validated and dumped with every default, or None when the file itself is invalid."""
    try:
        return scenario_data(validate_data(data, doc))
    except ScenarioError:
        return None


def _merged(path: Path, overrides: Mapping[str, Any] | None) -> tuple[dict[str, Any], YamlDocument | _Overridden]:
    """The file's data with its ``extends:`` chain merged in and ``overrides`` applied, and its document."""
    data, doc = _resolve_extends(path)
    if overrides:
        data = apply_overrides(data, overrides, str(path), lambda: _with_defaults(data, doc))
        doc = _Overridden(doc, overrides)
    return data, doc


def scenario_file_data(path: str | Path, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """What a file of its own holds for this scenario with ``overrides``: the file's data, its ``extends:``
    chain merged in (so it stands alone) and the overrides applied; defaults it leaves out stay out."""
    return _merged(Path(path), overrides)[0]


def load_scenario(path: str | Path, overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Read, merge, override and validate one scenario file; raise :class:`ScenarioError` on any problem."""
    path = Path(path)
    data, doc = _merged(path, overrides)
    scenario = validate_data(data, doc)
    scenario._source = path
    return scenario


def load_scenario_text(text: str, source: str = "<text>") -> Scenario:
    """Validate a scenario given as YAML text (no ``extends:``); used by tests and the editor tools."""
    doc, problems = parse_yaml(text, source)
    if doc is None or problems:
        raise ScenarioError(source, problems)
    return validate_data(dict(doc.data), doc)
