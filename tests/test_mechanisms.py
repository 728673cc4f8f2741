"""The weekly mechanisms of model v2, one section per module of ``sim/mechanisms/``, read as a specification.

Each test builds a small territory at week 0 (``tests/small.py``, no spin-up),
sets the situation up by hand on the arrays, runs one mechanism alone (its
``step`` or a named helper) and checks the direction, and where it is cheap
the size, of the change its docstring states. Where randomness matters, the
two situations compared draw the same random numbers (common random numbers:
the same seed, and the same number of draws in the same order), so that a
difference is the mechanism's, not the luck of the draw; statistical checks
use a tolerance of about four standard errors, tight enough to catch a broken
rule. Every direction test was checked by hand against a mutant of the
mechanism (the report of branch ``mechanism-tests-v2`` lists them).
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from sim import CentaureModel, state
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
from sim.mechanisms._common import expand_slots, match_in_groups
from sim.metrics import EVENTS
from sim.network import neighbour_sum
from sim.state import OrgLevers, Status

from small import small


# ------------------------------------------------------------------------------------------------ helpers
def territory(seed=1, organisations=None, **changes):
    """A small territory at week 0 (three organisations of 8 posts, no spin-up) and its parameters."""
    model = CentaureModel(small(spinup_weeks=0, **changes), rng=seed, organisations=organisations)
    s, p = model.territory, model.params
    s.events = {name: np.zeros(p.n_organisations) for name in EVENTS}
    return s, p


def rng(seed=0):
    return np.random.default_rng(seed)


def twin(s):
    """An independent copy of a territory: the same situation for a second variant (common random numbers)."""
    return copy.deepcopy(s)


def with_levers(s, p):
    """``s`` reading the per-organisation levers of ``p`` (as the model does after a reform)."""
    s.levers = OrgLevers(p)
    return s


def catchment(s, j):
    """Users living in organisation j's catchment."""
    return np.flatnonzero(s.users.org == j)


def posts_of(s, j):
    """Filled posts of organisation j."""
    return np.flatnonzero(s.workers.active & (s.workers.org == j))


def close_every_case(s):
    """Every supported user back on the waiting list, every caseload at zero."""
    users = s.users
    supported = users.status == Status.SUPPORTED
    users.status[supported] = Status.WAITING
    users.worker[:] = -1
    users.weeks_with_worker[:] = 0
    s.workers.caseload[:] = 0


def everyone_waiting(s, seed=0):
    """Every user has a need (severity need_min + (1 - need_min) U(0, 1)) and waits; no case is open."""
    close_every_case(s)
    users = s.users
    users.need[:] = 0.3 + 0.7 * rng(seed).random(users.need.size)
    users.chronic[:] = False
    users.status[:] = Status.WAITING
    users.aware[:] = True


def give_needs(s, people, need=0.5, status=Status.NOT_ASKING):
    users = s.users
    users.need[people] = need
    users.status[people] = status
    users.aware[people] = status != Status.UNAWARE


# ------------------------------------------------------------------------------------- shared matching rules
def test_matching_respects_groups_keys_and_capacity():
    """Within each group the k-th item by key gets the k-th slot by key while slots last."""
    items, slots = match_in_groups(
        item_group=np.array([0, 0, 0, 1, 1]),
        item_key=np.array([3.0, 1.0, 2.0, 5.0, 4.0]),
        slot_group=np.array([0, 0, 1]),
        slot_key=np.array([1, 0, 0]),
        n_groups=2,
    )
    assert dict(zip(items.tolist(), slots.tolist(), strict=True)) == {1: 1, 2: 0, 4: 2}


def test_free_slots_are_keyed_first_slot_of_everyone_before_anyone_second():
    owners, keys = expand_slots(np.array([10, 11, 12]), np.array([3, 1, 2]), rng(0))
    assert owners.tolist() == [10, 10, 10, 11, 12, 12]
    ordinal = np.floor(keys).astype(int)  # the ordinal of the slot within its owner, plus a tie-break in [0, 1)
    assert ordinal.tolist() == [0, 1, 2, 0, 0, 1]


# ============================================================================================= 1. funding
def test_funding_runs_once_a_year_but_not_in_the_run_first_week():
    assert [w for w in range(1, 200) if funding.is_funding_week(w)] == [53, 105, 157]
    # with a spin-up of two years the run starts at week -103: its years start at -51, 1, 53, ...
    assert [w for w in range(-103, 60) if funding.is_funding_week(w, first_week=-103)] == [-51, 1, 53]


def test_outside_a_funding_week_the_budget_round_does_nothing():
    s, p = territory(budget_growth=-0.1)
    before = copy.deepcopy(s.orgs)
    s.week = 52
    funding.step(s, p, rng())
    for name, value in vars(before).items():
        np.testing.assert_array_equal(getattr(s.orgs, name), value, err_msg=name)


def test_reciprocity_money_funds_no_post():
    s, p = territory(funding_market=0.4, funding_redistribution=0.4, funding_reciprocity=0.2)
    np.testing.assert_array_equal(s.orgs.posts, np.floor(0.8 * s.orgs.budget + 1e-9))


def test_reserves_take_the_year_balance_up_to_their_ceiling():
    """R <- min(R_max, R + 12 (budget paid for posts - cost of the workers in post) / (cost x posts))."""
    s, p = territory()
    orgs = s.orgs
    orgs.reserves[:] = 3.0
    worker_years = orgs.posts * np.array([0.5, 1.0, 1.25])  # half the posts vacant, all filled, overspending
    funding.take_balance(s, p, worker_years)
    expected = 3.0 + 12 * (orgs.budget - orgs.cost * worker_years) / (orgs.cost * orgs.posts)
    np.testing.assert_allclose(orgs.reserves, np.minimum(p.reserves_max_months, expected))
    assert orgs.reserves[0] == p.reserves_max_months  # capped
    assert orgs.reserves[1] == pytest.approx(3.0)  # balanced: budget = 8 posts, 8 worker-years
    assert orgs.reserves[2] < 3.0


def budget_short_by(s, gap):
    """Set budgets so that organisation j's budget pays ``gap[j]`` posts fewer than its workers in post."""
    s.orgs.budget = (s.headcount() - np.asarray(gap)).astype(float)


def open_hiring(s, p):
    """Hiring as easy as it gets: every vacancy of an organisation whose hiring is open is filled this week."""
    s.workers.engagement[s.workers.active] = 1.0
    s.levers.recruitment_difficulty[:] = 0.0
    return turnover.hire(s, p.replace(hire_rate=1.0), rng())


def test_a_budget_short_of_the_staff_freezes_hiring_by_attrition_while_reserves_last():
    s, p = territory()
    staff = s.headcount().copy()
    funded = s.orgs.posts.copy()
    budget_short_by(s, [2, -3, 0])  # org 0 short of 2 posts, org 1 pays 3 more, org 2 exactly its staff
    s.orgs.reserves[:] = 3.0  # above reserve_cut_months and reserve_freeze_months
    funding.set_posts(s, p, rng())
    orgs = s.orgs
    assert orgs.posts.tolist() == [staff[0] - 2, staff[1] + 3, staff[2]]  # what the budget pays
    assert orgs.posts_cut.tolist() == [0, 0, 0] and not orgs.frozen.any()
    np.testing.assert_array_equal(s.headcount(), staff)  # no one laid off: reserves pay the difference
    assert orgs.insecurity[0] == pytest.approx(min(1.0, p.insecurity_scale * 2 / funded[0]))
    assert orgs.insecurity[1] == orgs.insecurity[2] == 0.0
    hired = open_hiring(s, p)
    assert np.bincount(s.workers.org[hired], minlength=3).tolist() == [0, 3, 0]  # org 0 hires no one ...
    turnover.leave(s, p, posts_of(s, 0)[:3], rng())
    hired = open_hiring(s, p)
    assert np.bincount(s.workers.org[hired], minlength=3)[0] == 1  # ... until departures bring its staff below


def test_once_reserves_are_spent_posts_are_cut_and_the_surplus_workers_laid_off():
    s, p = territory()
    staff = s.headcount().copy()
    budget_short_by(s, [2, 2, 0])
    s.orgs.reserves[:] = [p.reserve_cut_months, 3.0, 3.0]
    funding.set_posts(s, p, rng())
    orgs, users, workers = s.orgs, s.users, s.workers
    assert orgs.posts.tolist() == [staff[0] - 2, staff[1] - 2, staff[2]]
    assert orgs.posts_cut.tolist() == [2, 0, 0] and s.events["posts_cut"].tolist() == [2, 0, 0]
    np.testing.assert_array_equal(s.headcount(), [staff[0] - 2, staff[1], staff[2]])
    assert s.left.size == 2 and np.all(workers.org[s.left] == 0)
    # the laid-off workers' users were handed over: nobody is supported by an empty post
    supported = users.status == Status.SUPPORTED
    assert np.all(workers.active[users.worker[supported]])
    np.testing.assert_array_equal(workers.caseload, np.bincount(users.worker[supported], minlength=workers.org.size))


def test_reserves_below_the_freeze_threshold_freeze_hiring_even_when_the_budget_pays():
    s, p = territory()
    budget_short_by(s, [0, 0, -2])
    s.orgs.reserves[:] = [3.0, p.reserve_freeze_months - 0.5, p.reserve_freeze_months - 0.5]
    funding.set_posts(s, p, rng())
    assert s.orgs.frozen.tolist() == [False, True, True]
    assert s.orgs.insecurity.tolist() == [0.0, 0.0, 0.0]
    turnover.leave(s, p, np.concatenate([posts_of(s, j)[:2] for j in range(3)]), rng())
    hired = open_hiring(s, p)
    assert np.bincount(s.workers.org[hired], minlength=3).tolist() == [2, 0, 0]


def test_posts_never_exceed_the_room_of_an_organisation():
    s, p = territory()
    room = np.diff(np.append(s.orgs.position_start, s.workers.org.size))
    s.orgs.budget = 10.0 * room
    funding.set_posts(s, p, rng())
    np.testing.assert_array_equal(s.orgs.posts, room)


