"""Mesa agents as views on the model's arrays.

Each agent knows its index; its attributes read (and, for a few, write) the
arrays of :mod:`sim.state`, so ``model.agents``, ``model.agents_by_type[User]``,
AgentSet queries (``select``, ``get``, ``groupby``), the DataCollector and
SolaraViz see live values while the weekly step stays vectorised. Agents have
no ``step()``: the model's mechanisms move them all at once.

Worker agents are people: a quit removes the agent and a hire creates a new
one on the same post (``post`` is the index in the worker arrays).
"""

from __future__ import annotations

from typing import Any

import mesa

from sim.state import STATUS_NAMES, Status


class Column:
    """An agent attribute kept in the model's arrays: ``model.<table>.<column>[agent.<key>]``.

    ``kind`` converts the array's element to a plain Python value; only
    ``writable`` columns accept assignment (the others raise AttributeError).
    """

    def __init__(self, table: str, column: str | None = None, kind: type = float, writable: bool = False) -> None:
        self.table, self.column, self.kind, self.writable = table, column, kind, writable

    def __set_name__(self, owner: type, name: str) -> None:
        self.column = self.column or name
        self.__doc__ = f"{owner.__name__}'s {name.replace('_', ' ')} (``model.{self.table}.{self.column}``)."

    def _array(self, agent: mesa.Agent) -> Any:
        return getattr(getattr(agent.model, self.table), self.column)

    def __get__(self, agent: mesa.Agent | None, owner: type | None = None) -> Any:
        if agent is None:
            return self
        return self.kind(self._array(agent)[agent.key])

    def __set__(self, agent: mesa.Agent, value: Any) -> None:
        if not self.writable:
            raise AttributeError(f"{self.column} is read-only")
        self._array(agent)[agent.key] = value


class _View(mesa.Agent):
    """An agent that is a view on row ``key`` of the model's arrays."""

    def __init__(self, model: mesa.Model, key: int) -> None:
        super().__init__(model)
        self.key = key


class User(_View):
    """A person with (or without, for now) a social need: usager, personne accompagnée."""

    need = Column("users", writable=True)
    trust = Column("users", writable=True)
    power_to_act = Column("users", "power")
    aware = Column("users", kind=bool)
    stigma = Column("users")
    weeks_with_worker = Column("users", kind=int)
    participant = Column("users", kind=bool)
    peer_worker = Column("users", kind=bool)
    organisation = Column("users", "org", kind=int)

    @property
    def index(self) -> int:
        return self.key

    @property
    def status(self) -> str:
        """One of resolved, unaware, not_asking, waiting, dropped, supported."""
        return STATUS_NAMES[self.model.users.status[self.key]]

    @property
    def eligible(self) -> bool:
        return bool(self.model.users.status[self.key] != Status.RESOLVED)

    @property
    def worker(self) -> Worker | None:
        """The Worker agent supporting this user, if any."""
        post = int(self.model.users.worker[self.key])
        return self.model.worker_on_post(post) if post >= 0 else None


class Worker(_View):
    """A social worker (travailleur social) in post."""

    organisation = Column("workers", "org", kind=int)
    team = Column("workers", kind=int)
    engagement = Column("workers", writable=True)
    exhaustion = Column("workers", writable=True)
    expectation = Column("workers")
    tenure_weeks = Column("workers", "tenure", kind=int)
    caseload = Column("workers", kind=int)
    capacity = Column("workers", kind=int)

    @property
    def post(self) -> int:
        return self.key

    @property
    def time_shares(self) -> dict[str, float]:
        """Shares of work time: face_to_face, reporting, outreach, participation (with supervision and coordination), admin."""
        model, org = self.model, self.organisation
        orgs, p = model.orgs, model.params
        hours = p.hours_per_week * max(1, int(model.territory.headcount()[org]))
        return {
            "face_to_face": float(orgs.face_to_face[org]),
            "reporting": float(orgs.reporting[org]),
            "outreach": float(model.territory.levers.outreach_share[org]),
            "participation": float(orgs.participation_hours[org] / hours),
            "admin": p.admin_share,
        }


class Manager(_View):
    """The director or head of service of one organisation."""

    style = Column("orgs")
    reporting_required = Column("orgs", "reporting")
    autonomy_granted = Column("orgs", "autonomy")

    @property
    def org(self) -> int:
        return self.key


class Funder(_View):
    """A funder (Département, ARS, State) and the organisations it funds."""

    @property
    def index(self) -> int:
        return self.key

    @property
    def organisations(self) -> list[int]:
        return [int(j) for j in (self.model.orgs.funder == self.key).nonzero()[0]]

    @property
    def budget(self) -> float:
        """Yearly budget of the organisations it funds, in posts."""
        return float(self.model.orgs.budget[self.model.orgs.funder == self.key].sum())

    @property
    def funding_mix(self) -> dict[str, float]:
        m, r, c = self.model.params.funding_weights
        return {"market": m, "redistribution": r, "reciprocity": c}

    @property
    def budget_growth(self) -> float:
        return self.model.params.budget_growth

    @property
    def call_for_projects_period(self) -> int:
        return self.model.params.call_for_projects_period


class Organisation(_View):
    """An establishment or service (ESSMS, association); carries its own indicators."""

    posts = Column("orgs", kind=int)

    @property
    def org(self) -> int:
        return self.key

    def __getattr__(self, name: str) -> float:
        # indicators of the last observed week, e.g. organisation.non_recourse
        indicators = self.__dict__.get("model") and self.model.org_indicators
        if indicators and name in indicators:
            return float(indicators[name][self.key])
        raise AttributeError(name)

    @property
    def kind(self) -> str:
        return str(self.model.territory.levers.kind[self.key])

    def lever(self, name: str):
        """This organisation's value of a per-organisation lever (its own, or the territory's)."""
        return self.model.params.value(name, self.key)

    @property
    def responsiveness(self) -> float:
        return float(self.model.orgs.responsiveness[self.key])
