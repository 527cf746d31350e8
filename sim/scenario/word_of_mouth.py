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


# people one person tells: a human count (and numpy's negative binomial needs a finite, moderate mean)
PeopleTold = Annotated[float, Field(ge=0, le=1000)]


class WordOfMouth(StrictModel):
    """Stories spread through a bounded market: each teller tells a long-tailed number of people, some of
    whom retell it; the people reached are drawn from the segment's market, so the same person can hear
    twice but is lost (or won) once."""

    market: dict[str, Annotated[int, Field(ge=0)]] = Field(
        default_factory=dict,
        description="people who could become customers, per segment; default: market_multiple x the segment's expected arrivals over the run",
    )
    market_multiple: Annotated[float, Field(gt=0)] = Field(
        10.0, description="default market of a segment, as a multiple of its expected arrivals over the run"
    )
    negative_mean_told: PeopleTold = Field(9.5, description="people a dissatisfied customer tells, on average")
    positive_mean_told: PeopleTold = Field(4.75, description="people a delighted customer tells (about half as many)")
    mean_retold: PeopleTold = Field(
        4.0, description="people someone who heard the story tells when they retell it (good or bad alike)"
    )
    dispersion: Annotated[float, Field(ge=0.01, le=1000)] = Field(
        0.85, description="negative-binomial shape of the count told: small = long tail (about 13 % tell 20+); "
        "from 0.01 (almost everyone tells nobody) to 1000 (a Poisson count)"
    )
    retell_probability: Probability = Field(0.35, description="chance that someone who heard it passes it on")
    retell_decay: Probability = Field(0.5, description="each further generation retells with this factor less")
    max_generations: Annotated[int, Field(ge=1, le=20)] = 8
    conversion: Probability = Field(
        0.3, description="chance that a person of the market reached by bad word of mouth is a customer lost"
    )
    positive_conversion: Probability = Field(0.1, description="chance that good word of mouth wins a person of the market")
    delight_margin: NonNegative = Field(
        0.2, description="satisfaction above the customer's expectation from which they spread good word of mouth"
    )
    network: SocialNetwork | None = Field(
        None, description="spread over a networkx social graph (people reached once at most) instead of a branching process"
    )
    visits_per_customer: NonNegative = Field(
        4.0, description="future visits a retained customer makes (lifetime value = visits x segment value)"
    )
