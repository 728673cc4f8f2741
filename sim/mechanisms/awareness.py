"""4. Awareness (users, non-connaissance): learning of one's rights; outreach in neighbourhoods.

**Outreach** (aller-vers, essay §4; MODEL.md §3.4). Organisation j's weekly
outreach hours pool its workers' time, the community hours given to outreach
and its peer workers' hours:

    hours_j = outreach_share_j x hours_per_week x H_j + c_o community hours_j + h_pw peer workers_j,

(c_o = ``community_outreach_share``, h_pw = ``peer_worker_hours``). A share a_j
= ``outreach_accompanied`` of contacts are *accompanied* (the worker also helps
with the procedure) and take ``accompanied_time_factor`` = f times as long as an
*information* contact, so the week brings

    contacts_j = hours_j x contacts_per_hour / (1 - a_j + a_j f)

contacts. Outreach goes to neighbourhoods, not to random individuals: the
contacts are made in V_j ~ Poisson(contacts_j / visit_size) visits, each at a
place drawn uniformly in the catchment, meeting the ``visit_size`` neighbours
that live there (consecutive users of the catchment's block of the ring,
wrapping within the catchment); each visit is accompanied with probability a_j.
The same streets can be visited again while others are not. A person met
records the week (``met_week``) and the mode (``met_accompanied``) and learns
their rights, even with no current need (they will know them if one arises).
One met while eligible and neither supported nor waiting is *reached*
(``reached_week``): ``accompaniment_weeks`` later their take-up cohort closes,
counting each of them once among the reached and, if they asked in between
(:mod:`demand`), among the reached who asked: outreach's take-up is then a
share of the same people, in the same week.

**Learning from others.** An unaware eligible user learns of their rights with

    p_learn = 1 - (1 - b_peer)^(aware peers) (1 - b_pw)^(peer-worker ties) = 1 - exp(-H),
    H = -ln(1 - b_peer) aware peers - ln(1 - b_pw) peer-worker ties

(MODEL.md §7: b_peer = ``learn_from_peer``, b_pw = ``learn_from_peer_worker``);
a user learns when an Exp(1) draw falls below H, which has that probability.
Newly aware users move from ``UNAWARE`` to ``NOT_ASKING``. What a contact does
to trust and to the cost of asking is applied in :mod:`demand`.
"""

from __future__ import annotations

import math

import numpy as np

from sim.mechanisms._common import sorted_unique
from sim.params import Params
from sim.state import Status, Territory


def outreach_hours(s: Territory, p: Params) -> np.ndarray:
    """Outreach hours a week in each organisation's catchment (workers, community, peer workers)."""
    return (
        s.levers.outreach_share * p.hours_per_week * s.headcount()
        + p.community_outreach_share * s.orgs.community_hours
        + p.peer_worker_hours * s.per_catchment(s.users.peer_worker)
    )


def outreach_contacts(s: Territory, p: Params) -> np.ndarray:
    """Expected outreach contacts a week in each catchment."""
    a = s.levers.outreach_accompanied
    return outreach_hours(s, p) * p.contacts_per_hour / (1.0 - a + a * p.accompanied_time_factor)


def visit(s: Territory, p: Params, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(users met this week, whether each was met in accompanied mode): neighbourhood visits per catchment."""
    visits = rng.poisson(outreach_contacts(s, p) / p.visit_size)
    org = np.arange(visits.size).repeat(visits)
    size = s.catchment_size[org]
    place = (rng.random(org.size) * size).astype(np.int64)
    accompanied = rng.random(org.size) < s.levers.outreach_accompanied[org]
    width = np.minimum(p.visit_size, size)
    reach = np.arange(p.visit_size)
    inside = reach[None, :] < width[:, None]  # a small catchment is met once, not twice
    local = (place[:, None] + reach[None, :]) % size[:, None]
    met = (s.catchment_start[org][:, None] + local)[inside]
    return met, accompanied.repeat(width)  # a visit meets its first `width` places: one mode for them all


def close_reach_cohort(s: Territory, p: Params) -> None:
    """People reached ``accompaniment_weeks`` ago, and those of them who asked since: outreach's take-up cohort.

    Only the users reached that week are looked at (not every user): those reached again since are left out,
    their cohort being the later one.
    """
    users = s.users
    week = s.week - p.accompaniment_weeks
    closing = s.reached_by_week.pop(week, np.zeros(0, dtype=np.intp))
    closing = closing[users.reached_week[closing] == week]
    n_orgs = s.catchment_size.size
    s.events["reached"] = np.bincount(users.org[closing], minlength=n_orgs)
    s.events["reached_asked"] = np.bincount(users.org[closing[users.reach_asked[closing]]], minlength=n_orgs)


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    users = s.users
    met, accompanied = visit(s, p, rng)
    users.met_week[met] = s.week
    users.met_accompanied[met] = accompanied
    n_orgs = s.catchment_size.size
    s.events["contacts"] = np.bincount(users.org[met], minlength=n_orgs)
    close_reach_cohort(s, p)
    status = users.status[met]
    reached = met[(status != Status.RESOLVED) & (status != Status.SUPPORTED) & (status != Status.WAITING)]
    reached = sorted_unique(reached)
    users.reached_week[reached] = s.week
    users.reach_asked[reached] = False
    s.reached_by_week[s.week] = reached
    has_peer_workers = users.peer_worker.any()
    s.peer_worker_ties = s.peer_worker_peers(users.peer_worker) if has_peer_workers else None
    unaware = (users.status == Status.UNAWARE).nonzero()[0]
    hazard = -math.log1p(-p.learn_from_peer) * s.aware_peers(users.aware, rows=unaware)
    if has_peer_workers:
        hazard -= math.log1p(-p.learn_from_peer_worker) * s.peer_worker_ties[unaware]
    learns = unaware[(rng.standard_exponential(unaware.size) < hazard) | (users.met_week[unaware] == s.week)]
    users.aware[met] = True
    users.aware[learns] = True
    users.status[learns] = Status.NOT_ASKING