def test_budget_scissors_freeze_hiring_first_then_cut_posts_once_reserves_are_spent():
    """Budgets flat, costs +10% a year: no hiring while reserves pay the gap, then posts cut once they are spent."""
    s, p = territory(
        budget_growth=0.0, cost_growth=0.1, funding_market=1.0, funding_redistribution=0.0, call_for_projects_period=10
    )
    orgs = s.orgs
    history = []
    for year in range(1, 5):
        orgs.paid_weeks = 52 * s.headcount()  # a year of the staff in post
        s.week = 1 + 52 * year
        funded = orgs.posts.copy()
        funding.step(s, p, rng(year))
        history.append((orgs.reserves.copy(), orgs.posts < funded, orgs.posts_cut.copy(), orgs.insecurity.copy()))
        history[-1] += (orgs.posts < s.headcount(),)
    reserves, fewer_posts, cut, insecurity, overstaffed = (np.array(x) for x in zip(*history, strict=True))
    first_cut = int(np.argmax(cut.sum(axis=1) > 0))
    assert first_cut >= 1 and not cut[:first_cut].any()  # reserves pay the gap first ...
    assert overstaffed[:first_cut].all()  # ... with more staff than funded posts: no hiring
    assert np.all(np.diff(reserves[: first_cut + 1], axis=0) < 0)  # ... and they fall while they do
    assert np.all(reserves[first_cut][cut[first_cut] > 0] <= p.reserve_cut_months)  # cut once they are spent
    assert not overstaffed[first_cut].any()  # the cut brings the staff to what the budget pays
    assert np.all(insecurity[fewer_posts] > 0) and np.all(insecurity[~fewer_posts] == 0)


def test_budgets_costs_and_needs_grow_except_in_the_spin_up():
    for stationary in (False, True):
        s, p = territory(budget_growth=0.05, cost_growth=0.03, need_growth=0.04, call_for_projects_period=10)
        total, cost = s.orgs.budget.sum(), s.orgs.cost.copy()
        s.stationary = stationary
        s.week = 53
        funding.step(s, p, rng())
        growth = (1.0, 1.0, 1.0) if stationary else (1.05, 1.03, 1.04)
        assert s.orgs.budget.sum() == pytest.approx(total * growth[0])
        np.testing.assert_allclose(s.orgs.cost, cost * growth[1])
        assert s.need_factor == pytest.approx(growth[2])


def test_the_budget_round_starts_a_new_year_of_counts():
    s, p = territory()
    s.orgs.resolved_this_year[:] = 7
    s.orgs.paid_weeks[:] = 52 * 8
    s.week = 53
    funding.step(s, p, rng())
    assert not s.orgs.resolved_this_year.any() and not s.orgs.paid_weeks.any()


def test_calls_for_projects_move_market_share_toward_more_cases_per_unit_of_cost():
    """Replicator dynamics: s_j <- (1 - T) s_j + T S s_j score_j / sum_k(s_k score_k)."""
    s, p = territory()
    orgs = s.orgs
    orgs.market_share[:] = 1 / 3
    orgs.resolved_this_year[:] = [10, 20, 40]
    funding.call_for_projects(s, p, np.full(3, 8.0))
    share = orgs.market_share
    assert share[0] < 1 / 3 < share[2] and share[0] < share[1] < share[2]
    assert share.sum() == pytest.approx(1.0)
    before = np.array([0.5, 0.3, 0.2])  # unequal shares, the same efficiency: nothing moves
    orgs.market_share[:] = before
    orgs.resolved_this_year[:] = 20
    funding.call_for_projects(s, p, np.full(3, 8.0))
    np.testing.assert_allclose(orgs.market_share, before)
    orgs.resolved_this_year[:] = [10, 20, 40]  # unequal efficiency: each grows in proportion to share x score
    funding.call_for_projects(s, p, np.full(3, 8.0))
    bids = before * np.array([10, 20, 40])
    np.testing.assert_allclose(orgs.market_share, (1 - p.cfp_transfer) * before + p.cfp_transfer * bids / bids.sum())


def test_a_cheaper_for_profit_bidder_wins_share_unless_calls_are_closed_to_it():
    shares = {}
    for open_ in (True, False):
        s, p = territory(organisations={2: {"kind": "for_profit"}}, cfp_open_to_for_profit=open_)
        assert s.orgs.cost[2] < s.orgs.cost[0]  # same cases, same worker-years, lower cost per case
        s.orgs.market_share[:] = 1 / 3
        s.orgs.resolved_this_year[:] = [20, 20, 20]
        funding.call_for_projects(s, p, np.full(3, 8.0))
        shares[open_] = s.orgs.market_share.copy()
    assert shares[True][2] > shares[True][0] == pytest.approx(shares[True][1])
    assert shares[False][2] == 1 / 3  # closed calls: its share is frozen, its score ignored
    assert shares[False][0] == pytest.approx(1 / 3) and shares[False].sum() == pytest.approx(1.0)


def test_calls_for_projects_come_every_call_for_projects_period_years():
    moved = {}
    for period in (1, 3):
        s, p = territory(call_for_projects_period=period)
        s.orgs.resolved_this_year[:] = [0, 0, 50]
        share = s.orgs.market_share.copy()
        s.week = 53  # year 1
        funding.step(s, p, rng())
        moved[period] = not np.allclose(s.orgs.market_share, share)
    assert moved == {1: True, 3: False}


def set_needs(s, eligible_share):
    """Make a given share of each catchment eligible (the assessed needs the funder sees)."""
    for j, share in enumerate(eligible_share):
        people = catchment(s, j)
        k = int(share * people.size)
        s.users.status[people] = Status.RESOLVED
        s.users.status[people[:k]] = Status.NOT_ASKING


def test_redistribution_allocates_by_assessed_needs_and_a_co_built_budget_leans_that_way():
    s, p = territory(funding_market=0.6, funding_redistribution=0.4)
    set_needs(s, [0.9, 0.3, 0.3])
    s.orgs.market_share[:] = 1 / 3
    total = s.orgs.budget.sum()
    plain = funding.allocate(s, p, total)
    assert plain[0] > plain[1:].max() and plain.sum() == pytest.approx(total)
    s.orgs.cobudget[:] = [1.0, 0.0, 0.0]  # organisation 0's budget is co-built with its users
    cobuilt = funding.allocate(s, p, total)
    assert cobuilt[0] > plain[0] and cobuilt.sum() == pytest.approx(total)
    s.orgs.cobudget[:] = [0.0, 1.0, 0.0]  # a co-built budget where needs are below average gets less
    assert funding.allocate(s, p, total)[1] < plain[1]


def test_market_funding_allocates_by_market_share_alone():
    s, p = territory(funding_market=1.0, funding_redistribution=0.0)
    set_needs(s, [0.9, 0.3, 0.3])
    s.orgs.market_share[:] = [0.2, 0.3, 0.5]
    np.testing.assert_allclose(funding.allocate(s, p, 30.0), [6.0, 9.0, 15.0])


def test_each_organisation_is_funded_by_its_own_mix():
    """Organisation 0 funded by market share alone, the others by the territory's mix: under the same needs and
    market shares, only 0's budget ignores its needs; a reciprocity weight of its own pays 0 no post."""
    s, p = territory(funding_market=0.5, funding_redistribution=0.5, organisations={0: {"funding_market": 1.0}})
    set_needs(s, [0.9, 0.9, 0.3])
    s.orgs.market_share[:] = 1 / 3
    total = s.orgs.budget.sum()
    own = funding.allocate(s, p, total)
    territory_mix = funding.allocate(with_levers(twin(s), p.replace(**{"funding_market@0": 0.5})), p, total)
    assert own[0] < territory_mix[0]  # its high needs no longer bring it budget
    np.testing.assert_allclose(own.sum(), total)
    paying = state.affordable_posts(p, s.orgs.budget, s.orgs.cost, s.orgs.for_profit)
    grants = p.replace(**{"funding_reciprocity@0": 1.0})
    assert state.affordable_posts(grants, s.orgs.budget, s.orgs.cost, s.orgs.for_profit)[0] < paying[0]
    np.testing.assert_array_equal(
        state.affordable_posts(grants, s.orgs.budget, s.orgs.cost, s.orgs.for_profit)[1:], paying[1:]
    )


def test_an_organisation_whose_costs_outgrow_the_budget_loses_posts_and_the_others_keep_theirs():
    """Other things equal, organisation 0's own cost growth above the budget's raises its cost of a post, and the
    budget round then pays it fewer posts; the neighbours, at the territory's cost growth, keep theirs."""
    s, p = territory(budget_growth=0.0, cost_growth=0.0, call_for_projects_period=10)
    scissors = p.replace(**{"cost_growth@0": 0.1})
    cut = with_levers(twin(s), scissors)
    for variant, params in ((s, p), (cut, scissors)):
        for week in (53, 105, 157):  # three budget rounds
            variant.week = week
            funding.step(variant, params, rng())
    assert cut.orgs.cost[0] == pytest.approx(1.1**3 * s.orgs.cost[0])
    np.testing.assert_array_equal(cut.orgs.cost[1:], s.orgs.cost[1:])
    assert cut.orgs.posts[0] < s.orgs.posts[0]
    assert cut.orgs.posts[1:].sum() >= s.orgs.posts[1:].sum()


def test_each_organisation_s_procedures_weigh_on_its_own_users():
    s, p = territory(procedure_complexity=0.2, conditionality=0.2, organisations={1: {"procedure_complexity": 1.0}})
    people = np.concatenate((catchment(s, 0)[:5], catchment(s, 1)[:5]))
    burden = demand.compliance_burden(s, p, people)
    np.testing.assert_allclose(burden[:5], 0.2)
    np.testing.assert_allclose(burden[5:], 0.6)


# ========================================================================================== 2. management
def test_reporting_follows_each_organisation_own_indicator_pressure():
    s, p = territory(organisations={0: {"reporting_pressure": 0.2}, 1: {"reporting_pressure": 0.5}}, style_spread=0.0)
    s.orgs.style[:] = 0.5
    management.step(s, p, rng())
    reporting = s.orgs.reporting
    assert reporting[1] > reporting[0]
    assert reporting[1] / reporting[0] == pytest.approx(0.5 / 0.2, rel=1e-3)  # proportional to P_j


