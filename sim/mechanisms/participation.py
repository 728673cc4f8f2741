"""10. Participation and alliance (organisations): the essay's alliance strategy, which can fail.

**Offer and uptake are different things** (MODEL.md §3.10). Organisation j
offers rung o_j of Arnstein's ladder (``participation_level``: 0 manipulation
.. 7 citizen control); its weight is offer_j = (o_j / 7)^``voice_exponent``
(the lower rungs are tokenism, Arnstein 1969).

**Responsiveness** — the share of what participants ask for that the
organisation acts on — falls with indicator pressure and standardisation
(decisions are made elsewhere) and rises with an ethical direction:

    responsiveness_j <- responsiveness_j + (target_j - responsiveness_j) / responsiveness_weeks,
    target_j = clip(q_0 + q_s style_j - q_P P_j - q_S standardisation_j),

(P_j = ``reporting_pressure``, standardisation_j = ``standardisation``, the
organisation's own or the territory's; q_0, q_s, q_P, q_S = ``responsiveness_base``,
``responsiveness_style``, ``responsiveness_pressure``, ``responsiveness_standardisation``). Real
participation is realised_j = offer_j x responsiveness_j; **tokenism** is
tokenism_j = max(0, offer_j - responsiveness_j).

**Who takes part.** Supported users and peer workers may take part in
governance (CVS, boards, co-built budgets, recruitment panels). With uptake
u_i = sigmoid(b_0 + b_t trust_i + b_p power_i + b_r responsiveness_j) (b_0, b_t,
b_p, b_r = ``uptake_intercept``, ``uptake_trust``, ``uptake_power``,
``uptake_responsiveness``), a
non-participant joins with weekly probability ``participation_join_rate`` x
offer_j x u_i and a participant withdraws with ``participation_join_rate`` x
(1 - u_i): uptake withers where taking part has changed nothing. A case that
closes ends participation (:mod:`support`).

**What taking part does** to participants, each week:

    trust <- trust + g_p responsiveness_j (1 - trust) - g_t tokenism_j trust,

(g_p = ``participation_trust_gain``, g_t = ``tokenism_trust_loss``): tokenism
backfires. Workers' recognition (:mod:`support`), support quality and power
to act also follow realised_j, and so does the manager's style
(:mod:`management`).

**Co-built evaluation** matures toward real participation and relieves
reporting after it matures (:mod:`management`); a **co-built budget** (lever
``cobuilt_budget``) matures the same way and moves the funder's allocation
toward assessed needs (:mod:`funding`):

    coevaluation_j <- coevaluation_j + (realised_j - coevaluation_j) / cobuild_weeks,
    cobudget_j     <- cobudget_j + ([cobuilt_budget_j] realised_j - cobudget_j) / cobuild_weeks.

**Reciprocity** (community hours) grows with real participation and trust,
toward

    target_j = c_j (B_j / cost_j) hours_per_week x reciprocity_leverage x (f + (1 - f) realised_j x mean trust_j),

(c_j j's reciprocity weight, ``funding_reciprocity`` normalised, B_j / cost_j the
budget in posts at today's cost, f = ``reciprocity_floor``; same time constant): it
complements casework — outreach and peer support (:mod:`awareness`,
:mod:`support`) — but holds no case, and needs coordination hours
(:mod:`time_use`).

**Peer workers** (pair-aidants), where the programme is on (``peer_worker_programme``): supported
participants whose power to act exceeds ``peer_worker_power`` become peer
workers with weekly probability ``peer_worker_rate``, up to
``peer_worker_max_share`` of the catchment's users (kept in random order);
peer workers leave the role with weekly hazard ``peer_worker_leave_rate`` x (1 +
tokenism_j), and all of them leave it when the programme stops. They do
outreach, bridge trust (:mod:`awareness`, :mod:`demand`) and need supervision
hours (:mod:`time_use`).
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms._common import adjust, bernoulli_subset, clip, rank_in_groups, sigmoid
from sim.mechanisms.support import realised, tokenism
from sim.params import Params
from sim.state import Status, Territory


def update_responsiveness(s: Territory, p: Params) -> None:
    orgs, levers = s.orgs, s.levers
    target = clip(
        p.responsiveness_base
        + p.responsiveness_style * orgs.style
        - p.responsiveness_pressure * levers.reporting_pressure
        - p.responsiveness_standardisation * levers.standardisation
    )
    orgs.responsiveness = adjust(orgs.responsiveness, target, 1.0 / p.responsiveness_weeks)


def uptake(s: Territory, p: Params, people: np.ndarray, org: np.ndarray | None = None) -> np.ndarray:
    """How readily each of ``people`` (of organisations ``org``, if already looked up) takes part:
    sigmoid of trust, power to act and responsiveness."""
    users = s.users
    org = users.org[people] if org is None else org
    index = (
        p.uptake_intercept
        + p.uptake_trust * users.trust[people]
        + p.uptake_power * users.power[people]
        + p.uptake_responsiveness * s.orgs.responsiveness[org]
    )
    return sigmoid(index)


def update_participants(s: Territory, p: Params, rng: np.random.Generator) -> None:
    users = s.users
    eligible = (users.status == Status.SUPPORTED) | users.peer_worker
    users.participant &= eligible
    people = eligible.nonzero()[0]
    org = users.org[people]
    u = uptake(s, p, people, org)
    taking_part = users.participant[people]
    join = p.participation_join_rate * s.levers.offer[org] * u
    leave = p.participation_join_rate * (1.0 - u)
    draw = rng.random(people.size)
    users.participant[people] = np.where(taking_part, draw >= leave, draw < join)


def participants_trust(s: Territory, p: Params) -> None:
    users, orgs = s.users, s.orgs
    part = users.participant.nonzero()[0]
    org = users.org[part]
    trust = users.trust[part]
    gain = p.participation_trust_gain * orgs.responsiveness[org] * (1.0 - trust)
    loss = p.tokenism_trust_loss * tokenism(s)[org] * trust
    users.trust[part] = clip(trust + gain - loss)


def mature(s: Territory, p: Params) -> None:
    """Co-built evaluation and budget, and community hours, move toward what real participation allows."""
    orgs, levers = s.orgs, s.levers
    rate = 1.0 / p.cobuild_weeks
    real = realised(s)
    orgs.coevaluation = adjust(orgs.coevaluation, real, rate)
    orgs.cobudget = adjust(orgs.cobudget, levers.cobuilt_budget * real, rate)
    mean_trust = s.per_catchment(s.users.trust) / s.catchment_size
    f = p.reciprocity_floor
    engaged = f + (1.0 - f) * real * mean_trust
    real_budget = orgs.budget / orgs.cost  # post-years the budget buys at today's cost
    target = levers.reciprocity * p.hours_per_week * p.reciprocity_leverage * engaged * real_budget
    orgs.community_hours += rate * (target - orgs.community_hours)


def update_peer_workers(s: Territory, p: Params, rng: np.random.Generator) -> None:
    users, levers = s.users, s.levers
    current = users.peer_worker.nonzero()[0]
    programme = levers.peer_worker_programme[users.org[current]]
    hazard = p.peer_worker_leave_rate * (1.0 + tokenism(s)[users.org[current]])
    leaving = current[~programme | (rng.random(current.size) < hazard)]
    users.peer_worker[leaving] = False
    if not levers.peer_worker_programme.any():
        return
    room = np.floor(p.peer_worker_max_share * s.catchment_size) - s.per_catchment(users.peer_worker)
    able = (
        users.participant
        & (users.status == Status.SUPPORTED)
        & ~users.peer_worker
        & (users.power > p.peer_worker_power)
    )
    candidates = (able & levers.peer_worker_programme[users.org]).nonzero()[0]
    chosen = bernoulli_subset(rng, candidates, p.peer_worker_rate)
    # respect each catchment's cap: keep `room` of the chosen per organisation, in random order
    chosen = chosen[np.lexsort((rng.random(chosen.size), users.org[chosen]))]
    org = users.org[chosen]
    rank = rank_in_groups(org, room.size)
    users.peer_worker[chosen[rank < room[org]]] = True


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    update_responsiveness(s, p)
    update_participants(s, p, rng)
    participants_trust(s, p)
    mature(s, p)
    update_peer_workers(s, p, rng)
