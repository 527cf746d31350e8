"""Safe YAML reading that keeps where each value came from, so errors can name the line and column.

The reader is bounded as well as safe: a file nested absurdly deep, or one whose aliases would
expand into millions of values (the "billion laughs" file), is refused in milliseconds with a
plain message, before anything walks the expanded tree.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MAX_DEPTH = 64  # mappings and lists inside each other; real scenarios nest about 8 levels
MAX_ALIASES = 100  # `*name` references in one document
MAX_VALUES = 200_000  # values in the document once every alias is expanded; scenarios hold a few thousand


class YamlLimitError(yaml.YAMLError):
    """The document is beyond what a scenario can need: too deep, too many aliases, or too large expanded."""

    def __init__(self, message: str, mark: yaml.Mark | None = None):
        super().__init__(message)
        self.message = message
        self.mark = mark

    def __str__(self) -> str:
        where = f"line {self.mark.line + 1}, column {self.mark.column + 1}: " if self.mark else ""
        return where + self.message


TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep; a scenario needs far fewer"

# Reading, scanning and parsing: libyaml's (in C, several times faster) when PyYAML was built with it.
# The node tree is always composed here in Python, where the limits below are checked.
_PARSING = (yaml.cyaml.CParser,) if getattr(yaml, "__with_libyaml__", False) else (yaml.reader.Reader, yaml.scanner.Scanner,
                                                                             yaml.parser.Parser)


class BoundedSafeLoader(yaml.composer.Composer, *_PARSING, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
    """PyYAML's safe loader that refuses deep nesting and too many aliases while it composes."""

    def __init__(self, stream: str):
        _PARSING[0].__init__(self, stream)
        for part in _PARSING[1:]:
            part.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)
        self._depth = 0
        self._aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise YamlLimitError(f"more than {MAX_ALIASES} aliases (*name); write the values out instead",
                                     self.peek_event().start_mark)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise YamlLimitError(TOO_DEEP, self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def expanded_size(root: yaml.Node, limit: int = MAX_VALUES) -> int:
    """Values in the tree once aliases are expanded, computed without expanding them.

    Each node's size is worked out once and reused wherever an alias repeats it, and sums stop at
    ``limit + 1``, so even a document built to explode is measured in microseconds. An alias inside
    the value it names (a loop) is refused.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:  # iterative post-order walk: children's sizes are known before their parent's
        node, children_done = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            sizes[id(node)] = 1
            continue
        children = [item for pair in node.value for item in pair] if isinstance(node, yaml.MappingNode) else node.value
        if children_done:
            open_nodes.discard(id(node))
            sizes[id(node)] = min(limit + 1, 1 + sum(sizes[id(child)] for child in children))
            continue
        if id(node) in sizes:
            continue
        if id(node) in open_nodes:
            raise YamlLimitError("an alias (*name) refers to the value it is inside; write the values out instead",
                                 node.start_mark)
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


def load_bounded(text: str) -> tuple[Any, yaml.Node | None]:
    """``(data, node tree)`` of a YAML document read safely within the limits above.

    Raises ``yaml.YAMLError`` (:class:`YamlLimitError` for a document beyond the limits).
    """
    loader = BoundedSafeLoader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            if "nesting depth" in str(exc.problem):  # libyaml's own limit, far above ours: the same message
                raise YamlLimitError(TOO_DEEP, exc.problem_mark) from None
            raise
        if root is None:
            return None, None
        size = expanded_size(root)
        if size > MAX_VALUES:
            raise YamlLimitError(f"its aliases (*name) expand to more than {MAX_VALUES:,} values; "
                                 "write the values out instead of nesting aliases")
        return loader.construct_document(root), root
    finally:
        loader.dispose()


def load_value(text: str) -> Any:
    """One YAML value typed on a command line (``4``, ``true``, ``[10, 20]``), read within the same limits."""
    return load_bounded(text)[0]


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
        data, root = load_bounded(text)
    except YamlLimitError as exc:
        return None, [str(exc)]
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
        kind = "list" if isinstance(data, list) else "single value"
        return None, [f"the top level is a {kind} ({str(data)[:40]!r}), but a scenario must be a mapping of keys "
                      "(meta:, segments:, staff: ...)"]
    if any(not isinstance(key, str) for key in data):
        return None, ["every top-level key must be text (for example meta, segments, staff)"]
    problems = _duplicate_keys(root) if root is not None else []
    return YamlDocument(data, root, source), problems


MAX_FILE_BYTES = 100 * 2**20  # a scenario is a few kilobytes; this bounds what a wrong path (a disk image, /dev/zero) costs
# Byte-order marks YAML allows, longest first (UTF-32's little-endian mark begins with UTF-16's)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def encoding_of(raw: bytes) -> str:
    """UTF-8, or UTF-16/32 when a byte-order mark says so (as the YAML standard reads files that Windows
    editors save "as Unicode")."""
    return next((name for bom, name in _BOMS if raw.startswith(bom)), "utf-8")


def read_text(path: Path) -> str:
    """Read a scenario file (in the encoding :func:`encoding_of` finds), turning file-system problems into plain explanations."""
    from ..errors import ScenarioError

    try:
        with open(path, "rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise ScenarioError(str(path), [f"the file is larger than {MAX_FILE_BYTES // 2**20} MB, far more than a scenario "
                                            "(a few kilobytes) holds; check the path"])
        encoding = encoding_of(raw)
        if encoding.startswith("utf-8") and b"\x00" in raw:
            raise ScenarioError(str(path), ["the file holds NUL characters: it is binary, or UTF-16 saved without a "
                                            "byte-order mark; save it as UTF-8"])
        text = raw.decode(encoding)
    except FileNotFoundError:
        raise ScenarioError(str(path), ["no such file; check the path (scenarios live in scenarios/)"]) from None
    except IsADirectoryError:
        raise ScenarioError(str(path), ["this is a folder; give a .yaml scenario file inside it"]) from None
    except UnicodeDecodeError:
        raise ScenarioError(str(path), ["the file is not text in UTF-8 (nor UTF-16 with a byte-order mark); "
                                        "save it as UTF-8"]) from None
    except OSError as exc:
        raise ScenarioError(str(path), [f"cannot be read ({exc.strerror}); check the path, its links and your permission "
                                        "to read it"]) from None
    return text