def test_a_controlling_manager_adds_reporting_an_ethical_one_shields_the_team():
    s, p = territory(style_spread=0.0, style_adjust_weeks=1040.0)
    s.orgs.style[:] = [0.1, 0.9, 0.5]
    management.step(s, p, rng())
    assert s.orgs.reporting[0] > s.orgs.reporting[2] > s.orgs.reporting[1]


def test_co_built_evaluation_relieves_reporting():
    s, p = territory(style_spread=0.0)
    s.orgs.style[:] = 0.5
    s.orgs.coevaluation[:] = [0.0, 1.0, 0.5]
    management.step(s, p, rng())
    r = s.orgs.reporting
    assert r[1] < r[2] < r[0]
    assert r[1] / r[0] == pytest.approx(1 - p.coeval_reporting_relief)


def test_autonomy_falls_with_standardisation_and_rises_with_style():
    s, p = territory(organisations={0: {"standardisation": 0.9}}, style_spread=0.0, style_adjust_weeks=1040.0)
    s.orgs.style[:] = [0.5, 0.5, 0.9]
    management.step(s, p, rng())
    autonomy = s.orgs.autonomy
    assert autonomy[0] < autonomy[1] < autonomy[2]


def wait_in(s, j, k):
    """Put k of organisation j's unsupported residents on its waiting list (with a need)."""
    people = catchment(s, j)
    people = people[s.users.status[people] != Status.SUPPORTED][:k]
    give_needs(s, people, status=Status.WAITING)
    return people


def clear_waiting(s):
    s.users.status[s.users.status == Status.WAITING] = Status.NOT_ASKING


def overbooking(s, p, waiting, style=0.35):
    clear_waiting(s)
    for j, k in enumerate(waiting):
        wait_in(s, j, k)
    s.orgs.style[:] = style
    management.step(s, p, rng())
    return s.orgs.overbooking.copy()


def test_activity_targets_overbook_with_the_queue():
    s, p = territory(style_spread=0.0, style_adjust_weeks=1040.0)
    assert s.per_organisation(s.workers.capacity).min() > 40  # the queues below do not saturate
    push = overbooking(s, p, [0, 10, 40])
    assert push[0] == 0.0 < push[1] < push[2]


def test_activity_targets_grow_with_the_market_weight_and_fall_with_style():
    pushes = {}
    for market in (0.0, 0.5, 1.0):
        s, p = territory(funding_market=market, funding_redistribution=1.0 - market, style_spread=0.0)
        pushes[market] = overbooking(s, p, [30, 30, 30])[0]
    assert pushes[0.0] == 0.0 < pushes[0.5] < pushes[1.0]
    s, p = territory(style_spread=0.0, style_adjust_weeks=1040.0)
    controlling, participatory = overbooking(twin(s), p, [30] * 3, 0.1), overbooking(s, p, [30] * 3, 0.9)
    assert np.all(controlling > participatory)


def test_style_drifts_toward_control_under_pressure_and_toward_participation_where_it_is_real():
    s, p = territory(
        organisations={0: {"reporting_pressure": 0.7}, 1: {"reporting_pressure": 0.0}, 2: {"participation_level": 7}},
        style_spread=0.0,
        style_adjust_weeks=1.0,  # the style reaches its target in one week
    )
    s.orgs.responsiveness[:] = 1.0
    management.step(s, p, rng())
    style, offer = s.orgs.style, s.levers.offer
    anchor = p.manager_style
    np.testing.assert_allclose(
        style[:2], anchor + p.style_participation_pull * offer[:2] - p.style_pressure_pull * np.array([0.7, 0.0])
    )
    assert style[0] < style[1]
    assert style[2] > anchor + p.style_participation_pull * offer[0] - p.style_pressure_pull * p.reporting_pressure


def test_each_manager_drifts_toward_its_own_anchor():
    s, p = territory(organisations={0: {"manager_style": 0.9}, 1: {"manager_style": 0.1}}, style_spread=0.0)
    s.orgs.style[:] = 0.5
    management.step(s, p, rng())
    assert s.orgs.style[0] > 0.5 > s.orgs.style[1]


# ================================================================================================ 3. time
def test_each_participation_instance_participant_peer_worker_and_community_hour_costs_its_hours():
    s, p = territory()
    base = time_use.participation_hours(s, p)
    cases = {
        "two rungs up": ({"participation_level": p.participation_level + 2}, 2 * p.hours_per_instance),
        "co-built budget": ({"cobuilt_budget": True}, p.hours_per_instance),
        "recruitment panels": ({"recruitment_panels": True}, p.hours_per_instance),
    }
    for what, (own, hours) in cases.items():
        varied = time_use.participation_hours(with_levers(twin(s), p.with_organisation(0, **own)), p)
        assert varied[0] - base[0] == pytest.approx(hours), what
        np.testing.assert_allclose(varied[1:], base[1:], err_msg=what)
    people = catchment(s, 0)[:5]
    s.users.participant[people] = True
    assert time_use.participation_hours(s, p)[0] - base[0] == pytest.approx(5 * p.hours_per_participant)
    s.users.participant[people] = False
    s.users.peer_worker[people] = True
    assert time_use.participation_hours(s, p)[0] - base[0] == pytest.approx(5 * p.supervision_hours)
    s.users.peer_worker[people] = False
    s.orgs.community_hours[0] = 100.0
    assert time_use.participation_hours(s, p)[0] - base[0] == pytest.approx(100 * p.coordination_hours)


def test_face_to_face_time_is_what_admin_reporting_outreach_and_participation_leave():
    s, p = territory(organisations={0: {"outreach_share": 0.2}, 1: {"participation_level": 7}})
    time_use.step(s, p, rng())
    orgs = s.orgs
    shared = orgs.participation_hours / (p.hours_per_week * s.headcount())
    expected = 1 - p.admin_share - orgs.reporting - s.levers.outreach_share - shared
    np.testing.assert_allclose(orgs.face_to_face, expected)
    assert orgs.face_to_face[0] < orgs.face_to_face[2] - 0.17  # outreach (0.2 against 0.02) takes face-to-face time
    assert orgs.face_to_face[1] < orgs.face_to_face[2]  # so does participation
    capacity = np.minimum(s.levers.caseload_cap, np.floor(orgs.face_to_face * p.hours_per_week / p.hours_per_case))
    active = s.workers.active
    np.testing.assert_array_equal(s.workers.capacity[active], capacity[s.workers.org[active]])
    assert not s.workers.capacity[~active].any() and not s.face_to_face_hours[~active].any()


def test_more_reporting_means_less_face_to_face_time_and_fewer_cases():
    s, p = territory()
    low = twin(s)
    s.orgs.reporting[:] = 0.5
    low.orgs.reporting[:] = 0.1
    time_use.step(s, p, rng())
    time_use.step(low, p, rng())
    assert np.all(s.orgs.face_to_face < low.orgs.face_to_face)
    assert s.workers.capacity.sum() < low.workers.capacity.sum()


def test_the_caseload_cap_bounds_capacity():
    s, p = territory(organisations={0: {"caseload_cap": 5}})
    s.orgs.reporting[:] = 0.0
    time_use.step(s, p, rng())
    assert s.workers.capacity[posts_of(s, 0)].max() == 5
    assert s.workers.capacity[posts_of(s, 1)].min() > 5


def test_community_hours_hold_no_case_they_add_no_capacity():
    s, p = territory(coordination_hours=0.0)
    without = twin(s)
    s.orgs.community_hours[:] = 500.0
    time_use.step(s, p, rng())
    time_use.step(without, p, rng())
    np.testing.assert_array_equal(s.workers.capacity, without.workers.capacity)
    s2, p2 = territory()  # with coordination hours, they only take time
    s2.orgs.community_hours[:] = 500.0
    time_use.step(s2, p2, rng())
    assert np.all(s2.workers.capacity <= without.workers.capacity)
    assert s2.workers.capacity.sum() < without.workers.capacity.sum()


# =========================================================================================== 4. awareness
def test_outreach_hours_pool_workers_community_and_peer_workers():
    s, p = territory(organisations={0: {"outreach_share": 0.1}})
    s.orgs.community_hours[:] = [0.0, 40.0, 0.0]
    s.users.peer_worker[catchment(s, 2)[:3]] = True
    hours = awareness.outreach_hours(s, p)
    np.testing.assert_allclose(
        hours,
        [
            0.1 * p.hours_per_week * s.headcount()[0],
            p.outreach_share * p.hours_per_week * s.headcount()[1] + p.community_outreach_share * 40.0,
            p.outreach_share * p.hours_per_week * s.headcount()[2] + 3 * p.peer_worker_hours,
        ],
    )


def test_accompanied_contacts_take_longer_so_the_same_hours_make_fewer():
    s, p = territory(organisations={0: {"outreach_accompanied": 0.0}, 1: {"outreach_accompanied": 1.0}})
    contacts = awareness.outreach_contacts(s, p)
    hours = awareness.outreach_hours(s, p)
    np.testing.assert_allclose(
        contacts[:2], hours[:2] * p.contacts_per_hour / np.array([1.0, p.accompanied_time_factor])
    )
    assert contacts[1] < contacts[0]


def test_visits_meet_contiguous_neighbours_within_the_catchment():
    s, p = territory(outreach_share=0.3, organisations={1: {"outreach_accompanied": 1.0}})
    met, accompanied = awareness.visit(s, p, rng(3))
    assert met.size and met.size % p.visit_size == 0  # catchments are larger than a visit
    visits, modes = met.reshape(-1, p.visit_size), accompanied.reshape(-1, p.visit_size)
    org = s.users.org[visits]
    assert np.all(org == org[:, :1])  # a visit stays in one catchment ...
    local = visits - s.catchment_start[org]
    step = (np.diff(local, axis=1)) % s.catchment_size[org[:, 1:]]
    assert np.all(step == 1)  # ... and meets neighbours that live next to each other (wrapping within it)
    assert np.all(modes == modes[:, :1])  # a visit is accompanied or not as a whole
    assert np.all(modes[org[:, 0] == 1]) and not np.any(modes[org[:, 0] == 0])


