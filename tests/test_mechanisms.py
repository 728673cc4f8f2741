"""One test per mechanism of MODEL.md §3, each on a case whose direction is known.

Each test builds a small territory, sets up the situation by hand on the
arrays, runs the mechanism alone, and checks the direction of the change.
"""

import numpy as np
import pytest

from sim import CentaureModel
from sim.mechanisms import (
    awareness,
    demand,
    engagement,
    funding,
    intake,
    management,
    participation,
    support,
    time_use,
    turnover,
)
from sim.mechanisms._common import match_in_groups
from sim.state import Status

from small import small


def territory(scenario="npm", seed=1, **changes):
    model = CentaureModel(small(scenario, **changes), rng=seed)
    return model, model.territory, model.params


def test_matching_respects_groups_keys_and_capacity():
    items, slots = match_in_groups(
        item_group=np.array([0, 0, 0, 1, 1]),
        item_key=np.array([3.0, 1.0, 2.0, 5.0, 4.0]),
        slot_group=np.array([0, 0, 1]),
        slot_key=np.array([1, 0, 0]),
        n_groups=2,
    )
    assert dict(zip(items.tolist(), slots.tolist(), strict=True)) == {1: 1, 2: 0, 4: 2}


# 1. funding -------------------------------------------------------------------------------------------------
def test_call_for_projects_moves_market_budget_to_the_best_indicators():
    _, s, p = territory(funding_market=1.0, funding_redistribution=0.0, call_for_projects_period=1)
    s.orgs.resolved_this_year[:] = [0, 10, 40]
    before = s.orgs.budget.copy()
    s.week = 53
    funding.step(s, p, np.random.default_rng(0))
    assert s.orgs.budget[2] > before[2] and s.orgs.budget[0] < before[0]
    assert s.orgs.budget.sum() == pytest.approx(before.sum())


def test_austerity_cuts_posts_and_reciprocity_funds_no_post():
    _, s, p = territory(budget_growth=-0.1)
    posts = s.orgs.posts.sum()
    s.week = 53
    funding.step(s, p, np.random.default_rng(0))
    assert s.orgs.posts.sum() < posts
    _, s2, p2 = territory(funding_market=0.4, funding_redistribution=0.4, funding_reciprocity=0.2)
    assert s2.orgs.posts.sum() == pytest.approx(0.8 * s2.orgs.budget.sum(), abs=len(s2.orgs.posts))


def test_funding_runs_once_a_year():
    assert [w for w in range(1, 200) if funding.is_funding_week(w)] == [53, 105, 157]


# 2. management and 3. time ---------------------------------------------------------------------------------
def test_more_reporting_pressure_means_more_reporting_and_less_face_to_face_time():
    _, s, p = territory()
    shares = []
    for pressure in (0.1, 0.5):
        q = p.replace(reporting_pressure=pressure)
        management.step(s, q, None)
        time_use.step(s, q, None)
        shares.append((s.orgs.reporting.mean(), s.orgs.face_to_face.mean(), s.workers.capacity.sum()))
    (rep_lo, f2f_lo, cap_lo), (rep_hi, f2f_hi, cap_hi) = shares
    assert rep_hi > rep_lo and f2f_hi < f2f_lo and cap_hi < cap_lo


def test_participation_and_outreach_cost_face_to_face_hours():
    _, s, p = territory()
    management.step(s, p, None)
    time_use.step(s, p, None)
    base = s.orgs.face_to_face.copy()
    time_use.step(s, p.replace(outreach_share=0.2, participation_level=7), None)
    assert np.all(s.orgs.face_to_face < base - 0.15)


def test_standardisation_lowers_autonomy():
    _, s, p = territory()
    management.step(s, p.replace(standardisation=0.1), None)
    free = s.orgs.autonomy.copy()
    management.step(s, p.replace(standardisation=0.9), None)
    assert np.all(s.orgs.autonomy < free)


# 4. awareness ------------------------------------------------------------------------------------------------
def unaware_everyone(s):
    eligible = s.users.status != Status.RESOLVED
    s.users.status[eligible & (s.users.status != Status.SUPPORTED)] = Status.UNAWARE
    s.users.aware[:] = False


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_more_outreach_makes_more_people_aware(seed):
    learned = []
    for share in (0.0, 0.2):
        _, s, p = territory(seed=seed)
        unaware_everyone(s)
        before = (s.users.status == Status.UNAWARE).sum()
        awareness.step(s, p.replace(outreach_share=share), np.random.default_rng(seed))
        learned.append(before - (s.users.status == Status.UNAWARE).sum())
    assert learned[1] > 2 * max(learned[0], 1)


