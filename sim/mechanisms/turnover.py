"""9. Turnover (workers): quits, hand-overs, vacancies and hiring.

Weekly quit hazard (MODEL.md §7; Levine et al. 1985 on unmet expectations;
Homer 1985 on the worker burnout cycle):

    h_w = min(1, quit_base x exp(b_x exhaustion_w + b_gap max(0, expectation_w - engagement_w))),

the gap being between the meaning a worker expected on arrival and what the
job gives. A quit leaves a vacancy and breaks continuity: the worker's users
lose a share ``trust_loss_worker_left`` of their trust and restart with a new
worker; they are handed to team-mates with room under the caseload cap —
overloading them beyond their face-to-face capacity, the cascade by which
vacancies breed vacancies (Casiraghi et al. 2021) — and the rest go back to
the waiting list.

Vacancies (funded posts without a worker) are filled with weekly probability

    p_fill = hire_rate x (1 - recruitment_difficulty) x sector engagement,

sector engagement being the mean engagement of all workers: a sector that
loses its meaning loses its recruits (the attractiveness crisis, essay §2).
New hires arrive motivated (``new_hire_engagement``), rested (exhaustion
``NEW_HIRE_EXHAUSTION``), with high expectations (``new_hire_expectation``) and
no experience; tenure counts the weeks in post, 1 at the end of the first.
Vacancies are filled in post-number order within the organisation, a fixed
rule that favours no one (posts are assigned to teams in rotation).
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms._common import clip, expand_slots, match_in_groups
from sim.mechanisms.intake import assign
from sim.params import Params
from sim.state import Status, Territory, new_sensitivity

NEW_HIRE_EXHAUSTION = 0.1
"""Exhaustion of a new hire (assumption: rested, not yet worn)."""


def quit_hazard(p: Params, exhaustion: np.ndarray, engagement: np.ndarray, expectation: np.ndarray) -> np.ndarray:
    """Weekly probability of quitting."""
    gap = np.maximum(0.0, expectation - engagement)
    return np.minimum(1.0, p.quit_base * np.exp(p.quit_exhaustion * exhaustion + p.quit_meaning_gap * gap))


def hand_over(s: Territory, p: Params, leavers: np.ndarray, rng: np.random.Generator) -> None:
    """The users of ``leavers`` go to team-mates with room, or back to the waiting list."""
    users, workers = s.users, s.workers
    leaving = np.zeros(workers.org.size + 1, dtype=bool)  # the last entry stands for "no worker" (-1)
    leaving[leavers] = True
    orphans = leaving[users.worker].nonzero()[0]
    if orphans.size == 0:
        return
    team = workers.team[users.worker[orphans]]
    users.trust[orphans] *= 1.0 - p.trust_loss_worker_left
    users.worker[orphans] = -1
    users.status[orphans] = Status.WAITING
    users.wait_weeks[orphans] = 0
    workers.caseload[leavers] = 0
    affected = np.zeros(workers.n_teams, dtype=bool)
    affected[team] = True
    stay = (workers.active & affected[workers.team]).nonzero()[0]
    slot_worker, slot_key = expand_slots(stay, p.caseload_cap - workers.caseload[stay], rng)
    n_teams = workers.n_teams
    key = -users.need[orphans]  # the team takes the heaviest situations first
    items, slots = match_in_groups(team, key, workers.team[slot_worker], slot_key, n_teams)
    assign(s, orphans[items], slot_worker[slots])


def hire(s: Territory, p: Params, rng: np.random.Generator) -> np.ndarray:
    """Fill vacancies; returns the posts filled."""
    workers, orgs = s.workers, s.orgs
    active = workers.active
    headcount = s.headcount()
    vacancy_org = np.arange(headcount.size).repeat(np.maximum(orgs.posts - headcount, 0))
    if vacancy_org.size == 0:
        return vacancy_org
    n_active = headcount.sum()
    sector_engagement = workers.engagement.sum() / n_active if n_active else p.new_hire_engagement
    p_fill = p.hire_rate * (1.0 - p.recruitment_difficulty) * sector_engagement
    filled = vacancy_org[rng.random(vacancy_org.size) < p_fill]
    if filled.size == 0:
        return filled
    hires = np.bincount(filled, minlength=headcount.size)
    # fill the lowest-numbered empty positions of each organisation
    empty = (~active).nonzero()[0]
    empty_org = workers.org[empty]
    rank = np.arange(empty.size) - empty_org.searchsorted(empty_org)
    new = empty[rank < hires[empty_org]]
    workers.active[new] = True
    workers.engagement[new] = p.new_hire_engagement
    workers.exhaustion[new] = NEW_HIRE_EXHAUSTION
    workers.expectation[new] = clip(p.new_hire_expectation + 0.1 * rng.standard_normal(new.size))
    workers.sensitivity[new] = new_sensitivity(rng, new.size)
    return new  # a vacant post has no caseload: a leaver's users were handed over


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    workers = s.workers
    active = workers.active.nonzero()[0]
    hazard = quit_hazard(p, workers.exhaustion[active], workers.engagement[active], workers.expectation[active])
    leavers = active[rng.random(active.size) < hazard]
    if leavers.size:
        workers.active[leavers] = False
        workers.engagement[leavers] = 0.0
        workers.exhaustion[leavers] = 0.0
        workers.recognition[leavers] = 0.0
        workers.tenure[leavers] = 0
        hand_over(s, p, leavers, rng)
    s.left = leavers
    s.hired = hire(s, p, rng)
    workers.tenure += workers.active