def test_the_number_of_visits_follows_the_contacts_an_organisation_can_make():
    s, p = territory(organisations={0: {"outreach_share": 0.3}, 1: {"outreach_share": 0.1}})
    expected = awareness.outreach_contacts(s, p) / p.visit_size
    draws = 200
    visits = np.zeros(3)
    for seed in range(draws):
        met, _ = awareness.visit(s, p, rng(seed))
        visits += np.bincount(s.users.org[met], minlength=3) / p.visit_size
    mean = visits / draws
    assert np.all(np.abs(mean - expected) < 4 * np.sqrt(expected / draws))
    assert mean[0] > mean[1] > mean[2]


def test_a_catchment_smaller_than_a_visit_is_met_once_not_twice():
    s, p = territory(outreach_share=0.4, visit_size=12, organisations={0: {"catchment_weight": 0.05}})
    assert s.catchment_size[0] < p.visit_size
    met, _ = awareness.visit(s, p, rng(1))
    first = met[s.users.org[met] == 0]
    assert first.size % s.catchment_size[0] == 0
    for visit in first.reshape(-1, s.catchment_size[0]):
        assert np.unique(visit).size == visit.size


def test_people_met_learn_their_rights_even_without_a_current_need():
    s, p = territory(outreach_share=0.3, learn_from_peer=0.0)
    s.users.aware[:] = False
    unsupported = s.users.status != Status.SUPPORTED
    s.users.status[unsupported & (s.users.status != Status.RESOLVED)] = Status.UNAWARE
    before = s.users.status.copy()
    s.week = 5
    awareness.step(s, p, rng(2))
    met = s.users.met_week == 5
    assert met.any() and s.users.aware[met].all() and not s.users.aware[~met & unsupported].any()
    assert np.all(s.users.status[met & (before == Status.UNAWARE)] == Status.NOT_ASKING)
    assert np.all(s.users.status[met & (before == Status.RESOLVED)] == Status.RESOLVED)
    assert np.all(s.users.status[~met] == before[~met])
    assert s.events["contacts"].sum() >= met.sum()  # a person may be met twice


def unaware_eligible(s, share=0.5):
    """A share of users eligible and unaware, the rest aware with no need (nobody supported)."""
    close_every_case(s)
    users = s.users
    n = users.status.size
    unaware = rng(11).random(n) < share
    users.status[:] = Status.RESOLVED
    users.need[:] = 0.0
    users.aware[:] = ~unaware
    give_needs(s, np.flatnonzero(unaware), status=Status.UNAWARE)
    return np.flatnonzero(unaware)


def test_unaware_users_learn_from_aware_peers_at_the_declared_rate():
    """p_learn = 1 - (1 - learn_from_peer)^(aware peers)."""
    b = 0.2
    learned = expected = variance = 0.0
    for seed in range(20):
        s, p = territory(seed=seed, outreach_share=0.0, learn_from_peer=b)
        unaware = unaware_eligible(s)
        peers = neighbour_sum(s.peer_adj, s.users.aware)[unaware].astype(float)
        p_learn = 1 - (1 - b) ** peers
        expected += p_learn.sum()
        variance += (p_learn * (1 - p_learn)).sum()
        awareness.step(s, p, rng(seed))
        learned += (s.users.status[unaware] == Status.NOT_ASKING).sum()
    assert learned == pytest.approx(expected, abs=4 * np.sqrt(variance))
    s, p = territory(outreach_share=0.0, learn_from_peer=0.0)
    unaware = unaware_eligible(s)
    awareness.step(s, p, rng())
    assert np.all(s.users.status[unaware] == Status.UNAWARE)


def test_peer_workers_spread_awareness_to_their_ties():
    learned = {}
    for rate in (0.0, 0.5):
        s, p = territory(outreach_share=0.0, learn_from_peer=0.0, learn_from_peer_worker=rate, peer_worker_hours=0.0)
        unaware = unaware_eligible(s)
        s.users.aware[:] = False
        s.users.peer_worker[np.flatnonzero(s.users.status == Status.RESOLVED)[::4]] = True
        awareness.step(s, p, rng(4))
        learned[rate] = (s.users.status[unaware] == Status.NOT_ASKING).sum()
    assert learned[0.0] == 0 < learned[0.5]


# ============================================================================================== 5. demand
def test_accompaniment_lowers_the_compliance_burden_for_accompaniment_weeks():
    s, p = territory()
    users, week = s.users, 30
    s.week = week
    people = np.arange(5)
    users.met_week[people] = [
        week - 1,
        week - p.accompaniment_weeks + 1,
        week - p.accompaniment_weeks,
        week - 1,
        -(2**30),
    ]
    users.met_accompanied[people] = [True, True, True, False, False]
    full = (p.procedure_complexity + p.conditionality) / 2
    relieved = full * (1 - p.accompanied_burden_relief)
    np.testing.assert_allclose(demand.compliance_burden(s, p, people), [relieved, relieved, full, full, full])


def test_asking_rises_with_need_and_trust_and_falls_with_stigma_and_burden():
    p = small().params
    one = np.array([0.5])
    base = demand.ask_log_odds(p, one, one, one, one)[0]
    assert demand.ask_log_odds(p, one + 0.3, one, one, one)[0] > base
    assert demand.ask_log_odds(p, one, one + 0.3, one, one)[0] > base
    assert demand.ask_log_odds(p, one, one, one + 0.3, one)[0] < base
    assert demand.ask_log_odds(p, one, one, one, one + 0.3)[0] < base


def test_only_the_aware_who_are_not_asking_or_gave_up_ask_and_they_join_the_waiting_list():
    s, p = territory(ask_intercept=5.0)
    users = s.users
    groups = {status: catchment(s, 0)[k * 10 : (k + 1) * 10] for k, status in enumerate(range(1, 5))}
    close_every_case(s)
    for status, people in groups.items():
        give_needs(s, people, need=0.8, status=status)
    users.wait_weeks[:] = 3
    demand.step(s, p, rng())
    assert np.all(users.status[groups[Status.UNAWARE]] == Status.UNAWARE)
    for status in (Status.NOT_ASKING, Status.DROPPED):
        asked = users.status[groups[status]] == Status.WAITING
        assert asked.mean() > 0.8 and np.all(users.wait_weeks[groups[status]][asked] == 0)
    assert np.all(users.wait_weeks[groups[Status.WAITING]] == 3)


def test_accompanied_outreach_makes_more_people_ask():
    """Same draws, same trust: the accompanied askers include every plain asker, and more."""
    s, p = territory()
    s.week = 20
    candidates = np.flatnonzero(s.users.status == Status.RESOLVED)
    give_needs(s, candidates, need=0.5, status=Status.NOT_ASKING)
    accompanied = twin(s)
    for t, mode in ((s, False), (accompanied, True)):
        t.users.met_week[candidates] = 19  # last week: no outreach trust gain this week
        t.users.reached_week[candidates] = 19
        t.users.met_accompanied[candidates] = mode
        demand.step(t, p, rng(7))
    plain = s.users.status[candidates] == Status.WAITING
    helped = accompanied.users.status[candidates] == Status.WAITING
    assert np.all(helped >= plain) and helped.sum() > plain.sum()
    assert accompanied.users.reach_asked[candidates].sum() == helped.sum()  # outreach's take-up, when its cohort closes


def isolate_trust(**changes):
    return territory(trust_contagion=0.0, **changes)


def test_support_moves_trust_toward_base_plus_quality():
    """trust += r_s (b_s + (1 - b_s) quality - trust) for the supported; the others keep theirs."""
    s, p = isolate_trust()
    users = s.users
    supported = np.flatnonzero(users.worker >= 0)
    users.trust[supported[::2]] = 0.0
    users.trust[supported[1::2]] = 1.0
    users.quality[supported] = 0.5
    before = users.trust.copy()
    demand.update_trust(s, p)
    target = p.trust_base_supported + (1 - p.trust_base_supported) * 0.5
    np.testing.assert_allclose(
        users.trust[supported], before[supported] + p.trust_rate_supported * (target - before[supported])
    )
    assert np.all(users.trust[supported[::2]] > 0.0) and np.all(users.trust[supported[1::2]] < 1.0)
    others = users.worker < 0
    np.testing.assert_array_equal(users.trust[others], before[others])


def test_better_support_builds_more_trust():
    s, p = isolate_trust()
    supported = np.flatnonzero(s.users.worker >= 0)
    s.users.trust[supported] = 0.5
    s.users.quality[supported[::2]] = 1.0
    s.users.quality[supported[1::2]] = 0.0
    demand.update_trust(s, p)
    assert s.users.trust[supported[::2]].min() > s.users.trust[supported[1::2]].max()


def test_outreach_builds_a_relation_and_peer_workers_bridge_trust():
    s, p = isolate_trust()
    s.week = 9
    users = s.users
    unsupported = np.flatnonzero(users.worker < 0)
    users.trust[:] = 0.3
    met = unsupported[::2]
    users.met_week[met] = 9
    demand.update_trust(s, p)
    np.testing.assert_allclose(users.trust[met], 0.3 + p.outreach_trust_gain * 0.7)
    np.testing.assert_allclose(users.trust[unsupported[1::2]], 0.3)
    s, p = isolate_trust()
    s.users.trust[:] = 0.3
    s.peer_worker_ties = np.zeros(s.users.trust.size)
    s.peer_worker_ties[:10] = 2
    demand.update_trust(s, p)
    unsupported = s.users.worker < 0
    assert np.all(s.users.trust[:10][unsupported[:10]] > 0.3)
    np.testing.assert_allclose(s.users.trust[10:][unsupported[10:]], 0.3)


def test_trust_spreads_toward_the_peers_mean():
    s, p = territory(trust_contagion=0.2)
    s.users.worker[:] = -1  # no support this week
    s.users.trust[:] = 1.0
    s.users.trust[::7] = 0.0
    demand.update_trust(s, p)
    assert np.all(s.users.trust[::7] > 0.0)
    assert s.users.trust.mean() == pytest.approx(1 - 1 / 7, abs=0.02)  # contagion moves trust around, roughly


