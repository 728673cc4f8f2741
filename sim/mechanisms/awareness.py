"""4. Awareness (users, non-connaissance): learning of one's rights; outreach contacts.

Outreach contacts in organisation j's catchment each week (aller-vers, essay §4):

    contacts_j = (outreach x hours x headcount_j + community outreach hours_j
                  + peer_worker_hours x peer workers_j) / hours_per_contact,

and each user of the catchment is met with probability
``min(1, contacts_j / users_j)`` — outreach goes where people are, without
knowing who is unaware. An unaware eligible user learns of their rights with

    p_learn = 1 - (1 - b_peer)^(aware peers) (1 - b_pw)^(peer-worker ties) (1 - met),

(MODEL.md §7: b_peer = ``learn_from_peer``, b_pw = ``learn_from_peer_worker``,
met = 1 if met by outreach this week). Being met also builds trust, which
:mod:`demand` applies: outreach works through the relation, not only information.
Newly aware users move from ``UNAWARE`` to ``NOT_ASKING``.
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms._common import group_sum
from sim.mechanisms.participation import COMMUNITY_OUTREACH_SHARE
from sim.network import neighbour_sum
from sim.params import Params
from sim.state import Status, Territory


def outreach_contacts(s: Territory, p: Params) -> np.ndarray:
    """Outreach contacts per week in each organisation's catchment."""
    users, workers, orgs = s.users, s.workers, s.orgs
    n_orgs = orgs.budget.size
    headcount = group_sum(workers.org[workers.active], n_orgs)
    peer_workers = group_sum(users.org[users.peer_worker], n_orgs)
    hours = (
        p.outreach_share * p.hours_per_week * headcount
        + COMMUNITY_OUTREACH_SHARE * orgs.community_hours
        + p.peer_worker_hours * peer_workers
    )
    return hours / p.hours_per_contact


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    users = s.users
    n_orgs = s.orgs.budget.size
    catchment = group_sum(users.org, n_orgs)
    p_met = np.minimum(1.0, outreach_contacts(s, p) / np.maximum(catchment, 1))
    draws = rng.random((2, users.org.size))
    users.contacted = draws[0] < p_met[users.org]
    unaware = users.status == Status.UNAWARE
    aware_peers = neighbour_sum(s.peer_adj, users.aware)
    s.peer_worker_ties = neighbour_sum(s.peer_adj, users.peer_worker) if users.peer_worker.any() else np.zeros(users.org.size)
    pw_ties = s.peer_worker_ties
    stay_unaware = (1.0 - p.learn_from_peer) ** aware_peers * (1.0 - p.learn_from_peer_worker) ** pw_ties
    learns = unaware & ((draws[1] < 1.0 - stay_unaware) | users.contacted)
    users.aware |= learns | users.contacted
    users.status[learns] = Status.NOT_ASKING
