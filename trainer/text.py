"""Player-facing text that is either a plain string or a mapping such as {"en": ..., "zh": ...}.

Trainer records keep such text as given (stored as JSON) and pick one language only when showing
it, English unless another language is asked for.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Mapping, Union

BilingualText = Union[str, Mapping[str, str]]

DEFAULT_LANG = "en"

# Bidirectional overrides and isolates can make a name display as other text; they never belong in one.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def printable(text: str, keep: str = "\n\t") -> str:
    """``text`` without control characters (escape sequences, NUL, bidirectional overrides), kept as data.

    Names are typed by people and shown in terminals, files and charts: a terminal must never read
    one as an instruction. Characters in ``keep`` (line breaks and tabs) stay.
    """
    return "".join(ch for ch in text if ch in keep
                   or (unicodedata.category(ch) != "Cc" and ch not in _BIDI_CONTROLS))


def localize(text: BilingualText | None, lang: str | None = None, fallback: str = "") -> str:
    """Return the text in `lang` (default English), else English, else any language, else `fallback`."""
    if text is None:
        return fallback
    if isinstance(text, str):
        return text
    for key in (lang or DEFAULT_LANG, DEFAULT_LANG):
        value = text.get(key)
        if value:
            return value
    return next((value for value in text.values() if value), fallback)


def check_text(text: object, what: str) -> BilingualText | None:
    """Check that `text` is None, a string, or a mapping of language codes to strings."""
    if text is None or isinstance(text, str):
        return text
    if isinstance(text, Mapping) and text and all(
        isinstance(key, str) and isinstance(value, str) for key, value in text.items()
    ):
        return dict(text)
    raise ValueError(f"{what} must be a string or a mapping like {{'en': ..., 'zh': ...}}, got {text!r}")


def text_to_json(text: BilingualText | None) -> str | None:
    """Serialise text for a TEXT column (None stays NULL)."""
    return None if text is None else json.dumps(text, ensure_ascii=False, sort_keys=True)


def text_from_json(stored: str | None) -> BilingualText | None:
    """Read back text written by `text_to_json`."""
    return None if stored is None else json.loads(stored)