# ============================================================================================== 6. intake
def test_admission_slots_are_the_capacity_pushed_by_overbooking_up_to_the_cap():
    """admit_w = min(caseload_cap_j, floor(capacity_w (1 + overbooking_j))) - caseload_w, at least 0."""
    s, p = territory(organisations={1: {"caseload_cap": 11}})
    workers = s.workers
    workers.capacity[workers.active] = 10
    workers.caseload[workers.active] = 4
    s.orgs.overbooking[:] = [0.0, 0.25, 0.25]
    slots = intake.admission_slots(s)
    a = workers.active
    expected = np.array([10 - 4, 11 - 4, 12 - 4])[workers.org]
    np.testing.assert_array_equal(slots[a], expected[a])
    assert not slots[~a].any()
    workers.caseload[a] = 20  # above what the slots allow: none, never negative
    assert not intake.admission_slots(s).any()


def test_new_cases_spread_one_per_worker_before_anyone_gets_a_second():
    s, p = territory(intake_priority="greatest_need", intake_rate=1.0)
    everyone_waiting(s)
    s.workers.capacity[s.workers.active] = 30
    for j in range(3):  # a few more people waiting than workers, in each catchment
        keep = catchment(s, j)[: 2 * posts_of(s, j).size + 3]
        s.users.status[np.setdiff1d(catchment(s, j), keep)] = Status.RESOLVED
    intake.admit(s, p, rng())
    for j in range(3):
        load = s.workers.caseload[posts_of(s, j)]
        assert load.max() - load.min() <= 1 and load.sum() == 2 * load.size + 3


def rationed(seed=0, capacity=3, organisations=None, intake_rate=1.0, **changes):
    """Everyone waiting, each worker able to take ``capacity`` new cases: places are scarce.

    Every request is assessed this week (``intake_rate`` 1) unless said otherwise.
    """
    s, p = territory(organisations=organisations, waiting_drop_rate=0.0, intake_rate=intake_rate, **changes)
    everyone_waiting(s, seed)
    s.workers.capacity[s.workers.active] = capacity
    s.users.wait_weeks[:] = rng(seed + 1).integers(0, 50, s.users.status.size)
    return s, p


def admitted_by_org(s, p, seed=0):
    waiting = s.users.status == Status.WAITING
    need = s.users.need.copy()
    wait = s.users.wait_weeks.copy()
    intake.step(s, p, rng(seed))
    admitted = waiting & (s.users.status == Status.SUPPORTED)
    return admitted, waiting, need, wait


def test_each_organisation_applies_its_own_intake_rule():
    s, p = rationed(
        organisations={
            0: {"intake_priority": "easiest_first"},
            1: {"intake_priority": "greatest_need"},
            2: {"intake_priority": "first_come"},
        }
    )
    admitted, waiting, need, wait = admitted_by_org(s, p)
    org = s.users.org
    for j in range(3):
        assert 0 < admitted[org == j].sum() < waiting[org == j].sum()
    left = waiting & ~admitted
    assert need[admitted & (org == 0)].max() <= need[left & (org == 0)].min()  # the easiest cases first
    assert need[admitted & (org == 1)].min() >= need[left & (org == 1)].max()  # the greatest needs first
    assert wait[admitted & (org == 2)].min() >= wait[left & (org == 2)].max()  # the longest waits first


@pytest.mark.parametrize(("market", "direction"), [(1.0, -1), (0.5, 0), (0.0, 1)])
def test_by_funding_cream_skims_under_market_funding_and_serves_needs_under_redistribution(market, direction):
    s, p = rationed(intake_priority="by_funding", funding_market=market, funding_redistribution=1.0 - market)
    admitted, waiting, need, _ = admitted_by_org(s, p)
    gap = need[admitted].mean() - need[waiting].mean()
    if direction == 0:
        assert abs(gap) < 0.06  # in between, the rule is random: need does not decide
    else:
        assert direction * gap > 0.15


def test_requests_take_time_to_assess_each_is_processed_with_intake_rate():
    s, p = rationed(capacity=30, intake_rate=0.3)  # more places than people: only the assessment limits intake
    admitted, waiting, _, _ = admitted_by_org(s, p)
    n = waiting.sum()
    assert admitted.sum() == pytest.approx(0.3 * n, abs=4 * np.sqrt(0.3 * 0.7 * n))
    assert np.all(s.users.status[waiting & ~admitted] == Status.WAITING)
    s, p = rationed(capacity=30, intake_rate=1.0)
    admitted, waiting, _, _ = admitted_by_org(s, p)
    assert admitted.sum() == waiting.sum()  # all assessed, all admitted


def test_a_for_profit_provider_refuses_needs_above_its_limit():
    s, p = rationed(organisations={0: {"kind": "for_profit"}}, intake_priority="greatest_need", capacity=10)
    admitted, waiting, need, _ = admitted_by_org(s, p)
    org = s.users.org
    heavy = need > p.for_profit_need_limit
    assert admitted[org == 0].any() and not (admitted & heavy & (org == 0)).any()
    assert np.all(s.users.status[waiting & heavy & (org == 0)] == Status.WAITING)  # they stay on its list
    assert (admitted & heavy & (org == 1)).any()  # a non-profit admits them


def test_intake_keeps_caseloads_consistent_and_within_slots():
    s, p = territory()
    time_use.step(s, p, rng())
    s.orgs.overbooking[:] = 0.3
    slots = intake.admission_slots(s)
    before = s.workers.caseload.copy()
    give_needs(s, np.flatnonzero(s.users.status == Status.RESOLVED), status=Status.WAITING)
    intake.step(s, p, rng())
    workers, users = s.workers, s.users
    assert np.all(workers.caseload - before <= slots)
    assert np.all(workers.caseload[workers.active] <= s.levers.caseload_cap[workers.org[workers.active]])
    np.testing.assert_array_equal(
        workers.caseload, np.bincount(users.worker[users.worker >= 0], minlength=workers.org.size)
    )
    assert (users.status == Status.WAITING).any()


def test_waiting_costs_trust_and_outreach_promised_more():
    s, p = rationed(capacity=0)
    s.week = 40
    users = s.users
    users.trust[:] = 0.5
    promised = np.arange(0, users.trust.size, 2)
    users.met_week[promised] = 40 - p.promise_weeks + 1
    users.met_week[1::2] = 40 - p.promise_weeks  # met too long ago: no promise left
    intake.step(s, p, rng())
    assert np.all(users.status == Status.WAITING) and np.all(users.wait_weeks >= 1)
    np.testing.assert_allclose(users.trust[promised], 0.5 * (1 - p.trust_loss_waiting * (1 + p.promise_penalty)))
    np.testing.assert_allclose(users.trust[1::2], 0.5 * (1 - p.trust_loss_waiting))


def test_those_who_give_up_drop_out_and_lose_more_trust_if_outreach_promised():
    s, p = rationed(capacity=0)
    p = p.replace(waiting_drop_rate=1.0)
    s.week = 40
    users = s.users
    users.trust[:] = 0.5
    users.met_week[::2] = 39
    intake.step(s, p, rng())
    assert np.all(users.status == Status.DROPPED) and not users.wait_weeks.any()
    kept = (1 - p.trust_loss_waiting) * 0.5
    np.testing.assert_allclose(users.trust[1::2], kept * (1 - p.trust_loss_dropped))
    np.testing.assert_allclose(
        users.trust[::2], 0.5 * (1 - p.trust_loss_waiting * 3) * (1 - min(1, p.trust_loss_dropped * 3))
    )
    assert intake.trust_loss(s, p, np.array([0]), 0.6)[0] == 1.0  # a loss is never more than all of one's trust


def test_intake_records_askers_admissions_and_outreach_yield():
    s, p = rationed()
    s.week = 10
    s.users.met_week[::3] = 5
    admitted, waiting, need, _ = admitted_by_org(s, p)
    org = s.users.org
    np.testing.assert_array_equal(s.events["asking"], np.bincount(org[waiting], minlength=3))
    np.testing.assert_array_equal(s.events["admitted"], np.bincount(org[admitted], minlength=3))
    np.testing.assert_allclose(
        s.events["admitted_need"], np.bincount(org[admitted], weights=need[admitted], minlength=3)
    )
    yielded = admitted & (s.users.met_week == 5)
    np.testing.assert_array_equal(s.events["outreach_admitted"], np.bincount(org[yielded], minlength=3))


# ============================================================================================= 7. support
def supported_users(s):
    return np.flatnonzero(s.users.status == Status.SUPPORTED)


def test_support_lowers_need_faster_with_more_power_to_act():
    """need <- need (1 - support_effect x quality x (1 + power_resolution_effect x power))."""
    s, p = territory(resolve_threshold=0.0, chronic_end_rate=0.0)
    users = s.users
    supported = supported_users(s)
    users.chronic[supported] = False
    users.weeks_with_worker[supported] = 30
    power = np.resize([0.0, 1.0], supported.size)
    users.power[supported] = power
    before = users.need.copy()
    support.step(s, p, rng())
    relief = 1 - users.need[supported] / before[supported]
    quality = users.quality[supported]
    assert quality.min() > 0
    np.testing.assert_allclose(relief, p.support_effect * quality * (1 + p.power_resolution_effect * power))
    per_quality = relief / quality
    assert per_quality[power == 1.0].min() > per_quality[power == 0.0].max()


def test_chronic_needs_are_contained_not_resolved():
    s, p = territory(chronic_end_rate=0.0)
    users = s.users
    supported = supported_users(s)
    users.chronic[supported] = True
    users.need[supported] = 0.05  # below the resolution threshold: still not resolved
    users.weeks_with_worker[supported] = 30
    support.step(s, p, rng())
    assert np.all(users.status[supported] == Status.SUPPORTED)
    np.testing.assert_array_equal(users.need[supported], 0.05)  # it does not worsen either


def test_chronic_needs_end_at_their_rate_supported_or_not():
    rate = 0.1
    ended, total = {True: 0, False: 0}, {True: 0, False: 0}
    for seed in range(8):
        s, p = territory(
            seed=seed, chronic_end_rate=rate, spontaneous_exit_rate=0.0, need_arrival_rate=0.0, relapse_rate=0.0
        )
        users = s.users
        eligible = np.flatnonzero(users.status != Status.RESOLVED)
        users.chronic[eligible] = True
        for supported in (True, False):
            group = eligible[(users.status[eligible] == Status.SUPPORTED) == supported]
            total[supported] += group.size
        was_supported = users.status == Status.SUPPORTED
        support.step(s, p, rng(seed))
        for supported in (True, False):
            group = eligible[was_supported[eligible] == supported]
            ended[supported] += (users.status[group] == Status.RESOLVED).sum()
    for supported in (True, False):
        share = ended[supported] / total[supported]
        assert share == pytest.approx(rate, abs=4 * np.sqrt(rate * (1 - rate) / total[supported])), supported


