"""Turn pydantic's validation errors into one plain line per problem: key path, position, value, fix."""
from __future__ import annotations

import types
import typing
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from .base import CROSS_CHECK_SEPARATOR
from .yaml_source import YamlDocument

_TYPE_WORDS = {str: "text", float: "a number", int: "a whole number", bool: "true or false", type(None): "nothing"}


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated[...] wrappers."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (Union, types.UnionType)


def _describe(annotation: Any) -> str:
    annotation = _unwrap(annotation)
    if annotation in _TYPE_WORDS:
        return _TYPE_WORDS[annotation]
    if _is_union(annotation):
        return " or ".join(_describe(arg) for arg in typing.get_args(annotation))
    origin = typing.get_origin(annotation)
    if origin is list:
        return f"a list of {_describe(typing.get_args(annotation)[0])}"
    if origin is dict:
        return "a mapping"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "a mapping with keys " + ", ".join(annotation.model_fields)
    return str(annotation)


def _resolve(model: type[BaseModel], loc: tuple) -> tuple[tuple, Any, Any]:
    """Walk ``loc`` through the schema; return (key path, union annotation if a branch label was met, parent)."""
    path: list = []
    current: Any = model
    parent: Any = None
    for part in loc:
        current = _unwrap(current)
        if _is_union(current):
            members = [m for m in typing.get_args(current) if m is not type(None)]
            if len(members) == 1:
                current = _unwrap(members[0])
            else:
                models = [m for m in members if isinstance(m, type) and issubclass(m, BaseModel)]
                tagged = [m for m in models if "dist" in m.model_fields]
                if tagged and len(tagged) == len(members):
                    # a discriminated union: pydantic puts the tag in the location
                    match = [m for m in tagged if str(part) in typing.get_args(m.model_fields["dist"].annotation)]
                    if match:
                        current = match[0]
                        continue
                return tuple(path), current, parent
        origin = typing.get_origin(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            parent = current
            path.append(part)
            field = current.model_fields.get(str(part))
            current = field.annotation if field else None
        elif origin in (list, dict):
            path.append(part)
            current = typing.get_args(current)[-1]
        else:
            path.append(part)
            current = None
    return tuple(path), None, parent


def _value_text(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def cross_check_problems(text: str) -> list[tuple[tuple, str]]:
    """Split the root's cross-field error text into ``[(key path, message), ...]``."""
    found = []
    for problem in text.split(CROSS_CHECK_SEPARATOR):
        key, _, message = problem.partition(": ")
        found.append((tuple(int(p) if p.isdigit() else p for p in key.split(".")), message))
    return found


def located(path: tuple, message: str, doc: YamlDocument) -> str:
    """One problem line: dotted key path, its place in the file (when known), the message."""
    dotted = ".".join(str(p) for p in path) or "(top level)"
    where = doc.position(path)
    return f"{dotted} ({where}): {message}" if where else f"{dotted}: {message}"


def describe_validation_error(error: ValidationError, model: type[BaseModel], doc: YamlDocument) -> list[str]:
    """One message per distinct problem, in file order where possible."""
    problems: dict[tuple, str] = {}
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        kind = item["type"]
        if kind == "value_error" and not loc:  # the root's cross-field checks, each led by its key path
            for parts, message in cross_check_problems(str(item["ctx"]["error"])):
                problems.setdefault(parts, located(parts, message, doc))
            continue
        if loc and loc[-1] == "[key]" and kind != "extra_forbidden":  # a mapping's key itself is wrong (a day type...)
            # (an unknown key literally named "[key]" is reported as such below)
            loc = loc[:-1]
        path, union, parent = _resolve(model, loc)
        if union is not None:
            message = f"{_value_text(item.get('input'))} is not allowed here; expected {_describe(union)}"
        elif kind == "extra_forbidden":
            allowed = ", ".join(parent.model_fields) if parent else "see `run_sim.py schema`"
            message = f"unknown key '{path[-1]}'; allowed keys here: {allowed}"
        elif kind == "missing":
            message = "required key is missing; add it"
        else:
            msg = item["msg"].removeprefix("Value error, ")
            message = f"{_value_text(item.get('input'))}: {msg}" if "input" in item and kind != "value_error" else msg
        problems.setdefault(path, located(path, message, doc))
    return list(problems.values())
