"""6. Intake (organisations, non-réception): waiting lists, priority, activity targets, dropping out.

Non-réception is the third form of non-take-up in the ODENORE typology (Warin
2016): people who asked and did not receive. Cream-skimming under
indicator-driven funding follows Koning & Heinrich (2013); the essay (§2)
describes the waiting lists that grow in every département.

**Slots.** A worker w of organisation j admits new cases up to

    admit_w = min(caseload_cap_j, floor(capacity_w (1 + overbooking_j))),

capacity_w the cases their face-to-face hours allow (:mod:`time_use`) and
overbooking_j the activity targets' push (:mod:`management`): under
indicator-driven funding, caseloads can exceed face-to-face capacity and the
overload falls on workers, not only on users. New cases spread one per worker
before anyone gets a second.

**Priority** (lower key first), organisation j's rule ``intake_priority_j``:

* ``by_funding``: ``(2 m_j - 1) need + (1 - |2 m_j - 1|) u / 2``, u ~ U(0, 1), with m_j
  j's market weight (``funding_market``, normalised): under indicator-driven funding (m_j -> 1) the easiest cases
  (least need) come first — cream-skimming — under needs-based funding
  (m_j -> 0) the greatest need first, and in between the rule is partly random;
* ``greatest_need``: ``-need``; ``easiest_first``: ``need``;
* ``first_come``: ``-weeks waited``;

ties broken at random. A request takes time to assess: each week a waiting
person's request is processed with probability ``intake_rate`` (a free place
or not), so a waiting list never empties at once. A for-profit organisation
(``kind`` ``for_profit``) admits no one whose need
exceeds ``for_profit_need_limit``: heavy situations stay on its waiting list
(essay §2: the for-profit sector selects what pays). The week's admissions and askers (waiting at the start
of intake) are recorded per organisation with their needs: the cream-skimming
index at intake (:mod:`sim.metrics`) compares the two. Admissions of people
met by outreach less than ``promise_weeks`` ago are outreach's yield.

**Waiting.** Users not admitted wait one more week, losing a share
``trust_loss_waiting`` of their trust, and give up with weekly hazard
``waiting_drop_rate``, losing a share ``trust_loss_dropped`` (status
``DROPPED``; they may ask again, see :mod:`demand`). **Outreach is a promise**
(essay §4: aller-vers must not merely move the counter): both losses are
multiplied by ``1 + promise_penalty`` for a person met by outreach less than
``promise_weeks`` ago.
"""

from __future__ import annotations

import numpy as np

from sim.constants import TIE_BREAK
from sim.mechanisms._common import bernoulli_subset, expand_slots, match_in_groups
from sim.params import Params
from sim.state import Status, Territory


def priority_key(
    s: Territory, p: Params, org: np.ndarray, need: np.ndarray, wait_weeks: np.ndarray, u: np.ndarray
) -> np.ndarray:
    """Ascending key: who enters support first under each person's organisation's rule (``u``: uniform draws)."""
    lean = 2.0 * s.levers.market[org] - 1.0
    keys = (
        lean * need + ((1.0 - abs(lean)) / 2.0 + TIE_BREAK) * u,  # by_funding
        TIE_BREAK * u - need,  # greatest_need
        need + TIE_BREAK * u,  # easiest_first
        TIE_BREAK * u - wait_weeks,  # first_come
    )
    return np.choose(s.levers.intake_rule[org], keys)


def admission_slots(s: Territory) -> np.ndarray:
    """New cases each post can take this week (0 on a vacant post)."""
    workers = s.workers
    cap = s.levers.caseload_cap[workers.org]
    pushed = np.floor(workers.capacity * (1.0 + s.orgs.overbooking[workers.org])).astype(np.intp)
    return np.maximum(np.minimum(cap, pushed) - workers.caseload, 0) * workers.active


def admissible(s: Territory, p: Params, waiting: np.ndarray) -> np.ndarray:
    """The waiting people their organisation will admit: a for-profit one refuses needs above its limit."""
    refused = s.levers.for_profit[s.users.org[waiting]] & (s.users.need[waiting] > p.for_profit_need_limit)
    return waiting[~refused]


def assign(s: Territory, people: np.ndarray, slot_worker: np.ndarray) -> None:
    """Open a case: each of ``people`` is supported from now on by the matching worker."""
    users, workers = s.users, s.workers
    users.status[people] = Status.SUPPORTED
    users.worker[people] = slot_worker
    users.weeks_with_worker[people] = 0
    users.wait_weeks[people] = 0
    users.ever_supported[people] = True
    workers.caseload += np.bincount(slot_worker, minlength=workers.caseload.size)


def admit(s: Territory, p: Params, rng: np.random.Generator, asking: np.ndarray | None = None) -> np.ndarray:
    """Match waiting users (``asking``, if already found) to free slots by priority; returns the users admitted."""
    users, workers = s.users, s.workers
    n_orgs = s.catchment_size.size
    if asking is None:
        asking = (users.status == Status.WAITING).nonzero()[0]
    waiting = admissible(s, p, bernoulli_subset(rng, asking, p.intake_rate))
    slots = admission_slots(s)
    free = slots.nonzero()[0]
    if waiting.size == 0 or free.size == 0:
        return waiting[:0]
    org = users.org[waiting]
    waiting_by_org = np.bincount(org, minlength=n_orgs)
    slot_worker, slot_key = expand_slots(free, slots[free], rng, most=waiting_by_org[workers.org[free]])
    key = priority_key(s, p, org, users.need[waiting], users.wait_weeks[waiting], rng.random(waiting.size))
    items, chosen = match_in_groups(org, key, workers.org[slot_worker], slot_key, n_orgs)
    admitted = waiting[items]
    assign(s, admitted, slot_worker[chosen])
    return admitted


def promised(s: Territory, p: Params, people: np.ndarray) -> np.ndarray:
    """Whether each of ``people`` was met by outreach less than ``promise_weeks`` ago."""
    return s.week - s.users.met_week[people] < p.promise_weeks


def trust_loss(s: Territory, p: Params, people: np.ndarray, share: float) -> np.ndarray:
    """Share of trust each of ``people`` loses for a loss of ``share``: more for those outreach made a promise to."""
    return np.minimum(1.0, share * (1.0 + p.promise_penalty * promised(s, p, people)))


def record(s: Territory, p: Params, asking: np.ndarray, admitted: np.ndarray) -> None:
    """The week's askers and admissions per organisation, with their needs, and outreach's yield."""
    users, n = s.users, s.catchment_size.size
    from_outreach = admitted[promised(s, p, admitted)]
    for name, people in (("asking", asking), ("admitted", admitted), ("outreach_admitted", from_outreach)):
        org = users.org[people]
        s.events[name] = np.bincount(org, minlength=n)
        s.events[f"{name}_need"] = np.bincount(org, weights=users.need[people], minlength=n)


def step(s: Territory, p: Params, rng: np.random.Generator) -> None:
    users = s.users
    asking = (users.status == Status.WAITING).nonzero()[0]
    admitted = admit(s, p, rng, asking)
    record(s, p, asking, admitted)
    left = asking[users.status[asking] == Status.WAITING]
    users.wait_weeks[left] += 1
    users.trust[left] *= 1.0 - trust_loss(s, p, left, p.trust_loss_waiting)
    drops = bernoulli_subset(rng, left, p.waiting_drop_rate)
    users.status[drops] = Status.DROPPED
    users.wait_weeks[drops] = 0
    users.trust[drops] *= 1.0 - trust_loss(s, p, drops, p.trust_loss_dropped)
