"""Schema of service recovery: the actions staff can take, who may take them, and what delay costs."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import Minutes, Money, NonNegative, Probability, StrictModel, Text

Empowerment = Literal["low", "medium", "high"]
EMPOWERMENT_LEVELS: tuple[Empowerment, ...] = ("low", "medium", "high")


class RecoveryAction(StrictModel):
    """One thing staff can do for a customer after a failure (Bell & Zemke; Boshoff & Leong)."""

    label: Text | None = None
    staff_min: Minutes = Field(description="staff time the action takes")
    cost: Money = Field(0.0, description="money it costs when done on the spot (the 1 of 1:10:100)")
    restores: Annotated[float, Field(ge=-1.0, le=1.0)] = Field(
        description="perceived quality it gives back (0..1 scale; negative makes things worse)"
    )
    justice: Literal["distributive", "interactional"] | None = Field(
        None, description="what it gives back: the outcome (a fix, money) or fair treatment (words); "
        "default: distributive when it costs money, else interactional"
    )

    @property
    def kind(self) -> str:
        """The justice dimension the action serves (Tax, Brown & Chandrashekaran 1998)."""
        if self.justice is not None:
            return self.justice
        return "distributive" if self.cost > 0 else "interactional"


def default_actions() -> dict[str, RecoveryAction]:
    """The recovery actions of the training material, with modest default times, costs and effects."""
    return {
        "acknowledge": RecoveryAction(label={"en": "Acknowledge", "zh": "承认问题"}, staff_min=1, restores=0.05),
        "apologise": RecoveryAction(label={"en": "Apologise", "zh": "道歉"}, staff_min=1, restores=0.08),
        "explain": RecoveryAction(label={"en": "Explain", "zh": "解释"}, staff_min=2, restores=0.05),
        "fix": RecoveryAction(label={"en": "Fix the problem", "zh": "解决问题"}, staff_min=8, cost=20, restores=0.22),
        "compensate": RecoveryAction(label={"en": "Compensate", "zh": "补偿"}, staff_min=2, cost=50, restores=0.12),
        "follow_up": RecoveryAction(label={"en": "Follow up", "zh": "跟进回访"}, staff_min=3, restores=0.05),
    }


class CostCurve(StrictModel):
    """Cost multiplier of recovery by delay: on the spot, next day, later (1 : 10 : 100 by default)."""

    on_the_spot: NonNegative = 1.0
    next_day: NonNegative = 10.0
    later: NonNegative = 100.0
    next_day_min: Annotated[float, Field(gt=0)] = 1440.0
    later_min: Annotated[float, Field(gt=0)] = 10080.0

    @model_validator(mode="after")
    def _ordered(self) -> "CostCurve":
        if self.later_min <= self.next_day_min:
            raise ValueError("later_min must be longer than next_day_min")
        return self


class JusticeWeights(StrictModel):
    """How much the outcome (distributive) and the treatment (interactional) count for one category."""

    distributive: Probability
    interactional: Probability

    @model_validator(mode="after")
    def _sums_to_one(self) -> "JusticeWeights":
        total = self.distributive + self.interactional
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"the weights add up to {total:g}; make distributive + interactional = 1")
        return self


class CategoryJustice(StrictModel):
    """Compensation matters most for a lost outcome, apology and explanation for poor treatment."""

    delivery_system: JusticeWeights = Field(default_factory=lambda: JusticeWeights(distributive=0.7, interactional=0.3))
    customer_needs: JusticeWeights = Field(default_factory=lambda: JusticeWeights(distributive=0.5, interactional=0.5))
    employee_action: JusticeWeights = Field(default_factory=lambda: JusticeWeights(distributive=0.3, interactional=0.7))


class Justice(StrictModel):
    """How customers judge a recovery on the three justice dimensions (Smith, Bolton & Wagner 1999).

    What the recovery gives back (distributive against the loss, interactional against a full apology)
    is worth its whole value when it comes at once and less the longer it takes and the more desks it
    passes (procedural): value x (1 - speed_weight + speed_weight x speed).
    """

    weights: CategoryJustice = Field(default_factory=CategoryJustice)
    full_interactional: Annotated[float, Field(gt=0)] = Field(
        0.13, description="quality given back by words that counts as full fair treatment (an acknowledgement and an apology)"
    )
    speed_weight: Probability = Field(0.6, description="share of a recovery's value that depends on its speed")
    half_value_delay_min: Annotated[float, Field(gt=0)] = Field(
        240.0, description="delay at which speed has lost half its credit"
    )
    delay_shape: Annotated[float, Field(gt=0, le=10)] = Field(1.5, description="steepness of the loss of speed credit")
    handover_factor: Probability = Field(0.9, description="speed credit kept at each handover to another desk")


class Paradox(StrictModel):
    """The recovery paradox as research finds it: rare, small, on satisfaction only.

    Only a first, non-severe failure with a cause the firm did not fully control or will not repeat
    (Magnini et al. 2007), recovered fast and well, can lift satisfaction above no failure, and only
    for some customers (Michel & Meuter 2008); loyalty and word of mouth do not follow (de Matos et al. 2007).
    """

    chance: Probability = Field(0.1, description="share of qualifying recoveries that lift satisfaction above no failure")
    min_recovery: Probability = Field(0.9, description="recovery satisfaction (0..1) a recovery must reach to qualify")
    max_blame: Probability = Field(0.8, description="it qualifies only when blame is at most this (not the firm's stable fault)")


class EscalationStep(StrictModel):
    """One level a case can be escalated to: a staff role on site, or head office (no role) off site."""

    label: Text | None = None
    role: str | None = Field(None, description="the staff role at this level (a key of `staff`); omit for head office")
    handover_min: Minutes = Field(3.0, description="staff time the case costs twice: the level before explains, this one listens")
    delay_min: Minutes = Field(0.0, description="time before this level takes the case up (head office: the delay the customer feels)")
    capacity: Annotated[int, Field(ge=1)] | None = Field(None, description="at most this many cases at once at this level (default: its staff)")
    resolves: Probability = Field(1.0, description="share of cases this level settles; the rest go up to the next level")
    cost_per_hour: Money = Field(
        40.0, description="head office only: cost of an hour of case handling (a level on site costs its role's cost_per_hour)"
    )


class Recovery(StrictModel):
    """How the operation recovers failures unless a policy says otherwise."""

    empowerment: Empowerment = "medium"
    on_the_spot_share: dict[Empowerment, Probability] = Field(
        default_factory=lambda: {"low": 0.2, "medium": 0.6, "high": 0.95},
        description="share of recoveries front-line staff can finish themselves, by empowerment level",
    )
    supervisor_role: str | None = Field(None, description="staff role escalations go to (a key of `staff`)")
    handover_min: Minutes = Field(
        3.0, description="staff time an escalation costs twice: the front line explains, the supervisor listens again"
    )
    escalation_delay_min: Minutes = Field(
        1440.0, description="with no supervisor role on site, escalated cases go to head office and are answered this much later"
    )
    escalation: list[EscalationStep] | None = Field(
        None, min_length=1,
        description="the chain of levels above the front line (replaces supervisor_role, handover_min, escalation_delay_min)",
    )
    actions: dict[str, RecoveryAction] = Field(default_factory=default_actions)
    default_actions: list[str] = Field(
        default_factory=lambda: ["acknowledge", "apologise", "fix"],
        description="what staff do for a complaint when no policy says otherwise",
    )
    back_office_delay_min: Minutes = Field(
        0.0, description="administrative delay added to every resolution (e.g. 1440 when head office answers next day)"
    )
    proactive_share: Probability = Field(
        0.0, description="share of silent dissatisfied customers that staff notice and recover without a complaint"
    )
    paradox_bonus: NonNegative = Field(
        0.05, description="at most this much satisfaction above the no-failure level when the recovery paradox occurs"
    )
    justice: Justice = Field(default_factory=Justice)
    paradox: Paradox = Field(default_factory=Paradox)
    cost_curve: CostCurve = Field(default_factory=CostCurve)
    root_cause_analysis: bool = Field(
        False, description="analyse tracked complaints so the failures behind them become rarer on later days"
    )

    def chain(self) -> list[EscalationStep]:
        """The escalation chain; the older ``supervisor_role`` form is a chain of the supervisor, then head office."""
        if self.escalation is not None:
            return self.escalation
        head_office = EscalationStep(role=None, handover_min=self.handover_min, delay_min=self.escalation_delay_min)
        if self.supervisor_role is None:
            return [head_office]
        return [EscalationStep(role=self.supervisor_role, handover_min=self.handover_min), head_office]
