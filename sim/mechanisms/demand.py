"""5. Demand (users, non-demande): asking for support, and trust.

An aware eligible user who is not asking (or who gave up) asks this week with
(MODEL.md §7; administrative burden, Moynihan, Herd & Harvey 2015):

    p_ask = sigmoid(a0 + a_need need + a_trust trust - a_stigma stigma - a_burden burden),
    burden = (procedure_complexity + conditionality) / 2,

psychological costs entering through the user's felt stigma, compliance costs
through the burden. A user asks when a standard logistic draw falls below the
log-odds (one draw per user, the same Bernoulli(p_ask)). Askers join their
organisation's waiting list.

Trust moves synchronously for every user (MODEL.md §3.5, §7):

    trust <- trust + k (mean trust of peers - trust)              (contagion)
                   + r_s [supported] (0.4 + 0.3 quality + 0.3 voice - trust)
                   + g_o [met by outreach] (1 - trust)
                   + min(1, g_pw x peer-worker ties) (1 - trust),

clipped to [0, 1]: supported and respected users come to trust institutions,
outreach builds trust through the relation, peer workers bridge it. Losses
when turned away or when one's worker leaves are applied where they happen
(:mod:`intake`, :mod:`turnover`).
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms._common import clip, sigmoid, voice
from sim.network import neighbour_sum
from sim.params import Params
from sim.state import Status, Territory


def ask_log_odds(p: Params, need: np.ndarray, trust: np.ndarray, stigma: np.ndarray) -> np.ndarray:
    """Log-odds of asking for support this week (the argument of the sigmoid)."""
    burden = 0.5 * (p.procedure_complexity + p.conditionality)
    return p.ask_need * need + p.ask_trust * trust - p.ask_stigma * stigma + (p.ask_intercept - p.ask_burden * burden)


def ask_probability(p: Params, need: np.ndarray, trust: np.ndarray, stigma: np.ndarray) -> np.ndarray:
    """Weekly probability of asking for support."""
    return sigmoid(ask_log_odds(p, need, trust, stigma))


def update_trust(s: Territory, p: Params) -> None:
    users = s.users
    trust = users.trust
    change = p.trust_contagion * (neighbour_sum(s.peer_adj, trust) * s.inverse_degree - trust)
    supported = (users.worker >= 0).nonzero()[0]
    respect = 0.3 * users.quality[supported] + (0.4 + 0.3 * voice(p.participation_level))
    change[supported] += p.trust_rate_supported * (respect - trust[supported])
    met = users.contacted.nonzero()[0]
    change[met] += p.outreach_trust_gain * (1.0 - trust[met])
    if s.peer_worker_ties is not None:
        change += np.minimum(1.0, p.peer_worker_trust_gain * s.peer_worker_ties) * (1.0 - trust)
    users.trust = clip(trust + change)


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    users = s.users
    update_trust(s, p)
    candidates = ((users.status == Status.NOT_ASKING) | (users.status == Status.DROPPED)).nonzero()[0]
    log_odds = ask_log_odds(p, users.need[candidates], users.trust[candidates], users.stigma[candidates])
    askers = candidates[rng.logistic(size=candidates.size) < log_odds]
    users.status[askers] = Status.WAITING
    users.wait_weeks[askers] = 0
