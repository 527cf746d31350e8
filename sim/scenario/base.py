"""Building blocks shared by every part of the scenario schema: strictness, bilingual text, units."""
from __future__ import annotations

from typing import Annotated, Union

from pydantic import BaseModel, ConfigDict, Field

LANGUAGES = ("en", "zh")


class StrictModel(BaseModel):
    """A schema node that rejects unknown keys, so a typo is an error rather than a silent default.

    Numbers must be finite: no duration, rate, count or amount of a scenario can be infinite or NaN.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=False, populate_by_name=False, allow_inf_nan=False)


class LocalizedText(StrictModel):
    """Player-facing text in English and (optionally) Simplified Chinese."""

    en: str
    zh: str | None = None


Text = Union[str, LocalizedText]
"""Player-facing text: a plain string, or a mapping ``{en: ..., zh: ...}``."""


def text_in(text: Text | None, lang: str = "en") -> str:
    """Return ``text`` in ``lang``, falling back to English when no translation exists."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    if lang == "zh" and text.zh:
        return text.zh
    return text.en


Probability = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Minutes = Annotated[float, Field(ge=0.0, description="a time in minutes")]
Money = Annotated[float, Field(ge=0.0, description="an amount in the scenario's currency")]

CROSS_CHECK_SEPARATOR = "\n@@\n"
"""Joins the problems one cross-field check finds; each problem starts with its key path and a colon."""
