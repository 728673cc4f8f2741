"""7. Support (workers <-> users): need falls with the quality of support; structural needs arise.

Quality of the support user i receives from worker w in organisation j
(MODEL.md §3.7, §7; a product of normalised factors):

    quality_i = min(1, time_w) x continuity_i x (f_a + (1 - f_a) autonomy_j) x (f_e + (1 - f_e) engagement_w)
                x experience_w x (1 + v realised_j) / (1 + v) x (1 + c community_j) / (1 + c),
    time_w       = face-to-face hours_w / (caseload_w x hours_per_case),
    continuity_i = 1 - exp(-weeks with the same worker / continuity_weeks),
    experience_w = 1 - (1 - f_x) exp(-tenure_w / experience_weeks),
    community_j  = min(1, (1 - c_o) community hours_j / (supported_j x hours_per_case)),

f_a = ``autonomy_quality_floor``, f_e = ``engagement_quality_floor``, f_x =
``experience_floor``, v = ``quality_voice_boost``, realised_j = offer_j x
responsiveness_j (:mod:`participation`), c = ``community_support_effect``, c_o =
``community_outreach_share``: community hours complement casework (peer
support, social ties) but hold no case (MODEL.md §3.10). Then, for the supported:

    need  <- need (1 - support_effect x quality x (1 + k_r power))      (not for chronic needs),
    power <- power + power_gain x quality x (1 + k_p [participant]) (1 - power),

k_r = ``power_resolution_effect`` (users with more power to act resolve
faster), k_p = ``participation_power_boost`` (the person as subject, essay §1).
A non-chronic need below ``resolve_threshold`` is resolved: the case closes.
A *chronic* need is contained by support — it does not worsen — but not
resolved; chronic needs end (moves, end of eligibility) with weekly hazard
``chronic_end_rate``, supported or not. Unmet eligible needs worsen
(``need <- (1 - w) need + w``, w = ``need_worsening``); unmet non-chronic ones
also resolve on their own with ``spontaneous_exit_rate``; without support,
power to act erodes (``power <- power (1 - power_loss)``).

**Needs are structural** (MODEL.md §3.7): governance changes how needs are
met, not how many arise. Each week K_j ~ Poisson(need_arrival_rate_j x g x
residents_j) new needs arise in catchment j (g: growth by ``need_growth`` a
year since week 0), each to a resident drawn with replacement among those
with no current need (one drawn twice gets one need). Besides, a resolved
need recurs with weekly hazard ``relapse_rate x (1 - k_l power)`` during
``relapse_weeks`` after its resolution (k_l = ``power_relapse_effect``: power
to act prevents relapse). A need arises with severity need_min + (1 -
need_min) Beta(2, 2) and is chronic with probability ``chronic_share``; a
user who knew their rights still knows the relevant ones with probability
``awareness_retention`` and goes straight to ``NOT_ASKING``, the others start
``UNAWARE``.

Recognition a worker receives from users (reciprocity, don / contre-don,
Mauss 1925), stronger where participation is real and lower where it is a
façade (MODEL.md §3.10):

    recognition_w = clip(mean trust of w's users x (r_b + r_p realised_j) - r_t tokenism_j),
    tokenism_j = max(0, offer_j - responsiveness_j),

(r_b = ``recognition_base``, r_p = ``recognition_participation``, r_t =
``recognition_tokenism``); with the emotional load (mean need, after this
week's support, of the cases the worker held this week, including those that
close) it feeds :mod:`engagement`.
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms._common import bernoulli_subset, clip, sorted_unique
from sim.params import Params
from sim.state import Status, Territory, new_need


def realised(s: Territory) -> np.ndarray:
    """Participation that changes things, per organisation: offer weight x responsiveness."""
    return s.levers.offer * s.orgs.responsiveness


def tokenism(s: Territory) -> np.ndarray:
    """Participation offered but not acted on, per organisation: max(0, offer weight - responsiveness)."""
    return np.maximum(0.0, s.levers.offer - s.orgs.responsiveness)


def community_support(s: Territory, p: Params, supported_by_org: np.ndarray) -> np.ndarray:
    """Community peer-support hours per supported person, relative to a case's hours, capped at 1."""
    hours = (1.0 - p.community_outreach_share) * s.orgs.community_hours
    return np.minimum(1.0, hours / (np.maximum(supported_by_org, 1) * p.hours_per_case))


def worker_quality(s: Territory, p: Params, supported_by_org: np.ndarray, real: np.ndarray | None = None) -> np.ndarray:
    """The part of support quality that depends on the worker (and their organisation), per post.

    ``real``: :func:`realised`, if already computed.
    """
    workers, orgs = s.workers, s.orgs
    time = np.minimum(1.0, s.face_to_face_hours / (np.maximum(workers.caseload, 1) * p.hours_per_case))
    v, c = p.quality_voice_boost, p.community_support_effect
    f_a, f_e, f_x = p.autonomy_quality_floor, p.engagement_quality_floor, p.experience_floor
    organisation = (
        (f_a + (1.0 - f_a) * orgs.autonomy)
        * (1.0 + v * (realised(s) if real is None else real))
        / (1.0 + v)
        * (1.0 + c * community_support(s, p, supported_by_org))
        / (1.0 + c)
    )
    experience = 1.0 - (1.0 - f_x) * np.exp(workers.tenure * (-1.0 / p.experience_weeks))
    return time * organisation[workers.org] * (f_e + (1.0 - f_e) * workers.engagement) * experience


