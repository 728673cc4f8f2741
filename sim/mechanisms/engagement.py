"""8. Engagement and exhaustion (workers): the Job Demands-Resources model.

Bakker & Demerouti (2007): demands drive exhaustion (health-impairment path),
resources drive engagement (motivational path). For worker w in organisation j,
with every weight a declared parameter (MODEL.md §3.8):

    demands_w   = sensitivity_w (d_l min(1, load_w / L) + d_r min(1, reporting_j / R)
                                 + d_e emotional_w + d_i insecurity_j),
    load_w      = caseload_w x hours_per_case / max(1, face-to-face hours_w),
    emotional_w = mean need of w's caseload (computed in :mod:`support`),
    insecurity_j = job insecurity when the budget no longer pays the staff (:mod:`funding`),
    resources_w = r_a autonomy_j + r_f min(1, face_to_face_j / F) + r_c recognition_w
                  + r_t team support_w + r_s style_j,
    team support_w = min(1, filled posts / funded posts in w's team), 1 if none is funded
                     (vacancies leave colleagues alone),

(d_l, d_r, d_e, d_i = ``jdr_load``, ``jdr_reporting``, ``jdr_emotional``,
``jdr_insecurity``; L = ``load_saturation``; R = ``reporting_saturation``;
r_a, r_f, r_c, r_t, r_s = ``jdr_autonomy``, ``jdr_face_to_face``,
``jdr_recognition``, ``jdr_team``, ``jdr_style``; F = ``face_to_face_saturation``;
sensitivity_w a fixed individual trait of mean 1). Then

    exhaustion <- exhaustion + r (demands - exhaustion) + sigma e_x,
    engagement <- engagement + r (clip(vocation + (1 - vocation) resources - d exhaustion) - engagement) + sigma e_g,

r = ``jdr_rate``, d = ``exhaustion_drag``, e_x, e_g ~ Normal(0, 1) each week
and sigma = ``jdr_noise`` (the weeks that go well or badly, whatever the
job). Meaningful face-to-face time and recognition from users (reciprocity)
are resources, reporting is a demand (essay §2: "more time reporting in front
of a screen than face to face"). Both states then spread a little within teams
(emotional contagion; Bakker, Demerouti & Schaufeli 2005):
``x <- x + k (team mean - x)``, k = ``team_contagion``, and are clipped to [0, 1].
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms._common import clip
from sim.params import Params
from sim.state import Territory


def workers_by_team(s: Territory) -> np.ndarray:
    """Workers in post in each team."""
    workers = s.workers
    return np.bincount(workers.team, weights=workers.active, minlength=workers.n_teams)


def team_means(s: Territory, values: np.ndarray, filled: np.ndarray) -> np.ndarray:
    """Mean of ``values`` (0 on vacant posts) over each post's team; ``filled``: workers by team."""
    team = s.workers.team
    return (np.bincount(team, weights=values, minlength=filled.size) / np.maximum(filled, 1.0))[team]


def team_support(s: Territory, filled: np.ndarray) -> np.ndarray:
    """Filled posts / funded posts in each worker's team (capped at 1); ``filled``: workers by team.

    The funded posts of organisation j are its first ``posts_j`` positions. A
    team with no funded post has no worker either, or gives full support.
    """
    workers, orgs = s.workers, s.orgs
    funded = np.arange(workers.org.size) - orgs.position_start[workers.org] < orgs.posts[workers.org]
    size = np.bincount(workers.team, weights=funded, minlength=filled.size)
    return np.minimum(1.0, filled / np.maximum(size, 1.0))[workers.team]


def demands_and_resources(s: Territory, p: Params, filled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Job demands and resources of every post (``filled``: workers by team)."""
    workers, orgs = s.workers, s.orgs
    org = workers.org
    load = workers.caseload * p.hours_per_case / np.maximum(s.face_to_face_hours, 1.0)
    org_demands = (
        p.jdr_reporting * np.minimum(1.0, orgs.reporting / p.reporting_saturation) + p.jdr_insecurity * orgs.insecurity
    )
    demands = workers.sensitivity * (
        p.jdr_load * np.minimum(1.0, load / p.load_saturation)
        + org_demands[org]
        + p.jdr_emotional * workers.emotional_load
    )
    org_resources = (
        p.jdr_autonomy * orgs.autonomy
        + p.jdr_face_to_face * np.minimum(1.0, orgs.face_to_face / p.face_to_face_saturation)
        + p.jdr_style * orgs.style
    )
    resources = org_resources[org] + p.jdr_recognition * workers.recognition + p.jdr_team * team_support(s, filled)
    return demands, resources


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    workers = s.workers
    active = workers.active
    filled = workers_by_team(s)
    demands, resources = demands_and_resources(s, p, filled)
    shocks = p.jdr_noise * rng.standard_normal((2, active.size))
    exhaustion = active * (workers.exhaustion + p.jdr_rate * (demands - workers.exhaustion) + shocks[0])
    target = clip(p.vocation + (1.0 - p.vocation) * resources - p.exhaustion_drag * workers.exhaustion)
    engagement = active * (workers.engagement + p.jdr_rate * (target - workers.engagement) + shocks[1])
    for state in (exhaustion, engagement):  # emotional contagion within teams
        state += p.team_contagion * (team_means(s, state, filled) - state)
    workers.exhaustion = active * clip(exhaustion)
    workers.engagement = active * clip(engagement)
