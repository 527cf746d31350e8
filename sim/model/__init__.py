"""The SimPy model of a service operation and the mechanisms it calls.

``simulation.Model`` runs one scenario for one seed: arrivals, queues and staff, failures,
complaints, recovery, retention and word of mouth, each in its own module with pure functions for
the math. Nothing here imports the exercise runtime, the experiments or the outputs.
"""
from .actions import Action
from .customer import Customer
from .events import Event, EventKind
from .simulation import Model

__all__ = ["Action", "Customer", "Event", "EventKind", "Model"]
