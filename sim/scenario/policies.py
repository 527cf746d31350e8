"""Schema of policies: how staff respond to failures, compared by planners and replayed from trainees."""
from __future__ import annotations

from pydantic import Field

from .base import Minutes, Probability, StrictModel, Text
from .recovery import Empowerment


class OperationSettings(StrictModel):
    """How the operation responds to failures; unset fields keep the scenario's `recovery` values.

    A policy sets them for a whole run; a choice of the exercise can set them from its moment on (a
    pre-shift decision, the duty manager granting authority), so a trainee can run the operation as
    the expert does.
    """

    empowerment: Empowerment | None = None
    actions: list[str] | None = Field(None, description="recovery actions for each complaint (keys of recovery.actions)")
    proactive_share: Probability | None = None
    prevention: Probability | None = Field(None, description="share of failures caught before the customer feels them")
    back_office_delay_min: Minutes | None = None
    channels: int | None = Field(None, ge=1, le=10)
    root_cause_analysis: bool | None = None


class Policy(OperationSettings):
    """A way of responding to failures: operation settings, and the answers given in the exercise."""

    label: Text | None = None
    description: Text | None = None
    choices: dict[str, str] = Field(
        default_factory=dict, description="for the exercise: the choice id taken at each decision point"
    )
