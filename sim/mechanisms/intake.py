"""6. Intake (organisations, non-réception): waiting lists, priority, dropping out.

Non-réception is the third form of non-take-up in the ODENORE typology (Warin
2016): people who asked and did not receive. Cream-skimming under
indicator-driven funding follows Koning & Heinrich (2013); the essay (§2)
describes the waiting lists that grow in every département.

Each organisation admits as many waiting users as its workers have free slots
(``capacity - caseload``), new cases spread one per worker before anyone gets
a second. Who enters first follows a priority key (lower first):

* ``by_funding``: ``(2 m - 1) need + (1 - |2 m - 1|) u / 2``, u ~ U(0, 1), with m
  the market weight: under indicator-driven funding (m -> 1) the easiest cases
  (least need) come first — cream-skimming — under needs-based funding
  (m -> 0) the greatest need first, and in between the rule is partly random;
* ``greatest_need``: ``-need``; ``easiest_first``: ``need``;
* ``first_come``: ``-weeks waited``;

ties broken at random. Users not admitted wait one more week and give up with
weekly hazard ``waiting_drop_rate``, losing a share ``trust_loss_dropped`` of
their trust (status ``DROPPED``; they may ask again, see :mod:`demand`).
"""

from __future__ import annotations

import numpy as np

from sim.mechanisms._common import bernoulli_subset, expand_slots, match_in_groups
from sim.params import Params
from sim.state import Status, Territory

TIE_BREAK = 1e-9
"""Weight of the uniform draw u added to every key, so that ties are broken at random."""


def priority_key(p: Params, need: np.ndarray, wait_weeks: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Ascending key: who enters support first (``u``: uniform draws, one per person), ties broken by u."""
    match p.intake_priority:
        case "by_funding":
            lean = 2.0 * p.funding_weights[0] - 1.0
            return lean * need + (0.5 * (1.0 - abs(lean)) + TIE_BREAK) * u
        case "greatest_need":
            return TIE_BREAK * u - need
        case "easiest_first":
            return need + TIE_BREAK * u
        case "first_come":
            return TIE_BREAK * u - wait_weeks
    raise AssertionError(p.intake_priority)


def assign(s: Territory, people: np.ndarray, slot_worker: np.ndarray) -> None:
    """Open a case: each of ``people`` is supported from now on by the matching worker."""
    users, workers = s.users, s.workers
    users.status[people] = Status.SUPPORTED
    users.worker[people] = slot_worker
    users.weeks_with_worker[people] = 0
    users.wait_weeks[people] = 0
    workers.caseload += np.bincount(slot_worker, minlength=workers.caseload.size)


def admit(s: Territory, p: Params, rng: np.random.Generator) -> np.ndarray:
    """Match waiting users to free slots by priority; returns those still waiting."""
    users, workers = s.users, s.workers
    n_orgs = s.orgs.budget.size
    waiting = (users.status == Status.WAITING).nonzero()[0]
    if waiting.size == 0:
        return waiting
    free = (workers.capacity > workers.caseload).nonzero()[0]  # a vacant post has no capacity
    if free.size == 0:
        return waiting
    slot_worker, slot_key = expand_slots(free, workers.capacity[free] - workers.caseload[free], rng)
    u = rng.random(waiting.size)
    key = priority_key(p, users.need[waiting], users.wait_weeks[waiting], u)
    items, slots = match_in_groups(users.org[waiting], key, workers.org[slot_worker], slot_key, n_orgs)
    assign(s, waiting[items], slot_worker[slots])
    return waiting[users.status[waiting] == Status.WAITING]


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    users = s.users
    left = admit(s, p, rng)
    users.wait_weeks[left] += 1
    drops = bernoulli_subset(rng, left, p.waiting_drop_rate)
    users.status[drops] = Status.DROPPED
    users.wait_weeks[drops] = 0
    users.trust[drops] *= 1.0 - p.trust_loss_dropped
