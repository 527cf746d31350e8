"""Which player-facing texts of a scenario lack a Chinese version (the library requires both languages)."""
from __future__ import annotations

import re

from pydantic import BaseModel

from .base import LocalizedText

LANGUAGE_NEUTRAL = re.compile(r"^[A-Z0-9 :/%.,+\-]*$")
"""Plain strings that need no translation: codes, numbers and times (SR1288, G07, 14:20, 97 %)."""


def untranslated_texts(node, path: str = "", text_typed: bool = False) -> list[str]:
    """Key paths of player-facing texts without a Chinese version (plain words in one language only)."""
    if isinstance(node, LocalizedText):
        return [] if node.zh and node.zh.strip() else [path]
    if isinstance(node, str):
        return [path] if text_typed and not LANGUAGE_NEUTRAL.match(node) else []
    found: list[str] = []
    if isinstance(node, BaseModel):
        for name, field in type(node).model_fields.items():
            where = f"{path}.{name}" if path else name
            found.extend(untranslated_texts(getattr(node, name), where, "LocalizedText" in repr(field.annotation)))
    elif isinstance(node, dict):
        for key, value in node.items():
            found.extend(untranslated_texts(value, f"{path}.{key}", text_typed))
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            found.extend(untranslated_texts(value, f"{path}.{i}", text_typed))
    return found