def test_resolved_cases_close_and_free_the_worker():
    s, p = territory()
    users = s.users
    supported = supported_users(s)[:5]
    users.chronic[supported] = False
    users.need[supported] = 0.01
    users.participant[supported] = True
    workers = users.worker[supported].copy()
    load = s.workers.caseload.copy()
    closed = s.orgs.resolved_this_year.copy()
    s.week = 12
    support.step(s, p, rng())
    assert np.all(users.status[supported] == Status.RESOLVED) and np.all(users.worker[supported] == -1)
    assert not users.participant[supported].any() and np.all(users.resolved_week[supported] == 12)
    assert np.all(s.workers.caseload[workers] < load[workers])
    assert s.orgs.resolved_this_year.sum() >= closed.sum() + 5


def test_continuity_autonomy_engagement_and_time_make_better_support():
    s, p = territory()
    supported_by_org = s.per_catchment(s.users.status == Status.SUPPORTED)
    base = support.worker_quality(s, p, supported_by_org)
    active = posts_of(s, 0)
    varied = twin(s)
    varied.workers.engagement[active] = 0.0
    assert np.all(support.worker_quality(varied, p, supported_by_org)[active] < base[active])
    varied = twin(s)
    varied.orgs.autonomy[0] = 0.0
    assert np.all(support.worker_quality(varied, p, supported_by_org)[active] < base[active])
    varied = twin(s)
    varied.workers.caseload[active] = 4 * varied.workers.capacity[active]  # caseloads over face-to-face capacity
    assert np.all(support.worker_quality(varied, p, supported_by_org)[active] < base[active])
    # continuity: the same worker for longer
    supported = supported_users(s)
    s.users.weeks_with_worker[supported[::2]] = 0
    s.users.weeks_with_worker[supported[1::2]] = 100
    support.step(s, p, rng())
    assert s.users.quality[supported[::2]].max() == 0.0 < s.users.quality[supported[1::2]].min()


def test_unmet_needs_worsen_and_power_to_act_erodes_without_support():
    s, p = territory(spontaneous_exit_rate=0.0, chronic_end_rate=0.0, need_worsening=0.05, power_loss=0.1)
    users = s.users
    unmet = np.flatnonzero((users.status != Status.RESOLVED) & (users.status != Status.SUPPORTED))
    need, power = users.need[unmet].copy(), users.power[unmet].copy()
    support.step(s, p, rng())
    np.testing.assert_allclose(users.need[unmet], 0.95 * need + 0.05)
    np.testing.assert_allclose(users.power[unmet], 0.9 * power)


def test_support_builds_power_to_act_and_participation_more():
    s, p = territory()
    users = s.users
    supported = supported_users(s)
    users.weeks_with_worker[supported] = 30
    users.power[supported] = 0.3
    users.participant[supported[::2]] = True
    support.step(s, p, rng())
    still = users.status[supported] == Status.SUPPORTED
    gain = (users.power[supported] - 0.3) / np.maximum(users.quality[supported], 1e-12)
    np.testing.assert_allclose(gain[1::2][still[1::2]], p.power_gain * 0.7)
    np.testing.assert_allclose(gain[::2][still[::2]], p.power_gain * (1 + p.participation_power_boost) * 0.7)


def test_power_to_act_prevents_relapse():
    """Same draws: those with power to act relapse only where the powerless would, and less often."""
    s, p = territory(relapse_rate=0.2, power_relapse_effect=0.7)
    users = s.users
    s.week = 30
    recent = np.flatnonzero(users.status == Status.RESOLVED)
    users.resolved_week[recent] = 29
    relapsed = {}
    for power in (0.0, 1.0):
        users.power[recent] = power
        relapsed[power] = support.relapses(s, p, rng(5), recent)
    assert set(relapsed[1.0]) <= set(relapsed[0.0])
    assert relapsed[0.0].size == pytest.approx(0.2 * recent.size, abs=4 * np.sqrt(0.2 * recent.size))
    assert relapsed[1.0].size == pytest.approx(0.2 * 0.3 * recent.size, abs=4 * np.sqrt(0.06 * recent.size))
    users.resolved_week[recent] = 30 - p.relapse_weeks  # resolved too long ago: no relapse
    assert support.relapses(s, p, rng(5), recent).size == 0


def test_new_needs_arrive_per_resident_whatever_the_statuses():
    """K_j ~ Poisson(need_arrival_rate_j x need_factor x residents_j), however many residents already have a need."""
    rate, draws = 0.01, 400
    means = {}
    for eligible_share in (0.1, 0.7):
        s, p = territory(need_arrival_rate=rate, organisations={2: {"need_arrival_rate": 0.0}})
        set_needs(s, [eligible_share] * 3)
        no_need = np.flatnonzero(s.users.status == Status.RESOLVED)
        arrivals = np.zeros(3)
        for seed in range(draws):
            arrivals += np.bincount(s.users.org[support.arrivals(s, p, rng(seed), no_need)], minlength=3)
        means[eligible_share] = arrivals / draws
    expected = rate * s.catchment_size[:2]
    for share, mean in means.items():
        assert np.all(np.abs(mean[:2] - expected) < 4 * np.sqrt(expected / draws)), share
        assert mean[2] == 0.0  # an organisation's own arrival rate
    s.need_factor = 2.0
    doubled = np.mean([support.arrivals(s, p, rng(seed), no_need).size for seed in range(draws)])
    assert doubled == pytest.approx(2 * expected.sum(), abs=4 * np.sqrt(2 * expected.sum() / draws))


def test_a_new_need_keeps_ones_awareness_with_awareness_retention():
    for retention, status in ((1.0, Status.NOT_ASKING), (0.0, Status.UNAWARE)):
        s, p = territory(awareness_retention=retention)
        people = np.flatnonzero(s.users.status == Status.RESOLVED)
        s.users.aware[people] = True
        support.new_needs(s, p, rng(), people)
        assert np.all(s.users.status[people] == status)
        assert np.all(s.users.need[people] >= p.need_min)
    s, p = territory(awareness_retention=1.0)
    people = np.flatnonzero(s.users.status == Status.RESOLVED)
    s.users.aware[people] = False  # who never knew their rights does not learn them by needing them
    support.new_needs(s, p, rng(), people)
    assert np.all(s.users.status[people] == Status.UNAWARE)


def recognition(s, p, level, responsiveness):
    t = with_levers(twin(s), p.with_organisation(0, participation_level=level))
    t.orgs.responsiveness[:] = responsiveness
    support.step(t, p, rng())
    return t.workers.recognition[posts_of(t, 0)].mean()


def test_recognition_rises_with_real_participation_and_falls_with_tokenism():
    s, p = territory(recognition_tokenism=0.2)
    s.users.trust[:] = 0.8
    plain = recognition(s, p, 0, 0.0)
    assert recognition(s, p, 7, 1.0) > plain  # real participation: users' recognition
    assert recognition(s, p, 7, 0.0) < plain  # a façade: offered, not acted on


# ========================================================================================== 8. engagement
DEMAND_WEIGHTS = ("jdr_load", "jdr_reporting", "jdr_emotional", "jdr_insecurity")
RESOURCE_WEIGHTS = ("jdr_autonomy", "jdr_face_to_face", "jdr_recognition", "jdr_team", "jdr_style")


def working_territory():
    """A territory whose every demand and resource is positive for every worker in post."""
    s, p = territory()
    active = s.workers.active
    s.workers.caseload[active] = np.maximum(s.workers.caseload[active], 3)
    s.workers.emotional_load[active] = 0.5
    s.workers.recognition[active] = 0.5
    s.orgs.insecurity[:] = 0.3
    return s, p


@pytest.mark.parametrize("weight", DEMAND_WEIGHTS + RESOURCE_WEIGHTS)
def test_each_jdr_weight_moves_demands_or_resources_the_way_it_says(weight):
    s, p = working_territory()
    filled = engagement.workers_by_team(s)
    demands, resources = engagement.demands_and_resources(s, p, filled)
    more = p.replace(**{weight: getattr(p, weight) + 0.1})
    demands2, resources2 = engagement.demands_and_resources(s, more, filled)
    active = s.workers.active
    moved, kept = (demands2, resources2) if weight in DEMAND_WEIGHTS else (resources2, demands2)
    before_moved, before_kept = (demands, resources) if weight in DEMAND_WEIGHTS else (resources, demands)
    assert np.all(moved[active] > before_moved[active])
    np.testing.assert_array_equal(kept, before_kept)


def test_job_demands_rise_with_load_reporting_emotions_and_insecurity():
    s, p = working_territory()
    filled = engagement.workers_by_team(s)
    demands, _ = engagement.demands_and_resources(s, p, filled)
    active = s.workers.active
    for table, column, more in (
        ("workers", "caseload", 2),
        ("orgs", "reporting", 0.1),
        ("workers", "emotional_load", 0.2),
        ("orgs", "insecurity", 0.3),
    ):
        t = twin(s)
        getattr(getattr(t, table), column)[:] += more
        assert np.all(engagement.demands_and_resources(t, p, filled)[0][active] > demands[active]), column


def test_vacancies_leave_colleagues_alone_less_team_support():
    s, p = working_territory()
    filled = engagement.workers_by_team(s)
    _, resources = engagement.demands_and_resources(s, p, filled)
    leaver = posts_of(s, 0)[0]
    team = s.workers.team[leaver]
    s.workers.active[leaver] = False
    filled = engagement.workers_by_team(s)
    _, fewer = engagement.demands_and_resources(s, p, filled)
    mates = np.flatnonzero(s.workers.active & (s.workers.team == team))
    assert np.all(fewer[mates] < resources[mates])
    assert np.all(engagement.team_support(s, filled)[mates] < 1.0)


