"""A reform of the director's organisation alone, on the fitted territory, against its counterfactual.

The reform is :class:`sim.scenarios.Reform` with ``organisation=0`` (only the
director's own values change, from ``week`` on); it runs with
:func:`sim.studies.reform_effect` and ``by_organisation=True`` on the fitted
starting scenario, both arms on the same seeds (and the same posterior
draws, if any). What a board asks of it:

* the director's organisation: each indicator without and with the reform,
  and the paired difference with its 95% interval (:attr:`OrganisationReform.own`);
* the neighbours: the same, organisation by organisation
  (:attr:`OrganisationReform.neighbours`) — people the director's
  organisation no longer takes, or newly takes, show up there;
* the territory's totals (people supported, waiting, eligible, workers in
  post, summed over the organisations; :attr:`OrganisationReform.totals`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim.constants import WEEKS_PER_YEAR
from sim.metrics import HEADLINE
from sim.organisation.fit import DIRECTOR
from sim.params import Spec, levers
from sim.scenarios import Reform, Scenario
from sim.stats import final_year, summary_table
from sim.studies import ARMS, ReformEffect, reform_effect

OWN = (
    "non_recourse",
    "supported",
    "waiting_list",
    "mean_wait_weeks",
    "engagement",
    "annual_turnover",
    "vacancy_rate",
    "reporting_share",
    "caseload",
)
"""The director's indicators, in the order a board reads them."""
NEIGHBOUR = ("supported", "waiting_list", "non_recourse", "engagement")
"""What is shown of each neighbour."""
TOTALS = ("supported", "waiting_list", "eligible", "headcount")
"""Counts summed over the territory's organisations."""
INDICATORS = tuple(dict.fromkeys((*OWN, *NEIGHBOUR, *TOTALS, *HEADLINE)))


def own_levers() -> dict[str, Spec]:
    """The levers an organisation sets for itself (those a reform of one organisation may change)."""
    return {name: spec for name, spec in levers().items() if spec.per_organisation}


@dataclass(frozen=True)
class OrganisationReform:
    """The reform of organisation 0 against its counterfactual, per organisation and for the territory."""

    scenario: Scenario  # the fitted starting scenario, at the horizon used
    reform: Reform
    replicates: int
    effect: ReformEffect

    @property
    def week(self) -> int:
        return self.reform.week

    @property
    def years(self) -> int:
        return self.scenario.params.weeks // WEEKS_PER_YEAR

    @property
    def changes(self) -> dict[str, Any]:
        return self.reform.levers_changed()

    def _of(self, frame: pd.DataFrame, organisation: int) -> pd.DataFrame:
        return frame[frame["organisation"] == organisation].drop(columns="organisation").reset_index(drop=True)

    @property
    def own(self) -> pd.DataFrame:
        """indicator, counterfactual, reform, mean, ci_low, ci_high, replicates, draws, interval (organisation 0)."""
        return self._of(self.effect.summary, DIRECTOR)

    @property
    def own_runs(self) -> pd.DataFrame:  # arm, [draw], replicate, week, indicators: organisation 0
        return self._of(self.effect.runs, DIRECTOR)

    @property
    def own_difference(self) -> pd.DataFrame:  # arm ("difference"), [draw], replicate, week, indicators
        return self._of(self.effect.difference, DIRECTOR)

    @property
    def neighbours(self) -> pd.DataFrame:
        """organisation, indicator, counterfactual, reform, mean, ci_low, ci_high, ... (organisations 1, 2, ...)."""
        s = self.effect.summary
        return s[(s["organisation"] != DIRECTOR) & s["indicator"].isin(NEIGHBOUR)].reset_index(drop=True)

    @property
    def totals(self) -> pd.DataFrame:
        """The territory's counts (:data:`TOTALS`): like :attr:`own`, summed over every organisation."""
        return territory_totals(self.effect.runs)

    @property
    def scenario_with_reform(self) -> Scenario:
        return self.effect.reformed


def territory_totals(runs: pd.DataFrame, indicators: Sequence[str] = TOTALS) -> pd.DataFrame:
    """Per-organisation runs summed over the organisations, then summarised as :func:`reform_effect` does."""
    keys = [*(["draw"] if "draw" in runs else []), "replicate", "week"]
    summed = runs.groupby(["arm", *keys], sort=False)[list(indicators)].sum()
    arm = {name: summed.xs(name, level="arm") for name in ARMS}
    difference = (arm["reform"] - arm["counterfactual"]).reset_index()
    difference.insert(0, "arm", "difference")
    summary = summary_table(difference, indicators, by=("arm",)).drop(columns="arm")
    means = final_year(summed.reset_index()).groupby("arm")[list(indicators)].mean()
    for position, name in enumerate(ARMS, start=1):
        summary.insert(position, name, [float(means.loc[name, i]) for i in summary["indicator"]])
    return summary


def run(
    scenario: Scenario,
    week: int,
    changes: Mapping[str, Any],
    replicates: int,
    years: int,
    draws: Sequence[Mapping[str, Any]] = (),
    progress: Callable[[], Any] | None = None,
) -> OrganisationReform:
    """The reform of organisation 0 (``changes`` from ``week`` on) against its counterfactual, ``years`` long."""
    horizon = scenario.with_changes(weeks=WEEKS_PER_YEAR * years)
    reform = Reform(week, dict(changes), organisation=DIRECTOR)
    effect = reform_effect(
        horizon, reform, replicates, indicators=INDICATORS, progress=progress, by_organisation=True, draws=draws
    )
    return OrganisationReform(horizon, reform, replicates, effect)


def unchanged(scenario: Scenario, changes: Mapping[str, Any]) -> list[str]:
    """The chosen levers that already have that value in the director's organisation."""
    own = scenario.params.own_values(DIRECTOR)
    return [name for name, value in changes.items() if own.get(name, getattr(scenario.params, name)) == value]


def current(scenario: Scenario, name: str) -> Any:
    """The director's organisation's value of lever ``name`` in ``scenario`` (its own, else the territory's)."""
    return scenario.params.own_values(DIRECTOR).get(name, getattr(scenario.params, name))
