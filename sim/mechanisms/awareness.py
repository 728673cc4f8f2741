"""4. Awareness (users, non-connaissance): learning of one's rights; outreach contacts.

Outreach contacts in organisation j's catchment each week (aller-vers, essay §4):

    contacts_j = (outreach x hours x headcount_j + community outreach hours_j
                  + peer_worker_hours x peer workers_j) / hours_per_contact,

and the week brings K_j ~ Poisson(contacts_j) contacts, each with a user drawn
at random from the catchment — outreach goes where people are, without knowing
who is unaware; a user is met with probability 1 - exp(-contacts_j / users_j). An unaware eligible user learns of their rights with

    p_learn = 1 - (1 - b_peer)^(aware peers) (1 - b_pw)^(peer-worker ties) (1 - met)
            = 1 - exp(-H) (1 - met),   H = -ln(1 - b_peer) aware peers - ln(1 - b_pw) peer-worker ties

(MODEL.md §7: b_peer = ``learn_from_peer``, b_pw = ``learn_from_peer_worker``,
met = 1 if met by outreach this week); a user not met learns when an Exp(1)
draw falls below H, which has that probability. Anyone met by outreach learns their
rights, including people with no current need, who will know them if a need
arises. Being met also builds trust, which
:mod:`demand` applies: outreach works through the relation, not only information.
Newly aware users move from ``UNAWARE`` to ``NOT_ASKING``.
"""

from __future__ import annotations

import math

import numpy as np

from sim.mechanisms.participation import COMMUNITY_OUTREACH_SHARE
from sim.network import neighbour_sum
from sim.params import Params
from sim.state import Status, Territory


def outreach_contacts(s: Territory, p: Params) -> np.ndarray:
    """Outreach contacts per week in each organisation's catchment."""
    hours = (
        p.outreach_share * p.hours_per_week * s.headcount()
        + COMMUNITY_OUTREACH_SHARE * s.orgs.community_hours
        + p.peer_worker_hours * s.per_catchment(s.users.peer_worker)
    )
    return hours / p.hours_per_contact


def meet(s: Territory, p: Params, rng: np.random.Generator) -> np.ndarray:
    """Users met by outreach this week (each contact: a random user of the catchment)."""
    k = rng.poisson(outreach_contacts(s, p))
    first, size = s.catchment_start.repeat(k), s.catchment_size.repeat(k)
    return first + (rng.random(first.size) * size).astype(np.int64)


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    users = s.users
    met = meet(s, p, rng)
    users.contacted[:] = False
    users.contacted[met] = True
    has_peer_workers = users.peer_worker.any()
    s.peer_worker_ties = neighbour_sum(s.peer_adj, users.peer_worker) if has_peer_workers else None
    unaware = (users.status == Status.UNAWARE).nonzero()[0]
    hazard = -math.log1p(-p.learn_from_peer) * neighbour_sum(s.peer_adj, users.aware, rows=unaware)
    if has_peer_workers:
        hazard -= math.log1p(-min(p.learn_from_peer_worker, 1 - 1e-12)) * s.peer_worker_ties[unaware]
    learns = unaware[(rng.standard_exponential(unaware.size) < hazard) | users.contacted[unaware]]
    users.aware[met] = True
    users.aware[learns] = True
    users.status[learns] = Status.NOT_ASKING