def test_exhaustion_moves_toward_demands_engagement_toward_resources():
    s, p = working_territory()
    p = p.replace(jdr_noise=0.0, team_contagion=0.0, jdr_rate=0.5)
    demands, resources = engagement.demands_and_resources(s, p, engagement.workers_by_team(s))
    exhaustion, engaged = s.workers.exhaustion.copy(), s.workers.engagement.copy()
    engagement.step(s, p, rng())
    a = s.workers.active
    np.testing.assert_allclose(s.workers.exhaustion[a], np.clip(exhaustion + 0.5 * (demands - exhaustion), 0, 1)[a])
    target = np.clip(p.vocation + (1 - p.vocation) * resources - p.exhaustion_drag * exhaustion, 0, 1)
    np.testing.assert_allclose(s.workers.engagement[a], np.clip(engaged + 0.5 * (target - engaged), 0, 1)[a])
    assert not s.workers.exhaustion[~a].any() and not s.workers.engagement[~a].any()


def test_jdr_noise_has_the_declared_standard_deviation():
    shocks = []
    for seed in range(40):
        s, p = working_territory()
        p = p.replace(team_contagion=0.0)
        s.workers.exhaustion[s.workers.active] = 0.5
        s.workers.engagement[s.workers.active] = 0.5
        demands, resources = engagement.demands_and_resources(s, p, engagement.workers_by_team(s))
        quiet = twin(s)
        engagement.step(s, p, rng(seed))
        engagement.step(quiet, p.replace(jdr_noise=0.0), rng(seed))
        a = s.workers.active
        shocks.append(
            np.stack(
                [
                    s.workers.exhaustion[a] - quiet.workers.exhaustion[a],
                    s.workers.engagement[a] - quiet.workers.engagement[a],
                ]
            )
        )
    shocks = np.concatenate(shocks, axis=1)
    n = shocks.shape[1]
    for row in shocks:
        assert row.std() == pytest.approx(p.jdr_noise, rel=4 / np.sqrt(2 * n))
        assert abs(row.mean()) < 4 * p.jdr_noise / np.sqrt(n)


def test_states_spread_within_teams():
    s, p = working_territory()
    p = p.replace(jdr_noise=0.0, team_contagion=0.5)
    one = posts_of(s, 0)[0]
    s.workers.exhaustion[s.workers.active] = 0.2
    s.workers.exhaustion[one] = 0.9
    alone = twin(s)
    engagement.step(s, p, rng())
    engagement.step(alone, p.replace(team_contagion=0.0), rng())
    mates = np.flatnonzero(s.workers.active & (s.workers.team == s.workers.team[one]))
    mates = mates[mates != one]
    assert np.all(s.workers.exhaustion[mates] > alone.workers.exhaustion[mates])
    assert s.workers.exhaustion[one] < alone.workers.exhaustion[one]


# ============================================================================================ 9. turnover
def test_exogenous_and_job_driven_departures_add_up_to_the_total_hazard():
    """A worker leaves w.p. 1 - (1 - h_exo)(1 - h_job); the two counts are disjoint and add up to the leavers."""
    s, p = territory(quit_exogenous=0.02, quit_base=0.05)
    active = np.flatnonzero(s.workers.active)
    s.orgs.insecurity[:] = [0.0, 0.2, 0.5]
    insecurity = s.orgs.insecurity[s.workers.org[active]]
    h_job = turnover.job_hazard(
        p, s.workers.exhaustion[active], s.workers.engagement[active], s.workers.expectation[active], insecurity
    )
    exogenous, job = turnover.departures(s, p, rng(3))
    assert not set(exogenous) & set(job)
    u = rng(3).random(active.size)  # the same draws
    np.testing.assert_array_equal(np.sort(np.concatenate((exogenous, job))), active[u < 1 - (1 - 0.02) * (1 - h_job)])
    np.testing.assert_array_equal(exogenous, active[u < 0.02])


def test_exogenous_departures_have_nothing_to_do_with_the_job():
    left = {}
    for exhaustion in (0.0, 1.0):
        s, p = territory(quit_exogenous=0.02, quit_base=0.01)
        s.workers.exhaustion[s.workers.active] = exhaustion
        left[exhaustion] = turnover.departures(s, p, rng(8))
    np.testing.assert_array_equal(left[0.0][0], left[1.0][0])
    assert set(left[0.0][1]) <= set(left[1.0][1]) and left[1.0][1].size > left[0.0][1].size


def test_job_hazard_rises_with_exhaustion_and_an_unmet_expectation_of_meaning():
    p = small().params
    h = turnover.job_hazard(
        p,
        np.array([0.2, 0.8, 0.2, 0.2, 0.2]),
        np.array([0.7, 0.7, 0.2, 0.9, 0.7]),
        np.array([0.7, 0.7, 0.7, 0.7, 0.7]),
        np.array([0.0, 0.0, 0.0, 0.0, 0.5]),
    )
    assert h[1] > h[0] and h[2] > h[0] and h[4] > h[0]
    assert h[3] == h[0]  # only the gap counts: more meaning than expected does not retain more
    assert h[0] == pytest.approx(p.quit_base * np.exp(p.quit_exhaustion * 0.2))
    assert h[4] / h[0] == pytest.approx(np.exp(p.quit_insecurity * 0.5))


def test_job_insecurity_raises_the_job_driven_hazard():
    left = {}
    for insecurity in (0.0, 1.0):
        s, p = territory(quit_exogenous=0.0, quit_base=0.02)
        s.orgs.insecurity[:] = insecurity
        left[insecurity] = turnover.departures(s, p, rng(8))[1]
    assert set(left[0.0]) <= set(left[1.0]) and left[1.0].size > left[0.0].size


def vacate(s, p, share=0.5):
    """Empty a share of each organisation's filled posts (their users handed over)."""
    leavers = np.concatenate([posts_of(s, j)[: int(share * posts_of(s, j).size)] for j in range(3)])
    turnover.leave(s, p, leavers, rng())
    return leavers


def test_a_departure_empties_the_post():
    s, p = territory()
    leavers = vacate(s, p)
    w = s.workers
    assert not w.active[leavers].any() and not w.caseload[leavers].any()
    assert not (w.engagement[leavers].any() or w.exhaustion[leavers].any() or w.tenure[leavers].any())
    np.testing.assert_array_equal(np.sort(s.left), np.sort(leavers))


def test_frozen_organisations_do_not_hire():
    s, p = territory(hire_rate=1.0, recruitment_difficulty=0.0)
    vacate(s, p)
    s.workers.engagement[s.workers.active] = 1.0  # p_fill = 1 where hiring is open
    s.orgs.frozen[:] = [True, False, False]
    staff = s.headcount().copy()
    hired = turnover.hire(s, p, rng())
    assert not (s.workers.org[hired] == 0).any() and s.headcount()[0] == staff[0]
    np.testing.assert_array_equal(s.headcount()[1:], s.orgs.posts[1:])


def test_recruitment_difficulty_slows_hiring():
    """Expected hires scale with (1 - difficulty): ten times fewer at 0.9 than at 0, over many draws."""
    hired = {}
    for difficulty in (0.0, 0.9):
        s, p = territory(recruitment_difficulty=difficulty)
        total = 0
        for seed in range(40):
            t = twin(s)
            vacate(t, p, share=0.75)
            total += turnover.hire(t, p, rng(seed)).size
        hired[difficulty] = total
    assert hired[0.0] > 5 * max(hired[0.9], 1)


def test_new_hires_fill_the_lowest_numbered_vacancies_motivated_and_rested():
    s, p = territory(hire_rate=1.0, recruitment_difficulty=0.0)
    vacate(s, p)
    s.workers.engagement[s.workers.active] = 1.0
    empty_funded = [
        np.flatnonzero(~s.workers.active & (s.workers.org == j))[: s.orgs.posts[j] - s.headcount()[j]] for j in range(3)
    ]
    hired = turnover.hire(s, p, rng())
    np.testing.assert_array_equal(np.sort(hired), np.sort(np.concatenate(empty_funded)))
    assert np.all(s.workers.engagement[hired] == p.new_hire_engagement)
    assert np.all(s.workers.exhaustion[hired] == p.new_hire_exhaustion)
    assert not s.workers.caseload[hired].any()


def test_recruitment_panels_pull_expectations_toward_the_organisation_meaning():
    s, p = territory(hire_rate=1.0, recruitment_difficulty=0.0)
    vacate(s, p)
    s.workers.engagement[s.workers.active] = 0.2  # what the job gives in every organisation
    panels = with_levers(twin(s), p.with_organisation(0, recruitment_panels=True))
    hired = turnover.hire(s, p, rng(2))
    hired_panels = turnover.hire(panels, p, rng(2))
    np.testing.assert_array_equal(hired, hired_panels)
    at_0 = hired[s.workers.org[hired] == 0]
    plain, fitted = s.workers.expectation[at_0], panels.workers.expectation[at_0]
    np.testing.assert_allclose(fitted, (1 - p.panel_fit) * plain + p.panel_fit * 0.2)
    assert np.all(fitted < plain)
    elsewhere = hired[s.workers.org[hired] != 0]
    np.testing.assert_array_equal(panels.workers.expectation[elsewhere], s.workers.expectation[elsewhere])


