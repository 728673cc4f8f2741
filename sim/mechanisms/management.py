"""2. Management (weekly, managers): reporting required, autonomy granted, style drift.

Reporting share of worker time in organisation j (essay §2: governance by
instruments, Lascoumes & Le Galès 2004):

    reporting_j = P (1 + e_s (0.5 - style_j)) (1 - e_c coevaluation_j),   clipped to [0, 0.9]

with P the funders' indicator pressure (``reporting_pressure``), e_s
``style_reporting_effect`` (a controlling manager adds reporting, an ethical one
buffers it) and e_c ``coeval_reporting_relief`` (evaluation co-built with users,
see :mod:`participation`).

Autonomy falls with standardisation and rises with the manager's style:

    autonomy_j = (1 - standardisation) (0.5 + 0.5 style_j).

Style drifts toward control under indicator pressure and toward participation
where participation instances work (Janvier 2017, ethics of direction):

    style_j <- style_j + (target_j - style_j) / style_adjust_weeks,
    target_j = clip(manager_style + offset_j + 0.5 voice_j - 0.5 P, 0, 1),

voice_j = (participation_level / 7)^2 and offset_j the manager's own fixed
departure from the territory's anchor (``style_spread``).
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms._common import adjust, clip, voice
from sim.params import Params
from sim.state import Territory


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    orgs = s.orgs
    pressure = p.reporting_pressure
    target = clip(orgs.style_offset + (p.manager_style + 0.5 * voice(p.participation_level) - 0.5 * pressure))
    orgs.style = adjust(orgs.style, target, 1.0 / p.style_adjust_weeks)
    e_s = p.style_reporting_effect
    factor = ((1.0 + 0.5 * e_s) - e_s * orgs.style) * (1.0 - p.coeval_reporting_relief * orgs.coevaluation)
    orgs.reporting = clip(pressure * factor, 0.0, 0.9)
    orgs.autonomy = (0.5 * (1.0 - p.standardisation)) * (1.0 + orgs.style)
