"""9. Turnover (workers): departures of two kinds, hand-overs, vacancies and hiring.

Two kinds of departure (MODEL.md §3.9): an exogenous weekly hazard
``quit_exogenous`` (retirement, moves, career changes: part of the observed
departures has nothing to do with the job) and a job-driven hazard (Levine et
al. 1985 on unmet expectations; Homer 1985 on the worker burnout cycle):

    h_job_w = quit_base x exp(b_x exhaustion_w + b_gap max(0, expectation_w - engagement_w) + b_i insecurity_j),

(b_x = ``quit_exhaustion``, b_gap = ``quit_meaning_gap``, b_i = ``quit_insecurity``),
the gap being between the meaning a worker expected on arrival and what the
job gives, insecurity_j the job insecurity of j's workers when the budget no
longer pays its posts (:mod:`funding`; Sverke, Hellgren & Näswall 2002). A worker leaves with probability 1 - (1 - h_exo)(1 - h_job); a
leaver counts as an exogenous departure when a uniform draw below h_exo
decided it, else as a job-driven one (so the two counts add up).

A departure (or a post cut, :mod:`funding`) leaves the post empty and breaks
continuity: the worker's users lose a share ``trust_loss_worker_left`` of their
trust and restart with a new worker; they are handed to team-mates with room
under the caseload cap (``caseload_cap``) — overloading them beyond their face-to-face capacity,
the cascade by which vacancies breed vacancies (Casiraghi et al. 2021) — the
heaviest situations first, and the rest go back to the waiting list.

Vacancies (funded posts without a worker) of an organisation whose hiring is
not frozen are filled with weekly probability

    p_fill = hire_rate x (1 - recruitment_difficulty_j) x sector engagement,

sector engagement being the mean engagement of all workers: a sector that
loses its meaning loses its recruits (the attractiveness crisis, essay §2).
New hires arrive motivated (``new_hire_engagement``), rested
(``new_hire_exhaustion``), with expectations drawn around
``new_hire_expectation`` (sd ``expectation_spread``) and no experience; where
users sit on recruitment panels (``recruitment_panels``) the expectation moves a share ``panel_fit``
of the way toward the mean engagement of the organisation's workers (a better
fit between what is expected and what the job gives). Tenure counts the weeks
in post, 1 at the end of the first. Vacancies are filled in post-number order
within the organisation, a fixed rule that favours no one (posts are assigned
to teams in rotation). The worker-weeks paid are counted for the budget round.
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms._common import expand_slots, match_in_groups, rank_in_groups
from sim.mechanisms.intake import assign
from sim.params import Params
from sim.state import Status, Territory, new_expectation, new_sensitivity


def job_hazard(
    p: Params, exhaustion: np.ndarray, engagement: np.ndarray, expectation: np.ndarray, insecurity: np.ndarray
) -> np.ndarray:
    """Weekly probability of leaving because of the job."""
    gap = np.maximum(0.0, expectation - engagement)
    index = p.quit_exhaustion * exhaustion + p.quit_meaning_gap * gap + p.quit_insecurity * insecurity
    return np.minimum(1.0, p.quit_base * np.exp(index))


def departures(s: Territory, p: Params, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(exogenous leavers, job-driven leavers) this week."""
    workers = s.workers
    active = workers.active.nonzero()[0]
    insecurity = s.orgs.insecurity[workers.org[active]]
    h_job = job_hazard(
        p, workers.exhaustion[active], workers.engagement[active], workers.expectation[active], insecurity
    )
    u = rng.random(active.size)
    exogenous = u < p.quit_exogenous
    job = ~exogenous & (u < p.quit_exogenous + (1.0 - p.quit_exogenous) * h_job)
    return active[exogenous], active[job]


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
    room = s.levers.caseload_cap[workers.org[stay]] - workers.caseload[stay]
    orphans_by_team = np.bincount(team, minlength=workers.n_teams)
    slot_worker, slot_key = expand_slots(stay, room, rng, most=orphans_by_team[workers.team[stay]])
    key = -users.need[orphans]  # the team takes the heaviest situations first
    items, slots = match_in_groups(team, key, workers.team[slot_worker], slot_key, workers.n_teams)
    assign(s, orphans[items], slot_worker[slots])


def leave(s: Territory, p: Params, leavers: np.ndarray, rng: np.random.Generator) -> None:
    """Workers on posts ``leavers`` go (a departure or a post cut): the posts empty, their users are handed over."""
    if leavers.size == 0:
        return
    workers = s.workers
    workers.active[leavers] = False
    workers.engagement[leavers] = 0.0
    workers.exhaustion[leavers] = 0.0
    workers.recognition[leavers] = 0.0
    workers.tenure[leavers] = 0
    hand_over(s, p, leavers, rng)
    s.left = np.concatenate((s.left, leavers)) if s.left is not None else leavers


def hire(s: Territory, p: Params, rng: np.random.Generator) -> np.ndarray:
    """Fill vacancies of organisations whose hiring is not frozen; returns the posts filled."""
    workers, orgs, levers = s.workers, s.orgs, s.levers
    headcount = s.headcount()
    open_posts = np.maximum(orgs.posts - headcount, 0) * ~orgs.frozen
    vacancy_org = np.arange(headcount.size).repeat(open_posts)
    if vacancy_org.size == 0:
        return vacancy_org
    n_active = headcount.sum()
    sector_engagement = workers.engagement.sum() / n_active if n_active else p.new_hire_engagement
    p_fill = p.hire_rate * (1.0 - levers.recruitment_difficulty[vacancy_org]) * sector_engagement
    filled = vacancy_org[rng.random(vacancy_org.size) < p_fill]
    if filled.size == 0:
        return filled
    hires = np.bincount(filled, minlength=headcount.size)
    # fill the lowest-numbered empty positions of each organisation
    empty = (~workers.active).nonzero()[0]
    empty_org = workers.org[empty]
    rank = rank_in_groups(empty_org, headcount.size)
    new = empty[rank < hires[empty_org]]
    org = workers.org[new]
    meaning = s.per_organisation(workers.engagement) / np.maximum(headcount, 1)
    fit = p.panel_fit * levers.recruitment_panels[org]
    workers.active[new] = True
    workers.engagement[new] = p.new_hire_engagement
    workers.exhaustion[new] = p.new_hire_exhaustion
    workers.expectation[new] = (1.0 - fit) * new_expectation(p, rng, new.size) + fit * meaning[org]
    workers.sensitivity[new] = new_sensitivity(p, rng, new.size)
    return new  # a vacant post has no caseload: a leaver's users were handed over


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    workers = s.workers
    exogenous, job = departures(s, p, rng)
    n_orgs = s.catchment_size.size
    s.events["quits_exogenous"] = np.bincount(workers.org[exogenous], minlength=n_orgs)
    s.events["quits_job"] = np.bincount(workers.org[job], minlength=n_orgs)
    leave(s, p, np.concatenate((exogenous, job)), rng)
    s.hired = hire(s, p, rng)
    workers.tenure += workers.active
    s.orgs.paid_weeks += s.headcount()
