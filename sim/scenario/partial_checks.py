"""Cross-reference checks of a scenario that also has value errors, so ``validate`` reports both in one pass.

Pydantic runs the scenario's cross-field checks (unknown stations, a decision ``default`` that is not
one of its choices, ...) only once every field is valid. To report them beside the value errors, the
invalid parts are set aside: the smallest enclosing part that can go is removed from a copy of the data
(an optional key falls back to its default; a named entry or a list item is dropped), the copy is
validated again, and the cross-reference problems it shows are mapped back to the file's own key paths.
Problems about the parts set aside (or naming a dropped entry) are left out: they would be noise.
"""
from __future__ import annotations

import copy
import typing
from typing import Any, Literal

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from .error_messages import _is_union, _resolve, _unwrap, cross_check_problems

MAX_ROUNDS = 8
"""Setting a part aside can reveal a problem one level up (a required key now missing); a few rounds suffice."""


_NO_STAND_IN = object()


def _stand_in(field: FieldInfo | None) -> Any:
    """A valid value for a required plain field (a number within its bounds, a word, a choice), if there is one."""
    if field is None:
        return _NO_STAND_IN
    annotation = _unwrap(field.annotation)
    if typing.get_origin(annotation) is Literal:
        return typing.get_args(annotation)[0]
    if annotation is bool:
        return False
    if annotation is str and not field.metadata:
        return "stand-in"
    if annotation not in (int, float):
        return _NO_STAND_IN
    low = high = None
    for bound in field.metadata:
        if isinstance(bound, (annotated_types.Ge, annotated_types.Gt)):
            low = getattr(bound, "ge", None) if isinstance(bound, annotated_types.Ge) else bound.gt
        elif isinstance(bound, (annotated_types.Le, annotated_types.Lt)):
            high = getattr(bound, "le", None) if isinstance(bound, annotated_types.Le) else bound.lt
    value = 1 if low is None else low + 1
    if high is not None and value >= high:
        value = high if low is None else (low + high) / 2
    return annotation(value) if annotation is float or value == int(value) else _NO_STAND_IN


def _member(union: Any, value: Any) -> Any:
    """The member of a union that ``value`` was meant as: the only one, the one its ``dist`` names, or the
    first model that has every key it gives; None when that cannot be told."""
    members = [_unwrap(m) for m in typing.get_args(union) if m is not type(None)]
    if len(members) == 1:
        return members[0]
    if not isinstance(value, dict):
        return None
    models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
    for model in models:
        dist = model.model_fields.get("dist")
        if dist is not None and value.get("dist") in typing.get_args(dist.annotation):
            return model
    return next((m for m in models if "dist" not in value and set(value) <= set(m.model_fields)), None)


def _kinds(model: type[BaseModel], data: Any, path: tuple) -> tuple[list[str], FieldInfo | None]:
    """What each key of ``path`` is in the schema ('optional', 'required', 'entry', 'item' or 'opaque'),
    and the schema field of the last key when it is a model's field."""
    kinds: list[str] = []
    field = None
    current: Any = model
    for depth, part in enumerate(path):
        current = _unwrap(current)
        if _is_union(current):
            try:
                current = _member(current, _node(data, path[:depth]))
            except (KeyError, IndexError, TypeError):
                current = None
        origin = typing.get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            kinds.append("optional" if field is None or not field.is_required() else "required")
            current = field.annotation if field else None
        elif origin is dict:
            kinds.append("entry")
            field, current = None, typing.get_args(current)[-1]
        elif origin is list:
            kinds.append("item")
            field, current = None, typing.get_args(current)[0]
        else:
            kinds.append("opaque")
            field, current = None, None
    return kinds, field