def test_a_leaver_users_go_to_team_mates_up_to_the_cap_heaviest_first_the_rest_wait():
    s, p = territory()
    users, workers = s.users, s.workers
    leaver = int(posts_of(s, 0)[0])
    mates = np.flatnonzero(workers.active & (workers.team == workers.team[leaver]))
    mates = mates[mates != leaver]
    cap = int(workers.caseload[mates].max()) + 1
    s.levers.caseload_cap[0] = cap
    room = (cap - workers.caseload[mates]).sum()
    more = np.flatnonzero((users.org == 0) & (users.status == Status.RESOLVED))[: room + 3]
    give_needs(s, more, need=0.5, status=Status.WAITING)
    users.need[more] = np.linspace(0.3, 0.9, more.size)
    intake.assign(s, more, np.full(more.size, leaver))  # a heavy caseload for the leaver
    orphans = np.flatnonzero(users.worker == leaver)
    assert 0 < room < orphans.size  # some are taken, some must wait
    trust, need = users.trust[orphans].copy(), users.need[orphans].copy()
    workers.active[leaver] = False
    turnover.hand_over(s, p, np.array([leaver]), rng())
    taken = users.status[orphans] == Status.SUPPORTED
    assert taken.sum() == room and np.all(np.isin(users.worker[orphans[taken]], mates))
    assert np.all(workers.caseload[mates] == cap)
    assert need[taken].min() >= need[~taken].max()  # the heaviest situations first
    assert np.all(users.status[orphans[~taken]] == Status.WAITING) and np.all(users.worker[orphans[~taken]] == -1)
    assert np.all(users.weeks_with_worker[orphans[taken]] == 0)  # continuity is broken
    np.testing.assert_allclose(users.trust[orphans], trust * (1 - p.trust_loss_worker_left))
    np.testing.assert_array_equal(
        workers.caseload, np.bincount(users.worker[users.worker >= 0], minlength=workers.org.size)
    )


def test_the_turnover_step_counts_departures_tenure_and_paid_weeks():
    s, p = territory(quit_exogenous=0.02, quit_base=0.02, hire_rate=0.0)
    staff = s.headcount().copy()
    tenure = s.workers.tenure.copy()
    turnover.step(s, p, rng(1))
    left = staff - s.headcount()
    np.testing.assert_array_equal(s.events["quits_exogenous"] + s.events["quits_job"], left)
    assert left.sum() > 0
    stay = s.workers.active
    np.testing.assert_array_equal(s.workers.tenure[stay], tenure[stay] + 1)
    np.testing.assert_array_equal(s.orgs.paid_weeks, s.headcount())


# ======================================================================================== 10. participation
def test_responsiveness_tracks_its_target_which_each_organisation_pressure_lowers():
    s, p = territory(organisations={0: {"reporting_pressure": 0.6}, 1: {"reporting_pressure": 0.1}})
    s.orgs.style[:] = 0.5
    s.orgs.responsiveness[:] = 0.0
    participation.update_responsiveness(s, p)
    target = np.clip(
        p.responsiveness_base
        + p.responsiveness_style * 0.5
        - p.responsiveness_pressure * s.levers.reporting_pressure
        - p.responsiveness_standardisation * s.levers.standardisation,
        0,
        1,
    )
    np.testing.assert_allclose(s.orgs.responsiveness, target / p.responsiveness_weeks)
    assert s.orgs.responsiveness[0] < s.orgs.responsiveness[2] < s.orgs.responsiveness[1]
    s.orgs.responsiveness[:] = target
    participation.update_responsiveness(s, p)
    np.testing.assert_allclose(s.orgs.responsiveness, target)  # at its target it stays


def test_responsiveness_rises_with_style_and_falls_with_standardisation():
    s, p = territory(organisations={1: {"standardisation": 1.0}}, reporting_pressure=0.1)
    s.orgs.style[:] = [0.9, 0.5, 0.5]
    s.orgs.responsiveness[:] = 0.0
    participation.update_responsiveness(s, p)
    r = s.orgs.responsiveness
    assert r[0] > r[2] > r[1]


def test_uptake_rises_with_trust_power_and_responsiveness():
    s, p = territory()
    people = catchment(s, 0)[:1]
    base = participation.uptake(s, p, people)[0]
    for table, column in (("users", "trust"), ("users", "power"), ("orgs", "responsiveness")):
        t = twin(s)
        getattr(getattr(t, table), column)[:] += 0.1
        assert participation.uptake(t, p, people)[0] > base, column


def test_only_the_supported_and_peer_workers_take_part_and_more_where_more_is_offered():
    s, p = territory(
        organisations={0: {"participation_level": 0}, 1: {"participation_level": 7}}, participation_join_rate=1.0
    )
    users = s.users
    users.trust[:] = 0.9
    users.power[:] = 0.9
    peer = np.flatnonzero(users.status == Status.RESOLVED)[:3]
    users.peer_worker[peer] = True
    stranger = np.flatnonzero(users.status == Status.NOT_ASKING)[:5]
    users.participant[stranger] = True  # not supported: cannot sit in governance
    participation.update_participants(s, p, rng())
    eligible = (users.status == Status.SUPPORTED) | users.peer_worker
    assert not users.participant[~eligible].any()
    org = users.org
    assert not users.participant[org == 0].any()  # nothing offered: nobody joins
    assert users.participant[(org == 1) & eligible].mean() > users.participant[(org == 2) & eligible].mean()


def test_uptake_withers_where_taking_part_changes_nothing():
    left = {}
    for responsiveness in (0.0, 1.0):
        s, p = territory(participation_join_rate=0.5)
        supported = supported_users(s)
        s.users.participant[supported] = True
        s.orgs.responsiveness[:] = responsiveness
        participation.update_participants(s, p, rng(3))
        left[responsiveness] = np.flatnonzero(~s.users.participant[supported])
    assert set(left[1.0]) <= set(left[0.0]) and left[0.0].size > left[1.0].size


def test_tokenism_lowers_participants_trust_real_participation_raises_it():
    s, p = territory(participation_level=7)
    users = s.users
    users.participant[:] = False
    people = np.concatenate([catchment(s, j)[:10] for j in range(3)])
    users.participant[people] = True
    users.trust[:] = 0.5
    s.orgs.responsiveness[:] = [0.0, 1.0, 0.5]  # tokenism 1, 0, 0.5
    participation.participants_trust(s, p)
    trust = users.trust
    org = users.org
    np.testing.assert_allclose(trust[people[org[people] == 0]], 0.5 - p.tokenism_trust_loss * 0.5)
    np.testing.assert_allclose(trust[people[org[people] == 1]], 0.5 + p.participation_trust_gain * 0.5)
    assert np.all(np.delete(trust, people) == 0.5)  # non-participants: nothing happens to them here


def test_co_built_evaluation_and_budget_mature_toward_real_participation():
    s, p = territory(organisations={0: {"cobuilt_budget": True}}, participation_level=7)
    s.orgs.responsiveness[:] = 1.0
    s.orgs.coevaluation[:] = 0.0
    s.orgs.cobudget[:] = 0.0
    participation.mature(s, p)
    np.testing.assert_allclose(s.orgs.coevaluation, 1 / p.cobuild_weeks)
    np.testing.assert_allclose(s.orgs.cobudget, [1 / p.cobuild_weeks, 0.0, 0.0])  # only with a co-built budget


def test_reciprocity_grows_community_hours_with_real_participation_and_trust():
    hours = {}
    for realised, trust in ((0.0, 0.5), (1.0, 0.5), (1.0, 0.9)):
        s, p = territory(funding_market=0.4, funding_redistribution=0.4, funding_reciprocity=0.2, participation_level=7)
        s.orgs.responsiveness[:] = realised
        s.users.trust[:] = trust
        s.orgs.community_hours[:] = 0.0
        participation.mature(s, p)
        hours[realised, trust] = s.orgs.community_hours.copy()
    assert np.all(hours[0.0, 0.5] > 0)  # the floor: some reciprocity anyway
    assert np.all(hours[1.0, 0.5] > hours[0.0, 0.5]) and np.all(hours[1.0, 0.9] > hours[1.0, 0.5])
    s, p = territory()  # no reciprocity money: no community hours
    participation.mature(s, p)
    assert not s.orgs.community_hours.any()


def peer_workers(organisations=None, **changes):
    s, p = territory(organisations=organisations, participation_level=7, **changes)
    people = np.concatenate([catchment(s, j)[:2] for j in range(3)])
    s.users.peer_worker[people] = True
    return s, p, people


def test_peer_workers_leave_faster_under_tokenism():
    left = {}
    for responsiveness in (1.0, 0.0):
        s, p, people = peer_workers(peer_worker_programme=True, peer_worker_leave_rate=0.3, peer_worker_rate=0.0)
        s.orgs.responsiveness[:] = responsiveness
        participation.update_peer_workers(s, p, rng(6))
        left[responsiveness] = set(people[~s.users.peer_worker[people]])
    assert left[1.0] <= left[0.0] and len(left[0.0]) > len(left[1.0])


def test_all_peer_workers_leave_when_the_programme_stops():
    s, p, people = peer_workers(
        organisations={0: {"peer_worker_programme": False}}, peer_worker_programme=True, peer_worker_leave_rate=0.0
    )
    participation.update_peer_workers(s, p, rng())
    org = s.users.org[people]
    assert not s.users.peer_worker[people[org == 0]].any()
    assert s.users.peer_worker[people[org != 0]].all()


def test_able_supported_participants_become_peer_workers_up_to_the_cap():
    s, p = territory(peer_worker_programme=True, peer_worker_rate=1.0, peer_worker_max_share=0.02)
    users = s.users
    supported = supported_users(s)
    users.participant[supported] = True
    users.power[supported] = 0.9
    users.power[supported[::2]] = p.peer_worker_power  # not above the threshold
    participation.update_peer_workers(s, p, rng())
    cap = np.floor(0.02 * s.catchment_size)
    np.testing.assert_array_equal(np.bincount(users.org[users.peer_worker], minlength=3), cap)
    assert not users.peer_worker[supported[::2]].any()
    assert np.all(users.status[users.peer_worker] == Status.SUPPORTED)


def test_participation_level_brings_participants_co_evaluation_and_less_reporting_over_time():
    s, p = territory(
        organisations={0: {"participation_level": 7}, 1: {"participation_level": 1}},
        reporting_pressure=0.1,
        standardisation=0.2,  # where participants' requests are acted on
    )
    s.users.trust[:] = 0.8
    s.users.power[:] = 0.8
    r = rng(0)
    early = None
    for week in range(104):
        management.step(s, p, r)
        participation.step(s, p, r)
        if week == 0:
            early = s.orgs.reporting.copy()
    supported = s.users.status == Status.SUPPORTED
    org = s.users.org
    assert s.users.participant[supported & (org == 0)].mean() > s.users.participant[supported & (org == 1)].mean()
    assert s.orgs.coevaluation[0] > s.orgs.coevaluation[1] + 0.3  # co-built evaluation takes time ...
    assert s.orgs.reporting[0] < 0.8 * early[0]  # ... and then relieves reporting
