"""Outages, named failure types, escalation chains, crowds and arrival profiles behave as written."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml

from sim import Model, ScenarioError, load_scenario, load_scenario_text, run_once
from sim.model.actions import Action
from sim.model.events import EventKind
from sim.experiments.statistics import confidence_interval


HOSPITAL = Path(__file__).parent / "fixtures" / "hospital_outpatient.yaml"


def from_data(data: dict):
    return load_scenario_text(yaml.safe_dump(data, allow_unicode=True), "case.yaml")


# -- outages -----------------------------------------------------------------------------------------
def waits_by_customer(model: Model) -> dict[int, tuple[float, float, float]]:
    """customer id -> (arrival time, service start, wait)."""
    arrived = {e.customer: e.time for e in model.events if e.kind is EventKind.ARRIVAL}
    return {e.customer: (arrived[e.customer], e.time, e.detail["waited"]) for e in model.events if e.kind is EventKind.SERVICE_START}


def test_an_outage_raises_the_waits_of_its_window_and_nothing_beyond_the_backlog(queue_data):
    """Half of four agents out for 30 minutes: the window's arrivals wait longer; later ones, after the
    backlog clears, wait exactly as they would have (common random numbers), and earlier ones are untouched."""
    base = queue_data(2.8, 1.0, 4, 360.0, warmup_share=0.0)  # utilisation 0.7
    outage = dict(base, outages=[{"id": "system_down", "station": "agent", "at_min": 120, "lasts_min": 30, "share_out": 0.5}])
    plain, hit = from_data(base), from_data(outage)
    window, after, later = [], [], []
    for r in range(30):
        a, b = Model(plain, seed=3, replication=r, record_events=True), Model(hit, seed=3, replication=r, record_events=True)
        a.run(), b.run()
        wa, wb = waits_by_customer(a), waits_by_customer(b)
        for cid, (arrived, started, wait) in wa.items():
            if started < 120:  # served before the outage began: not touched at all
                assert wb[cid][2] == pytest.approx(wait)
        blocks = {"window": (120, 150), "after": (150, 180), "later": (240, 330)}
        diffs = {name: [wb[c][2] - w for c, (t, _, w) in wa.items() if lo <= t < hi and c in wb] for name, (lo, hi) in blocks.items()}
        window.append(np.mean(diffs["window"]))
        after.append(np.mean(diffs["after"]))
        later.append(np.mean(diffs["later"]))
    _, low, _ = confidence_interval(window)
    assert low > 0.5, f"the outage window's waits rose by less than half a minute (interval from {low:.3f})"
    assert np.mean(after) < np.mean(window)  # the backlog drains after the window
    mean, low, high = confidence_interval(later)
    assert low <= 0.0 <= high and abs(mean) < 0.05, f"waits an hour and a half after the outage moved by {mean:.3f} [{low:.3f}, {high:.3f}]"


def test_an_outage_keeps_its_staff_out_whatever_the_staffing(queue_data):
    """Staff out are taken from whoever is scheduled, so a larger head-count keeps the outage."""
    for count in (4, 8):
        data = queue_data(1.0, 1.0, count, 240.0, warmup_share=0.0)
        data["outages"] = [{"id": "sick", "station": "agent", "at_min": 60, "lasts_min": 60, "staff_out": 2, "slowdown": 2}]
        model = Model(from_data(data), seed=1)
        model.step_to(90)
        pool = model.pools["agent"]
        assert pool.on_duty == count - 2 and pool.slowdown == 2
        model.step_to(200)
        assert pool.on_duty == count and pool.slowdown == 1


# -- failure types -----------------------------------------------------------------------------------
def hospital(**changes):
    data = yaml.safe_load(HOSPITAL.read_text(encoding="utf-8"))
    for key, value in changes.items():
        data[key] = value
    return from_data(data)


def test_every_failure_types_counters_add_up_to_the_totals():
    scenario = hospital()
    for r in range(8):
        kpis = run_once(scenario, 5, r)
        failures = sum(v for k, v in kpis.items() if k.startswith("failures."))
        complaints = sum(v for k, v in kpis.items() if k.startswith("complaints."))
        assert failures == kpis["failures"] and complaints == kpis["complaints"]
        assert {k for k in kpis if k.startswith("failures.")} == {
            "failures.wrong_medication", "failures.lost_lab_results", "failures.rude_clerk", "failures.injected"}


def test_failure_types_happen_at_their_stations_at_their_rate():
    data = yaml.safe_load(HOSPITAL.read_text(encoding="utf-8"))
    data["failures"]["load_effect"] = 0.0  # chances as written, whatever the load
    scenario = from_data(data)
    stations = set()
    rates = []
    for r in range(10):
        model = Model(scenario, seed=8, replication=r, record_events=True)
        kpis = model.run()
        stations |= {(e.detail["failure_type"], e.detail["station"]) for e in model.events if e.kind is EventKind.FAILURE}
        rates.append(kpis["failures.rude_clerk"] / kpis["station.registration.served"])
    assert stations <= {("wrong_medication", "pharmacy"), ("lost_lab_results", "registration"), ("rude_clerk", "registration")}
    _, low, high = confidence_interval(rates)
    assert low <= 0.02 <= high


# -- escalation chains -------------------------------------------------------------------------------
def chain_scenario(queue_data, levels: list[dict], relations_count: int = 50) -> dict:
    data = queue_data(0.5, 1.0, 3, 480.0, warmup_share=0.0, failures={
        "categories": {"delivery_system": 0.3, "customer_needs": 0.0, "employee_action": 0.0},
        "severity_mix": {"minor": 0.0, "major": 1.0, "critical": 0.0}})
    data["staff"].update({"supervisor": {"count": 50}, "relations": {"count": relations_count}})
    data["behaviour"] = {"complaint_propensity": {"minor": 1.0, "major": 1.0, "critical": 1.0}}
    data["recovery"] = {"empowerment": "low", "on_the_spot_share": {"low": 0.0, "medium": 0.6, "high": 0.95},
                        "escalation": levels, "default_actions": ["apologise", "fix"]}
    return data


def test_an_escalation_chains_delays_add_up(queue_data):
    levels = [{"role": "supervisor", "handover_min": 3, "delay_min": 10, "resolves": 0.0},
              {"role": "relations", "handover_min": 5, "delay_min": 60, "resolves": 0.0},
              {"delay_min": 1440}]
    kpis = run_once(from_data(chain_scenario(queue_data, levels)), 2, 0)
    assert kpis["complaints"] > 10
    # front line writes it up (3); supervisor after 10 hears it (3) and explains it on (5); relations
    # after 60 hear it (5) and write it up for head office (3, the default); head office answers in a day
    assert kpis["mean_recovery_delay_min"] == pytest.approx(3 + 10 + 3 + 5 + 60 + 5 + 3 + 1440)


def test_a_level_with_no_one_on_duty_passes_the_case_on_with_a_warning(queue_data):
    levels = [{"role": "supervisor", "handover_min": 3, "resolves": 1.0},
              {"role": "relations", "handover_min": 5, "delay_min": 60}]
    data = chain_scenario(queue_data, levels)
    data["staff"]["supervisor"] = {"count": 0}
    model = Model(from_data(data), seed=2)
    kpis = model.run()
    staff_time = 1 + 8  # apologise, fix
    assert kpis["escalations_passed_on"] == kpis["complaints"] > 0
    assert kpis["mean_recovery_delay_min"] == pytest.approx(3 + 60 + 5 + staff_time, rel=0.05)
    assert any("no one on duty" in message for message in model.warnings)


# -- crowds and arrival profiles ---------------------------------------------------------------------
def test_a_starting_queue_and_a_spawned_crowd_arrive_at_once(queue_data):
    data = queue_data(0.0001, 5.0, 2, 120.0, warmup_share=0.0)
    data["segments"]["customer"]["starting_queue"] = 10
    model = Model(from_data(data), seed=1)
    assert len(model.present) == 10
    model.apply(Action(kind="spawn", segment="customer", count=30))
    assert len(model.present) == 40
    model.step_to(1.0)
    assert sum(c.state == "queueing" for c in model.present.values()) == 38


def test_an_action_completes_the_service_it_interrupts(queue_data):
    data = queue_data(0.0001, 60.0, 1, 120.0, warmup_share=0.0)
    data["segments"]["customer"]["starting_queue"] = 1
    model = Model(from_data(data), seed=1, record_events=True)
    model.step_to(1.0)
    (customer,) = model.present.values()
    assert customer.state == "in_service"
    model.apply(Action(kind="complete", customers=(customer.id,)))
    model.step_to(2.0)
    assert customer.state == "left"


def test_arrivals_by_half_hour_clock_peaks_and_mix(queue_data):
    data = queue_data(0.5, 1.0, 20, 240.0, warmup_share=0.0)
    data["operation"]["opens_at"] = "07:30"
    del data["segments"]["customer"]["arrivals_per_hour"]
    data["segments"]["vip"] = {"service": data["segments"]["customer"]["service"]}
    data["arrivals"] = {"per_hour": [20, 40, 40, 40, 40, 40, 40, 20], "block_min": 30,
                        "peaks": [{"start": "08:00", "end": "09:00", "per_hour": 120}], "mix": {"customer": 0.75, "vip": 0.25}}
    scenario = from_data(data)
    assert scenario.arrival_blocks("vip") == [(0.0, 30.0, 5.0), (30.0, 90.0, 30.0), (90.0, 210.0, 10.0), (210.0, 240.0, 5.0)]
    counts = [run_once(scenario, 4, r) for r in range(30)]
    expected = (20 * 0.5 + 120 * 1 + 40 * 2 + 20 * 0.5)
    _, low, high = confidence_interval(run["arrived"] for run in counts)
    assert low <= expected <= high


def test_arrivals_by_weekday_and_day_type_follow_the_calendar():
    """A fortnight from a Friday: weekends, Mondays and the other weekdays each arrive at their own rates,
    hour by hour; the counts of each (weekday, hour) over 10 runs lie within their Poisson 95 % intervals."""
    from scipy import stats

    from sim.fitting.simulated_log import simulate_queue_log

    data = {
        "meta": {"title": "week"},
        "operation": {"opens_at": "09:00", "duration_min": 120, "days": 14, "first_day": "Friday"},
        "segments": {"walk_in": {"arrivals_per_hour": [10, 20],
                                 "arrivals_by_day": {"weekend": {"per_hour": [40, 60]}, "Monday": {"per_hour": 5}},
                                 "service": {"role": "desk", "time": {"dist": "exponential", "mean": 1}}}},
        "staff": {"desk": {"count": 5}},
    }
    scenario = from_data(data)
    assert scenario.arrival_period_days == 7
    assert [scenario.operation.weekday_of(d) for d in (0, 1, 3, 7)] == ["Friday", "Saturday", "Monday", "Friday"]
    assert scenario.arrival_blocks("walk_in", 1) == [(0.0, 60.0, 40.0), (60.0, 120.0, 60.0)]
    runs = 10
    logs = [simulate_queue_log(scenario, seed=5, replication=r) for r in range(runs)]
    arrivals = np.concatenate([log["arrival"].to_numpy() for log in logs]).astype("datetime64[ns]")
    days = np.datetime_as_string(arrivals, unit="D")
    hours = (arrivals - arrivals.astype("datetime64[D]")).astype("timedelta64[h]").astype(int)
    names = [np.datetime64(d, "D").item().strftime("%A") for d in days]
    expected = {"Saturday": (40, 60), "Sunday": (40, 60), "Monday": (5, 5)}
    for weekday in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"):
        for hour, opening in ((0, 9), (1, 10)):
            count = sum(1 for n, h in zip(names, hours) if n == weekday and h == opening)
            mean = expected.get(weekday, (10, 20))[hour] * 2 * runs  # each weekday twice in a fortnight
            low, high = stats.poisson.ppf(0.0005, mean), stats.poisson.ppf(0.9995, mean)  # 28 cells: Bonferroni
            assert low <= count <= high, (weekday, opening, count, mean)


def test_arrivals_by_day_need_a_calendar_and_old_files_keep_one_profile(queue_data):
    data = queue_data(1.0, 1.0, 2, 120.0, warmup_share=0.0)
    data["segments"]["customer"]["arrivals_by_day"] = {"weekend": {"per_hour": 3}}
    with pytest.raises(ScenarioError) as raised:
        from_data(data)
    assert "operation.first_day" in raised.value.message
    data["segments"]["customer"]["arrivals_by_day"] = {"holiday": {"per_hour": 3}}
    data["operation"]["first_day"] = "Monday"
    with pytest.raises(ScenarioError) as raised:
        from_data(data)
    assert "arrivals_by_day.holiday" in raised.value.message
    del data["segments"]["customer"]["arrivals_by_day"]
    assert from_data(data).arrival_period_days == 1  # a calendar alone changes nothing


def test_hospital_outage_pharmacy_and_escalation_show_in_the_kpis():
    scenario = hospital()
    without = hospital(outages=[])
    with_outage = [run_once(scenario, 12, r) for r in range(20)]
    no_outage = [run_once(without, 12, r) for r in range(20)]
    diffs = [a["station.registration.mean_wait_min"] - b["station.registration.mean_wait_min"] for a, b in zip(with_outage, no_outage)]
    _, low, _ = confidence_interval(diffs)
    assert low > 0, "the registration outage did not raise registration waits"
    share = confidence_interval(r["station.pharmacy.served"] / r["station.registration.served"] for r in with_outage)
    # 60 % walk-ins of whom 80 % go on, 40 % appointments who all do
    assert share[1] <= 0.6 * 0.8 + 0.4 <= share[2]
    assert np.mean([r["utilization.patient_relations"] for r in with_outage]) > 0
    handlers = set()
    for r in range(6):
        model = Model(scenario, seed=12, replication=r, record_events=True)
        model.run()
        handlers |= {e.detail["by"] for e in model.events if e.kind is EventKind.RECOVERY_ACTION and e.detail.get("escalated")}
    assert handlers == {"patient_relations", "head office"}


def test_a_failure_on_the_way_is_complained_about_and_recovered_at_its_station(queue_data):
    data = queue_data(0.5, 1.0, 3, 480.0, warmup_share=0.0)
    data["segments"]["customer"] = {"arrivals_per_hour": 30, "journey": [
        {"station": "desk", "time": {"dist": "exponential", "mean": 2}},
        {"station": "cashier", "time": {"dist": "exponential", "mean": 1}}]}
    data["staff"] = {"desk": {"count": 3}, "cashier": {"count": 2}}
    data["failures"] = {"types": {"lost_papers": {"category": "delivery_system", "chance": 0.2, "stations": ["desk"],
                                                  "severity_mix": {"minor": 0, "major": 1, "critical": 0}}}}
    data["behaviour"] = {"complaint_propensity": {"minor": 1.0, "major": 1.0, "critical": 1.0}}
    data["recovery"] = {"empowerment": "high", "on_the_spot_share": {"low": 0.2, "medium": 0.6, "high": 1.0}}
    model = Model(from_data(data), seed=4, record_events=True)
    kpis = model.run()
    failed = {e.customer for e in model.events if e.kind is EventKind.FAILURE}
    recovered_by = {e.customer: e.detail["by"] for e in model.events if e.kind is EventKind.RECOVERY_ACTION and e.customer in failed}
    complained = {e.customer for e in model.events if e.kind is EventKind.COMPLAINT}
    under_way = {c for c in complained - set(recovered_by) if c in model.present}  # still being recovered at closing
    assert len(recovered_by) + len(under_way) == kpis["complaints.lost_papers"] > 20
    assert set(recovered_by.values()) == {"desk"}
    # they went on to the cashier afterwards, and each visit was concluded once, with its recovery's path
    cashier = {e.customer for e in model.events if e.kind is EventKind.SERVICE_START and e.detail["station"] == "cashier"}
    assert set(recovered_by) - set(model.present) <= cashier
    paths = {e.customer: e.detail["path"] for e in model.events if e.kind is EventKind.DEPARTURE}
    assert all(paths[c].startswith("resolved") or paths[c] == "unresolved" for c in recovered_by if c in paths)
    recovered = kpis["customers.resolved_quickly"] + kpis["customers.resolved_slowly"] + kpis["customers.unresolved"]
    assert recovered + len(under_way) == kpis["complaints"]


def test_a_holding_disruption_keeps_everyone_it_hits_from_service_until_it_is_over(queue_data):
    data = queue_data(1.0, 1.0, 3, 240.0, warmup_share=0.0, failures={})
    data["failures"]["disruptions"] = [{"id": "gate_closed", "at_min": 60, "delay_min": 30, "window_min": 20, "holds": True}]
    model = Model(from_data(data), seed=6, record_events=True)
    model.run()
    arrived = {e.customer: e.time for e in model.events if e.kind is EventKind.ARRIVAL}
    starts = {e.customer: e.time for e in model.events if e.kind is EventKind.SERVICE_START}
    hit = [c for c, t in arrived.items() if t < 80 and starts.get(c, 0) >= 60]
    assert len(hit) > 15
    # hit at the strike (minute 60) or on arrival within the window: nobody is served before their delay ends
    assert all(starts[c] >= max(60, arrived[c]) + 30 - 1e-9 for c in hit if c in starts)
    # the only services started in the hold are of customers who came after the window closed
    assert all(arrived[c] >= 80 for c, t in starts.items() if 60 <= t < 90)
