"""5. Demand (users, non-demande): asking for support, and trust.

An aware eligible user who is not asking (or who gave up) asks this week with
(MODEL.md §7; administrative burden, Moynihan, Herd & Harvey 2015):

    p_ask = sigmoid(a0 + a_need need + a_trust trust - a_stigma stigma - a_burden burden_i),
    burden_i = (procedure_complexity_j + conditionality_j) / 2 x (1 - relief [accompanied_i]),

(j the user's organisation, whose procedures they face; a0 = ``ask_intercept``, a_need = ``ask_need``, a_trust = ``ask_trust``,
a_stigma = ``ask_stigma``, a_burden = ``ask_burden``), psychological costs
entering through the user's felt stigma, compliance costs
through the burden; accompanied_i: met by *accompanied* outreach less than
``accompaniment_weeks`` ago (the worker helps with the procedure), relief =
``accompanied_burden_relief``. A user asks when a standard logistic draw falls
below the log-odds (one draw per user, the same Bernoulli(p_ask)). Askers join
their organisation's waiting list; those *reached* by outreach less than
``accompaniment_weeks`` ago are marked as having taken it up (``reach_asked``,
counted when their cohort closes: :mod:`awareness`).

Trust moves synchronously for every user (MODEL.md §3.5, §7):

    trust <- trust + k (mean trust of peers - trust)                           (contagion)
                   + r_s [supported] (b_s + (1 - b_s) quality - trust)         (support received)
                   + g_o [met this week] (1 - trust)                           (outreach builds a relation)
                   + min(1, g_pw x peer-worker ties) (1 - trust),              (peer workers bridge trust)

clipped to [0, 1] (k = ``trust_contagion``, r_s = ``trust_rate_supported``, b_s
= ``trust_base_supported``, g_o = ``outreach_trust_gain``, g_pw =
``peer_worker_trust_gain``). Losses are applied where they happen: when turned
away or while waiting (:mod:`intake`, where **outreach is a promise**: a person
met by outreach less than ``promise_weeks`` ago loses 1 + ``promise_penalty``
times as much), when one's worker leaves (:mod:`turnover`), and to participants
of a tokenistic instance (:mod:`participation`).
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms._common import clip
from sim.network import neighbour_sum
from sim.params import Params
from sim.state import Status, Territory


def compliance_burden(s: Territory, p: Params, people: np.ndarray) -> np.ndarray:
    """Administrative burden each of ``people`` faces, lowered for those accompanied by outreach."""
    users = s.users
    accompanied = users.met_accompanied[people] & (s.week - users.met_week[people] < p.accompaniment_weeks)
    burden = s.levers.burden[users.org[people]]
    return burden * (1.0 - p.accompanied_burden_relief * accompanied)


def ask_log_odds(p: Params, need: np.ndarray, trust: np.ndarray, stigma: np.ndarray, burden: np.ndarray) -> np.ndarray:
    """Log-odds of asking for support this week (the argument of the sigmoid)."""
    return p.ask_intercept + p.ask_need * need + p.ask_trust * trust - p.ask_stigma * stigma - p.ask_burden * burden


def update_trust(s: Territory, p: Params) -> None:
    users = s.users
    trust = users.trust
    change = neighbour_sum(s.peer_adj, trust) * s.inverse_degree  # in place from here on: one array, same values
    change -= trust
    change *= p.trust_contagion
    supported = (users.worker >= 0).nonzero()[0]
    target = p.trust_base_supported + (1.0 - p.trust_base_supported) * users.quality[supported]
    change[supported] += p.trust_rate_supported * (target - trust[supported])
    met = (users.met_week == s.week).nonzero()[0]
    change[met] += p.outreach_trust_gain * (1.0 - trust[met])
    if s.peer_worker_ties is not None:
        bridge = np.minimum(1.0, p.peer_worker_trust_gain * s.peer_worker_ties) * (1.0 - trust)
        change += bridge
    change += trust
    users.trust = clip(change, out=change)


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    users = s.users
    update_trust(s, p)
    candidates = ((users.status == Status.NOT_ASKING) | (users.status == Status.DROPPED)).nonzero()[0]
    burden = compliance_burden(s, p, candidates)
    log_odds = ask_log_odds(p, users.need[candidates], users.trust[candidates], users.stigma[candidates], burden)
    askers = candidates[rng.logistic(size=candidates.size) < log_odds]
    users.status[askers] = Status.WAITING
    users.wait_weeks[askers] = 0
    users.reach_asked[askers[s.week - users.reached_week[askers] < p.accompaniment_weeks]] = True
