"""Servers and their waiting line as a SimPy resource whose queue is a binary heap.

SimPy's ``PriorityResource`` keeps its waiting line as a list sorted again on every request and finds
a customer who gives up by a linear search, so an overloaded day with thousands queueing costs time
quadratic in its customers. This resource serves in the same order (lowest priority number first,
first come first served within a priority, no preemption) from a heap: joining, leaving and being
served cost O(log n) however long the queue. Customers who leave the line are deleted lazily (marked,
then dropped when they reach the top or when they outnumber the live entries).

The number of servers can change at any time (a shift change): when it drops, a server above the new
count finishes the job in hand before going off duty, as staff do. A freed server goes to the head of
the line in an event of its own, as in SimPy, so runs are the same as on SimPy's resources.
"""
from __future__ import annotations

import heapq
from itertools import count

import simpy

WAITING, SERVED, DONE = 0, 1, 2  # a request's life: in the line, holding a server, finished or withdrawn


class QueueRequest(simpy.Event):
    """One claim on one server; the event triggers when a server takes it.

    Use as SimPy's request: ``yield`` it (alone or in a condition with a patience timeout), then
    :meth:`QueueResource.release` it, or ``with resource.request(...) as request:``.
    """

    def __init__(self, resource: "QueueResource", priority: int):
        super().__init__(resource.env)
        self.resource = resource
        self.priority = priority
        self.state = WAITING

    def cancel(self) -> None:
        """Leave the line if still waiting, or hand the server back if one was already taken."""
        self.resource.release(self)

    def __enter__(self) -> "QueueRequest":
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        if exc_type is not GeneratorExit:  # as SimPy: no release while a generator is being collected
            self.resource.release(self)


class QueueResource:
    """``capacity`` identical servers and one priority queue for them (non-preemptive)."""

    def __init__(self, env: simpy.Environment, capacity: int):
        self.env = env
        self._capacity = capacity
        self.in_use = 0  # servers holding a request
        self.waiting = 0  # live requests in the line
        self._line: list[tuple[int, int, QueueRequest]] = []  # (priority, arrival order, request)
        self._order = count()
        self._withdrawn = 0  # entries of the heap that left the line and are not yet dropped

    @property
    def capacity(self) -> int:
        return self._capacity

    @capacity.setter
    def capacity(self, servers: int) -> None:
        """Change the number of servers now; more servers start on the line at once."""
        self._capacity = max(servers, 0)
        self._serve_soon()

    def request(self, priority: int = 0) -> QueueRequest:
        """Join the line with ``priority`` (lower is served first); served at once when a server is free."""
        request = QueueRequest(self, priority)
        if self.in_use < self._capacity and not self.waiting:
            self.in_use += 1
            request.state = SERVED
            request.succeed()
        else:
            heapq.heappush(self._line, (priority, next(self._order), request))
            self.waiting += 1
            if self.in_use < self._capacity:  # a server freed this instant: the head of the line takes it
                self._serve()
        return request

    def release(self, request: QueueRequest) -> None:
        """End ``request``: free its server (the next in line takes it) or withdraw it from the line."""
        if request.resource is not self:  # a request is always ended on the resource it was made on
            request.resource.release(request)
            return
        if request.state == SERVED:
            request.state = DONE
            self.in_use -= 1
            self._serve_soon()
        elif request.state == WAITING:
            request.state = DONE
            self.waiting -= 1
            self._withdrawn += 1
            if self._withdrawn > 32 and self._withdrawn > self.waiting:
                self._line = [entry for entry in self._line if entry[2].state == WAITING]
                heapq.heapify(self._line)
                self._withdrawn = 0

    def _serve_soon(self) -> None:
        """Serve the line once the event being processed now is done.

        SimPy hands a freed server on through a release event, so processes resuming at the same
        instant run first; keeping that order keeps every run identical to one on SimPy's resources.
        With nobody in line there is nothing to hand on: a request made meanwhile takes the free
        server at once, so no event is needed.
        """
        if not self.waiting:
            return
        event = simpy.Event(self.env)
        event.callbacks.append(self._serve_event)
        event.succeed()

    def _serve_event(self, _event: simpy.Event) -> None:
        self._serve()

    def _serve(self) -> None:
        line = self._line
        while self.in_use < self._capacity and self.waiting:
            request = heapq.heappop(line)[2]
            if request.state != WAITING:
                self._withdrawn -= 1
                continue
            self.waiting -= 1
            self.in_use += 1
            request.state = SERVED
            request.succeed()
