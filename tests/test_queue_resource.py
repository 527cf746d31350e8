"""The heap-based queue: SimPy's priority order without preemption, withdrawal, shift changes."""
from __future__ import annotations

import random

import simpy

from sim.model.queue_resource import QueueResource


def _serve_all(arrivals, servers=1, service=1.0, patience=None):
    """Run customers ``(name, at, priority)`` through ``servers``; returns the names in service order."""
    env = simpy.Environment()
    resource = QueueResource(env, servers)
    order = []

    def visit(name, at, priority):
        yield env.timeout(at)
        request = resource.request(priority)
        if patience is None:
            yield request
        else:
            outcome = yield request | env.timeout(patience)
            if request not in outcome:
                request.cancel()
                return
        order.append(name)
        yield env.timeout(service)
        resource.release(request)

    for arrival in arrivals:
        env.process(visit(*arrival))
    env.run()
    return order, resource


def test_lower_priority_number_first_then_first_come_first_served():
    arrivals = [("busy", 0.0, 0), ("a", 0.1, 0), ("b", 0.2, 5), ("vip1", 0.3, -1), ("c", 0.4, 0), ("vip2", 0.5, -1)]
    order, _ = _serve_all(arrivals)
    assert order == ["busy", "vip1", "vip2", "a", "c", "b"]


def test_no_preemption_a_customer_in_service_finishes():
    order, _ = _serve_all([("slow", 0.0, 0), ("vip", 0.1, -10)], service=5.0)
    assert order == ["slow", "vip"]


def test_same_order_as_simpy_priority_resource_on_random_arrivals():
    rng = random.Random(3)
    arrivals = [(f"c{i}", rng.uniform(0, 50), rng.choice((0, 1, 2))) for i in range(400)]
    ours, _ = _serve_all(arrivals, servers=3)

    env = simpy.Environment()
    reference = simpy.PriorityResource(env, capacity=3)
    order = []

    def visit(name, at, priority):
        yield env.timeout(at)
        with reference.request(priority=priority) as request:
            yield request
            order.append(name)
            yield env.timeout(1.0)

    for arrival in arrivals:
        env.process(visit(*arrival))
    env.run()
    assert ours == order


def test_customers_who_give_up_are_never_served_and_the_line_is_compacted():
    arrivals = [("first", 0.0, 0)] + [(f"c{i}", 0.001 * i, i % 3) for i in range(1, 200)]
    order, resource = _serve_all(arrivals, service=100.0, patience=10.0)
    assert order == ["first"]  # everyone else gave up while the only server was busy
    assert resource.waiting == 0 and resource.in_use == 0
    assert len(resource._line) < 100  # withdrawn entries do not pile up


def test_cancelling_a_granted_request_gives_the_server_back():
    env = simpy.Environment()
    resource = QueueResource(env, 1)
    first = resource.request()
    second = resource.request()
    assert first.triggered and not second.triggered
    first.cancel()  # for example interrupted in the instant it was served
    env.run()  # the freed server is handed on in an event of its own, as in SimPy
    assert second.triggered and resource.in_use == 1


def test_fewer_servers_wait_for_the_job_in_hand_more_servers_start_at_once():
    env = simpy.Environment()
    resource = QueueResource(env, 2)
    a, b = resource.request(), resource.request()
    c = resource.request()
    resource.capacity = 1  # a shift ends while both are busy
    resource.release(a)
    env.run()
    assert not c.triggered and resource.in_use == 1  # the freed server went off duty
    resource.capacity = 3
    env.run()
    assert c.triggered and resource.in_use == 2
    resource.release(b)
    resource.release(c)
    assert resource.in_use == 0
