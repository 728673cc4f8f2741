"""10. Participation and alliance (organisations): the essay's alliance strategy.

The participation level sits on Arnstein's ladder (0 manipulation .. 7 citizen
control); its effects grow with voice = (level / 7)^2 (:func:`voice`). Each week:

* **who takes part**: a supported user (or a peer worker) takes part in
  governance (CVS, boards, co-built budgets, recruitment panels) when their
  propensity is below ``participation_max_share x voice``; taking part raises
  their trust (``trust += g_part (1 - trust)``) and, in :mod:`support`, their
  power to act; workers' recognition grows with voice (:mod:`support`);
* **co-built evaluation** matures slowly toward voice,
  ``coevaluation <- coevaluation + (voice - coevaluation) / cobuild_weeks``,
  and lowers the reporting managers require (:mod:`management`);
* **community hours** from reciprocity grants build up the same way toward
  ``c B_j hours_per_week x reciprocity_leverage x (0.25 + 0.75 voice)``: without
  real participation, reciprocity mobilises little; half of these hours go to
  outreach, half to support (:mod:`awareness`, :mod:`time_use`);
* **peer workers** (pair-aidants), if the programme is on: supported
  participants whose power to act exceeds 0.6 become peer workers with weekly
  probability ``peer_worker_rate``, up to ``peer_worker_max_share`` of the
  catchment's users. Peer workers do outreach and bridge trust (:mod:`awareness`,
  :mod:`demand`). Participation costs workers' time (:mod:`time_use`).
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms._common import bernoulli_subset, voice
from sim.params import Params
from sim.state import Status, Territory

COMMUNITY_OUTREACH_SHARE = 0.5
"""Share of community hours spent on outreach; the rest supports cases (assumption)."""

PEER_WORKER_POWER = 0.6
"""Power to act above which a participant can become a peer worker (assumption)."""


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    users, orgs = s.users, s.orgs
    v = voice(p.participation_level)
    supported = users.status == Status.SUPPORTED
    users.participant = (supported | users.peer_worker) & (users.propensity < p.participation_max_share * v)
    taking_part = users.participant.nonzero()[0]
    users.trust[taking_part] += p.participation_trust_gain * (1.0 - users.trust[taking_part])
    rate = 1.0 / p.cobuild_weeks
    orgs.coevaluation += rate * (v - orgs.coevaluation)
    reciprocity = p.funding_weights[2]
    target = (reciprocity * p.hours_per_week * p.reciprocity_leverage * (0.25 + 0.75 * v)) * orgs.budget
    orgs.community_hours += rate * (target - orgs.community_hours)
    if not p.peer_worker_programme:
        return
    room = np.floor(p.peer_worker_max_share * s.catchment_size) - s.per_catchment(users.peer_worker)
    candidates = (users.participant & supported & ~users.peer_worker & (users.power > PEER_WORKER_POWER)).nonzero()[0]
    chosen = bernoulli_subset(rng, candidates, p.peer_worker_rate)
    # respect each catchment's cap: keep `room` of the chosen per organisation, in random order
    chosen = chosen[np.lexsort((rng.random(chosen.size), users.org[chosen]))]
    org = users.org[chosen]
    rank = np.arange(chosen.size) - org.searchsorted(org)
    users.peer_worker[chosen[rank < room[org]]] = True