def test_aware_peers_spread_awareness():
    learned = []
    for peers_aware in (False, True):
        _, s, p = territory(outreach_share=0.0)
        unaware_everyone(s)
        s.users.aware[:] = peers_aware
        s.users.aware[s.users.status == Status.UNAWARE] = False
        before = (s.users.status == Status.UNAWARE).sum()
        awareness.step(s, p.replace(learn_from_peer=0.2), np.random.default_rng(5))
        learned.append(before - (s.users.status == Status.UNAWARE).sum())
    assert learned[1] > learned[0]


# 5. demand ---------------------------------------------------------------------------------------------------
def test_asking_rises_with_trust_and_need_and_falls_with_burden_and_stigma():
    p = small().params
    one = np.array([0.5])
    base = demand.ask_probability(p, one, one, one)[0]
    assert demand.ask_probability(p, one, one + 0.3, one)[0] > base
    assert demand.ask_probability(p, one + 0.3, one, one)[0] > base
    assert demand.ask_probability(p, one, one, one + 0.3)[0] < base
    assert demand.ask_probability(p.replace(conditionality=1.0, procedure_complexity=1.0), one, one, one)[0] < base


def test_outreach_works_through_trust():
    _, s, p = territory()
    s.users.contacted[:] = False
    s.users.contacted[::2] = True
    before = s.users.trust.copy()
    demand.update_trust(s, p)
    gain = s.users.trust - before
    assert gain[::2].mean() > gain[1::2].mean() + 0.05


# 6. intake ---------------------------------------------------------------------------------------------------
def queue_everyone(s):
    eligible = s.users.status != Status.RESOLVED
    s.users.status[eligible & (s.users.status != Status.SUPPORTED)] = Status.WAITING


@pytest.mark.parametrize(("rule", "sign"), [("easiest_first", -1), ("greatest_need", 1)])
def test_priority_rule_decides_who_enters(rule, sign):
    _, s, p = territory(intake_priority=rule)
    time_use.step(s, p, None)
    queue_everyone(s)
    waiting = s.users.status == Status.WAITING
    mean_need_waiting = s.users.need[waiting].mean()
    before = s.users.status.copy()
    intake.step(s, p, np.random.default_rng(0))
    admitted = (before == Status.WAITING) & (s.users.status == Status.SUPPORTED)
    assert admitted.any()
    assert sign * (s.users.need[admitted].mean() - mean_need_waiting) > 0.02


def test_intake_never_exceeds_capacity_and_the_rest_keep_waiting_or_drop():
    _, s, p = territory()
    time_use.step(s, p, None)
    queue_everyone(s)
    intake.step(s, p, np.random.default_rng(0))
    w = s.workers
    assert np.all(w.caseload[w.active] <= np.maximum(w.capacity[w.active], 0))
    assert np.array_equal(w.caseload, np.bincount(s.users.worker[s.users.worker >= 0], minlength=w.org.size))
    assert (s.users.status == Status.WAITING).sum() > 0


def test_market_funding_makes_intake_cream_skim():
    needs = []
    for market in (1.0, 0.0):
        _, s, p = territory(funding_market=market, funding_redistribution=1.0 - market)
        time_use.step(s, p, None)
        queue_everyone(s)
        before = s.users.status.copy()
        intake.step(s, p, np.random.default_rng(0))
        needs.append(s.users.need[(before == Status.WAITING) & (s.users.status == Status.SUPPORTED)].mean())
    assert needs[0] < needs[1] - 0.05


# 7. support --------------------------------------------------------------------------------------------------
def test_support_lowers_need_more_with_continuity():
    _, s, p = territory()
    supported = np.flatnonzero(s.users.status == Status.SUPPORTED)
    s.users.weeks_with_worker[supported[::2]] = 0
    s.users.weeks_with_worker[supported[1::2]] = 100
    q = support.quality_of_support(s, p, supported)
    assert q[1::2].mean() > q[::2].mean() + 0.1
    before = s.users.need[supported].copy()
    support.step(s, p, np.random.default_rng(0))
    still = s.users.status[supported] == Status.SUPPORTED
    assert np.all(s.users.need[supported][still] <= before[still])


def test_resolved_cases_close_and_free_the_worker():
    _, s, p = territory()
    supported = np.flatnonzero(s.users.status == Status.SUPPORTED)
    s.users.need[supported[:5]] = 0.01
    workers = s.users.worker[supported[:5]].copy()
    load = s.workers.caseload.copy()
    support.step(s, p, np.random.default_rng(0))
    assert np.all(s.users.status[supported[:5]] == Status.RESOLVED)
    assert np.all(s.users.worker[supported[:5]] == -1)
    assert np.all(s.workers.caseload[workers] < load[workers])


