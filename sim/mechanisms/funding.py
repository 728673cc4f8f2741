"""1. Funding (yearly, funders -> organisations): the funding mix, calls for projects, the budget scissors.

At the first week of every year (weeks w with (w - 1) mod 52 = 0: 1, 53, 105, ...,
and -51, -103, ... in the spin-up), except the run's very first week, with
organisation j's normalised weights (m_j, r_j, c_j) of ``funding_market``,
``funding_redistribution`` and ``funding_reciprocity`` for market,
redistribution and reciprocity (Polanyi, via the essay's hybridisation
strategy; each organisation may be funded by its own mix, the territory's
otherwise):

    B       <- B (1 + budget_growth),             cost_j <- cost_j (1 + cost_growth_j),
    B_j      = B (m'_j s_j + (1 - m'_j) n_j / sum(n)) / sum_k(...),     m'_j = m_j (1 - cobudget_shift x cobudget_j),

s_j being j's share of the market envelope, n_j its assessed needs (eligible
users of its catchment) and cobudget_j the maturity of its co-built budget
(:mod:`participation`): a co-built budget moves the funder's allocation toward
assessed needs (essay §4). The allocation is renormalised to the total B.

**Calls for projects** (every ``call_for_projects_period`` years; HPST law;
essay §2, "one euro must produce a measurable result") put a share T =
``cfp_transfer`` of the bidders' market envelope back in competition; it goes
to each bidder in proportion to its share times its efficiency, the cases it
closed per unit of cost over the year (replicator dynamics: the more efficient
than average grow, the others shrink):

    score_j = resolved_j / (cost_j x max(1, worker-years_j)),   s_j <- (1 - T) s_j + T S s_j score_j / sum_k(s_k score_k),

S the bidders' total share, among the organisations that may bid: all of them, except for-profit ones when
``cfp_open_to_for_profit`` is off (their share is then frozen). A for-profit
organisation keeps a margin ``for_profit_margin`` of its budget and pays
``for_profit_cost_ratio`` times the cost of a post: it bids with a lower cost
per case (essay §2: the opening to the for-profit sector, Orpéa).

**Budget scissors** (essay §2: wages after Ségur, energy; MODEL.md §3.1).
First, before budgets and costs move, reserves (months of spending) take the
past year's balance, what the budget paid for posts minus what the workers in
post cost:

    R_j <- min(R_max, R_j + 12 ((m_j + r_j) B_j (1 - margin_j) - cost_j x worker-years_j) / (cost_j x max(1, posts_j))),

R_max = ``reserves_max_months`` (there is no floor: reserves may be overdrawn).

Reciprocity money funds community hours, not posts. The new budget pays
``affordable_j = floor((m_j + r_j) B_j (1 - margin_j) / cost_j)`` posts. Then,
with H_j the workers in post and P_j the posts funded so far, the
organisation keeps posts_j = min(affordable_j, room_j) funded posts:

* a budget that pays more posts opens them (they are filled by hiring);
* a budget that pays fewer posts than the staff in post (affordable_j < H_j)
  brings a hiring freeze: no one is hired until departures bring the staff
  down to what the budget pays, and reserves pay the difference meanwhile;
* once reserves have fallen to ``reserve_cut_months``, the surplus
  H_j - affordable_j workers are laid off (chosen at random): posts are cut;

and hiring is frozen for the year whenever R_j < ``reserve_freeze_months`` (an
organisation with exhausted reserves freezes hiring). Job insecurity of j's
workers for the year, from the share of its posts the budget no longer pays:
``insecurity_j = min(1, insecurity_scale x max(0, 1 - affordable_j / P_j))``, a
demand in :mod:`engagement` and a reason to leave in :mod:`turnover`.

Needs grow: the weekly inflow of needs is multiplied by ``1 + need_growth`` (``territory.need_factor``).
During the spin-up (``territory.stationary``) budgets, costs and needs do not
grow; calls for projects and reserves work as usual.
"""

from __future__ import annotations

import numpy as np

from sim.constants import MONTHS_PER_YEAR, WEEKS_PER_YEAR
from sim.mechanisms._common import clip, rank_in_groups
from sim.mechanisms.turnover import leave
from sim.params import Params
from sim.state import Status, Territory, affordable_posts


def is_funding_week(week: int, first_week: int = 1) -> bool:
    """Funding runs at the start of every year (weeks 1, 53, 105, ... and -51, -103, ... in the spin-up),
    except the run's first week, when budgets have just been set."""
    return week != first_week and (week - 1) % WEEKS_PER_YEAR == 0


