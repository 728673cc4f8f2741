"""3. Time (workers): what is left for face-to-face work, and the cases it allows.

    face_to_face_j = max(0, 1 - admin - reporting_j - outreach - c_p level)

(admin = ``admin_share``, outreach = ``outreach_share``, c_p =
``participation_time_per_rung``: participation and outreach take hours from
face-to-face support, MODEL.md §6; essay §2: "more time on reporting than face
to face with people"; CNAF/Acadie 2011 measured 39% of time on administration
and reporting). Community hours from reciprocity grants
add support hours, shared among the organisation's workers. Capacity of a
worker (MODEL.md §7):

    capacity_w = min(caseload_cap, floor(face-to-face hours_w / hours_per_case)).
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms.participation import COMMUNITY_OUTREACH_SHARE
from sim.params import Params
from sim.state import Territory


def hours_per_worker(s: Territory, p: Params) -> np.ndarray:
    """Weekly face-to-face hours of a worker in post, per organisation."""
    orgs = s.orgs
    community = (1.0 - COMMUNITY_OUTREACH_SHARE) * orgs.community_hours / np.maximum(s.headcount(), 1)
    return orgs.face_to_face * p.hours_per_week + community


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    orgs, workers = s.orgs, s.workers
    busy = p.admin_share + p.outreach_share + p.participation_time_per_rung * p.participation_level
    orgs.face_to_face = np.maximum(0.0, 1.0 - busy - orgs.reporting)
    hours = hours_per_worker(s, p)
    cases = np.minimum(p.caseload_cap, np.floor(hours / p.hours_per_case)).astype(np.intp)
    # per post: the organisation's figures where the post is filled, 0 where it is vacant
    s.face_to_face_hours = np.where(workers.active, hours[workers.org], 0.0)
    workers.capacity = np.where(workers.active, cases[workers.org], 0)
