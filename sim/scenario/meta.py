"""Schema of a scenario's description: what it is, who it is for and what it teaches."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .base import StrictModel, Text


class KeyKpi(StrictModel):
    """A KPI the scenario is about, and which way is better: the expert policy must beat the standard one."""

    kpi: str
    better: Literal["higher", "lower"]


class Meta(StrictModel):
    """Title, summary and learning objectives shown in the scenario picker and the briefing."""

    title: Text
    summary: Text = ""
    difficulty: Literal["easy", "medium", "hard"] = "medium"
    currency: str = Field("CNY", description="currency of every amount in the file")
    learning_objectives: list[Text] = Field(default_factory=list)
    source_case: Text | None = Field(None, description="the real case the scenario is built on")
    key_kpis: list[KeyKpi] = Field(
        default_factory=list, description="KPIs on which the expert policy must beat the standard process"
    )
