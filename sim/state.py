"""The population as arrays (structure of arrays), and its initial draw.

Users, worker posts and organisations each live in one dataclass of numpy
arrays owned by the model. Mechanisms read and write these arrays; the Mesa
agents of :mod:`sim.agents` are views on them.

User status follows the ODENORE typology of non-take-up (Warin 2016):

=============  ===============  ==============================================
code           French           meaning
=============  ===============  ==============================================
``RESOLVED``   sans besoin      no current eligible need (resolved, or not yet arisen)
``UNAWARE``    non-connaissance eligible, does not know the right
``NOT_ASKING`` non-demande      eligible and aware, has not asked
``WAITING``    non-réception    asked, on a waiting list
``DROPPED``    non-réception    asked, then gave up or was turned away
``SUPPORTED``  recours          supported by a worker
=============  ===============  ==============================================

A user is *eligible* iff their status is not ``RESOLVED``; non-recourse is the
share of eligible users not ``SUPPORTED``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.params import Params


class Status:
    """User status codes, stored as int8 in ``Users.status``.

    Plain ints rather than an IntEnum: numpy compares an array with a plain
    int three times faster than with an enum member, and the weekly step makes
    a dozen such comparisons.
    """

    RESOLVED = 0
    UNAWARE = 1
    NOT_ASKING = 2
    WAITING = 3
    DROPPED = 4
    SUPPORTED = 5


STATUS_NAMES = tuple(name.lower() for name in vars(Status) if name.isupper())
"""Name of each status, indexed by its code."""
N_STATUS = len(STATUS_NAMES)
assert all(getattr(Status, name.upper()) == code for code, name in enumerate(STATUS_NAMES))


@dataclass
class Users:
    """State of every user (one entry per person)."""

    org: np.ndarray  # intp: organisation whose catchment the user lives in
    need: np.ndarray  # float64 in [0, 1]: severity of the current need
    status: np.ndarray  # int8 Status
    aware: np.ndarray  # bool: knows their rights (kept, but may not cover a new need)
    trust: np.ndarray  # float64 in [0, 1]: trust in institutions
    power: np.ndarray  # float64 in [0, 1]: power to act (pouvoir d'agir)
    stigma: np.ndarray  # float64 in [0, 1]: felt stigma of asking (fixed trait)
    propensity: np.ndarray  # float64 in [0, 1]: how readily one takes part (fixed trait)
    worker: np.ndarray  # intp: post index of the assigned worker, -1 if none
    weeks_with_worker: np.ndarray  # int32
    wait_weeks: np.ndarray  # int32: weeks on the waiting list
    unsupported_streak: np.ndarray  # int32: consecutive eligible weeks without support
    participant: np.ndarray  # bool: takes part in governance
    peer_worker: np.ndarray  # bool: is a peer worker (pair-aidant)
    contacted: np.ndarray  # bool: met by outreach this week
    quality: np.ndarray  # float64: quality of support received this week (0 if none)

    @property
    def eligible(self) -> np.ndarray:
        return self.status != Status.RESOLVED


@dataclass
class Workers:
    """State of every worker *post* (filled or vacant); capacity is fixed per organisation."""

    org: np.ndarray  # intp
    team: np.ndarray  # intp: global team index
    active: np.ndarray  # bool: the post is filled
    engagement: np.ndarray  # float64 in [0, 1]
    exhaustion: np.ndarray  # float64 in [0, 1]
    expectation: np.ndarray  # float64 in [0, 1]: meaning expected on arrival
    sensitivity: np.ndarray  # float64, mean 1: how strongly job demands weigh on this worker
    tenure: np.ndarray  # int32: weeks in post (0 for a vacant post, as engagement and exhaustion)
    caseload: np.ndarray  # intp: users currently supported
    capacity: np.ndarray  # intp: cases the face-to-face hours allow
    recognition: np.ndarray  # float64 in [0, 1]: recognition from users this week
    emotional_load: np.ndarray  # float64 in [0, 1]: mean need of the caseload this week
    n_teams: int  # teams in the territory (team indices run from 0 to n_teams - 1)


@dataclass
class Organisations:
    """State of every organisation (ESSMS, association), its manager and its funder link."""

    funder: np.ndarray  # int32
    budget: np.ndarray  # float64: yearly public budget, in full-time posts
    market_share: np.ndarray  # float64: share of the market envelope won in calls for projects
    posts: np.ndarray  # int32: funded casework posts
    reserves: np.ndarray  # float64: months of cash
    style: np.ndarray  # float64 in [0, 1]: manager style, 0 control .. 1 participatory
    style_offset: np.ndarray  # float64: this manager's fixed departure from the territory's anchor
    reporting: np.ndarray  # float64: share of worker time on reporting
    autonomy: np.ndarray  # float64 in [0, 1]
    face_to_face: np.ndarray  # float64: share of worker time face to face
    coevaluation: np.ndarray  # float64 in [0, 1]: maturity of co-built evaluation
    community_hours: np.ndarray  # float64: weekly community hours from reciprocity grants
    resolved_this_year: np.ndarray  # int64: cases closed since the last funding round
    position_start: np.ndarray  # int64: first post index of the organisation


def catchments(n_users: int, n_orgs: int) -> np.ndarray:
    """Organisation of each user: contiguous blocks of the ring, i.e. neighbourhoods."""
    return np.arange(n_users, dtype=np.intp) * n_orgs // n_users


def initial_users(p: Params, rng: np.random.Generator) -> Users:
    """Draw the initial population.

    Heterogeneity (MODEL.md §6): need ~ 0.3 + 0.7 Beta(2, 2) for the eligible;
    trust ~ Beta(5, 5); stigma ~ Beta(1.5, 2.5); power to act ~ Beta(2, 5);
    half of the eligible already aware. Everyone starts unsupported: the first
    weeks are a burn-in as cases open (documented in docs/ODD.md).
    """
    n = p.n_users
    eligible = rng.random(n) < p.initial_eligible_share
    need = np.where(eligible, new_need(rng, n), 0.0)
    aware = rng.random(n) < 0.5
    status = np.full(n, Status.RESOLVED, dtype=np.int8)
    status[eligible & aware] = Status.NOT_ASKING
    status[eligible & ~aware] = Status.UNAWARE
    return Users(
        org=catchments(n, p.n_organisations),
        need=need,
        status=status,
        aware=aware,
        trust=rng.beta(5.0, 5.0, n),
        power=rng.beta(2.0, 5.0, n),
        stigma=rng.beta(1.5, 2.5, n),
        propensity=rng.random(n),
        worker=np.full(n, -1, dtype=np.intp),
        weeks_with_worker=np.zeros(n, dtype=np.int32),
        wait_weeks=np.zeros(n, dtype=np.int32),
        unsupported_streak=np.zeros(n, dtype=np.int32),
        participant=np.zeros(n, dtype=bool),
        peer_worker=np.zeros(n, dtype=bool),
        contacted=np.zeros(n, dtype=bool),
        quality=np.zeros(n),
    )


def new_need(rng: np.random.Generator, size: int) -> np.ndarray:
    """Severity of a need as it arises: 0.3 + 0.7 Beta(2, 2) (assumption)."""
    return 0.3 + 0.7 * rng.beta(2.0, 2.0, size)


POST_HEADROOM = 3
"""Each organisation has room for this many times its initial posts, so budgets can grow."""


def initial_budget(p: Params) -> np.ndarray:
    """Initial yearly budget per organisation, in posts: ``n_workers`` split evenly.

    The total public budget is the same whatever the funding mix; the share
    that goes to reciprocity grants funds community hours, not posts.
    """
    base, extra = divmod(p.n_workers, p.n_organisations)
    budget = np.full(p.n_organisations, float(base))
    budget[:extra] += 1.0
    return budget


def funded_posts(p: Params, budget: np.ndarray) -> np.ndarray:
    """Casework posts a budget funds: posts = round((market + redistribution) x budget)."""
    m, r, _ = p.funding_weights
    return np.rint((m + r) * budget).astype(np.int32)


def initial_workers(p: Params, rng: np.random.Generator, budget: np.ndarray) -> tuple[Workers, np.ndarray]:
    """All funded posts start filled, with tenure spread over ten years (a running sector)."""
    posts = funded_posts(p, budget)
    room = np.ceil(budget * POST_HEADROOM).astype(np.int64)
    start = np.concatenate([[0], np.cumsum(room)[:-1]])
    total = int(room.sum())
    org = np.repeat(np.arange(p.n_organisations, dtype=np.intp), room)
    local = np.arange(total) - start[org]
    # posts join the organisation's teams in rotation, so teams are balanced
    teams_per_org = np.maximum(1, -(-posts // p.team_size))  # ceil
    team_start = np.concatenate([[0], np.cumsum(teams_per_org)[:-1]])
    team = (team_start[org] + local % teams_per_org[org]).astype(np.intp)
    active = local < posts[org]
    workers = Workers(
        org=org,
        team=team,
        active=active,
        engagement=np.where(active, rng.beta(6.0, 4.0, total), 0.0),
        exhaustion=np.where(active, rng.beta(2.0, 6.0, total), 0.0),
        expectation=np.clip(p.new_hire_expectation + 0.1 * rng.standard_normal(total), 0.0, 1.0),
        sensitivity=new_sensitivity(rng, total),
        tenure=np.where(active, rng.integers(0, 520, total), 0).astype(np.int32),
        caseload=np.zeros(total, dtype=np.intp),
        capacity=np.zeros(total, dtype=np.intp),
        recognition=np.zeros(total),
        emotional_load=np.zeros(total),
        n_teams=int(teams_per_org.sum()),
    )
    return workers, start


def new_sensitivity(rng: np.random.Generator, size: int) -> np.ndarray:
    """Individual sensitivity to job demands: 0.6 + 0.8 Beta(2, 2), mean 1 (assumption)."""
    return 0.6 + 0.8 * rng.beta(2.0, 2.0, size)


def initial_organisations(
    p: Params, rng: np.random.Generator, budget: np.ndarray, position_start: np.ndarray
) -> Organisations:
    """Organisations, their managers and their funder link (round robin).

    Managers differ: each has a fixed offset ~ Normal(0, ``style_spread``) from
    the territory's style anchor (MODEL.md §6, organisations differ in governance).
    """
    n = p.n_organisations
    offset = p.style_spread * rng.standard_normal(n)
    return Organisations(
        funder=(np.arange(n) % p.n_funders).astype(np.int32),
        budget=budget.copy(),
        market_share=budget / budget.sum(),
        posts=funded_posts(p, budget),
        reserves=np.full(n, 3.0),
        style=np.clip(p.manager_style + offset, 0.0, 1.0),
        style_offset=offset,
        reporting=np.full(n, p.reporting_pressure),
        autonomy=np.zeros(n),
        face_to_face=np.zeros(n),
        coevaluation=np.zeros(n),
        community_hours=np.zeros(n),
        resolved_this_year=np.zeros(n, dtype=np.int64),
        position_start=position_start.astype(np.int64),
    )


@dataclass
class Territory:
    """Everything the weekly step reads and writes: the state of week t."""

    users: Users
    workers: Workers
    orgs: Organisations
    peer_adj: object  # scipy.sparse.csr_matrix, user-user peer ties
    inverse_degree: np.ndarray  # float64: 1 / number of peer ties (every user has at least one)
    catchment_start: np.ndarray  # int64: first user of each organisation's catchment
    catchment_size: np.ndarray  # int64: users in each catchment
    week: int = 0  # weeks simulated so far
    need_rate: float = 0.0  # current weekly hazard of new needs (grows with need_growth)
    face_to_face_hours: np.ndarray | None = None  # per post, set each week by time_use
    peer_worker_ties: np.ndarray | None = None  # peer-worker neighbours of each user, this week
    left: np.ndarray | None = None  # posts whose worker quit this week
    hired: np.ndarray | None = None  # posts filled this week

    def headcount(self) -> np.ndarray:
        """Workers in post per organisation (its posts are one block starting at ``position_start``)."""
        return np.add.reduceat(self.workers.active, self.orgs.position_start)

    def per_catchment(self, column: np.ndarray) -> np.ndarray:
        """Sum of a user column over each organisation's catchment (a block of users)."""
        return np.add.reduceat(column, self.catchment_start)
