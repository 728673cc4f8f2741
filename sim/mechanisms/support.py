"""7. Support (workers <-> users): need falls with the quality of support; needs arise.

Quality of the support user i receives from worker w in organisation j
(MODEL.md §3.7, §7; a product of normalised factors):

    quality_i = min(1, time_w) x continuity_i x (0.5 + 0.5 autonomy_j)
                x (0.5 + 0.5 engagement_w) x experience_w x (1 + v voice_j) / (1 + v),
    time_w       = face-to-face hours_w / (caseload_w x hours_per_case),
    continuity_i = 1 - exp(-weeks with the same worker / continuity_weeks),
    experience_w = 1 - 0.5 exp(-tenure_w / experience_weeks),

v = ``quality_voice_boost``. Then, for the supported:

    need  <- need (1 - support_effect x quality),
    power <- power + power_gain x quality x (1 + [participant]) x (1 - power)

(power to act grows for supported users, more where they take part: the person
as subject, essay §1). A need below ``resolve_threshold`` is resolved: the
case closes and the user leaves (status ``RESOLVED``). Unmet eligible needs
worsen (``need += need_worsening (1 - need)``) and sometimes resolve on their own
(``spontaneous_exit_rate``); without support, power to act erodes
(``power <- power (1 - power_loss)``). New needs arise among users with none at
the current weekly rate (``need_arrival_rate``, growing by ``need_growth`` a
year), so the flow continues; a user who knew their rights still knows the
relevant ones with probability ``awareness_retention`` and goes straight to
``NOT_ASKING``, the others start ``UNAWARE``.

Recognition a worker receives from users (reciprocity, don / contre-don,
Mauss 1925; stronger with participation) is the mean trust of their users
times (0.5 + 0.5 voice_j); with the emotional load (mean need, after this
week's support, of the cases the worker held this week, including those that
close) it feeds :mod:`engagement`.
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms._common import bernoulli_subset, voice
from sim.params import Params
from sim.state import Status, Territory, new_need


def worker_quality(s: Territory, p: Params) -> np.ndarray:
    """The part of support quality that depends on the worker (and their organisation), per post."""
    workers, orgs = s.workers, s.orgs
    time = np.minimum(1.0, s.face_to_face_hours / (np.maximum(workers.caseload, 1) * p.hours_per_case))
    boost = (1.0 + p.quality_voice_boost * voice(p.participation_level)) / (1.0 + p.quality_voice_boost)
    # the halves of (0.5 + 0.5 engagement) and of experience = (2 - exp(-tenure / e)) / 2 go to the organisation's factor
    organisation = (0.25 * boost) * (0.5 + 0.5 * orgs.autonomy)
    twice_experience = 2.0 - np.exp(workers.tenure * (-1.0 / p.experience_weeks))
    return time * organisation[workers.org] * (1.0 + workers.engagement) * twice_experience


def quality_of_support(s: Territory, p: Params, people: np.ndarray, posts: np.ndarray | None = None) -> np.ndarray:
    """Quality of the support each of ``people`` (all supported, by the workers in ``posts``) receives."""
    users = s.users
    posts = users.worker[people] if posts is None else posts
    continuity = 1.0 - np.exp(users.weeks_with_worker[people] * (-1.0 / p.continuity_weeks))
    return worker_quality(s, p)[posts] * continuity


def close_cases(s: Territory, supported: np.ndarray, unsupported: np.ndarray) -> None:
    """The needs of ``supported`` (with their worker) and ``unsupported`` people are resolved: cases close."""
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


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    users, workers = s.users, s.workers
    status = users.status
    is_supported, has_no_need = status == Status.SUPPORTED, status == Status.RESOLVED
    supported, no_need = is_supported.nonzero()[0], has_no_need.nonzero()[0]
    unmet = (~(is_supported | has_no_need)).nonzero()[0]  # eligible, not supported
    post = users.worker[supported]
    quality = quality_of_support(s, p, supported, post)
    users.quality.fill(0.0)
    users.quality[supported] = quality
    need = users.need[supported] * (1.0 - p.support_effect * quality)
    users.need[supported] = need
    power = users.power[supported]
    users.power[supported] = power + p.power_gain * quality * (1.0 + users.participant[supported]) * (1.0 - power)
    users.weeks_with_worker += is_supported
    per_case = 1.0 / np.maximum(workers.caseload, 1)
    trust_sum = np.bincount(post, weights=users.trust[supported], minlength=per_case.size)
    workers.recognition = trust_sum * per_case * (0.5 + 0.5 * voice(p.participation_level))
    workers.emotional_load = np.bincount(post, weights=need, minlength=per_case.size) * per_case

    worsening = p.need_worsening  # need + w (1 - need) = (1 - w) need + w
    users.need[unmet] = (1.0 - worsening) * users.need[unmet] + worsening
    users.power[unmet] *= 1.0 - p.power_loss
    close_cases(s, supported[need < p.resolve_threshold], bernoulli_subset(rng, unmet, p.spontaneous_exit_rate))

    arising = bernoulli_subset(rng, no_need, s.need_rate)
    users.need[arising] = new_need(rng, arising.size)
    aware = users.aware[arising] & (rng.random(arising.size) < p.awareness_retention)
    users.aware[arising] = aware
    users.status[arising] = np.where(aware, Status.NOT_ASKING, Status.UNAWARE)