# 8. engagement -----------------------------------------------------------------------------------------------
def test_more_reporting_less_face_to_face_lowers_engagement_and_raises_exhaustion():
    results = []
    for pressure in (0.1, 0.6):
        _, s, p = territory()
        q = p.replace(reporting_pressure=pressure)
        for _ in range(30):
            management.step(s, q, None)
            time_use.step(s, q, None)
            engagement.step(s, q, None)
        active = s.workers.active
        results.append((s.workers.engagement[active].mean(), s.workers.exhaustion[active].mean()))
    (eng_lo, exh_lo), (eng_hi, exh_hi) = results
    assert eng_hi < eng_lo - 0.02 and exh_hi > exh_lo + 0.02


def test_recognition_from_users_is_a_resource():
    _, s, p = territory()
    management.step(s, p, None)
    time_use.step(s, p, None)
    s.workers.recognition[:] = 0.0
    _, low = engagement.demands_and_resources(s, p, engagement.workers_by_team(s))
    s.workers.recognition[:] = 1.0
    _, high = engagement.demands_and_resources(s, p, engagement.workers_by_team(s))
    active = s.workers.active
    assert np.all(high[active] > low[active])


# 9. turnover -------------------------------------------------------------------------------------------------
def test_a_quit_breaks_continuity_and_costs_trust():
    model, s, p = territory()
    w = int(np.flatnonzero(s.workers.caseload > 0)[0])
    users = np.flatnonzero(s.users.worker == w)
    s.users.weeks_with_worker[users] = 40
    trust = s.users.trust[users].copy()
    s.workers.active[w] = False
    turnover.hand_over(s, p, np.array([w]), np.random.default_rng(0))
    assert np.all(s.users.worker[users] != w)
    assert np.all(s.users.weeks_with_worker[users] == 0)
    np.testing.assert_allclose(s.users.trust[users], trust * (1 - p.trust_loss_worker_left))
    mates = s.users.worker[users][s.users.worker[users] >= 0]
    assert np.all(s.workers.team[mates] == s.workers.team[w])
    orphans_waiting = s.users.status[users] == Status.WAITING
    assert np.all(orphans_waiting | (s.users.status[users] == Status.SUPPORTED))


def test_quit_hazard_rises_with_exhaustion_and_meaning_gap():
    p = small().params
    h = turnover.quit_hazard(p, np.array([0.2, 0.8, 0.2]), np.array([0.7, 0.7, 0.2]), np.array([0.7, 0.7, 0.7]))
    assert h[1] > h[0] and h[2] > h[0]


def test_recruitment_difficulty_slows_hiring():
    """Expected hires scale with (1 - difficulty): 10 times fewer at 0.9 than at 0, over many draws."""
    hired = []
    for difficulty in (0.0, 0.9):
        _, s, p = territory(recruitment_difficulty=difficulty)
        total = 0
        for seed in range(40):
            s.workers.active[:] = False
            s.workers.engagement[:] = 0.0
            s.workers.active[s.orgs.position_start] = True  # one worker left per organisation
            s.workers.engagement[s.orgs.position_start] = 0.5
            total += turnover.hire(s, p, np.random.default_rng(seed)).size
        hired.append(total)
    assert hired[0] > 5 * max(hired[1], 1)


# 10. participation ------------------------------------------------------------------------------------------
def test_participation_level_brings_participants_co_evaluation_and_peer_workers():
    _, s, p = territory(peer_worker_programme=True)
    s.users.power[:] = 0.9
    rng = np.random.default_rng(0)
    for _ in range(52):
        participation.step(s, p.replace(participation_level=7), rng)
    high = (s.users.participant.sum(), s.orgs.coevaluation.mean(), s.users.peer_worker.sum())
    _, s2, _ = territory(peer_worker_programme=True)
    s2.users.power[:] = 0.9
    for _ in range(52):
        participation.step(s2, p.replace(participation_level=1), rng)
    low = (s2.users.participant.sum(), s2.orgs.coevaluation.mean(), s2.users.peer_worker.sum())
    assert high[0] > low[0] and high[1] > low[1] + 0.3 and high[2] > low[2]
    cap = np.floor(p.peer_worker_max_share * np.bincount(s.users.org))
    assert np.all(np.bincount(s.users.org[s.users.peer_worker], minlength=cap.size) <= cap)


def test_co_built_evaluation_takes_time_and_lowers_reporting():
    _, s, p = territory()
    q = p.replace(participation_level=7)
    rng = np.random.default_rng(0)
    participation.step(s, q, rng)
    management.step(s, q, None)
    early = s.orgs.reporting.mean()
    for _ in range(104):
        participation.step(s, q, rng)
        management.step(s, q, None)
    assert s.orgs.reporting.mean() < early - 0.05
