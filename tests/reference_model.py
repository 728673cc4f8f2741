"""Reference implementation of Centaure for docking (Axtell et al. 1996).

A plain per-agent Mesa model of the same rules as the vectorised core
(:mod:`sim.mechanisms`, :mod:`sim.metrics`, :mod:`sim.model`), written for
clarity, not speed: every agent holds plain Python attributes, every rule is a
Python loop over agents, and nothing here calls a mechanism or the metrics of
``sim``. It reuses only the parameter declarations (:mod:`sim.params`), the
peer graph (:func:`sim.network.peer_adjacency`), the status codes and the
initial-distribution helpers of :mod:`sim.state` (``new_need``,
``new_sensitivity``, ``catchments``, ``initial_budget``, ``funded_posts``,
``POST_HEADROOM``).

Synchronous update (MODEL.md §3): in every mechanism where agents read each
other, the model first calls ``step(phase)`` on every agent — which computes
the agent's new state from the snapshot of week *t* and keeps it aside — and
then ``advance()`` on every agent, which commits it. Where agents compete for
something (intake slots, hand-over slots, hiring, the peer-worker quota), an
explicit priority key decides, the same key as the vectorised code, so agent
order never matters:

* intake: waiting users sorted by the priority key of :mod:`sim.mechanisms.intake`
  (with its ``1e-9 u`` tie-break), free slots sorted by (ordinal of the slot
  within its worker, a random number drawn per worker), i.e. one new case per
  worker before anyone's second, workers in random order within a round;
* hand-over after a quit: the leaver's users go to *team-mates*, heaviest need
  first (ties by user index), slots under the caseload cap sorted the same way;
* hiring: the lowest-numbered empty positions of each organisation;
* peer workers: the users drawn this week, in random order, up to each
  catchment's quota.

Random draws come from the model's generators only (``self.random`` for
scalar draws, ``self.rng`` for the graph, Poisson counts and the ``sim.state``
helpers). The
streams differ from the vectorised model's, so the two implementations agree
in distribution, not run by run; ``tests/test_docking.py`` tests that.

:func:`reference_run` has the signature and output layout of :func:`sim.run.run`
so that ``benchmarks/bench_core.py`` can time both on the same configuration.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.metrics import INDICATORS
from sim.network import peer_adjacency
from sim.params import Params
from sim.scenarios import Reform, Scenario
from sim.state import POST_HEADROOM, Status, catchments, funded_posts, initial_budget, new_need, new_sensitivity

# Plain int status codes (the same values as sim.state.Status, compared fast).
RESOLVED = int(Status.RESOLVED)
UNAWARE = int(Status.UNAWARE)
NOT_ASKING = int(Status.NOT_ASKING)
WAITING = int(Status.WAITING)
DROPPED = int(Status.DROPPED)
SUPPORTED = int(Status.SUPPORTED)

WEEKS_PER_YEAR = 52
PERSISTENT_WEEKS = 39  # persistent non-recourse: 39 unsupported weeks in a row (DREES)
COMMUNITY_OUTREACH_SHARE = 0.5  # share of community hours spent on outreach (participation.py)
PEER_WORKER_POWER = 0.6  # power to act above which a participant may become a peer worker


def voice(level: float) -> float:
    """Weight of participation on Arnstein's ladder, (level / 7)^2 (``_common.voice``)."""
    return (level / 7.0) ** 2


def sigmoid(x: float) -> float:
    """Logistic function (``_common.sigmoid``)."""
    return 1.0 / (1.0 + math.exp(-x))


def clip01(x: float) -> float:
    """Clip to [0, 1]."""
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


def slot_order(workers: list, room_of, rnd) -> list:
    """One entry per free slot, by (ordinal of the slot within its worker, a random draw per worker)."""
    slots = []
    for w in workers:
        u = rnd.random()
        slots.extend((ordinal, u, w) for ordinal in range(max(0, room_of(w))))
    slots.sort(key=lambda s: (s[0], s[1]))
    return [w for _, _, w in slots]


class SynchronousAgent(mesa.Agent):
    """An agent updated in two phases: ``step(phase)`` computes, ``advance()`` commits.

    ``step(phase)`` calls the method ``next_<phase>()``, which reads only the
    committed state (of this agent and of others) and returns the new values
    of this agent's attributes; ``advance()`` writes them.
    """

    _next: dict[str, Any] | None = None

    def step(self, phase: str) -> None:
        self._next = getattr(self, "next_" + phase)()

    def advance(self) -> None:
        changes, self._next = self._next, None
        if changes:
            for name, value in changes.items():
                setattr(self, name, value)


def synchronous(agents: Iterable[SynchronousAgent], phase: str) -> None:
    """Run one synchronous update of ``phase``: every agent steps, then every agent advances."""
    agents = list(agents)
    for agent in agents:
        agent.step(phase)
    for agent in agents:
        agent.advance()


