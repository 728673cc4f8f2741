"""Reference implementation of Centaure v2 for docking (Axtell et al. 1996).

A plain per-agent Mesa model of the rules that the vectorised core implements
(:mod:`sim.mechanisms`, :mod:`sim.metrics`, :mod:`sim.model`), written for
clarity, not speed, from the docstrings of those modules: every agent holds
plain Python attributes, every rule is a Python loop over agents, and nothing
here calls a mechanism or the metrics of ``sim``. It reuses only the
parameter declarations (:mod:`sim.params`: values, ``Params.value`` for an
organisation's own values), the peer graph (:func:`sim.network.peer_adjacency`),
the status codes and the initial-distribution helpers of :mod:`sim.state`
(``new_need``, ``new_sensitivity``, ``new_expectation``, ``catchments``,
``initial_budget``, ``cost_per_post``). It is also a description of the model
for a reader who does not read numpy: each method's docstring states its rule.

Agents
    * :class:`RefUser`, a person (with or without a current need);
    * :class:`RefWorker`, a social worker *in a post*: a quit or a lay-off
      removes the agent, a hire creates a new one on the empty post;
    * :class:`RefOrganisation`, an organisation with its manager, its budget,
      its posts (``positions``, ``None`` where vacant), its catchment (a
      contiguous block of users) and **its own lever values** (``levers``:
      the territory's value of every per-organisation parameter unless the
      organisation sets its own, ``name@j``);
    * the funders' yearly round and the observation are methods of
      :class:`ReferenceModel` (the funders are territory-wide: their link to
      organisations plays no part in the rules).

The week (``ReferenceModel.simulate_week``) runs the ten mechanisms in the
documented order, then the observation; before week 1, the model opens the
initial cases and runs the **spin-up**: weeks ``1 - spinup_weeks`` .. 0 under
the week-0 levers, with budgets, costs and needs held stationary (funding
rounds and calls for projects happen as usual), observed but not recorded, so
week 0 reports a settled year.

Synchronous update (MODEL.md §3): in a mechanism where agents read each
other's changing state (peer awareness, trust contagion, the JD-R update and
team contagion), the model first calls ``step(phase)`` on every agent — which
computes the agent's new state from the snapshot and keeps it aside — and then
``advance()`` on every agent, which commits it. Where no agent reads another's
changing state, a plain loop does the same. Where agents compete for something
(intake slots, hand-over slots, hiring, lay-offs, peer-worker places), an
explicit key or a random draw decides, so agent order never matters:

* intake: waiting users sorted by their organisation's priority key (ties
  broken by a ``1e-9 u`` draw), free slots sorted by (ordinal of the slot
  within its worker, a random number drawn per worker): one new case per
  worker before anyone's second, workers in random order within a round;
* hand-over: the leaver's users go to *team-mates*, heaviest need first, slots
  under the caseload cap sorted the same way;
* hiring: the lowest-numbered empty positions of each organisation;
* lay-offs: workers drawn at random; peer workers: those drawn this week, in
  random order, up to each catchment's quota.

Random draws come from the model's generators only (``self.random`` for
scalar draws, ``self.rng`` for the graph, Poisson counts and the ``sim.state``
helpers). The streams differ from the vectorised model's, so the two
implementations agree in distribution, not run by run; ``tests/test_docking.py``
tests that.

:func:`reference_run` has the signature and output layout of :func:`sim.run.run`
so that ``benchmarks/bench_core.py`` can time both on the same configuration.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Sequence
from types import SimpleNamespace
from typing import Any

import mesa
import numpy as np
import pandas as pd

from sim.metrics import INDICATORS
from sim.network import peer_adjacency
from sim.params import Params, organisation_specs
from sim.scenarios import Reform, Scenario
from sim.state import (
    Status,
    catchments,
    cost_per_post,
    initial_budget,
    new_expectation,
    new_need,
    new_sensitivity,
)

# Plain int status codes (the same values as sim.state.Status).
RESOLVED = int(Status.RESOLVED)  # no current need
UNAWARE = int(Status.UNAWARE)  # non-connaissance
NOT_ASKING = int(Status.NOT_ASKING)  # non-demande
WAITING = int(Status.WAITING)  # non-réception: on a waiting list
DROPPED = int(Status.DROPPED)  # non-réception: gave up or turned away
SUPPORTED = int(Status.SUPPORTED)  # recours

WEEKS_PER_YEAR = 52
MONTHS_PER_YEAR = 12  # reserves are counted in months of spending
LADDER_TOP = 7  # top rung of Arnstein's ladder
TIE_BREAK = 1e-9  # weight of the random tie-break of priority keys; guard before a floor (2.9999999 posts are 3)
PERSISTENT_WEEKS = 39  # persistent non-recourse: 39 unsupported weeks in a row (DREES)
NEVER = -math.inf  # week of an event that never happened (never met by outreach, never resolved)

# The week's events, summed over the last 52 weeks by the observation.
EVENT_NAMES = (
    "quits_exogenous",
    "quits_job",
    "posts_cut",
    "asking",
    "asking_need",
    "admitted",
    "admitted_need",
    "outreach_admitted",
    "outreach_admitted_need",
    "contacts",
    "reached",
    "reached_asked",
    "new_needs",
    "relapses",
)


def sigmoid(x: float) -> float:
    """Logistic function 1 / (1 + exp(-x))."""
    return 1.0 / (1.0 + math.exp(-x))


def clip01(x: float) -> float:
    """Clip to [0, 1]."""
    return 0.0 if x < 0.0 else 1.0 if x > 1.0 else x


def beta_variate(rnd, mean: float, concentration: float) -> float:
    """A Beta draw given by its mean and concentration a + b (as ``sim.state.beta``)."""
    return rnd.betavariate(mean * concentration, (1.0 - mean) * concentration)


def ratio(a: float, b: float) -> float:
    """a / b, and 0 where b is 0 (an indicator with no one to count)."""
    return a / b if b > 0 else 0.0


def slot_order(workers: Iterable, room_of, rnd) -> list:
    """One entry per free slot, by (ordinal of the slot within its worker, a random draw per worker).

    The k-th round gives each worker with room its (k+1)-th slot, so new cases
    spread before they pile up; within a round, workers come in random order.
    """
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
    """A person of the territory (mirrors ``sim.state.Users``).

    Rules: learning of one's rights (``next_awareness``, mechanism 4), trust
    and asking (``next_demand``, 5), waiting (``wait_a_week``, 6), support,
    worsening and the end of a need (``support_week``, 7), a new need
    (``new_need``, 7), taking part in governance (``update_participation``, 10).
    """

    def __init__(self, model: ReferenceModel, index: int, org: RefOrganisation) -> None:
        """Initial draw (``sim.state.initial_users``): eligible w.p. ``initial_eligible_share``,
        the need drawn as a new need; aware w.p. ``initial_aware_share`` (eligible or not);
        trust, power to act and stigma ~ Beta of the declared means, concentration
        ``trait_concentration``."""
        super().__init__(model)
        rnd, p = model.random, model.params
        self.index = index
        self.org = org
        eligible = rnd.random() < p.initial_eligible_share
        severity, chronic = new_need(p, model.rng, 1)
        self.need = float(severity[0]) if eligible else 0.0
        self.chronic = bool(chronic[0]) and eligible  # a chronic need is contained by support, not resolved
        self.aware = rnd.random() < p.initial_aware_share
        self.status = (NOT_ASKING if self.aware else UNAWARE) if eligible else RESOLVED
        c = p.trait_concentration
        self.trust = beta_variate(rnd, p.trust_mean, c)
        self.power = beta_variate(rnd, p.power_mean, c)  # power to act (pouvoir d'agir)
        self.stigma = beta_variate(rnd, p.stigma_mean, c)  # fixed trait
        self.worker: RefWorker | None = None
        self.weeks_with_worker = 0
        self.wait_weeks = 0
        self.unsupported_streak = 0
        self.ever_supported = False
        self.participant = False
        self.peer_worker = False
        self.met_week: float = NEVER  # week last met by outreach
        self.met_accompanied = False  # ... and whether that contact was accompanied
        self.reached_week: float = (
            NEVER  # week last reached by outreach (met while eligible, not supported nor waiting)
        )
        self.reach_asked = False  # ... and asked within accompaniment_weeks of it
        self.resolved_week: float = NEVER  # week the last need was resolved
        self.asked_week: float = NEVER  # week of the last request for support
        self.quality = 0.0  # quality of the support received this week
        self.peer_worker_ties = 0  # peer workers among my peers, this week
        self.neighbours: list[RefUser] = []

    @property
    def eligible(self) -> bool:
        return self.status != RESOLVED

    def met_within(self, weeks: int) -> bool:
        """Met by outreach less than ``weeks`` weeks ago (this week included)."""
        return self.model.week - self.met_week < weeks

    # ------------------------------------------------------------------ 4. awareness
    def next_awareness(self) -> dict[str, Any]:
        """Mechanism 4 (awareness.py): a person met by outreach this week knows their rights
        (even without a need); an unaware eligible user learns of them with

            p_learn = 1 - (1 - b_peer)^(aware peers) (1 - b_pw)^(peer-worker ties),

        peers' awareness read before this week's learning (synchronous).
        Those who learn move from ``UNAWARE`` to ``NOT_ASKING``."""
        p = self.model.params
        met = self.met_week == self.model.week
        changes: dict[str, Any] = {}
        if met:
            changes["aware"] = True
        if self.status == UNAWARE:
            aware_peers = sum(1 for v in self.neighbours if v.aware)
            p_learn = (
                1.0
                - (1.0 - p.learn_from_peer) ** aware_peers * (1.0 - p.learn_from_peer_worker) ** self.peer_worker_ties
            )
            if met or self.model.random.random() < p_learn:
                changes["aware"] = True
                changes["status"] = NOT_ASKING
        return changes

    # ------------------------------------------------------------------ 5. demand
    def next_demand(self) -> dict[str, Any]:
        """Mechanism 5 (demand.py): trust moves, synchronously for everyone, then maybe ask.

            trust += k (mean trust of peers - trust)
                     + r_s [supported] (b_s + (1 - b_s) quality - trust)      (last week's quality)
                     + g_o [met this week] (1 - trust)
                     + min(1, g_pw x peer-worker ties) (1 - trust),    clipped to [0, 1].

        A user ``NOT_ASKING`` or ``DROPPED`` then asks with ``ask_probability`` (new trust)
        and joins the waiting list."""
        p = self.model.params
        trust = self.trust
        peer_mean = sum(v.trust for v in self.neighbours) / len(self.neighbours)
        change = p.trust_contagion * (peer_mean - trust)
        if self.status == SUPPORTED:
            target = p.trust_base_supported + (1.0 - p.trust_base_supported) * self.quality
            change += p.trust_rate_supported * (target - trust)
        if self.met_week == self.model.week:
            change += p.outreach_trust_gain * (1.0 - trust)
        change += min(1.0, p.peer_worker_trust_gain * self.peer_worker_ties) * (1.0 - trust)
        new_trust = clip01(trust + change)
        changes: dict[str, Any] = {"trust": new_trust}
        if self.status in (NOT_ASKING, DROPPED) and self.model.random.random() < self.ask_probability(new_trust):
            changes["status"] = WAITING
            changes["wait_weeks"] = 0
            changes["asked_week"] = self.model.week
        return changes

    def burden(self) -> float:
        """Administrative burden (procedure_complexity + conditionality) / 2 of the user's organisation, lowered by a share
        ``accompanied_burden_relief`` for one met by *accompanied* outreach less than
        ``accompaniment_weeks`` ago (the worker helps with the procedure)."""
        p = self.model.params
        lv = self.org.levers
        burden = (lv.procedure_complexity + lv.conditionality) / 2.0
        if self.met_accompanied and self.met_within(p.accompaniment_weeks):
            burden *= 1.0 - p.accompanied_burden_relief
        return burden

    def ask_probability(self, trust: float) -> float:
        """p_ask = sigmoid(a0 + a_need need + a_trust trust - a_stigma stigma - a_burden burden)."""
        p = self.model.params
        return sigmoid(
            p.ask_intercept
            + p.ask_need * self.need
            + p.ask_trust * trust
            - p.ask_stigma * self.stigma
            - p.ask_burden * self.burden()
        )

    # ------------------------------------------------------------------ 6. intake
    def priority(self, u: float) -> float:
        """Intake priority key under my organisation's rule, lower first; ``u`` ~ U(0, 1) breaks ties.

        by_funding: (2m - 1) need + (1 - |2m - 1|) u / 2 (m the organisation's market weight: cream-skimming
        when m -> 1, greatest need first when m -> 0); greatest_need: -need; easiest_first:
        need; first_come: -weeks waited."""
        match self.org.levers.intake_priority:
            case "by_funding":
                lean = 2.0 * self.org.funding_weights()[0] - 1.0
                key = lean * self.need + 0.5 * (1.0 - abs(lean)) * u
            case "greatest_need":
                key = -self.need
            case "easiest_first":
                key = self.need
            case "first_come":
                key = -float(self.wait_weeks)
            case rule:
                raise AssertionError(rule)
        return key + TIE_BREAK * u

    def lose_trust(self, share: float) -> None:
        """Lose a share of trust: 1 + ``promise_penalty`` times as much for one met by outreach
        less than ``promise_weeks`` ago (outreach is a promise), at most all of it."""
        p = self.model.params
        if self.met_within(p.promise_weeks):
            share *= 1.0 + p.promise_penalty
        self.trust *= 1.0 - min(1.0, share)

    def wait_a_week(self) -> None:
        """Mechanism 6 (intake.py): not admitted, wait one more week losing ``trust_loss_waiting``
        of trust; give up with hazard ``waiting_drop_rate`` (``DROPPED``), losing ``trust_loss_dropped``."""
        p = self.model.params
        self.wait_weeks += 1
        self.lose_trust(p.trust_loss_waiting)
        if self.model.random.random() < p.waiting_drop_rate:
            self.status = DROPPED
            self.wait_weeks = 0
            self.lose_trust(p.trust_loss_dropped)

    def open_case(self, worker: RefWorker) -> None:
        """Enter support with ``worker`` (at intake, or handed over to a team-mate)."""
        self.status = SUPPORTED
        self.worker = worker
        self.weeks_with_worker = 0
        self.wait_weeks = 0
        self.ever_supported = True
        worker.cases[self] = None

    # ------------------------------------------------------------------ 7. support
    def quality_of_support(self) -> float:
        """Mechanism 7 (support.py): quality of the support my worker w gives me this week,

            q = min(1, time_w) x continuity x (f_a + (1 - f_a) autonomy) x (f_e + (1 - f_e) engagement_w)
                x experience_w x (1 + v realised) / (1 + v) x (1 + c community) / (1 + c),

        time_w = face-to-face hours / (caseload x hours_per_case), continuity = 1 - exp(-weeks with
        this worker / continuity_weeks), experience = 1 - (1 - f_x) exp(-tenure / experience_weeks)."""
        p = self.model.params
        w = self.worker
        org = w.org
        time = min(1.0, org.ftf_hours / (max(w.caseload, 1) * p.hours_per_case))
        continuity = 1.0 - math.exp(-self.weeks_with_worker / p.continuity_weeks)
        experience = 1.0 - (1.0 - p.experience_floor) * math.exp(-w.tenure / p.experience_weeks)
        engagement = p.engagement_quality_floor + (1.0 - p.engagement_quality_floor) * w.engagement
        return time * continuity * org.quality_factor * engagement * experience

    def support_week(self) -> bool:
        """Mechanism 7 (support.py): this week's support, or life without it. Returns whether
        the need ends this week (the case closes once workers have taken stock).

        Supported: need <- need (1 - support_effect q (1 + k_r power)) (not for a chronic need),
        power <- power + power_gain q (1 + k_p [participant]) (1 - power); a non-chronic need
        below ``resolve_threshold`` is resolved, a chronic one ends w.p. ``chronic_end_rate``.
        Unsupported eligible: need <- (1 - w) need + w, power <- power (1 - power_loss); a
        non-chronic need ends on its own w.p. ``spontaneous_exit_rate``, a chronic one w.p.
        ``chronic_end_rate``."""
        p = self.model.params
        rnd = self.model.random
        if self.status == SUPPORTED:
            q = self.quality_of_support()
            self.quality = q
            power = self.power
            if not self.chronic:
                self.need *= 1.0 - p.support_effect * q * (1.0 + p.power_resolution_effect * power)
            boost = 1.0 + p.participation_power_boost * self.participant
            self.power = power + p.power_gain * q * boost * (1.0 - power)
            self.weeks_with_worker += 1
            if self.chronic:
                return rnd.random() < p.chronic_end_rate
            return self.need < p.resolve_threshold
        self.quality = 0.0
        if self.status == RESOLVED:
            return False
        self.need = (1.0 - p.need_worsening) * self.need + p.need_worsening
        self.power *= 1.0 - p.power_loss
        return rnd.random() < (p.chronic_end_rate if self.chronic else p.spontaneous_exit_rate)

    def close_case(self) -> None:
        """The need ends (support.py ``close_cases``); a case closed with a worker counts for the funder."""
        if self.worker is not None:
            del self.worker.cases[self]
            self.org.resolved_this_year += 1
        self.status = RESOLVED
        self.worker = None
        self.weeks_with_worker = 0
        self.wait_weeks = 0
        self.participant = False
        self.need = 0.0
        self.chronic = False
        self.resolved_week = self.model.week

    def relapse_probability(self) -> float:
        """A resolved need recurs with weekly hazard relapse_rate (1 - k_l power) during ``relapse_weeks``."""
        p = self.model.params
        if self.model.week - self.resolved_week >= p.relapse_weeks:
            return 0.0
        return p.relapse_rate * (1.0 - p.power_relapse_effect * self.power)

    def get_new_need(self) -> None:
        """A new need: severity need_min + (1 - need_min) Beta(2, 2), chronic w.p. ``chronic_share``;
        one who knew their rights still knows the relevant ones w.p. ``awareness_retention``
        (``NOT_ASKING``), the others start ``UNAWARE``."""
        p = self.model.params
        severity, chronic = new_need(p, self.model.rng, 1)
        self.need, self.chronic = float(severity[0]), bool(chronic[0])
        self.aware = self.aware and self.model.random.random() < p.awareness_retention
        self.status = NOT_ASKING if self.aware else UNAWARE

    # ------------------------------------------------------------------ 10. participation
    def uptake(self) -> float:
        """How readily I take part: sigmoid(b_0 + b_t trust + b_p power + b_r responsiveness)."""
        p = self.model.params
        return sigmoid(
            p.uptake_intercept
            + p.uptake_trust * self.trust
            + p.uptake_power * self.power
            + p.uptake_responsiveness * self.org.responsiveness
        )

    def update_participation(self) -> None:
        """Mechanism 10 (participation.py): supported users and peer workers may take part. A
        non-participant joins w.p. rate x offer x uptake, a participant withdraws w.p.
        rate x (1 - uptake); anyone else stops taking part. Participants' trust then moves:
        trust + g_p responsiveness (1 - trust) - g_t tokenism trust, clipped."""
        p = self.model.params
        if self.status != SUPPORTED and not self.peer_worker:
            self.participant = False
            return
        u = self.uptake()
        draw = self.model.random.random()
        if self.participant:
            self.participant = draw >= p.participation_join_rate * (1.0 - u)
        else:
            self.participant = draw < p.participation_join_rate * self.org.offer() * u
        if self.participant:
            org = self.org
            gain = p.participation_trust_gain * org.responsiveness * (1.0 - self.trust)
            loss = p.tokenism_trust_loss * org.tokenism() * self.trust
            self.trust = clip01(self.trust + gain - loss)


# ============================================================================ workers
class RefWorker(SynchronousAgent):
    """A social worker in a post (mirrors ``sim.state.Workers``); a quit or a lay-off removes the agent.

    Rules: capacity (``time_use``, mechanism 3), recognition and emotional load
    from the week's users (``take_stock``, 7), JD-R engagement and exhaustion
    with team contagion (``next_jdr``, ``next_contagion``, 8), quitting
    (``departure``, 9).
    """

    def __init__(self, model: ReferenceModel, org: RefOrganisation, post: int, initial: bool) -> None:
        """A worker of the running sector at week 0 (``initial``: engagement and exhaustion ~ Beta of
        the declared means, tenure uniform over ten years) or a new hire (turnover.py ``hire``:
        motivated, rested, no experience; on a recruitment panel's organisation the expectation moves
        a share ``panel_fit`` toward the mean engagement of the organisation's workers)."""
        super().__init__(model)
        rnd, p = model.random, model.params
        self.org = org
        self.post = post  # position in the organisation (0 = first)
        self.team = org.team_of(post)
        self.expectation = float(new_expectation(p, model.rng, 1)[0])  # meaning expected on arrival
        self.sensitivity = float(new_sensitivity(p, model.rng, 1)[0])  # fixed trait, mean 1
        if initial:
            c = p.trait_concentration
            self.engagement = beta_variate(rnd, p.initial_engagement_mean, c)
            self.exhaustion = beta_variate(rnd, p.initial_exhaustion_mean, c)
            self.tenure = rnd.randrange(10 * WEEKS_PER_YEAR)
        else:
            self.engagement = p.new_hire_engagement
            self.exhaustion = p.new_hire_exhaustion
            self.tenure = 0
            if org.levers.recruitment_panels:
                fit = p.panel_fit
                self.expectation = (1.0 - fit) * self.expectation + fit * org.meaning
        self.capacity = 0
        self.recognition = 0.0
        self.emotional_load = 0.0
        self.cases: dict[RefUser, None] = {}  # users supported (an ordered set)

    @property
    def caseload(self) -> int:
        return len(self.cases)

    # ------------------------------------------------------------------ 6. intake
    def admission_room(self) -> int:
        """New cases I can take: up to min(caseload_cap, floor(capacity (1 + overbooking)))."""
        org = self.org
        pushed = math.floor(self.capacity * (1.0 + org.overbooking))
        return max(min(org.levers.caseload_cap, pushed) - self.caseload, 0)

    # ------------------------------------------------------------------ 7. feedback from users
    def take_stock(self) -> None:
        """Mechanism 7 (support.py): from the users I held this week (those whose case closes included),

            recognition = clip(mean trust x (r_b + r_p realised) - r_t tokenism),
            emotional load = mean need after this week's support,

        both 0 for a worker with no case."""
        p = self.model.params
        org = self.org
        n = max(self.caseload, 1)
        mean_trust = sum(u.trust for u in self.cases) / n
        scale = p.recognition_base + p.recognition_participation * org.realised()
        self.recognition = clip01(mean_trust * scale - p.recognition_tokenism * org.tokenism())
        self.emotional_load = sum(u.need for u in self.cases) / n

    # ------------------------------------------------------------------ 8. engagement
    def demands(self) -> float:
        """JD-R demands: sensitivity (d_l min(1, load / L) + d_r min(1, reporting / R) + d_e emotional
        + d_i insecurity), load = caseload x hours_per_case / max(1, face-to-face hours)."""
        p = self.model.params
        org = self.org
        load = self.caseload * p.hours_per_case / max(org.ftf_hours, 1.0)
        return self.sensitivity * (
            p.jdr_load * min(1.0, load / p.load_saturation)
            + p.jdr_reporting * min(1.0, org.reporting / p.reporting_saturation)
            + p.jdr_emotional * self.emotional_load
            + p.jdr_insecurity * org.insecurity
        )

    def resources(self) -> float:
        """JD-R resources: r_a autonomy + r_f min(1, face_to_face / F) + r_c recognition
        + r_t team support + r_s style."""
        p = self.model.params
        org = self.org
        return (
            p.jdr_autonomy * org.autonomy
            + p.jdr_face_to_face * min(1.0, org.face_to_face / p.face_to_face_saturation)
            + p.jdr_recognition * self.recognition
            + p.jdr_team * org.team_support(self.team)
            + p.jdr_style * org.style
        )

    def next_jdr(self) -> dict[str, Any]:
        """Mechanism 8 (engagement.py), first half, with noise sigma e ~ Normal(0, 1):

            exhaustion <- exhaustion + r (demands - exhaustion) + sigma e_x,
            engagement <- engagement + r (clip(vocation + (1 - vocation) resources - d exhaustion)
                                          - engagement) + sigma e_g      (exhaustion before the update).

        Not clipped yet: the clip comes after the team contagion."""
        p = self.model.params
        gauss = self.model.random.gauss
        exhaustion = self.exhaustion + p.jdr_rate * (self.demands() - self.exhaustion) + p.jdr_noise * gauss(0, 1)
        target = clip01(p.vocation + (1.0 - p.vocation) * self.resources() - p.exhaustion_drag * self.exhaustion)
        engagement = self.engagement + p.jdr_rate * (target - self.engagement) + p.jdr_noise * gauss(0, 1)
        return {"exhaustion": exhaustion, "engagement": engagement}

    def next_contagion(self) -> dict[str, Any]:
        """Mechanism 8 (engagement.py), second half: x <- x + k (team mean - x) over the team's
        workers in post (synchronous), then clipped to [0, 1]."""
        k = self.model.params.team_contagion
        mates = self.org.team_members(self.team)
        mean_x = sum(w.exhaustion for w in mates) / len(mates)
        mean_e = sum(w.engagement for w in mates) / len(mates)
        return {
            "exhaustion": clip01(self.exhaustion + k * (mean_x - self.exhaustion)),
            "engagement": clip01(self.engagement + k * (mean_e - self.engagement)),
        }

    # ------------------------------------------------------------------ 9. turnover
    def job_hazard(self) -> float:
        """Job-driven quit hazard: min(1, quit_base exp(b_x exhaustion + b_gap max(0, expectation - engagement)
        + b_i insecurity)), insecurity that of my organisation (the budget no longer pays its posts)."""
        p = self.model.params
        gap = max(0.0, self.expectation - self.engagement)
        index = p.quit_exhaustion * self.exhaustion + p.quit_meaning_gap * gap + p.quit_insecurity * self.org.insecurity
        return min(1.0, p.quit_base * math.exp(index))

    def departure(self) -> str | None:
        """Mechanism 9 (turnover.py): leave w.p. 1 - (1 - h_exo)(1 - h_job), as an exogenous departure
        when a uniform draw below h_exo decided it, else as a job-driven one. Returns the kind or None."""
        p = self.model.params
        u = self.model.random.random()
        if u < p.quit_exogenous:
            return "quits_exogenous"
        if u < p.quit_exogenous + (1.0 - p.quit_exogenous) * self.job_hazard():
            return "quits_job"
        return None


# ============================================================================ organisations
class RefOrganisation(SynchronousAgent):
    """An organisation with its manager (mirrors ``sim.state.Organisations``).

    Money is counted in post-years at week-0 cost. Rules: reserves and posts at
    the yearly budget round (``take_balance``, ``set_posts``, mechanism 1),
    management (``manage``, 2), time use (``time_use``, 3), outreach visits
    (``outreach``, 4), intake (``admit``, 6), new needs (``needs_arise``, 7),
    hand-over and hiring (``hand_over``, ``hire``, 9), responsiveness, maturing
    of co-built evaluation and budget, community hours and peer workers
    (``update_responsiveness``, ``mature``, ``update_peer_workers``, 10).
    """

    def __init__(self, model: ReferenceModel, index: int, budget: float, cost: float) -> None:
        """Initial state (``sim.state.initial_organisations`` / ``initial_workers``): the budget pays
        ``affordable`` posts, all filled; room for ``post_headroom`` times as many positions (at
        least one), cut into ceil(posts / team_size) teams in rotation; the manager's style departs
        from its anchor by a fixed offset ~ Normal(0, ``style_spread``)."""
        super().__init__(model)
        p = model.params
        self.index = index
        self.levers = SimpleNamespace()  # this organisation's value of every per-organisation parameter
        self.read_levers(p)
        self.for_profit = self.levers.kind == "for_profit"  # a structural trait: no reform changes it
        self.funder = index % p.n_funders
        self.budget = budget
        self.cost = cost
        self.market_share = 0.0  # set by the model once all budgets are known
        self.posts = self.affordable()
        self.room = max(math.ceil(max(self.posts, 1) * p.post_headroom), 1)
        self.positions: list[RefWorker | None] = [None] * self.room
        self.n_teams = max(1, -(-self.posts // p.team_size))
        self.reserves = p.initial_reserves_months
        self.frozen = False
        self.insecurity = 0.0
        self.posts_cut = 0
        self.style_offset = p.style_spread * model.random.gauss(0.0, 1.0)
        self.style = clip01(self.levers.manager_style + self.style_offset)
        self.reporting = self.levers.reporting_pressure
        self.autonomy = 0.0
        self.overbooking = 0.0
        self.face_to_face = 0.0  # share of worker time face to face
        self.ftf_hours = 0.0  # face-to-face hours of each worker in post
        self.capacity_total = 0  # cases the workers' face-to-face hours allowed, at the last time use
        self.participation_hours = 0.0
        self.responsiveness = 0.0
        self.coevaluation = 0.0
        self.cobudget = 0.0
        self.community_hours = 0.0
        self.quality_factor = 0.0  # the organisation's part of support quality this week
        self.meaning = 0.0  # mean engagement of the workers, when hiring
        self.resolved_this_year = 0
        self.paid_weeks = 0
        self.users: list[RefUser] = []  # the catchment, in ring order

    def read_levers(self, p: Params) -> None:
        """Take this organisation's lever values (its own, else the territory's) from ``p``."""
        for name in organisation_specs():
            setattr(self.levers, name, p.value(name, self.index))

    # ------------------------------------------------------------------ structure
    @property
    def workers(self) -> list[RefWorker]:
        """Workers in post, by position."""
        return [w for w in self.positions if w is not None]

    @property
    def headcount(self) -> int:
        return sum(1 for w in self.positions if w is not None)

    def team_of(self, post: int) -> int:
        """Team of a position: positions join the teams in rotation."""
        return post % self.n_teams

    def team_members(self, team: int) -> list[RefWorker]:
        return [w for w in self.positions[team :: self.n_teams] if w is not None]

    def team_support(self, team: int) -> float:
        """Filled posts / funded posts in the team, capped at 1 (the funded posts are the first
        ``posts`` positions); 1 where the team has no funded post but a worker."""
        positions = range(team, self.room, self.n_teams)
        filled = sum(1 for i in positions if self.positions[i] is not None)
        funded = sum(1 for i in positions if i < self.posts)
        return min(1.0, filled / max(funded, 1))

    def margin(self) -> float:
        """Share of its budget a for-profit organisation keeps (0 for the others)."""
        return self.model.params.for_profit_margin if self.for_profit else 0.0

    def affordable(self) -> int:
        """Posts the budget pays: floor((m + r) B (1 - margin) / cost) (reciprocity funds no post)."""
        m, r, _ = self.funding_weights()
        return math.floor((m + r) * self.budget * (1.0 - self.margin()) / self.cost + TIE_BREAK)

    def funding_weights(self) -> tuple[float, float, float]:
        """This organisation's (market, redistribution, reciprocity) weights, normalised to sum to 1."""
        lv = self.levers
        total = lv.funding_market + lv.funding_redistribution + lv.funding_reciprocity
        return lv.funding_market / total, lv.funding_redistribution / total, lv.funding_reciprocity / total

    def offer(self) -> float:
        """Weight of the rung of Arnstein's ladder offered: (rung / 7)^voice_exponent."""
        return (self.levers.participation_level / LADDER_TOP) ** self.model.params.voice_exponent

    def realised(self) -> float:
        """Participation that changes things: offer x responsiveness."""
        return self.offer() * self.responsiveness

    def tokenism(self) -> float:
        """Participation offered but not acted on: max(0, offer - responsiveness)."""
        return max(0.0, self.offer() - self.responsiveness)

    # ------------------------------------------------------------------ 1. funding
    def take_balance(self) -> None:
        """Mechanism 1 (funding.py), first: reserves take the past year's balance, what the budget
        paid for posts minus what the workers in post cost (worker-years = paid weeks / 52):

            R <- min(R_max, R + 12 ((m + r) B (1 - margin) - cost x worker-years) / (cost x max(1, posts)))."""
        p = self.model.params
        m, r, _ = self.funding_weights()
        balance = (m + r) * self.budget * (1.0 - self.margin()) - self.cost * self.paid_weeks / WEEKS_PER_YEAR
        yearly_cost = self.cost * max(self.posts, 1)
        self.reserves = min(p.reserves_max_months, self.reserves + MONTHS_PER_YEAR * balance / yearly_cost)

    def set_posts(self) -> list[RefWorker]:
        """Mechanism 1 (funding.py), last: posts follow what the new budget pays. Returns the laid off.

        With A the posts affordable, H the workers in post and P the posts funded so far: job
        insecurity = min(1, scale x max(0, 1 - A / P)); the organisation keeps min(A, room) funded
        posts (a budget that pays fewer posts than the staff hires no one until departures bring
        the staff down to it, reserves paying the difference); once reserves have fallen to
        ``reserve_cut_months``, H - A workers drawn at random are laid off: posts are cut. Hiring
        is frozen for the year whenever reserves are below ``reserve_freeze_months``."""
        p = self.model.params
        affordable, staff = self.affordable(), self.headcount
        cut = affordable < staff and self.reserves <= p.reserve_cut_months
        self.posts_cut = staff - affordable if cut else 0
        self.frozen = self.reserves < p.reserve_freeze_months
        self.insecurity = clip01(p.insecurity_scale * max(0.0, 1.0 - affordable / max(self.posts, 1)))
        self.posts = min(affordable, self.room)
        return self.model.random.sample(self.workers, self.posts_cut)

    # ------------------------------------------------------------------ 2. management
    def manage(self) -> None:
        """Mechanism 2 (management.py): the manager's style drifts, then reporting, autonomy and
        activity targets follow it.

            style <- clip(style + (target - style) / style_adjust_weeks),
            target = clip(anchor + offset + k_p realised - k_P P),
            reporting = clip(P (1 + e_c (1 - style) - e_b style) (1 - e_v coevaluation)),
            autonomy = (1 - standardisation) (a_0 + (1 - a_0) style),
            overbooking = push x m x (1 - style) x min(1, waiting / max(1, last week's capacity)),

        P the indicator pressure (``reporting_pressure``), m the market weight."""
        p = self.model.params
        lv = self.levers
        pressure = lv.reporting_pressure
        target = clip01(
            lv.manager_style
            + self.style_offset
            + p.style_participation_pull * self.realised()
            - p.style_pressure_pull * pressure
        )
        self.style = style = clip01(self.style + (target - self.style) / p.style_adjust_weeks)
        factor = 1.0 + p.style_control_reporting * (1.0 - style) - p.style_buffer_reporting * style
        self.reporting = clip01(pressure * factor * (1.0 - p.coeval_reporting_relief * self.coevaluation))
        floor = p.autonomy_style_floor
        self.autonomy = (1.0 - lv.standardisation) * (floor + (1.0 - floor) * style)
        waiting = sum(1 for u in self.users if u.status == WAITING)
        queue = min(1.0, waiting / max(self.capacity_total, 1))
        self.overbooking = p.activity_target_push * self.funding_weights()[0] * (1.0 - style) * queue

    # ------------------------------------------------------------------ 3. time
    def time_use(self) -> None:
        """Mechanism 3 (time_use.py): hours participation takes, the face-to-face share, capacity.

            H_part = h_i (rung + [co-built budget] + [recruitment panels]) + h_p participants
                     + h_s peer workers + h_c community hours,
            face_to_face = max(0, 1 - admin - reporting - outreach - H_part / (hours_per_week max(1, H))),
            capacity of each worker = min(caseload_cap, floor(face_to_face x hours_per_week / hours_per_case)),

        H the workers in post; the capacity summed over them is kept for next week's activity targets."""
        p = self.model.params
        lv = self.levers
        participants = sum(1 for u in self.users if u.participant)
        peer_workers = sum(1 for u in self.users if u.peer_worker)
        instances = lv.participation_level + lv.cobuilt_budget + lv.recruitment_panels
        self.participation_hours = (
            p.hours_per_instance * instances
            + p.hours_per_participant * participants
            + p.supervision_hours * peer_workers
            + p.coordination_hours * self.community_hours
        )
        workers = self.workers
        shared = self.participation_hours / (p.hours_per_week * max(len(workers), 1))
        self.face_to_face = max(0.0, 1.0 - p.admin_share - self.reporting - lv.outreach_share - shared)
        self.ftf_hours = self.face_to_face * p.hours_per_week
        cases = min(lv.caseload_cap, math.floor(self.ftf_hours / p.hours_per_case))
        for w in workers:
            w.capacity = cases
        self.capacity_total = cases * len(workers)

    # ------------------------------------------------------------------ 4. outreach
    def outreach(self) -> None:
        """Mechanism 4 (awareness.py): neighbourhood visits this week.

            hours = outreach_share x hours_per_week x H + c_o community hours + h_pw peer workers,
            contacts = hours x contacts_per_hour / (1 - a + a f),

        a the share of accompanied contacts, f their time factor. V ~ Poisson(contacts /
        visit_size) visits, each at a place drawn uniformly in the catchment, accompanied w.p. a,
        meets the ``visit_size`` consecutive residents there (wrapping within the catchment, each
        once). A person met records the week and the mode of the (last) visit."""
        p = self.model.params
        rnd, week = self.model.random, self.model.week
        lv = self.levers
        peer_workers = sum(1 for u in self.users if u.peer_worker)
        hours = (
            lv.outreach_share * p.hours_per_week * self.headcount
            + p.community_outreach_share * self.community_hours
            + p.peer_worker_hours * peer_workers
        )
        a = lv.outreach_accompanied
        contacts = hours * p.contacts_per_hour / (1.0 - a + a * p.accompanied_time_factor)
        n = len(self.users)
        width = min(p.visit_size, n)
        events = self.model.events
        for _ in range(int(self.model.rng.poisson(contacts / p.visit_size))):
            place = rnd.randrange(n)
            accompanied = rnd.random() < a
            for k in range(width):
                user = self.users[(place + k) % n]
                if user.status in (UNAWARE, NOT_ASKING, DROPPED):  # eligible, neither supported nor waiting
                    user.reached_week, user.reach_asked = week, False
                user.met_week = week
                user.met_accompanied = accompanied
            events["contacts"] += width

    # ------------------------------------------------------------------ 6. intake
    def admit(self) -> tuple[list[RefUser], list[RefUser]]:
        """Mechanism 6 (intake.py): waiting users enter support by priority key while free slots last.

        A request takes time to assess: each waiting person's is processed this week with
        probability ``intake_rate`` (a free place or not). A for-profit organisation admits no one
        whose need exceeds ``for_profit_need_limit`` (heavy situations stay on its waiting list).
        Returns (admitted, still waiting)."""
        p = self.model.params
        rnd = self.model.random
        waiting = [u for u in self.users if u.status == WAITING]
        if not waiting:
            return [], []
        processed = [u for u in waiting if rnd.random() < p.intake_rate]
        admissible = [u for u in processed if not (self.for_profit and u.need > p.for_profit_need_limit)]
        slots = slot_order(self.workers, RefWorker.admission_room, rnd)
        keyed = sorted(((u.priority(rnd.random()), u.index, u) for u in admissible), key=lambda t: (t[0], t[1]))
        admitted = [user for (_, _, user), _ in zip(keyed, slots, strict=False)]
        for user, worker in zip(admitted, slots, strict=False):
            user.open_case(worker)
        return admitted, [u for u in waiting if u.status == WAITING]

    def intake(self) -> None:
        """Mechanism 6: admit; record the week's askers (waiting when intake opens), admissions and
        outreach's yield (admitted within ``promise_weeks`` of a contact), with their needs; those
        not admitted wait a week (and may give up)."""
        p = self.model.params
        events = self.model.events
        for u in self.users:
            if u.status == WAITING:
                events["asking"] += 1
                events["asking_need"] += u.need
        admitted, left = self.admit()
        for u in admitted:
            events["admitted"] += 1
            events["admitted_need"] += u.need
            if u.met_within(p.promise_weeks):
                events["outreach_admitted"] += 1
                events["outreach_admitted_need"] += u.need
        for u in left:
            u.wait_a_week()

    # ------------------------------------------------------------------ 7. new needs
    def needs_arise(self, no_need: list[RefUser]) -> None:
        """Mechanism 7 (support.py): structural needs. K ~ Poisson(need_arrival_rate x g x residents)
        new needs arise, each to a resident drawn with replacement among ``no_need`` (those with no
        need when support began; one drawn twice gets one need); besides, each other resident of
        ``no_need`` relapses with ``relapse_probability``."""
        if not no_need:
            return
        model = self.model
        rnd = model.random
        k = int(model.rng.poisson(self.levers.need_arrival_rate * model.need_factor * len(self.users)))
        # drawn with replacement; a dict keeps one entry per person, in the order drawn (a set of
        # agents would iterate in memory order, and the draws of their needs would not be reproducible)
        arising = dict.fromkeys(no_need[rnd.randrange(len(no_need))] for _ in range(k))
        recurring = [u for u in no_need if u not in arising and rnd.random() < u.relapse_probability()]
        model.events["new_needs"] += len(arising)
        model.events["relapses"] += len(recurring)
        for u in (*arising, *recurring):
            u.get_new_need()

    # ------------------------------------------------------------------ 9. turnover
    def hand_over(self, leavers: list[RefWorker]) -> None:
        """Mechanism 9 (turnover.py): the leavers' users lose ``trust_loss_worker_left`` of their trust
        and go back to the waiting list; ``reassign`` then gives them to team-mates."""
        p = self.model.params
        orphans_by_team: dict[int, list[RefUser]] = {}
        for w in leavers:
            for u in w.cases:
                u.trust *= 1.0 - p.trust_loss_worker_left
                u.worker = None
                u.status = WAITING
                u.wait_weeks = 0
                orphans_by_team.setdefault(w.team, []).append(u)
            w.cases.clear()
        self.reassign(orphans_by_team)

    def reassign(self, orphans_by_team: dict[int, list[RefUser]]) -> None:
        """Team-mates with room under the caseload cap take a leaver's users, heaviest needs first."""
        rnd = self.model.random
        cap = self.levers.caseload_cap
        for team, orphans in orphans_by_team.items():
            mates = self.team_members(team)  # the leavers have left their posts
            slots = slot_order(mates, lambda w: cap - w.caseload, rnd)
            orphans.sort(key=lambda u: (-u.need, u.index))
            for user, worker in zip(orphans, slots, strict=False):
                user.open_case(worker)

    def hire(self, sector_engagement: float) -> None:
        """Mechanism 9 (turnover.py): unless hiring is frozen, each vacancy (posts - workers) is filled
        w.p. hire_rate x (1 - recruitment_difficulty) x sector engagement, lowest empty positions first."""
        if self.frozen:
            return
        p = self.model.params
        workers = self.workers
        vacancies = max(self.posts - len(workers), 0)
        p_fill = p.hire_rate * (1.0 - self.levers.recruitment_difficulty) * sector_engagement
        hires = sum(1 for _ in range(vacancies) if self.model.random.random() < p_fill)
        if not hires:
            return
        self.meaning = sum(w.engagement for w in workers) / max(len(workers), 1)
        empty = [i for i, w in enumerate(self.positions) if w is None]
        for post in empty[:hires]:
            self.positions[post] = self.model.worker_class(self.model, self, post, initial=False)

    # ------------------------------------------------------------------ 10. participation
    def update_responsiveness(self) -> None:
        """Mechanism 10 (participation.py): responsiveness <- clip(R + (target - R) / responsiveness_weeks),
        target = clip(q_0 + q_s style - q_P P - q_S standardisation)."""
        p = self.model.params
        target = clip01(
            p.responsiveness_base
            + p.responsiveness_style * self.style
            - p.responsiveness_pressure * self.levers.reporting_pressure
            - p.responsiveness_standardisation * self.levers.standardisation
        )
        self.responsiveness = clip01(self.responsiveness + (target - self.responsiveness) / p.responsiveness_weeks)

    def mature(self) -> None:
        """Mechanism 10 (participation.py): co-built evaluation and budget, and community hours, move
        toward what real participation allows, at rate 1 / cobuild_weeks:

            coevaluation -> realised, cobudget -> [co-built budget] realised,
            community hours -> c (B / cost) hours_per_week x leverage x (f + (1 - f) realised x mean trust),

        B / cost the budget in posts at today's cost."""
        p = self.model.params
        rate = 1.0 / p.cobuild_weeks
        real = self.realised()
        self.coevaluation = clip01(self.coevaluation + rate * (real - self.coevaluation))
        self.cobudget = clip01(self.cobudget + rate * (self.levers.cobuilt_budget * real - self.cobudget))
        mean_trust = sum(u.trust for u in self.users) / len(self.users)
        f = p.reciprocity_floor
        engaged = f + (1.0 - f) * real * mean_trust
        real_budget = self.budget / self.cost
        target = self.funding_weights()[2] * p.hours_per_week * p.reciprocity_leverage * engaged * real_budget
        self.community_hours += rate * (target - self.community_hours)

    def update_peer_workers(self) -> None:
        """Mechanism 10 (participation.py): peer workers leave the role w.p. peer_worker_leave_rate
        x (1 + tokenism), all of them if the programme is off; where it is on, supported
        participants with power to act above ``peer_worker_power`` become peer workers w.p.
        ``peer_worker_rate``, in random order up to floor(max share x catchment) peer workers."""
        p = self.model.params
        rnd = self.model.random
        hazard = p.peer_worker_leave_rate * (1.0 + self.tokenism())
        for u in self.users:
            if u.peer_worker and (not self.levers.peer_worker_programme or rnd.random() < hazard):
                u.peer_worker = False
        if not self.levers.peer_worker_programme:
            return
        room = math.floor(p.peer_worker_max_share * len(self.users)) - sum(1 for u in self.users if u.peer_worker)
        chosen = [
            u
            for u in self.users
            if u.participant
            and u.status == SUPPORTED
            and not u.peer_worker
            and u.power > p.peer_worker_power
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
        self.week = 0  # the week being simulated (negative during the spin-up)
        self.first_week = 1 - p.spinup_weeks  # the run's first simulated week
        self.stationary = False  # budgets, costs and needs held constant (the spin-up)
        self.need_factor = 1.0  # growth of the inflow of needs since week 0
        self.events = dict.fromkeys(EVENT_NAMES, 0)

        # organisations and their posts, all filled (sim.state.initial_organisations / initial_workers)
        budgets, costs = initial_budget(p), cost_per_post(p)
        self.organisations: list[RefOrganisation] = [
            self.organisation_class(self, j, float(budgets[j]), float(costs[j])) for j in range(p.n_organisations)
        ]
        for org in self.organisations:
            org.market_share = org.budget / sum(o.budget for o in self.organisations)
            for post in range(org.posts):
                org.positions[post] = self.worker_class(self, org, post, initial=True)

        # users in contiguous catchments, and the peer ties
        org_of = catchments(p)
        self.users: list[RefUser] = []
        for i in range(p.n_users):
            user = self.user_class(self, i, self.organisations[int(org_of[i])])
            self.users.append(user)
            user.org.users.append(user)
        adj = peer_adjacency(p.n_users, p.peer_degree, p.peer_rewiring, self.rng)
        for i, user in enumerate(self.users):
            user.neighbours = [self.users[j] for j in adj.indices[adj.indptr[i] : adj.indptr[i + 1]]]

        self._window: deque[tuple[dict[str, float], int]] = deque(maxlen=WEEKS_PER_YEAR)
        self.indicators: dict[str, float] = {}
        self._open_initial_cases()
        self._spin_up(p.spinup_weeks)
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
        eligible ask and one intake fills the capacity by the intake rules (each request processed
        with probability ``intake_rate``, as every week); those not admitted stay ``NOT_ASKING``
        (nobody starts on a waiting list); open cases have lasted 0-51 weeks. Observed."""
        for org in self.organisations:
            org.manage()
            org.time_use()
        for u in self.users:
            if u.status == NOT_ASKING:
                u.status = WAITING
        for org in self.organisations:
            org.admit()
        for u in self.users:
            if u.status == WAITING:
                u.status = NOT_ASKING
        for u in self.users:
            if u.status == SUPPORTED:
                u.weeks_with_worker = self.random.randrange(WEEKS_PER_YEAR)
        self.observe()

    def _spin_up(self, weeks: int) -> None:
        """Weeks 1 - ``weeks`` .. 0 under the week-0 levers, budgets, costs and needs stationary;
        observed (the 52-week windows fill) but not recorded."""
        self.stationary = True
        for week in range(1 - weeks, 1):
            self.simulate_week(week)
        self.stationary = False
        self.week = 0

    def _apply_reforms(self, week: int) -> None:
        """Reforms due take effect at the start of their week; each organisation rereads its levers."""
        changed = False
        while self._pending_reforms and self._pending_reforms[0].week <= week:
            self.params = self.params.replace(**self._pending_reforms.pop(0).changes)
            changed = True
        if changed:
            for org in self.organisations:
                org.read_levers(self.params)

    # ------------------------------------------------------------------ the week
    def step(self) -> None:
        """One week: reforms due, the ten mechanisms and the observation, recorded."""
        week = self.steps
        self._apply_reforms(week)
        self.simulate_week(week)
        self.datacollector.collect(self)
        if week >= self.params.weeks:
            self.running = False

    def simulate_week(self, week: int) -> None:
        """Week ``week``: the ten mechanisms in the order of ``WEEKLY_ORDER``, then the observation."""
        self.week = week
        self.events = dict.fromkeys(EVENT_NAMES, 0)
        self.funding()
        for org in self.organisations:
            org.manage()
        for org in self.organisations:
            org.time_use()
        self.awareness()
        self.demand()
        self.intake()
        self.support()
        synchronous(self.workers, "jdr")
        synchronous(self.workers, "contagion")
        self.turnover()
        self.participation()
        self.observe()

    # ------------------------------------------------------------------ 1. funding
    def is_funding_week(self) -> bool:
        """The first week of every year (weeks 1, 53, ... and -51, ... in the spin-up), except the
        run's first week, when budgets have just been set."""
        return self.week != self.first_week and (self.week - 1) % WEEKS_PER_YEAR == 0

    def funding(self) -> None:
        """Mechanism 1 (funding.py): the yearly budget round.

        Reserves take the past year's balance; unless stationary, the total budget grows by
        ``budget_growth``, the cost of a post by ``cost_growth`` and the inflow of needs by
        ``need_growth``; a call for projects every ``call_for_projects_period`` years; the
        allocation; posts follow the new budgets (with lay-offs); the year's counts restart."""
        if not self.is_funding_week():
            return
        p = self.params
        orgs = self.organisations
        for org in orgs:
            org.take_balance()
        total = sum(o.budget for o in orgs)
        if not self.stationary:
            total *= 1.0 + p.budget_growth
            for org in orgs:
                org.cost *= 1.0 + org.levers.cost_growth
            self.need_factor *= 1.0 + p.need_growth
        year = (self.week - 1) // WEEKS_PER_YEAR
        if year % p.call_for_projects_period == 0:
            self.call_for_projects()
        self.allocate(total)
        for org in orgs:
            laid_off = org.set_posts()
            self.events["posts_cut"] += org.posts_cut
            self.leave(laid_off)
        for org in orgs:
            org.resolved_this_year = 0
            org.paid_weeks = 0

    def call_for_projects(self) -> None:
        """A share T = ``cfp_transfer`` of the bidders' market envelope S is put back in competition
        and goes to each bidder in proportion to its share times its efficiency (replicator):

            score_j = resolved_j / (cost_j x max(1, worker-years_j)),
            s_j <- (1 - T) s_j + T S s_j score_j / sum_k(s_k score_k).

        For-profit organisations bid only if ``cfp_open_to_for_profit`` (else their share is frozen)."""
        p = self.params
        bidders = [o for o in self.organisations if not o.for_profit or p.cfp_open_to_for_profit]
        bid = {
            o: o.market_share * o.resolved_this_year / (o.cost * max(o.paid_weeks / WEEKS_PER_YEAR, 1.0))
            for o in bidders
        }
        total = sum(bid.values())
        if total <= 0:
            return
        pool = sum(o.market_share for o in bidders)
        for o in bidders:
            o.market_share = (1.0 - p.cfp_transfer) * o.market_share + p.cfp_transfer * pool * bid[o] / total

    def allocate(self, total: float) -> None:
        """B_j = B (m_j s_j + (1 - m_j) n_j / sum(n)) / sum_k(...), m_j = m (1 - cobudget_shift cobudget_j),
        s_j the market share, n_j the eligible users of j's catchment (uniform if there are none)."""
        p = self.params
        orgs = self.organisations
        needs = [sum(1 for u in o.users if u.status != RESOLVED) for o in orgs]
        total_needs = sum(needs)
        raw = []
        for org, n in zip(orgs, needs, strict=True):
            need_share = n / total_needs if total_needs > 0 else 1.0 / len(orgs)
            m = org.funding_weights()[0] * (1.0 - p.cobudget_shift * org.cobudget)
            raw.append(m * org.market_share + (1.0 - m) * need_share)
        for org, x in zip(orgs, raw, strict=True):
            org.budget = total * x / sum(raw)

    # ------------------------------------------------------------------ 4. awareness
    def awareness(self) -> None:
        """Mechanism 4: the take-up cohort reached accompaniment_weeks ago closes; outreach visits in each
        catchment; then each user's learning (synchronous)."""
        closing = [u for u in self.users if u.reached_week == self.week - self.params.accompaniment_weeks]
        self.events["reached"] += len(closing)
        self.events["reached_asked"] += sum(1 for u in closing if u.reach_asked)
        for org in self.organisations:
            org.outreach()
        any_peer_worker = any(u.peer_worker for u in self.users)
        for u in self.users:
            u.peer_worker_ties = sum(1 for v in u.neighbours if v.peer_worker) if any_peer_worker else 0
        synchronous(self.users, "awareness")

    # ------------------------------------------------------------------ 5. demand
    def demand(self) -> None:
        """Mechanism 5: trust and asking (synchronous); askers reached by outreach less than
        ``accompaniment_weeks`` ago have taken it up."""
        synchronous(self.users, "demand")
        weeks = self.params.accompaniment_weeks
        for u in self.users:
            if u.asked_week == self.week and self.week - u.reached_week < weeks:
                u.reach_asked = True

    # ------------------------------------------------------------------ 6. intake
    def intake(self) -> None:
        """Mechanism 6: each organisation admits by priority; those left wait a week or give up."""
        for org in self.organisations:
            org.intake()

    # ------------------------------------------------------------------ 7. support
    def support(self) -> None:
        """Mechanism 7: users' week of support (or none), workers take stock of the week's users,
        the cases whose need ended close, then new needs arise among those who had none."""
        p = self.params
        for org in self.organisations:
            c = p.community_support_effect
            supported = sum(1 for u in org.users if u.status == SUPPORTED)
            community = min(
                1.0, (1.0 - p.community_outreach_share) * org.community_hours / (max(supported, 1) * p.hours_per_case)
            )
            v = p.quality_voice_boost
            autonomy = p.autonomy_quality_floor + (1.0 - p.autonomy_quality_floor) * org.autonomy
            org.quality_factor = autonomy * (1.0 + v * org.realised()) / (1.0 + v) * (1.0 + c * community) / (1.0 + c)
        no_need = {org: [u for u in org.users if u.status == RESOLVED] for org in self.organisations}
        ending = [u for u in self.users if u.support_week()]
        for w in self.workers:
            w.take_stock()
        for u in ending:
            u.close_case()
        for org in self.organisations:
            org.needs_arise(no_need[org])

    # ------------------------------------------------------------------ 9. turnover
    def leave(self, leavers: list[RefWorker]) -> None:
        """Workers go (a departure or a post cut): their posts empty, their users are handed over."""
        by_org: dict[RefOrganisation, list[RefWorker]] = {}
        for w in leavers:
            w.org.positions[w.post] = None
            w.remove()
            by_org.setdefault(w.org, []).append(w)
        for org, mine in by_org.items():
            org.hand_over(mine)

    def turnover(self) -> None:
        """Mechanism 9: departures (from the snapshot), hand-overs, hiring (the sector's mean
        engagement sets its attractiveness), tenure, worker-weeks paid."""
        p = self.params
        leavers = []
        for w in self.workers:
            kind = w.departure()
            if kind is not None:
                self.events[kind] += 1
                leavers.append(w)
        self.leave(leavers)
        staying = self.workers
        sector = sum(w.engagement for w in staying) / len(staying) if staying else p.new_hire_engagement
        for org in self.organisations:
            org.hire(sector)
        for org in self.organisations:
            for w in org.workers:
                w.tenure += 1
            org.paid_weeks += org.headcount

    # ------------------------------------------------------------------ 10. participation
    def participation(self) -> None:
        """Mechanism 10: responsiveness; who takes part (and their trust); maturing; peer workers."""
        for org in self.organisations:
            org.update_responsiveness()
        for u in self.users:
            u.update_participation()
        for org in self.organisations:
            org.mature()
        for org in self.organisations:
            org.update_peer_workers()

    # ------------------------------------------------------------------ 11. observation
    def observe(self) -> None:
        """Observation (metrics.py): every indicator of ``sim.metrics.INDICATORS``, counted agent by agent.

        Also advances each user's unsupported streak (eligible and not supported) and the
        52-week window of events and headcounts."""
        p = self.params
        eligible = supported = unaware = not_asking = waiting = dropped = persistent = 0
        wait_total = known = participants = peer_workers = 0
        power_eligible = 0.0
        for u in self.users:
            peer_workers += u.peer_worker
            if u.status == RESOLVED:
                u.unsupported_streak = 0
                continue
            eligible += 1
            power_eligible += u.power
            if u.status == SUPPORTED:
                u.unsupported_streak = 0
                supported += 1
                participants += u.participant
                continue
            u.unsupported_streak += 1
            persistent += u.unsupported_streak >= PERSISTENT_WEEKS
            known += u.ever_supported
            if u.status == UNAWARE:
                unaware += 1
            elif u.status == NOT_ASKING:
                not_asking += 1
            elif u.status == WAITING:
                waiting += 1
                wait_total += u.wait_weeks
            else:
                dropped += 1

        head = high_exhaustion = burnout = tenure = caseload = over_capacity = 0
        engagement = face_to_face = reporting = 0.0
        posts = vacancies = 0
        for org in self.organisations:
            workers = org.workers
            for w in workers:
                engagement += w.engagement
                high = w.exhaustion > p.high_exhaustion_threshold
                high_exhaustion += high
                burnout += high and w.engagement < p.low_engagement_threshold
                tenure += w.tenure
                caseload += w.caseload
                over_capacity += w.caseload > w.capacity
            head += len(workers)
            face_to_face += org.face_to_face * len(workers)
            reporting += org.reporting * len(workers)
            posts += org.posts
            vacancies += max(org.posts - len(workers), 0)

        self._window.append((self.events, head))
        flows = dict.fromkeys(EVENT_NAMES, 0.0)
        for events, _ in self._window:
            for name, value in events.items():
                flows[name] += value
        worker_years = sum(h for _, h in self._window) / WEEKS_PER_YEAR
        orgs = self.organisations
        n_orgs = len(orgs)
        quits = flows["quits_exogenous"] + flows["quits_job"]
        asked_need = ratio(flows["asking_need"], flows["asking"])
        admitted_need = ratio(flows["admitted_need"], flows["admitted"])
        self.indicators = {
            "engagement": ratio(engagement, head),
            "high_exhaustion_share": ratio(high_exhaustion, head),
            "burnout_share": ratio(burnout, head),
            "annual_turnover": ratio(quits, worker_years),
            "turnover_exogenous": ratio(flows["quits_exogenous"], worker_years),
            "turnover_job": ratio(flows["quits_job"], worker_years),
            "vacancy_rate": ratio(vacancies, posts),
            "posts_cut": flows["posts_cut"],
            "mean_tenure_years": ratio(tenure, head) / WEEKS_PER_YEAR,
            "caseload": ratio(caseload, head),
            "over_capacity_share": ratio(over_capacity, head),
            "non_recourse": ratio(eligible - supported, eligible),
            "non_connaissance": ratio(unaware, eligible),
            "non_demande": ratio(not_asking, eligible),
            "non_reception": ratio(waiting + dropped, eligible),
            "persistent_non_recourse": ratio(persistent, eligible),
            "non_recourse_known": ratio(known, eligible),
            "non_recourse_new": ratio(eligible - supported - known, eligible),
            "eligible": float(eligible),
            "supported": float(supported),
            "waiting_list": float(waiting),
            "mean_wait_weeks": ratio(wait_total, waiting),
            "new_needs": flows["new_needs"],
            "relapses": flows["relapses"],
            "cream_skimming": 1.0 - admitted_need / asked_need if flows["admitted"] > 0 and asked_need > 0 else 0.0,
            "outreach_contacts": flows["contacts"],
            "outreach_take_up": ratio(flows["reached_asked"], flows["reached"]),
            "outreach_yield": flows["outreach_admitted"],
            "outreach_need": ratio(flows["outreach_admitted_need"], flows["outreach_admitted"]),
            "face_to_face_share": ratio(face_to_face, head),
            "reporting_share": ratio(reporting, head),
            "power_to_act": ratio(power_eligible, eligible),
            "participation_offered": sum(o.levers.participation_level for o in orgs) / n_orgs,
            "participation_rate": ratio(participants, supported),
            "responsiveness": sum(o.responsiveness for o in orgs) / n_orgs,
            "participation_realised": sum(o.realised() for o in orgs) / n_orgs,
            "peer_workers": float(peer_workers),
            "community_hours": sum(o.community_hours for o in orgs),
            "budget": sum(o.budget for o in orgs),
            "cost_per_post": sum(o.cost for o in orgs) / n_orgs,
            "reserves_months": sum(o.reserves for o in orgs) / n_orgs,
            "posts": float(posts),
            "headcount": float(head),
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
