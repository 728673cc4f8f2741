"""2. Management (weekly, managers): reporting required, autonomy granted, activity targets, style drift.

Reporting share of worker time in organisation j (essay §2: governance by
instruments, Lascoumes & Le Galès 2004):

    reporting_j = clip(P_j (1 + e_c (1 - style_j) - e_b style_j) (1 - e_v coevaluation_j)),

with P_j the indicator pressure on j (``reporting_pressure``), e_c
``style_control_reporting`` (a controlling manager adds reporting), e_b
``style_buffer_reporting`` (an ethical one shields the team) and e_v
``coeval_reporting_relief`` (evaluation co-built with users, which matures in
:mod:`participation`).

Autonomy falls with standardisation and rises with the manager's style:

    autonomy_j = (1 - standardisation_j) (a_0 + (1 - a_0) style_j),   a_0 = ``autonomy_style_floor``.

**Activity targets** (MODEL.md §3.2): under indicator-driven funding, managers
admit beyond the face-to-face capacity of their teams to keep activity up and
the waiting list down, the more so the longer the queue and the more
controlling they are:

    overbooking_j = activity_target_push x m_j x (1 - style_j) x min(1, waiting_j / max(1, capacity_j)),

m_j the market weight of j's funding mix (``funding_market``, normalised), waiting_j the people on j's waiting
list and capacity_j the cases its workers' face-to-face hours allow (last
week's); admissions then go up to ``capacity x (1 + overbooking_j)``, never
above the caseload cap (:mod:`intake`). When capacity shrinks (vacancies,
freezes, cuts) the queue grows and the overload falls on the workers who stay.

Style drifts toward control under indicator pressure and toward participation
where participation is real (Janvier 2017, ethics of direction):

    style_j <- style_j + (target_j - style_j) / style_adjust_weeks,
    target_j = clip(anchor_j + offset_j + k_p realised_j - k_P P_j),

anchor_j = ``manager_style`` (the territory's or j's own), offset_j the
manager's fixed departure from it (``style_spread``), realised_j = offer_j x
responsiveness_j the participation that changes things (:mod:`participation`),
k_p = ``style_participation_pull``, k_P = ``style_pressure_pull``.
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms._common import adjust, clip
from sim.params import Params
from sim.state import Status, Territory


def realised_participation(s: Territory) -> np.ndarray:
    """Participation that changes things, per organisation: offer weight x responsiveness."""
    return s.levers.offer * s.orgs.responsiveness


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    orgs, levers = s.orgs, s.levers
    pressure = levers.reporting_pressure
    target = clip(
        levers.manager_style
        + orgs.style_offset
        + p.style_participation_pull * realised_participation(s)
        - p.style_pressure_pull * pressure
    )
    orgs.style = adjust(orgs.style, target, 1.0 / p.style_adjust_weeks)
    style = orgs.style
    factor = 1.0 + p.style_control_reporting * (1.0 - style) - p.style_buffer_reporting * style
    orgs.reporting = clip(pressure * factor * (1.0 - p.coeval_reporting_relief * orgs.coevaluation))
    floor = p.autonomy_style_floor
    orgs.autonomy = (1.0 - levers.standardisation) * (floor + (1.0 - floor) * style)
    waiting = s.per_catchment(s.users.status == Status.WAITING)
    queue = np.minimum(1.0, waiting / np.maximum(s.per_organisation(s.workers.capacity), 1))
    orgs.overbooking = p.activity_target_push * levers.market * (1.0 - style) * queue