# ============================================================================ users
class RefUser(SynchronousAgent):
    """A person with (or without, for now) a social need (mirrors ``sim.state.Users``).

    Rules: awareness (``next_awareness``, mechanism 4), trust and asking
    (``next_demand``, 5), dropping out of the waiting list (``wait_a_week``, 6),
    support, worsening, exits and new needs (``next_support``, 7), taking part
    (``next_participation``, 10).
    """

    def __init__(self, model: ReferenceModel, index: int, org: RefOrganisation) -> None:
        super().__init__(model)
        rnd = model.random
        p = model.params
        self.index = index
        self.org = org
        eligible = rnd.random() < p.initial_eligible_share
        self.need = float(new_need(model.rng, 1)[0]) if eligible else 0.0
        self.aware = rnd.random() < 0.5
        self.status = (NOT_ASKING if self.aware else UNAWARE) if eligible else RESOLVED
        self.trust = rnd.betavariate(5.0, 5.0)
        self.power = rnd.betavariate(2.0, 5.0)
        self.stigma = rnd.betavariate(1.5, 2.5)
        self.propensity = rnd.random()
        self.worker: RefWorker | None = None
        self.weeks_with_worker = 0
        self.wait_weeks = 0
        self.unsupported_streak = 0
        self.participant = False
        self.peer_worker = False
        self.contacted = False
        self.quality = 0.0
        self.pw_ties = 0  # peer-worker neighbours this week (awareness -> demand)
        self.closing = False  # need resolved (or gone) this week: the case closes after support
        self.neighbours: list[RefUser] = []

    @property
    def eligible(self) -> bool:
        return self.status != RESOLVED

    # ------------------------------------------------------------------ 4. awareness
    def next_awareness(self) -> dict[str, Any]:
        """Mechanism 4 (awareness.py): anyone met by outreach (``contacted``, set by the
        organisation's ``meet``) knows their rights; an unaware user learns of them with

        p_learn = 1 - (1 - b_peer)^(aware peers) (1 - b_pw)^(peer-worker ties) (1 - met).
        """
        p = self.model.params
        rnd = self.model.random
        contacted = self.contacted
        pw_ties = sum(1 for v in self.neighbours if v.peer_worker)
        changes: dict[str, Any] = {"pw_ties": pw_ties, "aware": self.aware or contacted}
        if self.status == UNAWARE:
            aware_peers = sum(1 for v in self.neighbours if v.aware)
            b_pw = min(p.learn_from_peer_worker, 1 - 1e-12)
            p_learn = 1.0 - (1.0 - p.learn_from_peer) ** aware_peers * (1.0 - b_pw) ** pw_ties
            if rnd.random() < p_learn or contacted:
                changes["aware"] = True
                changes["status"] = NOT_ASKING
        return changes

    # ------------------------------------------------------------------ 5. demand
    def next_demand(self) -> dict[str, Any]:
        """Mechanism 5 (demand.py): trust moves (peers, support, outreach, peer workers); then maybe ask.

        trust += k (peer mean - trust) + r_s [supported] (0.4 + 0.3 quality + 0.3 voice - trust)
                 + g_o [met] (1 - trust) + min(1, g_pw ties) (1 - trust), clipped;
        p_ask = sigmoid(a0 + a_need need + a_trust trust - a_stigma stigma - a_burden burden).
        """
        p = self.model.params
        trust = self.trust
        if self.neighbours:
            peer_mean = sum(v.trust for v in self.neighbours) / len(self.neighbours)
        else:
            peer_mean = trust
        change = p.trust_contagion * (peer_mean - trust)
        if self.status == SUPPORTED:
            respect = 0.4 + 0.3 * self.quality + 0.3 * voice(p.participation_level)
            change += p.trust_rate_supported * (respect - trust)
        gap = 1.0 - trust
        if self.contacted:
            change += p.outreach_trust_gain * gap
        if self.pw_ties:
            change += min(1.0, p.peer_worker_trust_gain * self.pw_ties) * gap
        new_trust = clip01(trust + change)
        changes: dict[str, Any] = {"trust": new_trust}
        if self.status in (NOT_ASKING, DROPPED) and self.model.random.random() < self.ask_probability(new_trust):
            changes["status"] = WAITING
            changes["wait_weeks"] = 0
        return changes

    def ask_probability(self, trust: float) -> float:
        """p_ask = sigmoid(a0 + a_need need + a_trust trust - a_stigma stigma - a_burden burden),
        burden = (procedure_complexity + conditionality) / 2 (demand.py ``ask_probability``)."""
        p = self.model.params
        burden = 0.5 * (p.procedure_complexity + p.conditionality)
        index = (
            p.ask_intercept
            + p.ask_need * self.need
            + p.ask_trust * trust
            - p.ask_stigma * self.stigma
            - p.ask_burden * burden
        )
        return sigmoid(index)

    # ------------------------------------------------------------------ 6. intake
    def priority(self, u: float) -> float:
        """Intake priority key, lower first (intake.py ``priority_key``), with its 1e-9 u tie-break."""
        p = self.model.params
        match p.intake_priority:
            case "by_funding":
                lean = 2.0 * p.funding_weights[0] - 1.0
                key = lean * self.need + 0.5 * (1.0 - abs(lean)) * u
            case "greatest_need":
                key = -self.need
            case "easiest_first":
                key = self.need
            case "first_come":
                key = -float(self.wait_weeks)
            case _:
                raise AssertionError(p.intake_priority)
        return key + 1e-9 * u

    def wait_a_week(self) -> None:
        """Mechanism 6 (intake.py): not admitted, wait one more week; give up with hazard, losing trust."""
        p = self.model.params
        self.wait_weeks += 1
        if self.model.random.random() < p.waiting_drop_rate:
            self.status = DROPPED
            self.wait_weeks = 0
            self.trust *= 1.0 - p.trust_loss_dropped

    # ------------------------------------------------------------------ 7. support
    def quality_of_support(self) -> float:
        """Mechanism 7 (support.py): quality = min(1, time) x continuity x (0.5 + 0.5 autonomy)
        x (0.5 + 0.5 engagement) x experience x (1 + v voice) / (1 + v)."""
        p = self.model.params
        w = self.worker
        org = w.org
        time = min(1.0, org.hours_per_worker / (max(w.caseload, 1) * p.hours_per_case))
        continuity = 1.0 - math.exp(-self.weeks_with_worker / p.continuity_weeks)
        experience = 1.0 - 0.5 * math.exp(-w.tenure / p.experience_weeks)
        boost = (1.0 + p.quality_voice_boost * voice(p.participation_level)) / (1.0 + p.quality_voice_boost)
        return time * continuity * (0.5 + 0.5 * org.autonomy) * (0.5 + 0.5 * w.engagement) * experience * boost

    def next_support(self) -> dict[str, Any]:
        """Mechanism 7 (support.py): need falls with support, or worsens; cases close; new needs arise.

        supported: need *= 1 - effect q; power += gain q (1 + [participant]) (1 - power);
        resolved below the threshold. Unmet: need += worsening (1 - need), power *= 1 - loss,
        spontaneous exit. No need: a new one arises at the weekly rate; rights still known
        with probability ``awareness_retention``. Cases marked ``closing`` close after the
        workers have taken stock of the week (``RefWorker.next_feedback``).
        """
        p = self.model.params
        rnd = self.model.random
        status = self.status
        if status == SUPPORTED:
            q = self.quality_of_support()
            need = self.need * (1.0 - p.support_effect * q)
            gain = p.power_gain * q * (2.0 if self.participant else 1.0)
            changes = {
                "quality": q,
                "need": need,
                "power": self.power + gain * (1.0 - self.power),
                "weeks_with_worker": self.weeks_with_worker + 1,
            }
            if need < p.resolve_threshold:
                changes["closing"] = True
            return changes
        if status == RESOLVED:
            if rnd.random() < self.model.need_rate:
                aware = self.aware and rnd.random() < p.awareness_retention
                return {
                    "quality": 0.0,
                    "need": float(new_need(self.model.rng, 1)[0]),
                    "aware": aware,
                    "status": NOT_ASKING if aware else UNAWARE,
                }
            return {"quality": 0.0}
        changes = {
            "quality": 0.0,
            "need": self.need + p.need_worsening * (1.0 - self.need),
            "power": self.power * (1.0 - p.power_loss),
        }
        if rnd.random() < p.spontaneous_exit_rate:
            changes["closing"] = True
        return changes

    def open_case(self, worker: RefWorker) -> None:
        """Enter support with ``worker`` (intake.py ``assign``)."""
        self.status = SUPPORTED
        self.worker = worker
        self.weeks_with_worker = 0
        self.wait_weeks = 0
        worker.cases[self] = None

    def close_case(self) -> None:
        """The need is resolved (support.py ``close_cases``); a closed case counts for the funder."""
        self.closing = False
        if self.worker is not None:
            del self.worker.cases[self]
            self.org.resolved_this_year += 1
        self.status = RESOLVED
        self.worker = None
        self.weeks_with_worker = 0
        self.wait_weeks = 0
        self.participant = False
        self.need = 0.0

    # ------------------------------------------------------------------ 10. participation
    def next_participation(self) -> dict[str, Any]:
        """Mechanism 10 (participation.py): supported users and peer workers take part when
        propensity < max share x voice; taking part raises trust."""
        p = self.model.params
        takes_part = (self.status == SUPPORTED or self.peer_worker) and (
            self.propensity < p.participation_max_share * voice(p.participation_level)
        )
        changes: dict[str, Any] = {"participant": takes_part}
        if takes_part:
            changes["trust"] = self.trust + p.participation_trust_gain * (1.0 - self.trust)
        return changes


