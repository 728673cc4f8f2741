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

from typing import TYPE_CHECKING

import mesa

from sim.mechanisms._common import voice
from sim.state import STATUS_NAMES, Status

if TYPE_CHECKING:
    from sim.model import CentaureModel


class User(mesa.Agent):
    """A person with (or without, for now) a social need: usager, personne accompagnée."""

    def __init__(self, model: CentaureModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def _u(self):
        return self.model.users

    @property
    def status(self) -> str:
        """One of resolved, unaware, not_asking, waiting, dropped, supported."""
        return STATUS_NAMES[self._u.status[self.index]]

    @property
    def eligible(self) -> bool:
        return bool(self._u.status[self.index] != Status.RESOLVED)

    @property
    def need(self) -> float:
        return float(self._u.need[self.index])

    @need.setter
    def need(self, value: float) -> None:
        self._u.need[self.index] = value

    @property
    def trust(self) -> float:
        return float(self._u.trust[self.index])

    @trust.setter
    def trust(self, value: float) -> None:
        self._u.trust[self.index] = value

    @property
    def power_to_act(self) -> float:
        return float(self._u.power[self.index])

    @property
    def aware(self) -> bool:
        return bool(self._u.aware[self.index])

    @property
    def stigma(self) -> float:
        return float(self._u.stigma[self.index])

    @property
    def worker(self) -> Worker | None:
        """The Worker agent supporting this user, if any."""
        post = int(self._u.worker[self.index])
        return self.model.worker_on_post(post) if post >= 0 else None

    @property
    def weeks_with_worker(self) -> int:
        return int(self._u.weeks_with_worker[self.index])

    @property
    def participant(self) -> bool:
        return bool(self._u.participant[self.index])

    @property
    def peer_worker(self) -> bool:
        return bool(self._u.peer_worker[self.index])

    @property
    def organisation(self) -> int:
        return int(self._u.org[self.index])


class Worker(mesa.Agent):
    """A social worker (travailleur social) in post."""

    def __init__(self, model: CentaureModel, post: int) -> None:
        super().__init__(model)
        self.post = post

    @property
    def _w(self):
        return self.model.workers

    @property
    def organisation(self) -> int:
        return int(self._w.org[self.post])

    @property
    def team(self) -> int:
        return int(self._w.team[self.post])

    @property
    def engagement(self) -> float:
        return float(self._w.engagement[self.post])

    @engagement.setter
    def engagement(self, value: float) -> None:
        self._w.engagement[self.post] = value

    @property
    def exhaustion(self) -> float:
        return float(self._w.exhaustion[self.post])

    @exhaustion.setter
    def exhaustion(self, value: float) -> None:
        self._w.exhaustion[self.post] = value

    @property
    def expectation(self) -> float:
        return float(self._w.expectation[self.post])

    @property
    def tenure_weeks(self) -> int:
        return int(self._w.tenure[self.post])

    @property
    def caseload(self) -> int:
        return int(self._w.caseload[self.post])

    @property
    def capacity(self) -> int:
        return int(self._w.capacity[self.post])

    @property
    def time_shares(self) -> dict[str, float]:
        """Shares of work time: face_to_face, reporting, outreach, participation, admin."""
        p, org = self.model.params, self.organisation
        return {
            "face_to_face": float(self.model.orgs.face_to_face[org]),
            "reporting": float(self.model.orgs.reporting[org]),
            "outreach": p.outreach_share,
            "participation": p.participation_time_per_rung * p.participation_level,
            "admin": p.admin_share,
        }


class Manager(mesa.Agent):
    """The director or head of service of one organisation."""

    def __init__(self, model: CentaureModel, org: int) -> None:
        super().__init__(model)
        self.org = org

    @property
    def style(self) -> float:
        """0 = managerial control ... 1 = ethical, participatory direction."""
        return float(self.model.orgs.style[self.org])

    @property
    def reporting_required(self) -> float:
        return float(self.model.orgs.reporting[self.org])

    @property
    def autonomy_granted(self) -> float:
        return float(self.model.orgs.autonomy[self.org])


class Funder(mesa.Agent):
    """A funder (Département, ARS, State) and the organisations it funds."""

    def __init__(self, model: CentaureModel, index: int) -> None:
        super().__init__(model)
        self.index = index

    @property
    def organisations(self) -> list[int]:
        return [int(j) for j in (self.model.orgs.funder == self.index).nonzero()[0]]

    @property
    def budget(self) -> float:
        """Yearly budget of the organisations it funds, in posts."""
        return float(self.model.orgs.budget[self.model.orgs.funder == self.index].sum())

    @property
    def funding_mix(self) -> dict[str, float]:
        m, r, c = self.model.params.funding_weights
        return {"market": m, "redistribution": r, "reciprocity": c}

    @property
    def indicator_pressure(self) -> float:
        return self.model.params.reporting_pressure

    @property
    def budget_growth(self) -> float:
        return self.model.params.budget_growth

    @property
    def call_for_projects_period(self) -> int:
        return self.model.params.call_for_projects_period


class Organisation(mesa.Agent):
    """An establishment or service (ESSMS, association); carries its own indicators."""

    def __init__(self, model: CentaureModel, org: int) -> None:
        super().__init__(model)
        self.org = org

    def __getattr__(self, name: str):
        # indicators of the last observed week, e.g. organisation.non_recourse
        indicators = self.__dict__.get("model") and self.model.org_indicators
        if indicators and name in indicators:
            return float(indicators[name][self.org])
        raise AttributeError(name)

    @property
    def posts(self) -> int:
        return int(self.model.orgs.posts[self.org])

    @property
    def participation_level(self) -> int:
        return self.model.params.participation_level

    @property
    def voice(self) -> float:
        return voice(self.model.params.participation_level)

    @property
    def outreach_share(self) -> float:
        return self.model.params.outreach_share

    @property
    def peer_worker_programme(self) -> bool:
        return self.model.params.peer_worker_programme
