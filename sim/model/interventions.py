"""Outside decisions injected into a running model: a trainee's choice or a scripted policy step.

:func:`apply_action` is the one entry point (``Model.apply`` calls it with itself as ``model``); each kind of
:class:`~sim.actions.Action` has a handler below that changes the model through its public state.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ..errors import UserError
from .actions import Action
from .events import EventKind
from .failures import INJECTED
from .policy import with_settings
from .recovery_cost import recovery_cost_factor

if TYPE_CHECKING:
    from .customer import Customer

RECOVERY_PRIORITY = -(10**6)  # recovery work goes ahead of customers waiting for service


def apply_action(model, action: Action) -> int | None:
    """Carry out ``action`` on ``model``; returns the new customer's id for ``spawn``."""
    handler = HANDLERS.get(action.kind)
    if handler is None:
        raise UserError(f"unknown action kind '{action.kind}'; allowed: {', '.join(HANDLERS)}")
    model.log(EventKind.ACTION, action.customers[0] if action.customers else -1, action.segment or "",
              action=action.kind, label=action.label, source=action.source)
    return handler(model, action)


def targets(model, action: Action) -> list["Customer"]:
    """The customers an action addresses: those named, else everyone of its segment present (or all)."""
    if action.customers:
        return [model.present[c] for c in action.customers if c in model.present]
    return [c for c in model.present.values() if action.segment in (None, c.segment)]


def _recover(model, action: Action) -> None:
    known = model.scenario.recovery.actions
    unknown = [a for a in action.actions if a not in known]
    if unknown:
        raise UserError(f"unknown recovery action(s) {', '.join(unknown)}; allowed: {', '.join(known)}")
    chosen = targets(model, action)
    if chosen:
        model.env.process(_recovery_work(model, chosen, action))


def _recovery_work(model, chosen: list["Customer"], action: Action):
    """Staff time for an ordered recovery: once per customer, or once for an announcement to many.

    The customers judge it as they judge a policy's recovery (:meth:`Model.receive_recovery`): what it
    gives back, how fast after their failure, through how many desks; its cost is the staff time at the
    role's rate plus the actions' money, on the 1 : 10 : 100 curve of that delay.
    """
    recovery = model.scenario.recovery
    role = action.role or model.flows[chosen[0].segment].pool.name
    escalated = bool(action.escalate and recovery.supervisor_role)
    if escalated:
        role = recovery.supervisor_role
    pool = model.pools[role]
    picked = [recovery.actions[a] for a in action.actions]
    staff_time = sum(a.staff_min for a in picked)
    announcement = action.customers == () and len(chosen) > 1
    worked = staff_time if announcement else staff_time * len(chosen)
    for customer in chosen:
        customer.pending += 1
    with pool.resource.request(priority=RECOVERY_PRIORITY) as job:
        yield job
        pool.work(model.env.now, 1)
        yield model.env.timeout(worked)
        pool.work(model.env.now, -1)
    now = model.env.now
    staff_cost = worked * pool.role.cost_per_hour / 60.0 / len(chosen)
    money = sum(a.cost for a in picked)
    for customer in chosen:
        delay = now - customer.failed_at if customer.failed_at is not None else 0.0
        model.receive_recovery(customer, picked, delay, int(escalated))
        cost = (staff_cost + money) * recovery_cost_factor(delay, recovery.cost_curve)
        for tally in customer.outcome_tallies:
            tally.recovery_cost += cost
        model.log(EventKind.RECOVERY_ACTION, customer.id, customer.segment, actions=list(action.actions),
                  by=pool.name, source=action.source)
        model.recovery_done(customer)


def _fail(model, action: Action) -> None:
    if not model.failing:
        raise UserError("this scenario has no `failures` section, so failures cannot be injected")
    for customer in targets(model, action):
        model.inflict_failure(customer, action.category, action.severity, cause=action.source, label=action.label, kind=INJECTED)


def _mood(model, action: Action) -> None:
    """Words that change how customers feel treated: interactional justice, as in a recovery."""
    for customer in targets(model, action):
        model.treat(customer, action.delta, action.label)


def _tag(model, action: Action) -> None:
    for customer in targets(model, action):
        customer.tags.update(action.tags)


def _prioritise(model, action: Action) -> None:
    for customer in targets(model, action):
        if customer.state == "queueing" and customer.process is not None and customer.process.is_alive:
            customer.process.interrupt("prioritise")  # the visit re-queues at the front


def _reassign(model, action: Action) -> None:
    if action.role not in model.pools or action.to_role not in model.pools:
        raise UserError(f"reassign: unknown role; allowed: {', '.join(model.pools)}")
    moved = model.pools[action.role].lend(action.count)
    model.pools[action.to_role].borrow(moved)


def _spawn(model, action: Action) -> int:
    if action.segment not in model.flows:
        raise UserError(f"spawn: unknown segment '{action.segment}'; allowed: {', '.join(model.flows)}")
    first = None
    for _ in range(action.count):  # a crowd arrives at once
        customer = model.admit(model.flows[action.segment])
        customer.name = action.name
        customer.tags.update(action.tags)
        first = customer.id if first is None else first
    return first


def _complete(model: "Model", action: Action) -> None:
    """The service in hand ends now (a manual fallback finishes what the system could not)."""
    for customer in targets(model, action):
        if customer.state == "in_service" and customer.process is not None and customer.process.is_alive:
            customer.process.interrupt("complete")


def _settings(model: "Model", action: Action) -> None:
    model.response = with_settings(model.scenario, model.response, dict(action.settings))


HANDLERS: dict[str, Callable[..., int | None]] = {
    "recover": _recover, "fail": _fail, "mood": _mood, "tag": _tag,
    "prioritise": _prioritise, "reassign": _reassign, "spawn": _spawn, "complete": _complete,
    "settings": _settings,
}