# ============================================================================ workers
class RefWorker(SynchronousAgent):
    """A social worker in a post (mirrors ``sim.state.Workers``); a quit removes the agent.

    Rules: capacity (``next_time_use``, mechanism 3), recognition and emotional
    load from the week's users (``next_feedback``, 7), JD-R engagement and exhaustion with team
    contagion (``next_jdr``, ``next_contagion``, 8), quitting (``quits``, 9).
    """

    def __init__(self, model: ReferenceModel, org: RefOrganisation, post: int, initial: bool) -> None:
        super().__init__(model)
        rnd = model.random
        p = model.params
        self.org = org
        self.post = post  # position in the organisation (0 = first funded post)
        self.team = org.team_of(post)
        if initial:  # a running sector (state.initial_workers)
            self.engagement = rnd.betavariate(6.0, 4.0)
            self.exhaustion = rnd.betavariate(2.0, 6.0)
            self.tenure = rnd.randrange(520)
        else:  # a new hire (turnover.hire)
            self.engagement = p.new_hire_engagement
            self.exhaustion = 0.1
            self.tenure = 0
        self.expectation = clip01(p.new_hire_expectation + 0.1 * rnd.gauss(0.0, 1.0))
        self.sensitivity = float(new_sensitivity(model.rng, 1)[0])
        self.capacity = 0
        self.recognition = 0.0
        self.emotional_load = 0.0
        self.cases: dict[RefUser, None] = {}  # users supported (an ordered set)

    @property
    def caseload(self) -> int:
        return len(self.cases)

    # ------------------------------------------------------------------ 3. time
    def next_time_use(self) -> dict[str, Any]:
        """Mechanism 3 (time_use.py): capacity = min(caseload_cap, floor(face-to-face hours / hours per case))."""
        p = self.model.params
        return {"capacity": min(p.caseload_cap, math.floor(self.org.hours_per_worker / p.hours_per_case))}

    # ------------------------------------------------------------------ 7. feedback from users
    def next_feedback(self) -> dict[str, Any]:
        """Mechanism 7 (support.py): recognition = mean trust of my users x (0.5 + 0.5 voice);
        emotional load = mean need of my users after this week's support (cases closing this
        week included, as support.py computes it before ``close_cases``)."""
        p = self.model.params
        if not self.cases:
            return {"recognition": 0.0, "emotional_load": 0.0}
        mean_trust = sum(u.trust for u in self.cases) / len(self.cases)
        return {
            "recognition": mean_trust * (0.5 + 0.5 * voice(p.participation_level)),
            "emotional_load": sum(u.need for u in self.cases) / len(self.cases),
        }

    # ------------------------------------------------------------------ 8. engagement
    def demands(self) -> float:
        """JD-R demands: sensitivity (0.4 min(1, load/2) + 0.35 min(1, reporting/0.6) + 0.25 emotional load),
        load = caseload (now) x hours per case / face-to-face hours."""
        p = self.model.params
        org = self.org
        load = self.caseload * p.hours_per_case / max(org.hours_per_worker, 1.0)
        return self.sensitivity * (
            0.4 * min(1.0, load / 2.0) + 0.35 * min(1.0, org.reporting / 0.6) + 0.25 * self.emotional_load
        )

    def resources(self) -> float:
        """JD-R resources: 0.25 autonomy + 0.2 min(1, f2f/0.7) + 0.25 recognition + 0.15 team support + 0.15 style."""
        org = self.org
        return (
            0.25 * org.autonomy
            + 0.2 * min(1.0, org.face_to_face / 0.7)
            + 0.25 * self.recognition
            + 0.15 * org.team_support(self.team)
            + 0.15 * org.style
        )

    def next_jdr(self) -> dict[str, Any]:
        """Mechanism 8 (engagement.py), first half: exhaustion and engagement adjust toward their targets.

        Not clipped yet: the code clips after the team contagion.
        """
        p = self.model.params
        exhaustion = self.exhaustion + p.jdr_rate * (self.demands() - self.exhaustion)
        target = clip01(p.vocation + (1.0 - p.vocation) * self.resources() - p.exhaustion_drag * self.exhaustion)
        engagement = self.engagement + p.jdr_rate * (target - self.engagement)
        return {"exhaustion": exhaustion, "engagement": engagement}

    def next_contagion(self) -> dict[str, Any]:
        """Mechanism 8 (engagement.py), second half: x += k (team mean - x) over filled posts; clip."""
        k = self.model.params.team_contagion
        mates = self.org.team_members(self.team)
        mean_x = sum(w.exhaustion for w in mates) / len(mates)
        mean_e = sum(w.engagement for w in mates) / len(mates)
        return {
            "exhaustion": clip01(self.exhaustion + k * (mean_x - self.exhaustion)),
            "engagement": clip01(self.engagement + k * (mean_e - self.engagement)),
        }

    # ------------------------------------------------------------------ 9. turnover
    def quits(self) -> bool:
        """Mechanism 9 (turnover.py): h = quit_base exp(b_x exhaustion + b_gap max(0, expectation - engagement))."""
        p = self.model.params
        gap = max(0.0, self.expectation - self.engagement)
        hazard = min(1.0, p.quit_base * math.exp(p.quit_exhaustion * self.exhaustion + p.quit_meaning_gap * gap))
        return self.model.random.random() < hazard


