"""CentaureModel: the territory as a Mesa model, wiring the mechanisms in order."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from sim import metrics, network, scenarios, state
from sim.agents import Funder, Manager, Organisation, User, Worker
from sim.constants import WEEKS_PER_YEAR
from sim.errors import ScenarioError
from sim.mechanisms import WEEKLY_ORDER, intake, management, time_use
from sim.params import Params
from sim.scenarios import Reform, Scenario
from sim.state import Status, Territory

ORG_TABLE = "organisations"
_NO_POSTS = np.zeros(0, dtype=np.intp)


def _read_indicator(name: str, model: CentaureModel) -> float:
    return model.indicators[name]


class IndicatorCollector(mesa.DataCollector):
    """Mesa's DataCollector, without a deep copy of each reported value.

    The model reporters of :class:`CentaureModel` (an attribute name, functions
    of the model) return fresh Python numbers, which are immutable: Mesa's
    ``collect`` would deep-copy them one by one at each step; appending them as
    they are keeps the same tables at a fraction of the weekly cost. The first
    collection (Mesa validates the reporters) and agent reporters go through Mesa.
    """

    def collect(self, model: mesa.Model) -> None:
        if self.agent_reporters or self.agenttype_reporters or not self._validated:
            super().collect(model)
            return
        self._collection_steps.append(model.time)
        for name, reporter in self.model_reporters.items():
            self.model_vars[name].append(getattr(model, reporter) if isinstance(reporter, str) else reporter(model))


class CentaureModel(mesa.Model):
    """A social-work territory: users, workers, managers and funders, one week per step.

    Args:
        scenario: a shipped scenario's name (``"npm"``, ``"alliance"``, ...), the
            path of a scenario TOML file, a :class:`sim.scenarios.Scenario` or a
            :class:`sim.params.Params`.
        rng: seed or generator; every random draw comes from ``self.rng``.
        collect_every: record indicators every this many weeks (week 0 always).
        collect_organisations: also record the per-organisation table.
        organisations: organisations' own values, ``{j: {lever: value}}``, on top
            of the scenario's.
        **levers: any parameter of :class:`sim.params.Params`, overriding the
            scenario's value (this is how ``mesa.batch_run`` passes them);
            ``lever@j`` sets organisation j's own value.

    The DataCollector records the week and every indicator of :mod:`sim.metrics`
    for the territory (``datacollector.get_model_vars_dataframe()``) and, per
    organisation, in the table ``"organisations"`` (``model.organisation_frame()``).
    """

    def __init__(
        self,
        scenario: str | Path | Scenario | Params = "npm",
        rng: Any = None,
        *,
        collect_every: int = 1,
        collect_organisations: bool = True,
        organisations: Mapping[int, Mapping[str, Any]] | None = None,
        **levers: Any,
    ) -> None:
        super().__init__(rng=rng)  # never hand our scenario to Mesa's experimental `scenario=`
        own = {f"{name}@{j}": v for j, values in (organisations or {}).items() for name, v in values.items()}
        self.scenario_spec: Scenario = _as_scenario(scenario).with_changes(**levers, **own)
        self.params: Params = self.scenario_spec.params
        self._pending_reforms = list(self.scenario_spec.reforms)
        self.collect_every = collect_every
        p = self.params

        users = state.initial_users(p, self.rng)
        budget = state.initial_budget(p)
        cost = state.cost_per_post(p)
        for_profit = p.org_array("kind") == "for_profit"
        posts = state.affordable_posts(p, budget, cost, for_profit)
        workers, position_start = state.initial_workers(p, self.rng, posts)
        orgs = state.initial_organisations(p, self.rng, budget, posts, position_start)
        adj = network.peer_adjacency(p.n_users, p.peer_degree, p.peer_rewiring, self.rng)
        self.territory = Territory(
            users=users,
            workers=workers,
            orgs=orgs,
            levers=state.OrgLevers(p),
            peer_adj=adj,
            inverse_degree=1.0 / np.asarray(adj.sum(axis=1), dtype=float).ravel(),
            catchment_start=np.searchsorted(users.org, np.arange(p.n_organisations)),
            catchment_size=np.bincount(users.org, minlength=p.n_organisations),
            first_week=1 - p.spinup_weeks,
        )
        self._observer = metrics.Observer(self.territory)
        self._open_initial_cases()
        self._spin_up(p.spinup_weeks)

        for i in range(p.n_users):
            User(self, i)
        self._posts: list[Worker | None] = [None] * workers.org.size
        self._hire_agents(workers.active.nonzero()[0])
        for j in range(p.n_organisations):
            Manager(self, j)
            Organisation(self, j)
        for f in range(p.n_funders):
            Funder(self, f)

        self.collect_organisations = collect_organisations
        self.datacollector = IndicatorCollector(
            model_reporters={"week": "week", **{name: partial(_read_indicator, name) for name in metrics.INDICATORS}},
            tables={ORG_TABLE: ["week", "organisation", *metrics.INDICATORS]} if collect_organisations else None,
        )
        self._collect()

    # ------------------------------------------------------------ views on the state
    @property
    def users(self) -> state.Users:
        return self.territory.users

    @property
    def workers(self) -> state.Workers:
        return self.territory.workers

    @property
    def orgs(self) -> state.Organisations:
        return self.territory.orgs

    @property
    def peer_adj(self):
        """User-user peer ties (scipy.sparse CSR)."""
        return self.territory.peer_adj

    @property
    def week(self) -> int:
        """Weeks simulated so far (= ``self.steps``)."""
        return self.territory.week

    def worker_on_post(self, post: int) -> Worker | None:
        """The Worker agent in post ``post``, or None if it is vacant."""
        return self._posts[post]

    def network(self):
        """The whole multiplex network now, as a networkx MultiGraph (built on demand)."""
        return network.multiplex_graph(self)

    # ------------------------------------------------------------ the week
    def step(self) -> None:
        """Simulate one week: reforms due, the ten mechanisms in order, then observation."""
        week = self.steps
        self._apply_reforms(week)
        self._simulate_week(week)
        self._sync_worker_agents(self.territory.left, self.territory.hired)
        if week % self.collect_every == 0 or week == self.params.weeks:
            self._collect()
        if week >= self.params.weeks:
            self.running = False

    def _simulate_week(self, week: int) -> None:
        """Week ``week`` of the territory: the mechanisms in the documented order, then observation."""
        s, p = self.territory, self.params
        s.week = week
        s.events = {name: np.zeros(p.n_organisations) for name in metrics.EVENTS}
        s.left = _NO_POSTS
        for mechanism in WEEKLY_ORDER:
            mechanism.step(s, p, self.rng)
        self._observe(ahead=-week)

    def _spin_up(self, weeks: int) -> None:
        """Weeks 1 - ``weeks`` .. 0 under the week-0 levers, budgets, costs and needs held stationary (MODEL.md §4).

        Nothing is recorded; the observation's windows run, so week 0 reports a
        settled year (indicators are computed at week 0 only: earlier values are
        never read). Agents are created afterwards, on the settled state.
        """
        s = self.territory
        s.stationary = True
        for week in range(1 - weeks, 1):
            self._simulate_week(week)
        s.stationary = False
        s.week = 0

    def _collect(self) -> None:
        """Record the territory's indicators and, optionally, one table row per organisation."""
        self.datacollector.collect(self)
        if self.collect_organisations:
            columns = self.org_indicators
            for j in range(self.params.n_organisations):
                row = {name: float(values[j]) for name, values in columns.items()}
                self.datacollector.add_table_row(ORG_TABLE, {"week": self.week, "organisation": j, **row})

    def organisation_frame(self):
        """The per-organisation table: one row per recorded week and organisation."""
        return self.datacollector.get_table_dataframe(ORG_TABLE)

    def schedule(self, *reforms: Reform) -> None:
        """Add reforms to this run's schedule (e.g. a lever moved live in the dashboard).

        A reform takes effect at the start of its week, which must lie after
        the week just simulated and within the horizon. ``scenario_spec`` then
        holds the whole schedule, so the run can be replayed from it.
        """
        for reform in reforms:
            if not self.week < reform.week <= self.params.weeks:
                raise ScenarioError(
                    f"week = {reform.week}: a reform scheduled after week {self.week} must fall"
                    f" in weeks {self.week + 1} to {self.params.weeks}",
                    field="week",
                    value=reform.week,
                )
        self.scenario_spec = self.scenario_spec.with_reforms(*reforms)
        self._pending_reforms = sorted((*self._pending_reforms, *reforms), key=lambda r: r.week)

    def params_at(self, week: int) -> Params:
        """The parameters week ``week`` (not yet simulated) will run with: today's, plus the reforms due by then."""
        params = self.params
        for reform in self._pending_reforms:
            if reform.week <= week:
                params = params.replace(**reform.changes)
        return params

    def _apply_reforms(self, week: int) -> None:
        changed = False
        while self._pending_reforms and self._pending_reforms[0].week <= week:
            reform = self._pending_reforms.pop(0)
            self.params = self.params.replace(**reform.changes)
            changed = True
        if changed:
            self.territory.levers = state.OrgLevers(self.params)

    def _observe(self, ahead: int = 0) -> None:
        """Observe the week just simulated, ``ahead`` weeks before week 0 (the spin-up's weeks: only
        what week 0 will read, the streaks and, in its last year, the windows); at week 0 and after, everything."""
        observer, s = self._observer, self.territory
        if ahead > 0:
            observer.advance(s)
            if ahead < metrics.WINDOW:
                observer.record(s)
            return
        values = observer.observe(s, self.params)
        self.indicators: dict[str, float] = dict(zip(metrics.INDICATORS, values[:, -1].tolist(), strict=True))
        self._org_values = values[:, :-1]

    @property
    def org_indicators(self) -> dict[str, np.ndarray]:
        """This week's indicators per organisation: name -> one value per organisation."""
        return dict(zip(metrics.INDICATORS, self._org_values, strict=True))

    def _open_initial_cases(self) -> None:
        """Week 0: the aware eligible ask at once, and intake admits them as it does every week
        (each request considered with probability ``intake_rate``), so runs start from a working sector.

        Initial cases have been open for 0-51 weeks (continuity already built).
        Those who do not fit stay ``NOT_ASKING``; nobody starts on a waiting list.
        The week-0 indicators are observed on this state (the spin-up, if any, then updates them).
        """
        s, p = self.territory, self.params
        users = s.users
        s.events = {name: np.zeros(p.n_organisations) for name in metrics.EVENTS}
        management.step(s, p, self.rng)
        time_use.step(s, p, self.rng)
        users.status[users.status == Status.NOT_ASKING] = Status.WAITING
        intake.admit(s, p, self.rng)
        users.status[users.status == Status.WAITING] = Status.NOT_ASKING
        supported = (users.status == Status.SUPPORTED).nonzero()[0]
        users.weeks_with_worker[supported] = self.rng.integers(0, WEEKS_PER_YEAR, supported.size)
        self._observe(ahead=p.spinup_weeks)

    def _hire_agents(self, posts: np.ndarray) -> None:
        for post in posts:
            self._posts[post] = Worker(self, int(post))

    def _sync_worker_agents(self, left: np.ndarray, hired: np.ndarray) -> None:
        for post in left:
            agent = self._posts[post]
            if agent is not None:
                agent.remove()
                self._posts[post] = None
        self._hire_agents(hired)


def _as_scenario(scenario: str | Path | Scenario | Params) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario
    if isinstance(scenario, Params):
        return Scenario(name="custom", params=scenario)
    return scenarios.load(scenario)
