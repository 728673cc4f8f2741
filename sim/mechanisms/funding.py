"""1. Funding (yearly): budgets follow the funding mix (Polanyi's three principles).

Every 52 weeks the public budget grows: ``B <- B (1 + budget_growth)``. With
normalised weights (m, r, c) for market, redistribution and reciprocity, the
budget of organisation j is

    B_j = B (m s_j + r n_j / sum(n) + c n_j / sum(n)),

where s_j is j's share of the market envelope and n_j its assessed needs
(eligible users in its catchment). Every ``call_for_projects_period`` years a
call for projects moves a share ``cfp_transfer`` of the market envelope toward
the organisations with the best indicator (cases closed per post over the
year, which cream-skimming raises): ``s_j <- (1 - T) s_j + T perf_j / sum(perf)``
(essay §2: calls for projects, HPST law; NPM's "one euro must produce a
measurable result").

Market and redistribution money funds casework posts:
``posts_j = min(round((m + r) B_j), room_j)``, room_j being the organisation's
positions (three times its initial budget, :data:`sim.state.POST_HEADROOM`). Reciprocity grants fund community projects
whose volunteer and peer hours are built up in :mod:`participation`. Budget
growth below the growth of needs (:attr:`need_growth`) is austerity.

Reserves (months of cash) grow with the salaries of vacant posts and shrink
when headcount exceeds funded posts: ``R_j <- R_j + 12 (posts_j - headcount_j) / max(posts_j, 1)``.
"""

from __future__ import annotations

import numpy as np

from sim.params import Params
from sim.state import Status, Territory, funded_posts

WEEKS_PER_YEAR = 52


def is_funding_week(week: int) -> bool:
    """Funding runs at the start of every year after the first (weeks 53, 105, ...)."""
    return week > 1 and (week - 1) % WEEKS_PER_YEAR == 0


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    """Yearly budget round; also grows the arrival rate of needs (need_growth)."""
    if not is_funding_week(s.week):
        return
    orgs, users, workers = s.orgs, s.users, s.workers
    n_orgs = orgs.budget.size
    s.need_rate *= 1.0 + p.need_growth
    posts = np.maximum(orgs.posts, 1)
    orgs.reserves += 12.0 * (orgs.posts - s.headcount()) / posts
    total = orgs.budget.sum() * (1.0 + p.budget_growth)
    year = (s.week - 1) // WEEKS_PER_YEAR
    if year % p.call_for_projects_period == 0:
        perf = orgs.resolved_this_year / posts
        if perf.sum() > 0:
            orgs.market_share = (1 - p.cfp_transfer) * orgs.market_share + p.cfp_transfer * perf / perf.sum()
    needs = s.per_catchment(users.status != Status.RESOLVED).astype(float)
    need_share = needs / needs.sum() if needs.sum() > 0 else np.full(n_orgs, 1.0 / n_orgs)
    m, r, c = p.funding_weights
    orgs.budget = total * (m * orgs.market_share + (r + c) * need_share)
    room = np.diff(np.append(orgs.position_start, workers.org.size))
    orgs.posts = np.minimum(funded_posts(p, orgs.budget), room).astype(np.int32)
    orgs.resolved_this_year[:] = 0
