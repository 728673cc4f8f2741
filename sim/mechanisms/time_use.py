"""3. Time (workers): what is left for face-to-face work, and the cases it allows.

Hours a week that participation takes from organisation j's workers (MODEL.md
§3.3: participation costs hours per instance and per participant; peer
workers need supervision and community volunteers coordination):

    H_part_j = h_i (rung_j + [cobuilt_budget_j] + [recruitment_panels_j]) + h_p participants_j
               + h_s peer workers_j + h_c community hours_j,

(rung_j the rung of the ladder j offers, ``participation_level``; h_i =
``hours_per_instance``, h_p = ``hours_per_participant``, h_s =
``supervision_hours``, h_c = ``coordination_hours``), shared by its workers in
post. The rest of the week:

    face_to_face_j = max(0, 1 - admin - reporting_j - outreach_j - H_part_j / (hours_per_week x max(1, H_j)))

(admin = ``admin_share``, outreach_j = ``outreach_share``; essay §2: "more time
on reporting than face to face with people"; CNAF/Acadie 2011 measured 39% of
time on administration and reporting). Community hours hold no case
(MODEL.md §3.10): they do not add to capacity. Capacity of a worker in post
(MODEL.md §7):

    capacity_w = min(caseload_cap_j, floor(face_to_face_j x hours_per_week / hours_per_case)).
"""

from __future__ import annotations

import numpy as np

from sim.params import Params
from sim.state import Territory


def participation_hours(s: Territory, p: Params) -> np.ndarray:
    """Worker hours a week that participation, peer-worker supervision and coordination take, per organisation."""
    users, levers = s.users, s.levers
    instances = levers.participation_level + levers.cobuilt_budget + levers.recruitment_panels
    return (
        p.hours_per_instance * instances
        + p.hours_per_participant * s.per_catchment(users.participant)
        + p.supervision_hours * s.per_catchment(users.peer_worker)
        + p.coordination_hours * s.orgs.community_hours
    )


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    orgs, workers, levers = s.orgs, s.workers, s.levers
    orgs.participation_hours = participation_hours(s, p)
    shared = orgs.participation_hours / (p.hours_per_week * np.maximum(s.headcount(), 1))
    orgs.face_to_face = np.maximum(0.0, 1.0 - p.admin_share - orgs.reporting - levers.outreach_share - shared)
    hours = orgs.face_to_face * p.hours_per_week
    cases = np.minimum(levers.caseload_cap, np.floor(hours / p.hours_per_case)).astype(np.intp)
    # per post: the organisation's figures where the post is filled, 0 where it is vacant
    s.face_to_face_hours = np.where(workers.active, hours[workers.org], 0.0)
    workers.capacity = np.where(workers.active, cases[workers.org], 0)
