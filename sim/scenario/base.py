"""Building blocks shared by every part of the scenario schema: strictness, bilingual text, units."""
from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

LANGUAGES = ("en", "zh")


LARGEST_NUMBER = 1e12  # minutes (two million years), money, people, counts: no real operation comes near it


def _within_reason(value: Any) -> Any:
    """``value`` (a number, or a list or mapping of them), refused when a number is beyond any real operation:
    1e308 minutes or a 30-digit staff count would only overflow the arithmetic of the run that follows."""
    numbers = (enumerate(value) if isinstance(value, (list, tuple)) else value.items() if isinstance(value, dict)
               else [(None, value)])
    for key, number in numbers:
        if isinstance(number, (int, float)) and not isinstance(number, bool) and abs(number) > LARGEST_NUMBER:
            where = "" if key is None else f"{key}: "
            raise ValueError(f"{where}{number:.6g} is far beyond any real operation (at most {LARGEST_NUMBER:.0e}); "
                             "check the value")
    return value


class StrictModel(BaseModel):
    """A schema node that rejects unknown keys, so a typo is an error rather than a silent default.

    Numbers must be finite and within reason: no duration, rate, count or amount of a scenario can be
    infinite, NaN or beyond :data:`LARGEST_NUMBER`.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=False, populate_by_name=False, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _numbers_within_reason(cls, value: Any) -> Any:
        return _within_reason(value)


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
