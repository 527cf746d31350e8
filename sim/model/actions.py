"""Actions injected into a running model from outside: a trainee's choice or a scripted policy step.

Every outside influence on the model goes through :meth:`sim.Model.apply` with one of these, so a live
playthrough can be recorded and replayed exactly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ActionKind = Literal["recover", "fail", "mood", "tag", "prioritise", "reassign", "spawn", "complete", "settings"]


@dataclass(frozen=True)
class Action:
    """One instruction to the model.

    - ``recover``: staff of ``role`` (default: the role that served the customer) carry out the recovery
      ``actions`` (keys of ``recovery.actions``) for each of ``customers``; takes staff time, costs money,
      gives back what the customers judge on the justice dimensions. ``escalate`` hands the case to the
      supervisor role.
    - ``fail``: inflict a failure (``category``, ``severity``) on ``customers`` or on every customer of
      ``segment`` present now (all segments when both are empty).
    - ``mood``: words that change how ``customers`` feel treated by ``delta`` (interactional justice: a
      forbidden phrase is negative, and is itself a failure for a customer who had none).
    - ``tag``: add ``tags`` to ``customers`` (for example ``notified``, ``asleep``).
    - ``prioritise``: move ``customers`` to the front of their queue.
    - ``reassign``: move ``count`` staff from ``role`` to ``to_role`` for the rest of the run.
    - ``spawn``: ``count`` customers (``name``, ``tags``) of ``segment`` arrive now.
    - ``complete``: the service ``customers`` (or everyone of ``segment``) are in ends now, for example
      when staff finish a registration by hand during a system outage.
    - ``settings``: put operation ``settings`` (pairs of a :class:`~sim.model.policy.Response` field and
      its value: empowerment, proactive_share...) in force from now on, as a policy would from the start.
    """

    kind: ActionKind
    customers: tuple[int, ...] = ()
    segment: str | None = None
    actions: tuple[str, ...] = ()
    role: str | None = None
    to_role: str | None = None
    count: int = 1
    escalate: bool = False
    category: str = "delivery_system"
    severity: str = "minor"
    delta: float = 0.0
    tags: tuple[str, ...] = ()
    name: str | None = None
    settings: tuple[tuple[str, object], ...] = ()
    label: str = ""
    source: str = field(default="trainee", compare=False)
