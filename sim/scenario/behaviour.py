"""Schema of customer behaviour after a failure: perceived quality, complaining, retention."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from .base import Minutes, NonNegative, Probability, StrictModel


class ServqualWeights(StrictModel):
    """Weights of the five SERVQUAL dimensions in perceived quality (they must add up to 1)."""

    reliability: Probability = 0.32
    responsiveness: Probability = 0.22
    assurance: Probability = 0.19
    empathy: Probability = 0.16
    tangibles: Probability = 0.11

    @model_validator(mode="after")
    def _sums_to_one(self) -> "ServqualWeights":
        total = sum(self.model_dump().values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"the weights add up to {total:g}; they must add up to 1")
        return self


class Quality(StrictModel):
    """How customers judge a visit: SERVQUAL-weighted perception against their expectation."""

    weights: ServqualWeights = Field(default_factory=ServqualWeights)
    expectation: Probability = Field(
        0.85, description="perceived quality (0..1) below which a customer is dissatisfied"
    )
    wait_tolerance_min: Minutes = Field(
        15.0, description="waits longer than this start to lower the responsiveness score"
    )
    wait_penalty_per_min: NonNegative = Field(
        0.02, description="responsiveness lost per minute waited beyond the tolerance"
    )


class BySeverity(StrictModel):
    """A probability for each failure severity."""

    minor: Probability
    major: Probability
    critical: Probability


class Retention(StrictModel):
    """Share of customers who come back, by what happened to them (TARP figures by default)."""

    no_failure: Probability = 0.95
    silent: BySeverity = Field(default_factory=lambda: BySeverity(minor=0.37, major=0.09, critical=0.05))
    unresolved: BySeverity = Field(default_factory=lambda: BySeverity(minor=0.46, major=0.19, critical=0.10))
    # TARP's "complained, satisfied" (70 % / 54 %) is the average over resolution delays; a minor case
    # resolved only after a day falls to 62 %, so that slow resolutions keep about 60 % overall
    resolved_slowly: BySeverity = Field(default_factory=lambda: BySeverity(minor=0.62, major=0.54, critical=0.40))
    resolved_quickly: BySeverity = Field(default_factory=lambda: BySeverity(minor=0.95, major=0.82, critical=0.70))
    quick_within_min: Annotated[float, Field(gt=0)] = Field(
        60.0, description="a resolution within this many minutes of the complaint counts as quick"
    )
    slow_after_min: Annotated[float, Field(gt=0)] = Field(
        1440.0, description="from this delay on, retention has fallen all the way to the slow figure"
    )

    @model_validator(mode="after")
    def _ordered(self) -> "Retention":
        if self.slow_after_min <= self.quick_within_min:
            raise ValueError("slow_after_min must be longer than quick_within_min")
        return self


class Memory(StrictModel):
    """How a customer base that keeps coming back remembers: apologies placate, unfixed failures rankle.

    Each day, the share of complaints that got an answer adds appeasement, and the share of visits
    that failed adds frustration; both fade day by day. A complaint's chance is multiplied by
    1 + frustration - appeasement, and frustration lowers the chance of staying. So friendly words
    without a fix quiet the complaints for a while, until frustration brings them back.
    """

    appeasement_gain: Probability = 0.1
    appeasement_fade: Probability = Field(0.85, description="share of yesterday's appeasement left today")
    appeasement_cap: Probability = Field(0.8, description="apologies never silence more than this share of complaints")
    frustration_gain: NonNegative = Field(0.05, description="frustration added per unit share of failed visits")
    frustration_fade: Probability = Field(0.99, description="share of yesterday's frustration left today")
    initial_frustration: NonNegative = Field(0.0, description="frustration the customers already carry on day 1")
    frustration_retention_effect: Probability = Field(
        0.1, description="each unit of frustration cuts the chance of staying by this share"
    )


class Behaviour(StrictModel):
    """How dissatisfied customers act: who complains, and how easy complaining is."""

    complaint_propensity: BySeverity = Field(
        default_factory=lambda: BySeverity(minor=0.05, major=0.10, critical=0.25),
        description="chance that a dissatisfied customer complains, by severity of the failure",
    )
    channels: Annotated[int, Field(ge=1, le=10)] = Field(1, description="ways to complain (desk, phone, app...)")
    channel_effect: NonNegative = Field(
        0.5, description="each channel beyond the first multiplies the propensity by 1 + channel_effect"
    )
    retention: Retention = Field(default_factory=Retention)
    memory: Memory | None = Field(None, description="for multi-day runs of regular customers (accounts)")