# ============================================================================ organisations
class RefOrganisation(SynchronousAgent):
    """An organisation with its manager and its funder link (mirrors ``sim.state.Organisations``).

    Rules: yearly budget (``next_funding``, mechanism 1), management
    (``next_management``, 2), face-to-face time (``next_time_use``, 3),
    outreach (``next_outreach``, 4), intake (``admit``, 6), hand-over and hiring
    (``hand_over``, ``hire``, 9), co-evaluation, community hours and peer
    workers (``next_participation``, ``recruit_peer_workers``, 10).
    """

    def __init__(self, model: ReferenceModel, index: int, budget: float, team_start: int) -> None:
        """``team_start``: global index of the organisation's first team."""
        super().__init__(model)
        p = model.params
        self.index = index
        self.funder = index % p.n_funders
        self.budget = budget
        self.market_share = 0.0  # set by the model once all budgets are known
        self.posts = int(funded_posts(p, np.array([budget]))[0])
        self.room = math.ceil(budget * POST_HEADROOM)  # positions: room for the budget to grow
        self.positions: list[RefWorker | None] = [None] * self.room
        # posts join the teams in rotation (position i in team i mod n_teams), n_teams = ceil(posts / size)
        self.team_start = team_start
        self.n_teams = max(1, -(-self.posts // p.team_size))
        self.reserves = 3.0
        # the manager: a fixed departure from the territory's anchor style (state.initial_organisations)
        self.style_offset = p.style_spread * model.random.gauss(0.0, 1.0)
        self.style = clip01(p.manager_style + self.style_offset)
        self.reporting = p.reporting_pressure
        self.autonomy = 0.0
        self.face_to_face = 0.0
        self.coevaluation = 0.0
        self.community_hours = 0.0
        self.resolved_this_year = 0
        self.hours_per_worker = 0.0  # face-to-face hours of each worker this week
        self.contacts = 0.0  # expected outreach contacts this week
        self.users: list[RefUser] = []  # the catchment, in user order

    # ------------------------------------------------------------------ structure
    @property
    def workers(self) -> list[RefWorker]:
        """Workers in post, by position."""
        return [w for w in self.positions if w is not None]

    @property
    def headcount(self) -> int:
        return sum(1 for w in self.positions if w is not None)

    def team_of(self, post: int) -> int:
        """Global team index of a position: positions join the teams in rotation."""
        return self.team_start + post % self.n_teams

    def team_posts(self, team: int) -> range:
        """Positions of a team (funded or not, filled or not)."""
        return range(team - self.team_start, self.room, self.n_teams)

    def team_members(self, team: int) -> list[RefWorker]:
        return [w for i in self.team_posts(team) if (w := self.positions[i]) is not None]

    def team_support(self, team: int) -> float:
        """Filled posts / funded posts in the team, capped at 1 (engagement.py ``team_support``)."""
        posts = self.team_posts(team)
        filled = sum(1 for i in posts if self.positions[i] is not None)
        funded = sum(1 for i in posts if i < self.posts)
        return min(1.0, filled / funded) if funded > 0 else 1.0

    # ------------------------------------------------------------------ 1. funding
    def next_funding(self) -> dict[str, Any]:
        """Mechanism 1 (funding.py): reserves, call for projects, B_j = B (m s_j + (r + c) n_j / sum n),
        posts = min(round((m + r) B_j), positions). Reads the territory totals of the snapshot."""
        p = self.model.params
        t = self.model.funding_round
        posts = max(self.posts, 1)
        reserves = self.reserves + 12.0 * (self.posts - self.headcount) / posts
        share = self.market_share
        if t["call"] and t["perf_total"] > 0:
            share = (1 - p.cfp_transfer) * share + p.cfp_transfer * (self.resolved_this_year / posts) / t["perf_total"]
        needs = sum(1 for u in self.users if u.status != RESOLVED)
        if t["needs_total"] > 0:
            need_share = needs / t["needs_total"]
        else:
            need_share = 1.0 / len(self.model.organisations)
        m, r, c = p.funding_weights
        budget = t["total"] * (m * share + (r + c) * need_share)
        new_posts = min(int(funded_posts(p, np.array([budget]))[0]), self.room)
        return {
            "reserves": reserves,
            "market_share": share,
            "budget": budget,
            "posts": new_posts,
            "resolved_this_year": 0,
        }

    # ------------------------------------------------------------------ 2. management
    def next_management(self) -> dict[str, Any]:
        """Mechanism 2 (management.py): style drifts to clip(anchor + offset + 0.5 voice - 0.5 P);
        reporting = clip(P (1 + e_s (0.5 - style)) (1 - e_c coevaluation), 0, 0.9);
        autonomy = (1 - standardisation) (0.5 + 0.5 style)."""
        p = self.model.params
        pressure = p.reporting_pressure
        target = clip01(p.manager_style + self.style_offset + 0.5 * voice(p.participation_level) - 0.5 * pressure)
        style = clip01(self.style + (target - self.style) / p.style_adjust_weeks)
        factor = (1.0 + p.style_reporting_effect * (0.5 - style)) * (
            1.0 - p.coeval_reporting_relief * self.coevaluation
        )
        return {
            "style": style,
            "reporting": min(0.9, max(0.0, pressure * factor)),
            "autonomy": (1.0 - p.standardisation) * (0.5 + 0.5 * style),
        }

    # ------------------------------------------------------------------ 3. time
    def next_time_use(self) -> dict[str, Any]:
        """Mechanism 3 (time_use.py): f2f = max(0, 1 - admin - reporting - outreach - c_p level);
        hours per worker = f2f x hours/week + community support hours / headcount."""
        p = self.model.params
        busy = p.admin_share + p.outreach_share + p.participation_time_per_rung * p.participation_level
        face_to_face = max(0.0, 1.0 - busy - self.reporting)
        community = (1.0 - COMMUNITY_OUTREACH_SHARE) * self.community_hours / max(self.headcount, 1)
        return {"face_to_face": face_to_face, "hours_per_worker": face_to_face * p.hours_per_week + community}

    # ------------------------------------------------------------------ 4. outreach
    def next_outreach(self) -> dict[str, Any]:
        """Mechanism 4 (awareness.py): contacts = (outreach x hours x headcount + community outreach
        hours + peer-worker hours x peer workers) / hours per contact."""
        p = self.model.params
        peer_workers = sum(1 for u in self.users if u.peer_worker)
        hours = (
            p.outreach_share * p.hours_per_week * self.headcount
            + COMMUNITY_OUTREACH_SHARE * self.community_hours
            + p.peer_worker_hours * peer_workers
        )
        return {"contacts": hours / p.hours_per_contact}

    def meet(self) -> None:
        """Mechanism 4 (awareness.py ``meet``): this week's K ~ Poisson(contacts) outreach contacts,
        each with a user drawn at random from the catchment (so a user is met with probability
        1 - exp(-contacts / users))."""
        rnd = self.model.random
        for _ in range(int(self.model.rng.poisson(self.contacts))):
            self.users[rnd.randrange(len(self.users))].contacted = True

    # ------------------------------------------------------------------ 6. intake
    def free_slots(self, room_of) -> list[RefWorker]:
        """Free slots, one entry per slot, in matching order: (ordinal within the worker, random).

        ``room_of(worker)`` is the worker's free room; the k-th round gives each
        worker with room its (k+1)-th slot, so new cases spread before they pile up;
        within a round, workers come in a random order (one draw per worker).
        """
        return slot_order(self.workers, room_of, self.model.random)

    def admit(self) -> list[RefUser]:
        """Mechanism 6 (intake.py): waiting users enter support by priority key while free slots
        (capacity - caseload) last; returns those still waiting."""
        rnd = self.model.random
        waiting = [u for u in self.users if u.status == WAITING]
        if not waiting:
            return []
        slots = self.free_slots(lambda w: w.capacity - w.caseload)
        keyed = sorted(((u.priority(rnd.random()), u.index, u) for u in waiting), key=lambda t: (t[0], t[1]))
        queue = [u for _, _, u in keyed]
        for user, worker in zip(queue, slots, strict=False):
            user.open_case(worker)
        return queue[len(slots) :]

    # ------------------------------------------------------------------ 9. turnover
    def hand_over(self, leavers: list[RefWorker]) -> None:
        """Mechanism 9 (turnover.py): the leavers' users lose trust and continuity; team-mates with
        room under the caseload cap take the heaviest needs first; the rest go back to waiting."""
        p = self.model.params
        orphans_by_team: dict[int, list[RefUser]] = {}
        for w in leavers:
            for u in list(w.cases):
                u.trust *= 1.0 - p.trust_loss_worker_left
                u.worker = None
                u.status = WAITING
                u.wait_weeks = 0
                orphans_by_team.setdefault(w.team, []).append(u)
            w.cases.clear()
        self.reassign(orphans_by_team)

    def reassign(self, orphans_by_team: dict[int, list[RefUser]]) -> None:
        """Team-mates with room under the caseload cap take a leaver's users, heaviest needs first."""
        p = self.model.params
        for team, orphans in orphans_by_team.items():
            mates = self.team_members(team)  # the leavers have left their posts
            slots = slot_order(mates, lambda w: p.caseload_cap - w.caseload, self.model.random)
            orphans.sort(key=lambda u: (-u.need, u.index))
            for user, worker in zip(orphans, slots, strict=False):
                user.open_case(worker)

    def hire(self, p_fill: float) -> int:
        """Mechanism 9 (turnover.py): vacancies ~ Binomial(vacancies, p_fill) are filled, lowest empty
        positions first, by motivated newcomers. Returns the number hired."""
        vacancies = max(self.posts - self.headcount, 0)
        if vacancies == 0:
            return 0
        hires = self.model.random.binomialvariate(vacancies, p_fill)
        empty = [i for i, w in enumerate(self.positions) if w is None]
        for post in empty[:hires]:
            self.positions[post] = self.model.worker_class(self.model, self, post, initial=False)
        return hires

    # ------------------------------------------------------------------ 10. participation
    def next_participation(self) -> dict[str, Any]:
        """Mechanism 10 (participation.py): coevaluation and community hours approach their targets
        at rate 1 / cobuild_weeks; community target = c B hours x leverage x (0.25 + 0.75 voice)."""
        p = self.model.params
        v = voice(p.participation_level)
        rate = 1.0 / p.cobuild_weeks
        target = p.funding_weights[2] * self.budget * p.hours_per_week * p.reciprocity_leverage * (0.25 + 0.75 * v)
        return {
            "coevaluation": self.coevaluation + rate * (v - self.coevaluation),
            "community_hours": self.community_hours + rate * (target - self.community_hours),
        }

    def recruit_peer_workers(self) -> None:
        """Mechanism 10 (participation.py): supported participants with power > 0.6 become peer workers
        with weekly probability ``peer_worker_rate``, up to floor(max share x catchment) peer workers
        (in random order among those drawn)."""
        p = self.model.params
        rnd = self.model.random
        room = math.floor(p.peer_worker_max_share * len(self.users)) - sum(1 for u in self.users if u.peer_worker)
        chosen = [
            u
            for u in self.users
            if u.participant
            and u.status == SUPPORTED
            and not u.peer_worker
            and u.power > PEER_WORKER_POWER
            and rnd.random() < p.peer_worker_rate
        ]
        rnd.shuffle(chosen)
        for u in chosen[: max(room, 0)]:
            u.peer_worker = True


# ============================================================================ the model
class ReferenceModel(mesa.Model):
    """The territory as a plain per-agent Mesa model (docking reference for ``sim.model.CentaureModel``).

    Args:
        params: the parameters (:class:`sim.params.Params`) or a scenario (its reforms then apply).
        rng: seed or generator, as for :class:`mesa.Model`.
        reforms: levers that change at a given week (default: the scenario's, if one is given).

    The agent classes are class attributes, so a test can dock a deliberately
    broken variant (a subclass with one rule changed) against the production model.
    """

    user_class: type[RefUser] = RefUser
    worker_class: type[RefWorker] = RefWorker
    organisation_class: type[RefOrganisation] = RefOrganisation

    def __init__(self, params: Params | Scenario, rng: Any = None, reforms: Sequence[Reform] | None = None) -> None:
        super().__init__(rng=rng)
        if isinstance(params, Scenario):
            reforms = params.reforms if reforms is None else reforms
            params = params.params
        self.params: Params = params
        self._pending_reforms = sorted(reforms or (), key=lambda r: r.week)
        p = params
        self.need_rate = p.need_arrival_rate
        self.funding_round: dict[str, Any] = {}

        # organisations, their positions and teams (state.initial_organisations / initial_workers)
        budgets = initial_budget(p)
        self.organisations: list[RefOrganisation] = []
        team_start = 0
        for j, budget in enumerate(budgets):
            org = self.organisation_class(self, j, float(budget), team_start)
            team_start += org.n_teams
            self.organisations.append(org)
        for org in self.organisations:
            org.market_share = org.budget / sum(o.budget for o in self.organisations)

        # users in contiguous catchments, and the peer ties
        org_of = catchments(p.n_users, p.n_organisations)
        self.users: list[RefUser] = []
        for i in range(p.n_users):
            user = self.user_class(self, i, self.organisations[int(org_of[i])])
            self.users.append(user)
            user.org.users.append(user)
        adj = peer_adjacency(p.n_users, p.peer_degree, p.peer_rewiring, self.rng)
        for i, user in enumerate(self.users):
            user.neighbours = [self.users[j] for j in adj.indices[adj.indptr[i] : adj.indptr[i + 1]]]

        # all funded posts start filled
        for org in self.organisations:
            for post in range(org.posts):
                org.positions[post] = self.worker_class(self, org, post, initial=True)

        self._open_initial_cases()
        self._quits_window: deque[int] = deque(maxlen=WEEKS_PER_YEAR)
        self._heads_window: deque[int] = deque(maxlen=WEEKS_PER_YEAR)
        self.indicators: dict[str, float] = {}
        self.observe(quits=0)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: (lambda m, name=name: m.indicators[name]) for name in INDICATORS}
        )
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ helpers
    @property
    def workers(self) -> list[RefWorker]:
        return [w for org in self.organisations for w in org.workers]

    def _open_initial_cases(self) -> None:
        """Week 0 (model.py ``_open_initial_cases``): management and time use once, then the aware
        eligible fill the capacity by the intake priority; the rest stay ``NOT_ASKING``; open cases
        have lasted 0-51 weeks."""
        synchronous(self.organisations, "management")
        self.time_use()
        for u in self.users:
            if u.status == NOT_ASKING:
                u.status = WAITING
        for org in self.organisations:
            for u in org.admit():
                u.status = NOT_ASKING
        for u in self.users:
            if u.status == SUPPORTED:
                u.weeks_with_worker = self.random.randrange(52)

    def _apply_reforms(self, week: int) -> None:
        while self._pending_reforms and self._pending_reforms[0].week <= week:
            self.params = self.params.replace(**self._pending_reforms.pop(0).changes)

    # ------------------------------------------------------------------ the week
    def step(self) -> None:
        """One week: reforms due, the ten mechanisms in the order of ``WEEKLY_ORDER``, observation."""
        week = self.steps
        self._apply_reforms(week)
        self.funding(week)
        synchronous(self.organisations, "management")
        self.time_use()
        self.awareness()
        synchronous(self.users, "demand")
        self.intake()
        self.support()
        synchronous(self.workers, "jdr")
        synchronous(self.workers, "contagion")
        quits = self.turnover()
        self.participation()
        self.observe(quits)
        self.datacollector.collect(self)
        if week >= self.params.weeks:
            self.running = False

    def funding(self, week: int) -> None:
        """Mechanism 1 (funding.py): at weeks 53, 105, ... the budget round; needs' arrival rate grows."""
        if not (week > 1 and (week - 1) % WEEKS_PER_YEAR == 0):
            return
        p = self.params
        self.need_rate *= 1.0 + p.need_growth
        year = (week - 1) // WEEKS_PER_YEAR
        self.funding_round = {
            "total": sum(o.budget for o in self.organisations) * (1.0 + p.budget_growth),
            "call": year % p.call_for_projects_period == 0,
            "perf_total": sum(o.resolved_this_year / max(o.posts, 1) for o in self.organisations),
            "needs_total": sum(1 for u in self.users if u.status != RESOLVED),
        }
        synchronous(self.organisations, "funding")

    def time_use(self) -> None:
        """Mechanism 3: organisations' face-to-face time, then each worker's capacity."""
        synchronous(self.organisations, "time_use")
        synchronous(self.workers, "time_use")

    def awareness(self) -> None:
        """Mechanism 4: outreach contacts in each catchment, then each user's learning."""
        synchronous(self.organisations, "outreach")
        for u in self.users:
            u.contacted = False
        for org in self.organisations:
            org.meet()
        synchronous(self.users, "awareness")

    def intake(self) -> None:
        """Mechanism 6: each organisation admits by priority; those left wait a week or give up."""
        for org in self.organisations:
            for user in org.admit():
                user.wait_a_week()

    def support(self) -> None:
        """Mechanism 7: users' support (from the snapshot), workers' feedback from the week's users,
        then the cases resolved this week close."""
        synchronous(self.users, "support")
        synchronous(self.workers, "feedback")
        for u in self.users:
            if u.closing:
                u.close_case()

    def turnover(self) -> int:
        """Mechanism 9: quits (from the snapshot), hand-overs to team-mates, hiring, tenure. Returns quits."""
        p = self.params
        leavers = [w for w in self.workers if w.quits()]
        for w in leavers:
            w.org.positions[w.post] = None
            w.remove()
        for org in self.organisations:
            mine = [w for w in leavers if w.org is org]
            if mine:
                org.hand_over(mine)
        staying = self.workers
        if any(max(o.posts - o.headcount, 0) for o in self.organisations):
            sector = sum(w.engagement for w in staying) / len(staying) if staying else p.new_hire_engagement
            p_fill = p.hire_rate * (1.0 - p.recruitment_difficulty) * sector
            for org in self.organisations:
                org.hire(p_fill)
        for w in self.workers:
            w.tenure += 1
        self._quits_by_org = [sum(1 for w in leavers if w.org is o) for o in self.organisations]
        return len(leavers)

    def participation(self) -> None:
        """Mechanism 10: who takes part; co-evaluation and community hours; peer workers."""
        synchronous(self.users, "participation")
        synchronous(self.organisations, "participation")
        if self.params.peer_worker_programme:
            for org in self.organisations:
                org.recruit_peer_workers()

    # ------------------------------------------------------------------ 11. observation
    def observe(self, quits: int) -> None:
        """Observation (metrics.py): every indicator of ``sim.metrics.INDICATORS``, counted agent by agent.

        Also advances each user's unsupported streak (eligible and not supported).
        """
        p = self.params
        eligible = supported = unaware = not_asking = waiting = dropped = persistent = 0
        wait_total = 0
        need_supported = need_eligible = power_eligible = 0.0
        participants = peer_workers = 0
        for u in self.users:
            if u.peer_worker:
                peer_workers += 1
            if u.status == RESOLVED:
                u.unsupported_streak = 0
                continue
            eligible += 1
            need_eligible += u.need
            power_eligible += u.power
            if u.status == SUPPORTED:
                u.unsupported_streak = 0
                supported += 1
                need_supported += u.need
                participants += u.participant
                continue
            u.unsupported_streak += 1
            persistent += u.unsupported_streak >= PERSISTENT_WEEKS
            if u.status == UNAWARE:
                unaware += 1
            elif u.status == NOT_ASKING:
                not_asking += 1
            elif u.status == WAITING:
                waiting += 1
                wait_total += u.wait_weeks
            else:
                dropped += 1

        head = engagement = burnout = tenure = 0
        face_to_face = reporting = 0.0
        for org in self.organisations:
            for w in org.workers:
                head += 1
                engagement += w.engagement
                burnout += w.exhaustion > p.burnout_threshold
                tenure += w.tenure
                face_to_face += org.face_to_face
                reporting += org.reporting
        posts = sum(o.posts for o in self.organisations)
        vacancies = sum(max(o.posts - o.headcount, 0) for o in self.organisations)
        self._quits_window.append(quits)
        self._heads_window.append(head)
        window = len(self._heads_window)
        mean_head = sum(self._heads_window) / window

        def ratio(a: float, b: float) -> float:
            return a / b if b > 0 else 0.0

        self.indicators = {
            "engagement": ratio(engagement, head),
            "burnout_share": ratio(burnout, head),
            "annual_turnover": ratio(sum(self._quits_window), mean_head) * WEEKS_PER_YEAR / window,
            "vacancy_rate": ratio(vacancies, posts),
            "mean_tenure_years": ratio(tenure, head) / 52.0,
            "non_recourse": ratio(eligible - supported, eligible),
            "non_connaissance": ratio(unaware, eligible),
            "non_demande": ratio(not_asking, eligible),
            "non_reception": ratio(waiting + dropped, eligible),
            "persistent_non_recourse": ratio(persistent, eligible),
            "waiting_list": float(waiting),
            "mean_wait_weeks": ratio(wait_total, waiting),
            "face_to_face_share": ratio(face_to_face, head),
            "reporting_share": ratio(reporting, head),
            "power_to_act": ratio(power_eligible, eligible),
            "participation_rate": ratio(participants, supported),
            "cream_skimming": ratio(ratio(need_supported, supported), ratio(need_eligible, eligible)),
            "budget": sum(o.budget for o in self.organisations),
            "reserves_months": sum(o.reserves for o in self.organisations) / len(self.organisations),
            "headcount": float(head),
            "eligible": float(eligible),
            "supported": float(supported),
            "peer_workers": float(peer_workers),
        }


def reference_run(
    params: Params | Scenario,
    seed: Any = 0,
    weeks: int | None = None,
    model_cls: type[ReferenceModel] = ReferenceModel,
) -> pd.DataFrame:
    """Run the reference model once: one row per week (``week`` + every indicator), as :func:`sim.run.run`.

    ``params`` may be a :class:`sim.scenarios.Scenario` (its reforms then apply);
    ``model_cls`` lets tests run a deliberately broken variant.
    """
    if weeks is not None:
        if isinstance(params, Scenario):
            params = params.with_changes(weeks=weeks)
        else:
            params = params.replace(weeks=weeks)
    model = model_cls(params, rng=seed)
    model.run_for(model.params.weeks)
    frame = model.datacollector.get_model_vars_dataframe()
    frame.insert(0, "week", np.arange(len(frame), dtype=int))
    return frame.reset_index(drop=True)
