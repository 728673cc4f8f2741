"""8. Engagement and exhaustion (workers): the Job Demands-Resources model.

Bakker & Demerouti (2007): demands drive exhaustion (health-impairment path),
resources drive engagement (motivational path). For worker w in organisation j:

    demands_w   = sensitivity_w (0.4 min(1, load_w / 2) + 0.35 min(1, reporting_j / 0.6) + 0.25 emotional_w),
    load_w      = caseload_w x hours_per_case / max(1, face-to-face hours_w),
    emotional_w = mean need of w's caseload (computed in :mod:`support`),
    resources_w = 0.25 autonomy_j + 0.2 min(1, face_to_face_j / 0.7) + 0.25 recognition_w
                  + 0.15 team support_w + 0.15 style_j,
    team support_w = min(1, filled posts / funded posts in w's team), 1 if none is funded
                     (vacancies leave colleagues alone),

    exhaustion <- exhaustion + r (demands - exhaustion),
    engagement <- engagement + r (clip(vocation + (1 - vocation) resources - d exhaustion) - engagement),

sensitivity_w a fixed individual trait (mean 1), r = ``jdr_rate``,
d = ``exhaustion_drag``; meaningful face-to-face time and
recognition from users (reciprocity) are resources, reporting is a demand
(essay §2: "more time reporting in front of a screen than face to face").
Both states then spread a little within teams (emotional contagion; Bakker,
Demerouti & Schaufeli 2005): ``x <- x + k (team mean - x)``, k = ``team_contagion``.
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
    # 0.4 min(1, load / 2) = min(0.4, 0.2 load)
    load_term = np.minimum(0.4, workers.caseload * (0.2 * p.hours_per_case) / np.maximum(s.face_to_face_hours, 1.0))
    org_demands = 0.35 * np.minimum(1.0, orgs.reporting / 0.6)
    demands = workers.sensitivity * (load_term + org_demands[org] + 0.25 * workers.emotional_load)
    org_resources = 0.25 * orgs.autonomy + 0.2 * np.minimum(1.0, orgs.face_to_face / 0.7) + 0.15 * orgs.style
    resources = org_resources[org] + 0.25 * workers.recognition + 0.15 * team_support(s, filled)
    return demands, resources


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    workers = s.workers
    active = workers.active
    filled = workers_by_team(s)
    demands, resources = demands_and_resources(s, p, filled)
    exhaustion = active * (workers.exhaustion + p.jdr_rate * (demands - workers.exhaustion))
    target = clip(p.vocation + (1.0 - p.vocation) * resources - p.exhaustion_drag * workers.exhaustion)
    engagement = active * (workers.engagement + p.jdr_rate * (target - workers.engagement))
    for state in (exhaustion, engagement):  # emotional contagion within teams
        state += p.team_contagion * (team_means(s, state, filled) - state)
    workers.exhaustion = active * clip(exhaustion)
    workers.engagement = active * clip(engagement)