def call_for_projects(s: Territory, p: Params, worker_years: np.ndarray) -> None:
    """Move part of the market envelope toward the organisations closing most cases per unit of cost."""
    orgs = s.orgs
    bidders = ~orgs.for_profit | p.cfp_open_to_for_profit
    score = np.where(bidders, orgs.resolved_this_year / (orgs.cost * np.maximum(worker_years, 1.0)), 0.0)
    bids = orgs.market_share * score
    if bids.sum() <= 0:
        return
    pool = orgs.market_share[bidders].sum()
    moved = p.cfp_transfer * pool * bids / bids.sum()
    orgs.market_share = np.where(bidders, (1.0 - p.cfp_transfer) * orgs.market_share + moved, orgs.market_share)


def allocate(s: Territory, p: Params, total: float) -> np.ndarray:
    """Each organisation's budget: market share and assessed needs, a co-built budget leaning to needs."""
    orgs = s.orgs
    needs = s.per_catchment(s.users.status != Status.RESOLVED).astype(np.float64)
    n_orgs = needs.size
    need_share = needs / needs.sum() if needs.sum() > 0 else np.full(n_orgs, 1.0 / n_orgs)
    m = s.levers.market * (1.0 - p.cobudget_shift * orgs.cobudget)
    raw = m * orgs.market_share + (1.0 - m) * need_share
    return total * raw / raw.sum()


def take_balance(s: Territory, p: Params, worker_years: np.ndarray) -> None:
    """Reserves take the year's balance: what the budget paid for posts minus what the workers in post cost."""
    orgs = s.orgs
    paid = s.levers.market + s.levers.redistribution  # the budget's share that pays posts
    margin = np.where(orgs.for_profit, p.for_profit_margin, 0.0)
    balance = paid * orgs.budget * (1.0 - margin) - orgs.cost * worker_years
    yearly_cost = orgs.cost * np.maximum(orgs.posts, 1)
    orgs.reserves = np.minimum(p.reserves_max_months, orgs.reserves + MONTHS_PER_YEAR * balance / yearly_cost)


def set_posts(s: Territory, p: Params, rng: np.random.Generator) -> None:
    """Posts follow what the new budget pays: open posts, freeze hiring, or cut posts once reserves are spent."""
    orgs = s.orgs
    affordable = affordable_posts(p, orgs.budget, orgs.cost, orgs.for_profit)
    staff = s.headcount()
    room = np.diff(np.append(orgs.position_start, s.workers.org.size))
    cut = (affordable < staff) & (orgs.reserves <= p.reserve_cut_months)
    orgs.posts_cut = np.where(cut, staff - affordable, 0)
    s.events["posts_cut"] = orgs.posts_cut.astype(np.float64)
    orgs.frozen = orgs.reserves < p.reserve_freeze_months
    orgs.insecurity = clip(p.insecurity_scale * np.maximum(0.0, 1.0 - affordable / np.maximum(orgs.posts, 1)))
    orgs.posts = np.minimum(affordable, room).astype(np.int32)
    if orgs.posts_cut.any():
        lay_off(s, p, rng)


def lay_off(s: Territory, p: Params, rng: np.random.Generator) -> None:
    """Remove ``posts_cut_j`` workers of each organisation at random; their users are handed over."""
    workers, orgs = s.workers, s.orgs
    active = workers.active.nonzero()[0]
    order = active[np.lexsort((rng.random(active.size), workers.org[active]))]
    org = workers.org[order]
    rank = rank_in_groups(org, orgs.posts_cut.size)
    leave(s, p, order[rank < orgs.posts_cut[org]], rng)


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    """The yearly budget round (MODEL.md §3.1)."""
    if not is_funding_week(s.week, s.first_week):
        return
    orgs = s.orgs
    worker_years = orgs.paid_weeks / WEEKS_PER_YEAR
    take_balance(s, p, worker_years)
    total = orgs.budget.sum()
    if not s.stationary:
        total *= 1.0 + p.budget_growth
        orgs.cost = orgs.cost * (1.0 + s.levers.cost_growth)
        s.need_factor *= 1.0 + p.need_growth
    year = (s.week - 1) // WEEKS_PER_YEAR
    if year % p.call_for_projects_period == 0:
        call_for_projects(s, p, worker_years)
    orgs.budget = allocate(s, p, total)
    set_posts(s, p, rng)
    orgs.resolved_this_year[:] = 0
    orgs.paid_weeks[:] = 0
