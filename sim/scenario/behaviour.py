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
        0.85, description="mean expectation (0..1): a customer whose perceived quality falls below their own is dissatisfied"
    )
    expectation_sd: Annotated[float, Field(ge=0.0, le=0.5)] = Field(
        0.05, description="spread of expectations between customers (normal, cut to 0..1)"
    )
    wait_tolerance_min: Minutes = Field(
        15.0, description="median wait from which waiting starts to lower the responsiveness score"
    )
    wait_tolerance_cv: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        0.3, description="spread of the tolerance for waiting between customers (lognormal, as a share of the median)"
    )
    wait_penalty_per_min: NonNegative = Field(
        0.02, description="responsiveness lost per minute waited beyond the tolerance"
    )


class BySeverity(StrictModel):
    """A probability for each failure severity."""

    minor: Probability
    major: Probability
    critical: Probability


RETIRED_RETENTION_KEYS = ("unresolved", "resolved_slowly", "resolved_quickly", "slow_after_min")
"""Retention tables of the first outcome model: the cells now follow from recovery satisfaction."""


class Retention(StrictModel):
    """Who comes back: the loyal share, and what an unrecovered failure costs by severity (TARP).

    ``silent`` is the share of dissatisfied customers who never complained (and got nothing) that
    still come back; the other TARP cells (complained and unresolved, resolved, resolved quickly)
    follow from how well the recovery is judged (see ``sim.retention``).
    """

    no_failure: Probability = 0.95
    silent: BySeverity = Field(default_factory=lambda: BySeverity(minor=0.37, major=0.09, critical=0.05))
    quick_within_min: Annotated[float, Field(gt=0)] = Field(
        60.0, description="a resolution within this many minutes of the complaint is booked as quick"
    )
    resolved_min_value: Probability = Field(
        0.75, description="share of the loss a recovery must make good (fixes, money and words, whatever its speed) "
        "for the customer to be satisfied with it, TARP's 'complained, satisfied'; less is 'complained, not satisfied'",
    )
    # accepted so that files written for the first outcome model still load; ignored (a note says so)
    unresolved: BySeverity | None = Field(None, description="retired: follows from recovery satisfaction")
    resolved_slowly: BySeverity | None = Field(None, description="retired: follows from recovery satisfaction")
    resolved_quickly: BySeverity | None = Field(None, description="retired: follows from recovery satisfaction")
    slow_after_min: Annotated[float, Field(gt=0)] | None = Field(None, description="retired: procedural justice falls with delay")

    @property
    def retired_keys(self) -> list[str]:
        """Keys of the first outcome model set in this file (loaded, ignored)."""
        return [key for key in RETIRED_RETENTION_KEYS if getattr(self, key) is not None]


class Attribution(StrictModel):
    """How much customers blame the firm, by the cause they see (Folkes 1984; Folkes et al. 1987).

    Blame = base + control x (the firm controls the cause) + stability x (it is likely to recur); a
    controllable, stable cause (the firm's own process) gives 1, the figure the TARP table describes.
    Blame scales the loyalty a failure costs, the chance to complain and the bad word of mouth.
    """

    base: Probability = Field(0.25, description="blame for a cause the firm neither controls nor will repeat (weather)")
    control: Probability = Field(0.55, description="added when the firm controls the cause")
    stability: Probability = Field(0.2, description="added when the cause is likely to recur")
    complaint_effect: Probability = Field(
        0.5, description="share of the chance to complain that depends on blame (1 - effect x (1 - blame))"
    )
    word_of_mouth_effect: Probability = Field(
        0.5, description="share of the people told that depends on blame (angry customers warn more)"
    )

    @model_validator(mode="after")
    def _at_most_one(self) -> "Attribution":
        total = self.base + self.control + self.stability
        if total > 1.0 + 1e-9:
            raise ValueError(f"base + control + stability add up to {total:g}; keep them at most 1")
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
    attribution: Attribution = Field(default_factory=Attribution)
    memory: Memory | None = Field(None, description="for multi-day runs of regular customers (accounts)")
