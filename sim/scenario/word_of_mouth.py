"""Schema of word of mouth: how many people hear about a visit, how far it spreads, what it costs."""
from __future__ import annotations

from typing import Annotated

from pydantic import Field

from .base import NonNegative, Probability, StrictModel


class SocialNetwork(StrictModel):
    """A small-world acquaintance graph (Watts-Strogatz) that stories spread over instead of a free tree."""

    people: Annotated[int, Field(ge=20, le=1_000_000)] = 5000
    acquaintances: Annotated[int, Field(ge=2, le=200)] = Field(10, description="people each person knows (even)")
    rewiring: Probability = Field(0.1, description="share of acquaintances outside one's local circle")


class WordOfMouth(StrictModel):
    """A branching process: each teller tells a long-tailed number of people, some of whom retell it."""

    negative_mean_told: NonNegative = Field(9.5, description="people a dissatisfied customer tells, on average")
    positive_mean_told: NonNegative = Field(4.75, description="people a delighted customer tells (about half as many)")
    dispersion: Annotated[float, Field(gt=0)] = Field(
        0.85, description="negative-binomial shape of the count told: small = long tail (about 13 % tell 20+)"
    )
    retell_probability: Probability = Field(0.35, description="chance that someone who heard it passes it on")
    retell_decay: Probability = Field(0.5, description="each further generation retells with this factor less")
    max_generations: Annotated[int, Field(ge=1, le=20)] = 8
    conversion: Probability = Field(
        0.6, description="chance that a person reached by bad word of mouth is a customer lost"
    )
    positive_conversion: Probability = Field(0.1, description="chance that good word of mouth wins a customer")
    delight_margin: NonNegative = Field(
        0.05, description="satisfaction above expectation from which a customer spreads good word of mouth"
    )
    network: SocialNetwork | None = Field(
        None, description="spread over a networkx social graph (people reached once at most) instead of a branching process"
    )
    visits_per_customer: NonNegative = Field(
        4.0, description="future visits a retained customer makes (lifetime value = visits x segment value)"
    )
