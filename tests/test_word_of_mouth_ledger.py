"""The word-of-mouth ledger: tellers wait in batches, each story spreads in its own segment's market with
the reach of its teller, bad and good news apart, over a social graph when the scenario has one (the
mutation tests run these)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from sim.experiments.statistics import confidence_interval
from sim.model.word_of_mouth import WordOfMouthLedger, expected_reach
from sim.scenario.word_of_mouth import SocialNetwork, WordOfMouth

BATCH = WordOfMouthLedger.BATCH
# a market so large that overlap is negligible: the people a story reaches are about its contacts
HUGE = 10**9


def ledger_of(wom: WordOfMouth = WordOfMouth(), seed: int = 0, **markets: int) -> WordOfMouthLedger:
    return WordOfMouthLedger(wom, np.random.default_rng(seed), markets or {"walk_in": HUGE}, graph_seed=seed)


def test_stories_wait_for_a_full_batch_of_tellers_then_spread_together():
    ledger = ledger_of(walk_in=10**6, vip=1000)
    for _ in range(BATCH - 1):
        ledger.tell_bad("walk_in", 1.0)
    assert ledger.negative_tellers == 0 and ledger.total("heard_bad") == 0
    ledger.tell_good("vip")  # good and bad tellers fill the same batch
    assert ledger.negative_tellers == BATCH - 1 and ledger.positive_tellers == 1 and ledger.total("heard_bad") > 0
    # the next batch starts empty
    for _ in range(BATCH - 1):
        ledger.tell_bad("vip", 1.0)
    assert ledger.negative_tellers == BATCH - 1
    ledger.tell_bad("walk_in", 1.0)
    assert ledger.negative_tellers == 2 * BATCH - 1


def test_each_teller_is_counted_once_and_bad_and_good_news_stay_apart():
    ledger = ledger_of(walk_in=10**6, vip=10**6)
    ledger.flush()
    assert ledger.negative_tellers == ledger.positive_tellers == 0
    assert ledger.total("heard_bad") == ledger.total("heard_good") == 0
    for _ in range(100):
        ledger.tell_bad("walk_in", 1.0)
    ledger.flush()
    walk_in, vip = ledger.markets["walk_in"], ledger.markets["vip"]
    assert ledger.negative_tellers == 100 and walk_in.heard_bad > 0 and walk_in.lost > 0
    assert walk_in.heard_good == walk_in.won == 0 and vip.heard_bad == 0  # bad news, in its own segment
    heard_bad, lost = walk_in.heard_bad, walk_in.lost
    ledger.tell_good("vip", 60)
    ledger.tell_good("vip", 40)
    ledger.flush()
    assert ledger.positive_tellers == 100 and vip.heard_good > 0 and vip.won > 0
    assert (walk_in.heard_bad, walk_in.lost, walk_in.heard_good, vip.heard_bad) == (heard_bad, lost, 0, 0)
    ledger.tell_bad("vip", 1.0)
    ledger.tell_good("vip")
    ledger.flush()
    assert (ledger.negative_tellers, ledger.positive_tellers) == (101, 101)
    before = {name: (m.heard_bad, m.heard_good, m.lost, m.won) for name, m in ledger.markets.items()}
    ledger.flush()  # nothing pending: nothing more spreads
    assert (ledger.negative_tellers, ledger.positive_tellers) == (101, 101)
    assert before == {name: (m.heard_bad, m.heard_good, m.lost, m.won) for name, m in ledger.markets.items()}


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("negative, factor", [(True, 1.0), (True, 0.5), (False, 1.0)])
def test_each_story_reaches_the_people_its_teller_tells(negative, factor, seed):
    """One teller at a time in a market too large for overlap: the people reached per teller hold the
    branching process's expected reach (9.5 x the teller's factor for bad news, 4.75 for good) in their
    99 % interval, on three seeds."""
    wom = WordOfMouth()
    ledger = ledger_of(wom, seed)
    field = "heard_bad" if negative else "heard_good"
    reached = []
    for _ in range(1500):
        before = ledger.total(field)
        if negative:
            ledger.tell_bad("walk_in", factor)
        else:
            ledger.tell_good("walk_in")
        ledger.flush()
        reached.append(ledger.total(field) - before)
    mean_told = wom.negative_mean_told * factor if negative else wom.positive_mean_told
    mean, low, high = confidence_interval(reached, level=0.99)
    assert low <= expected_reach(mean_told, wom) <= high


def test_a_teller_who_tells_nobody_reaches_nobody():
    ledger = ledger_of()
    for _ in range(50):
        ledger.tell_bad("walk_in", 0.0)
    ledger.flush()
    assert ledger.negative_tellers == 50 and ledger.total("heard_bad") == 0


def test_over_a_social_graph_a_bad_story_reaches_only_the_tellers_community():
    """On a graph of 50 people a story reaches at most the 49 others, however many people its teller
    means to tell; a free branching process would reach about 380 per teller here."""
    wom = WordOfMouth(network=SocialNetwork(people=50, acquaintances=4), negative_mean_told=100.0)
    tellers = 200
    ledger = ledger_of(wom, seed=3)
    for _ in range(tellers):
        ledger.tell_bad("walk_in", 1.0)
    ledger.flush()
    contacts = 49 * tellers  # at most; the people first reached are Binomial with a mean below the contacts
    assert 0 < ledger.total("heard_bad") <= contacts + 4 * math.sqrt(contacts)
    assert expected_reach(100.0, WordOfMouth()) * tellers > 2 * contacts
    # the graph is drawn from the run's seed: the same seeds spread the same stories
    again = ledger_of(wom, seed=3)
    for _ in range(tellers):
        again.tell_bad("walk_in", 1.0)
    again.flush()
    assert again.total("heard_bad") == ledger.total("heard_bad")
