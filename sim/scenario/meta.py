"""Schema of a scenario's description: what it is, who it is for and what it teaches."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import StrictModel, Text


class Meta(StrictModel):
    """Title, summary and learning objectives shown in the scenario picker and the briefing."""

    title: Text
    summary: Text = ""
    difficulty: Literal["easy", "medium", "hard"] = "medium"
    currency: str = Field("CNY", description="currency of every amount in the file")
    learning_objectives: list[Text] = Field(default_factory=list)
    source_case: Text | None = Field(None, description="the real case the scenario is built on")