def close_cases(s: Territory, supported: np.ndarray, unsupported: np.ndarray) -> None:
    """The needs of ``supported`` (with their worker) and ``unsupported`` people end: cases close."""
    users, workers = s.users, s.workers
    workers.caseload -= np.bincount(users.worker[supported], minlength=workers.caseload.size)
    s.orgs.resolved_this_year += np.bincount(users.org[supported], minlength=s.orgs.resolved_this_year.size)
    people = np.concatenate((supported, unsupported))
    users.status[people] = Status.RESOLVED
    users.worker[people] = -1
    users.weeks_with_worker[people] = 0
    users.wait_weeks[people] = 0
    users.participant[people] = False
    users.need[people] = 0.0
    users.chronic[people] = False
    users.resolved_week[people] = s.week


def arrivals(s: Territory, p: Params, rng: np.random.Generator, no_need: np.ndarray) -> np.ndarray:
    """Residents with no current need who get a new one this week: the exogenous inflow, per catchment."""
    first, count = s.split_by_catchment(no_need)
    k = rng.poisson(s.levers.need_arrival_rate * s.need_factor * s.catchment_size) * (count > 0)
    if not k.any():
        return no_need[:0]
    drawn = np.arange(k.size).repeat(k)
    position = first[drawn] + (rng.random(drawn.size) * count[drawn]).astype(np.int64)
    return no_need[sorted_unique(position)]


def relapses(s: Territory, p: Params, rng: np.random.Generator, no_need: np.ndarray) -> np.ndarray:
    """Residents whose recently resolved need comes back this week (less likely with more power to act)."""
    users = s.users
    recent = no_need[s.week - users.resolved_week[no_need] < p.relapse_weeks]
    hazard = p.relapse_rate * (1.0 - p.power_relapse_effect * users.power[recent])
    return recent[rng.random(recent.size) < hazard]


def sorted_member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is in ``sorted_set`` (an ascending array), by binary search."""
    if sorted_set.size == 0:
        return np.zeros(values.size, dtype=bool)
    position = np.minimum(sorted_set.searchsorted(values), sorted_set.size - 1)
    return sorted_set[position] == values


def new_needs(s: Territory, p: Params, rng: np.random.Generator, people: np.ndarray) -> None:
    """``people`` get a new need: severity, chronic or not, and whether they still know their rights."""
    users = s.users
    users.need[people], users.chronic[people] = new_need(p, rng, people.size)
    aware = users.aware[people] & (rng.random(people.size) < p.awareness_retention)
    users.aware[people] = aware
    users.status[people] = np.where(aware, Status.NOT_ASKING, Status.UNAWARE)


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    users, workers = s.users, s.workers
    status = users.status
    is_supported, has_no_need = status == Status.SUPPORTED, status == Status.RESOLVED
    supported, no_need = is_supported.nonzero()[0], has_no_need.nonzero()[0]
    unmet = (~(is_supported | has_no_need)).nonzero()[0]  # eligible, not supported
    post = users.worker[supported]
    supported_by_org = s.split_by_catchment(supported)[1]
    real = realised(s)
    quality = worker_quality(s, p, supported_by_org, real)[post] * (
        1.0 - np.exp(users.weeks_with_worker[supported] * (-1.0 / p.continuity_weeks))
    )
    users.quality.fill(0.0)
    users.quality[supported] = quality
    chronic = users.chronic[supported]
    acute = ~chronic
    power = users.power[supported]
    relief = p.support_effect * quality * (1.0 + p.power_resolution_effect * power)
    need = users.need[supported] * (1.0 - relief * acute)
    users.need[supported] = need
    users.power[supported] = power + p.power_gain * quality * (
        1.0 + p.participation_power_boost * users.participant[supported]
    ) * (1.0 - power)
    users.weeks_with_worker += is_supported
    per_case = 1.0 / np.maximum(workers.caseload, 1)
    trust_sum = np.bincount(post, weights=users.trust[supported], minlength=per_case.size)
    org = workers.org
    scale = p.recognition_base + p.recognition_participation * real
    workers.recognition = clip(trust_sum * per_case * scale[org] - p.recognition_tokenism * tokenism(s)[org])
    workers.emotional_load = np.bincount(post, weights=need, minlength=per_case.size) * per_case

    worsening = p.need_worsening  # need + w (1 - need) = (1 - w) need + w
    users.need[unmet] = (1.0 - worsening) * users.need[unmet] + worsening
    users.power[unmet] *= 1.0 - p.power_loss
    chronic_unmet = users.chronic[unmet]
    ending = bernoulli_subset(rng, supported[chronic], p.chronic_end_rate)
    resolved = np.concatenate((supported[acute & (need < p.resolve_threshold)], ending))
    left_alone = np.concatenate(
        (
            bernoulli_subset(rng, unmet[~chronic_unmet], p.spontaneous_exit_rate),
            bernoulli_subset(rng, unmet[chronic_unmet], p.chronic_end_rate),
        )
    )
    close_cases(s, resolved, left_alone)

    arising = arrivals(s, p, rng, no_need)
    recurring = relapses(s, p, rng, no_need)
    recurring = recurring[~sorted_member(recurring, arising)]  # a new need already arose for them
    n_orgs = s.catchment_size.size
    s.events["new_needs"] = np.bincount(users.org[arising], minlength=n_orgs)
    s.events["relapses"] = np.bincount(users.org[recurring], minlength=n_orgs)
    new_needs(s, p, rng, np.concatenate((arising, recurring)))