def _node(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


class _SetAside:
    """The parts removed from the data so far, and how to map the remaining data's key paths back."""

    def __init__(self) -> None:
        self.removed: list[tuple] = []        # key paths in the file's own numbering
        self.names: set[str] = set()           # names of dropped entries and list items
        self._shifts: list[tuple[tuple, int]] = []  # (list path, index) of dropped list items, in order

    def original(self, path: tuple) -> tuple:
        """``path`` in the pruned data, written as the file numbers it."""
        path = list(path)
        for list_path, index in reversed(self._shifts):
            n = len(list_path)
            if tuple(path[:n]) == list_path and len(path) > n and isinstance(path[n], int) and path[n] >= index:
                path[n] += 1
        return tuple(path)

    def remove(self, data: Any, path: tuple, kind: str, stand_in: Any = _NO_STAND_IN) -> None:
        parent, key = _node(data, path[:-1]), path[-1]
        if stand_in is not _NO_STAND_IN:
            self.removed.append(self.original(path))
            parent[key] = stand_in
            return
        value = parent[key]
        if kind == "entry":
            self.names.add(str(key))
        if kind in ("entry", "item") and isinstance(value, dict):
            self.names.update(str(value[k]) for k in ("id", "name") if isinstance(value.get(k), str))
        self.removed.append(self.original(path))
        if kind == "item":
            self._shifts.append((path[:-1], key))
            del parent[key]
        else:
            parent.pop(key)

    def covers(self, path: tuple, message: str) -> bool:
        """Whether a problem lies inside a part set aside or names a dropped entry."""
        if any(path[: len(removed)] == removed for removed in self.removed):
            return True
        return any(f"'{name}'" in message for name in self.names)


def _prune_point(model: type[BaseModel], data: Any, loc: tuple, kind: str,
                 aside: _SetAside) -> tuple[tuple, str, Any] | None:
    """The deepest part of the data around ``loc`` to set aside so the rest is checkable: path, kind, stand-in."""
    path, _, _ = _resolve(model, loc)
    kinds, field = _kinds(model, data, path)
    if path and kinds[-1] == "required" and aside.original(path) not in aside.removed:
        stand_in = _stand_in(field)
        if stand_in is not _NO_STAND_IN:
            return path, "required", stand_in
    if kind == "missing":
        path, kinds = path[:-1], kinds[:-1]
    for depth in range(len(path), 0, -1):
        here = path[:depth]
        try:
            _node(data, here)
        except (KeyError, IndexError, TypeError):
            continue
        if kinds[depth - 1] in ("optional", "entry", "item"):
            return here, kinds[depth - 1], _NO_STAND_IN
    return None


def _deepest_last(path: tuple) -> tuple:
    """Sort key: longer paths first, then higher list indexes, so removing one never moves another."""
    return len(path), tuple((0, part, "") if isinstance(part, int) else (1, 0, str(part)) for part in path)


def cross_check_problems_beside(model: type[BaseModel], data: dict[str, Any],
                                error: ValidationError) -> list[tuple[tuple, str]]:
    """The cross-reference problems of ``data`` once its invalid parts are set aside: ``[(key path, line), ...]``.

    ``error`` is the validation error of ``data``.
    Returns nothing when the rest cannot be checked (a required top-level section is itself invalid).
    """
    pruned = copy.deepcopy(data)
    aside = _SetAside()
    for _ in range(MAX_ROUNDS):
        items = [item for item in error.errors(include_url=False) if item["loc"]]
        if not items:
            break
        points = {}
        for item in items:
            point = _prune_point(model, pruned, tuple(item["loc"]), item["type"], aside)
            if point is None:
                return []
            points.setdefault(point[0], point[1:])
        # remove deepest and last first, so earlier removals do not move later ones
        for path in sorted(points, key=_deepest_last, reverse=True):
            if any(path[: len(other)] == other for other in points if other != path and len(other) < len(path)):
                continue  # an enclosing part goes too
            try:
                aside.remove(pruned, path, *points[path])
            except (KeyError, IndexError, TypeError):
                return []
        try:
            model.model_validate(pruned)
            return []
        except ValidationError as exc:
            error = exc
        except (RecursionError, ValueError, TypeError):
            return []
    root = [item for item in error.errors(include_url=False) if not item["loc"] and item["type"] == "value_error"]
    if not root or len(root) != len(error.errors()):
        return []
    found = []
    for path, message in cross_check_problems(str(root[0]["ctx"]["error"])):
        original = aside.original(path)
        if not aside.covers(original, message):
            found.append((original, message))
    return found
