"""Every parameter of Centaure, declared once.

Each field of :class:`Params` carries its unit, allowed range, default, source
(or "assumption") and a group; its label and help text, in French and English,
are in the catalogue (``sim/data/catalogue.toml``, read by :mod:`sim.i18n`).
Groups:

* ``lever`` — governance levers of MODEL.md §4, changeable by a reform during a run;
* ``context`` — the territory's exogenous context (growth of needs), also changeable;
* ``structure`` — population sizes, organisations, network shape, horizon;
* ``behaviour`` — behavioural coefficients of the mechanisms (calibration constants).

Validation, the scenario-file format, ``--set`` overrides on the command line,
the dashboard's controls and the parameter table of ``docs/ODD.md`` are all
generated from these declarations; nothing else lists the parameters.

Rates are weekly (one step = one week); where a weekly rate is given, its help
text also gives the yearly figure practitioners read.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.errors import ParameterError

GROUPS = ("lever", "context", "structure", "initial", "behaviour")
REFORMABLE_GROUPS = ("lever", "context")
SCOPES = ("territory", "organisation")
ORG_SEPARATOR = "@"
"""``reporting_pressure@2`` names organisation 2's own value of a lever (in --set, sweeps, addresses)."""


@dataclass(frozen=True)
class Spec:
    """Metadata of one parameter: everything a user or a tool needs to know about it."""

    name: str
    kind: type
    default: Any
    low: float | None
    high: float | None
    unit: str
    group: str
    source: str
    scope: str = "territory"  # or "organisation": each organisation may have its own value
    family: str = ""  # levers that act together (pressure, funding, participation...): the groups of a decomposition
    choices: tuple[str, ...] = ()

    @property
    def per_organisation(self) -> bool:
        return self.scope == "organisation"

    def allowed(self) -> str:
        """Human-readable description of the allowed values."""
        if self.kind is bool:
            return "true or false"
        if self.choices:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        kind = "an integer" if self.kind is int else "a number"
        return f"{kind} from {_fmt(self.low)} to {_fmt(self.high)} ({self.unit})"

    def error(self, value: Any, problem: str = "") -> ParameterError:
        """The one-line error for ``value``: ``name = value[ problem]: expected ...``."""
        return ParameterError(
            f"{self.name} = {value!r}{problem}: expected {self.allowed()}",
            field=self.name,
            value=value,
            allowed=self.allowed(),
        )

    def check(self, value: Any) -> Any:
        """Return ``value`` converted to this parameter's type, or raise ParameterError."""
        if self.kind is bool:
            if not isinstance(value, bool | np.bool_):
                raise self.error(value)
            return bool(value)
        if self.choices:
            if value not in self.choices:
                raise self.error(value)
            return str(value)
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
            raise self.error(value)
        if not math.isfinite(value):
            raise self.error(value)
        if self.kind is int:
            if not float(value).is_integer():
                raise self.error(value)
            value = int(value)
        else:
            value = float(value)
        if not (self.low <= value <= self.high):
            raise self.error(value, " is out of range")
        return value

    def parse(self, text: str) -> Any:
        """Convert a command-line or address-bar string (``--set name=text``) and check it."""
        text = text.strip()
        if self.kind is bool:
            lowered = text.lower()
            if lowered in ("true", "1", "yes", "oui"):
                return True
            if lowered in ("false", "0", "no", "non"):
                return False
            raise self.error(text)
        if self.choices:
            return self.check(text)
        try:
            number = float(text)
        except ValueError:
            raise self.error(text) from None
        return self.check(number)


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    return f"{x:g}" if isinstance(x, float) else f"{x:,}".replace(",", "_")


def _p(
    default: Any,
    low: float | None = None,
    high: float | None = None,
    *,
    unit: str,
    group: str,
    scope: str = "territory",
    family: str = "",
    source: str = "assumption",
    choices: tuple[str, ...] = (),
) -> Any:
    """Declare one parameter (a dataclass field whose metadata is its Spec)."""
    meta = dict(
        default=default,
        low=low,
        high=high,
        unit=unit,
        group=group,
        scope=scope,
        family=family,
        source=source,
        choices=choices,
    )
    return field(default=default, metadata={"spec": meta})


@dataclass(frozen=True)
class Params:
    """The full parameter set of one run; every field is checked where it is made (a Params that exists is valid)."""

    # ---------------------------------------------------------------- levers (MODEL.md §4)
    reporting_pressure: float = _p(
        0.39,
        0.0,
        0.7,
        unit="share of work time",
        group="lever",
        scope="organisation",
        family="pressure",
        source="targets.csv: CNAF/Acadie 2011, 39% of social workers' time on admin and reporting (npm)",
    )
    standardisation: float = _p(
        0.6,
        0.0,
        1.0,
        unit="index 0-1",
        group="lever",
        scope="organisation",
        family="pressure",
        source="essay §2 (HAS frameworks, SERAFIN-PH); value an assumption",
    )
    manager_style: float = _p(
        0.35,
        0.0,
        1.0,
        unit="index 0-1",
        group="lever",
        scope="organisation",
        family="management",
        source="Janvier 2017 (ethics of direction); value an assumption",
    )
    funding_market: float = _p(
        0.6,
        0.0,
        1.0,
        unit="weight",
        group="lever",
        scope="organisation",
        family="funding",
        source="Polanyi's three principles, via the essay's hybridisation strategy; value an assumption",
    )
    funding_redistribution: float = _p(
        0.4,
        0.0,
        1.0,
        unit="weight",
        group="lever",
        scope="organisation",
        family="funding",
        source="Polanyi; assumption",
    )
    funding_reciprocity: float = _p(
        0.0,
        0.0,
        1.0,
        unit="weight",
        group="lever",
        scope="organisation",
        family="funding",
        source="Polanyi; Eynaud & França Filho 2019; assumption",
    )
    budget_growth: float = _p(
        0.02,
        -0.1,
        0.1,
        unit="per year",
        group="lever",
        family="budget",
        source="assumption: by default budgets follow costs (a stationary territory)",
    )
    cost_growth: float = _p(
        0.02,
        -0.05,
        0.1,
        unit="per year",
        group="lever",
        scope="organisation",
        family="budget",
        source="essay §2 (Ségur wage increases, energy); 2% a year an assumption",
    )
    call_for_projects_period: int = _p(
        3,
        1,
        10,
        unit="years",
        group="lever",
        family="funding",
        source="HPST law 2009 calls for projects; period an assumption",
    )
    cfp_open_to_for_profit: bool = _p(
        True,
        unit="on/off",
        group="lever",
        family="funding",
        source="essay §2 (opening of solidarity to the for-profit sector, Chauvière 2007; Orpéa)",
    )
    procedure_complexity: float = _p(
        0.6,
        0.0,
        1.0,
        unit="index 0-1",
        group="lever",
        scope="organisation",
        family="procedures",
        source="Moynihan, Herd & Harvey 2015 (compliance costs); value an assumption",
    )
    conditionality: float = _p(
        0.6,
        0.0,
        1.0,
        unit="index 0-1",
        group="lever",
        scope="organisation",
        family="procedures",
        source="Moynihan, Herd & Harvey 2015; essay §2 (sanctions, RSA duties); value an assumption",
    )
    outreach_share: float = _p(
        0.02,
        0.0,
        0.4,
        unit="share of work time",
        group="lever",
        scope="organisation",
        family="outreach",
        source="essay §4 (aller-vers); value an assumption",
    )
    outreach_accompanied: float = _p(
        0.0,
        0.0,
        1.0,
        unit="share of contacts",
        group="lever",
        scope="organisation",
        family="outreach",
        source="essay §4 (aller-vers is a relation, not a displaced counter); Avenel 2021",
    )
    participation_level: int = _p(
        3,
        0,
        7,
        unit="rung of Arnstein's ladder",
        group="lever",
        scope="organisation",
        family="participation",
        source="Arnstein 1969; CASF participation instances (CVS); essay §4 (alliance)",
    )
    cobuilt_budget: bool = _p(
        False,
        unit="on/off",
        group="lever",
        scope="organisation",
        family="participation",
        source="essay §4 (co-construction of budgets, users at negotiations with funders)",
    )
    recruitment_panels: bool = _p(
        False,
        unit="on/off",
        group="lever",
        scope="organisation",
        family="participation",
        source="essay §4 (users in recruiting the staff who will support them)",
    )
    peer_worker_programme: bool = _p(
        False,
        unit="on/off",
        group="lever",
        scope="organisation",
        family="participation",
        source="essay §4 (pair-aidants, travailleurs pairs)",
    )
    caseload_cap: int = _p(30, 5, 80, unit="cases per worker", group="lever", scope="organisation", family="capacity")
    recruitment_difficulty: float = _p(
        0.5,
        0.0,
        1.0,
        unit="index 0-1",
        group="lever",
        scope="organisation",
        family="capacity",
        source="Axess barometer 2023 (recruitment tensions); value an assumption",
    )
    intake_priority: str = _p(
        "by_funding",
        unit="rule",
        group="lever",
        scope="organisation",
        family="capacity",
        source="MODEL.md §3.6 (cream-skimming under indicator-driven funding)",
        choices=(
            "by_funding",
            "greatest_need",
            "easiest_first",
            "first_come",
        ),
    )
    # ---------------------------------------------------------------- context
    need_growth: float = _p(
        0.0,
        -0.05,
        0.1,
        unit="per year",
        group="context",
        family="needs",
        source="default 0: a stationary territory, so that scenarios differ by governance, not drift; essay §2 (ASE measures +15% 2017-2023, about 2%/year)",
    )
    # ABC-SMC posterior median (docs/calibration.md); before: 0.0027, source: assumption; value calibrated by hand on targets.csv (npm)
    need_arrival_rate: float = _p(
        0.0023,
        0.0,
        0.05,
        unit="per person per week",
        group="context",
        scope="organisation",
        family="needs",
        source="calibrated: pyABC ABC-SMC on sim/data/targets.csv (npm), posterior median; docs/calibration.md",
    )
    # ---------------------------------------------------------------- structure (MODEL.md §2)
    n_users: int = _p(5000, 20, 5_000_000, unit="people", group="structure", source="MODEL.md §2 reference territory")
    n_workers: int = _p(200, 2, 500_000, unit="posts", group="structure", source="MODEL.md §2 reference territory")
    n_organisations: int = _p(
        8, 1, 100_000, unit="organisations", group="structure", source="MODEL.md §2 reference territory"
    )
    n_funders: int = _p(2, 1, 1000, unit="funders", group="structure", source="MODEL.md §2 reference territory")
    team_size: int = _p(8, 2, 50, unit="workers", group="structure")
    peer_degree: int = _p(
        6,
        2,
        50,
        unit="ties per user",
        group="structure",
        source="Watts & Strogatz 1998 small world; degree an assumption",
    )
    peer_rewiring: float = _p(0.1, 0.0, 1.0, unit="probability", group="structure", source="Watts & Strogatz 1998")
    weeks: int = _p(520, 1, 5200, unit="weeks", group="structure", source="MODEL.md §2 (ten years)")
    spinup_weeks: int = _p(
        260,
        0,
        2600,
        unit="weeks",
        group="structure",
        source="MODEL.md §4 (a run starts from the stationary state of its starting regime); length an assumption checked in docs/ODD.md",
    )
    post_headroom: float = _p(
        3.0, 1.0, 10.0, unit="times the initial posts", group="structure", source="assumption (room to grow)"
    )
    kind: str = _p(
        "non_profit",
        unit="kind",
        group="structure",
        scope="organisation",
        family="organisations",
        source="essay §2 (80% of solidarity actions carried by associations; for-profit entry, Orpéa)",
        choices=(
            "public",
            "non_profit",
            "for_profit",
        ),
    )
    org_size: float = _p(
        1.0,
        0.05,
        20.0,
        unit="relative size",
        group="structure",
        scope="organisation",
        family="organisations",
        source="MODEL.md §2 (organisations differ); equal sizes an assumption",
    )
    catchment_weight: float = _p(
        1.0,
        0.05,
        20.0,
        unit="relative size",
        group="structure",
        scope="organisation",
        family="organisations",
        source="MODEL.md §2; equal catchments an assumption",
    )
    # ---------------------------------------------------------------- initial state and fixed traits
    initial_eligible_share: float = _p(0.5, 0.0, 1.0, unit="share of users", group="initial")
    initial_aware_share: float = _p(0.5, 0.0, 1.0, unit="share of users", group="initial")
    initial_reserves_months: float = _p(
        3.0,
        0.0,
        24.0,
        unit="months of cash",
        group="initial",
        source="Mouvement associatif survey (essay §2): 30% of associations hold under 3 months of cash",
    )
    trust_mean: float = _p(0.5, 0.01, 0.99, unit="mean 0-1", group="initial")
    stigma_mean: float = _p(
        0.375,
        0.01,
        0.99,
        unit="mean 0-1",
        group="initial",
        source="Moynihan, Herd & Harvey 2015 (psychological costs); value an assumption",
    )
    power_mean: float = _p(0.29, 0.01, 0.99, unit="mean 0-1", group="initial")
    trait_concentration: float = _p(8.0, 1.0, 100.0, unit="Beta concentration", group="initial")
    need_min: float = _p(0.3, 0.0, 0.9, unit="need severity", group="initial")
    initial_engagement_mean: float = _p(0.6, 0.01, 0.99, unit="engagement", group="initial")
    initial_exhaustion_mean: float = _p(0.25, 0.01, 0.99, unit="exhaustion", group="initial")
    # ---------------------------------------------------------------- behaviour (coefficients of the mechanisms)
    hours_per_week: float = _p(
        35.0,
        10.0,
        60.0,
        unit="hours per week",
        group="behaviour",
        source="French legal working week (Code du travail, L3121-27)",
    )
    admin_share: float = _p(0.1, 0.0, 0.5, unit="share of work time", group="behaviour")
    hours_per_case: float = _p(
        1.6,
        0.25,
        10.0,
        unit="hours per case per week",
        group="behaviour",
        source="assumption; value calibrated by hand on targets.csv (npm)",
    )
    hours_per_instance: float = _p(
        3.0,
        0.0,
        20.0,
        unit="worker hours per week per rung",
        group="behaviour",
        source="MODEL.md §3.3 (participation costs hours per instance); value an assumption",
    )
    hours_per_participant: float = _p(
        1.0,
        0.0,
        5.0,
        unit="worker hours per week per participant",
        group="behaviour",
        source="MODEL.md §3.3 (participation costs hours per participant); value an assumption",
    )
    supervision_hours: float = _p(
        2.0,
        0.0,
        20.0,
        unit="worker hours per week per peer worker",
        group="behaviour",
        source="MODEL.md §3.10 (peer workers need supervision); value an assumption",
    )
    coordination_hours: float = _p(
        0.2,
        0.0,
        2.0,
        unit="worker hours per community hour",
        group="behaviour",
        source="MODEL.md §3.10 (reciprocity needs coordination hours); value an assumption",
    )
    activity_target_push: float = _p(
        0.5,
        0.0,
        1.0,
        unit="share of capacity",
        group="behaviour",
        source="MODEL.md §3.2 (activity targets under indicator-driven funding); value an assumption",
    )
    awareness_retention: float = _p(
        0.5,
        0.0,
        1.0,
        unit="probability",
        group="behaviour",
        source="assumption: rights are specific to a need (Warin 2016, non-connaissance)",
    )
    learn_from_peer: float = _p(
        0.004,
        0.0,
        0.5,
        unit="per aware peer per week",
        group="behaviour",
        source="MODEL.md §7; value an assumption; value calibrated by hand on targets.csv (npm)",
    )
    learn_from_peer_worker: float = _p(0.05, 0.0, 0.99, unit="per peer-worker tie per week", group="behaviour")
    contacts_per_hour: float = _p(
        0.3,
        0.01,
        5.0,
        unit="contacts per outreach hour",
        group="behaviour",
        source="assumption: street outreach is slow (travel, time to build a conversation); Avenel 2021",
    )
    accompanied_time_factor: float = _p(
        4.0,
        1.0,
        20.0,
        unit="times an information contact",
        group="behaviour",
        source="assumption (an accompanied contact includes help with the procedure)",
    )
    visit_size: int = _p(
        10,
        1,
        200,
        unit="people per visit",
        group="behaviour",
        source="MODEL.md §3.4 (outreach in neighbourhoods); value an assumption",
    )
    outreach_trust_gain: float = _p(
        0.05,
        0.0,
        1.0,
        unit="share of the trust gap closed",
        group="behaviour",
        source="essay §4: aller-vers works through the relation, not only information",
    )
    accompanied_burden_relief: float = _p(
        0.6,
        0.0,
        1.0,
        unit="share of the burden",
        group="behaviour",
        source="Moynihan, Herd & Harvey 2015 (help with compliance costs); value an assumption",
    )
    accompaniment_weeks: int = _p(8, 1, 52, unit="weeks", group="behaviour")
    promise_weeks: int = _p(
        26,
        1,
        104,
        unit="weeks",
        group="behaviour",
        source="essay §4 (aller-vers must not merely move the counter); value an assumption",
    )
    promise_penalty: float = _p(
        2.0,
        0.0,
        5.0,
        unit="relative extra trust loss",
        group="behaviour",
        source="essay §4 (déplacer le guichet, bonne conscience); value an assumption",
    )
    # ABC-SMC posterior median (docs/calibration.md); before: -2.8, source: MODEL.md §7 logistic choice; calibrated on targets.csv
    ask_intercept: float = _p(
        -3.09,
        -10.0,
        5.0,
        unit="log-odds per week",
        group="behaviour",
        source="calibrated: pyABC ABC-SMC on sim/data/targets.csv (npm), posterior median; docs/calibration.md",
    )
    ask_need: float = _p(2.5, 0.0, 10.0, unit="log-odds per unit of need", group="behaviour")
    ask_trust: float = _p(3.0, 0.0, 10.0, unit="log-odds per unit of trust", group="behaviour")
    ask_stigma: float = _p(
        6.5,
        0.0,
        10.0,
        unit="log-odds per unit of stigma",
        group="behaviour",
        source="Moynihan, Herd & Harvey 2015 (psychological costs); value calibrated by hand on targets.csv (npm)",
    )
    ask_burden: float = _p(
        2.5,
        0.0,
        10.0,
        unit="log-odds per unit of burden",
        group="behaviour",
        source="Moynihan, Herd & Harvey 2015 (compliance costs)",
    )
    trust_contagion: float = _p(0.02, 0.0, 0.5, unit="per week", group="behaviour")
    trust_rate_supported: float = _p(0.05, 0.0, 0.5, unit="per week", group="behaviour")
    trust_base_supported: float = _p(0.4, 0.0, 1.0, unit="trust", group="behaviour")
    trust_loss_dropped: float = _p(0.3, 0.0, 1.0, unit="share of trust lost", group="behaviour")
    trust_loss_waiting: float = _p(0.01, 0.0, 0.2, unit="share of trust lost per week", group="behaviour")
    trust_loss_worker_left: float = _p(
        0.2,
        0.0,
        1.0,
        unit="share of trust lost",
        group="behaviour",
        source="MODEL.md §3.9 (a quit breaks continuity and trust)",
    )
    intake_rate: float = _p(
        0.5,
        0.01,
        1.0,
        unit="per week",
        group="behaviour",
        source="assumption: a request takes time to be assessed (appointments, documents) even when a place is free",
    )
    waiting_drop_rate: float = _p(0.03, 0.0, 1.0, unit="per week", group="behaviour")
    support_effect: float = _p(
        0.05,
        0.0,
        0.5,
        unit="per week at quality 1",
        group="behaviour",
        source="assumption; value calibrated by hand on targets.csv (npm)",
    )
    resolve_threshold: float = _p(0.1, 0.0, 0.5, unit="need severity", group="behaviour")
    continuity_weeks: float = _p(
        8.0,
        0.5,
        104.0,
        unit="weeks",
        group="behaviour",
        source="MODEL.md §3.7 (continuity with the same worker); value an assumption",
    )
    experience_weeks: float = _p(26.0, 1.0, 520.0, unit="weeks", group="behaviour")
    experience_floor: float = _p(0.5, 0.0, 1.0, unit="quality factor", group="behaviour")
    engagement_quality_floor: float = _p(0.5, 0.0, 1.0, unit="quality factor", group="behaviour")
    autonomy_quality_floor: float = _p(0.5, 0.0, 1.0, unit="quality factor", group="behaviour")
    quality_voice_boost: float = _p(0.3, 0.0, 2.0, unit="relative", group="behaviour")
    community_support_effect: float = _p(
        0.3,
        0.0,
        2.0,
        unit="relative",
        group="behaviour",
        source="MODEL.md §3.10 (reciprocity complements casework); value an assumption",
    )
    need_worsening: float = _p(0.003, 0.0, 0.1, unit="per week", group="behaviour")
    # ABC-SMC posterior median (docs/calibration.md); before: 0.006, source: assumption (eligibility is volatile: incomes and situations change); value calibrated by hand on targets.csv (npm)
    spontaneous_exit_rate: float = _p(
        0.00534,
        0.0,
        0.2,
        unit="per week",
        group="behaviour",
        source="calibrated: pyABC ABC-SMC on sim/data/targets.csv (npm), posterior median; docs/calibration.md",
    )
    chronic_share: float = _p(
        0.3,
        0.0,
        1.0,
        unit="share of new needs",
        group="behaviour",
        source="MODEL.md §3.7 (part of needs are chronic); value an assumption",
    )
    chronic_end_rate: float = _p(0.006, 0.0, 0.1, unit="per week", group="behaviour")
    relapse_rate: float = _p(
        0.01,
        0.0,
        0.2,
        unit="per week",
        group="behaviour",
        source="MODEL.md §3.7 (resolved needs can recur); value an assumption",
    )
    relapse_weeks: int = _p(52, 1, 520, unit="weeks", group="behaviour")
    power_resolution_effect: float = _p(
        1.0,
        0.0,
        5.0,
        unit="relative",
        group="behaviour",
        source="essay §1 (the person as subject); MODEL.md §3.7 (power to act matters)",
    )
    power_relapse_effect: float = _p(
        0.7, 0.0, 1.0, unit="share of the hazard", group="behaviour", source="MODEL.md §3.7 (power to act matters)"
    )
    power_gain: float = _p(
        0.03,
        0.0,
        0.5,
        unit="per week at quality 1",
        group="behaviour",
        source="essay §1 (the person as subject, pouvoir d'agir)",
    )
    participation_power_boost: float = _p(
        1.0, 0.0, 5.0, unit="relative", group="behaviour", source="essay §4 (participation develops the power to act)"
    )
    power_loss: float = _p(0.01, 0.0, 0.5, unit="per week", group="behaviour")
    jdr_rate: float = _p(
        0.04,
        0.001,
        1.0,
        unit="per week",
        group="behaviour",
        source="Bakker & Demerouti 2007 (JD-R); rate an assumption",
    )
    jdr_noise: float = _p(
        0.03,
        0.0,
        0.2,
        unit="standard deviation per week",
        group="behaviour",
        source="assumption (life events, days that go well or badly)",
    )
    jdr_load: float = _p(
        0.25, 0.0, 1.0, unit="weight", group="behaviour", source="Bakker & Demerouti 2007 (job demands)"
    )
    # ABC-SMC posterior median (docs/calibration.md); before: 2.0, source: assumption
    load_saturation: float = _p(
        2.0,
        0.5,
        5.0,
        unit="caseload over capacity",
        group="behaviour",
        source="calibrated: pyABC ABC-SMC on sim/data/targets.csv (npm), posterior median; docs/calibration.md",
    )
    jdr_reporting: float = _p(
        0.25,
        0.0,
        1.0,
        unit="weight",
        group="behaviour",
        source="essay §2 (reporting in front of a screen); Bakker & Demerouti 2007",
    )
    reporting_saturation: float = _p(0.6, 0.1, 1.0, unit="share of work time", group="behaviour")
    jdr_emotional: float = _p(
        0.5, 0.0, 1.0, unit="weight", group="behaviour", source="Bakker & Demerouti 2007 (emotional demands)"
    )
    jdr_insecurity: float = _p(
        0.3,
        0.0,
        1.0,
        unit="weight",
        group="behaviour",
        source="MODEL.md §3.8 (job insecurity when posts are cut); De Witte 2005",
    )
    jdr_autonomy: float = _p(
        0.25, 0.0, 1.0, unit="weight", group="behaviour", source="Bakker & Demerouti 2007 (job resources)"
    )
    jdr_face_to_face: float = _p(
        0.2, 0.0, 1.0, unit="weight", group="behaviour", source="essay §2 (meaning is in the face-to-face relation)"
    )
    face_to_face_saturation: float = _p(0.7, 0.1, 1.0, unit="share of work time", group="behaviour")
    jdr_recognition: float = _p(
        0.25, 0.0, 1.0, unit="weight", group="behaviour", source="Mauss 1925 (gift and counter-gift); essay §4"
    )
    jdr_team: float = _p(
        0.15, 0.0, 1.0, unit="weight", group="behaviour", source="Bakker & Demerouti 2007 (social support)"
    )
    jdr_style: float = _p(0.15, 0.0, 1.0, unit="weight", group="behaviour", source="Janvier 2017 (ethics of direction)")
    vocation: float = _p(
        0.35,
        0.0,
        1.0,
        unit="engagement",
        group="behaviour",
        source="essay §2 (the motivation that brings people to the job); value an assumption",
    )
    exhaustion_drag: float = _p(
        0.6,
        0.0,
        2.0,
        unit="engagement per unit of exhaustion",
        group="behaviour",
        source="Bakker & Demerouti 2007 (health-impairment path)",
    )
    team_contagion: float = _p(
        0.05,
        0.0,
        0.5,
        unit="per week",
        group="behaviour",
        source="Bakker, Demerouti & Schaufeli 2005 (burnout and engagement crossover)",
    )
    sensitivity_spread: float = _p(
        0.8,
        0.0,
        0.9,
        unit="half-range around 1",
        group="behaviour",
        source="MODEL.md §6 (workers differ in sensitivity); value an assumption",
    )
    high_exhaustion_threshold: float = _p(
        0.5,
        0.0,
        1.0,
        unit="exhaustion",
        group="behaviour",
        source="Maslach, Jackson & Leiter 1996: MBI emotional-exhaustion subscale, high from 27 of 54 (half the scale)",
    )
    low_engagement_threshold: float = _p(
        0.4,
        0.0,
        1.0,
        unit="engagement",
        group="behaviour",
        source="assumption (below the middle of the engagement scale)",
    )
    quit_exogenous: float = _p(
        0.0015,
        0.0,
        0.02,
        unit="per week",
        group="behaviour",
        source="assumption: retirements, moves and career changes, part of the 21% a year (Axess 2023) that has nothing to do with the job",
    )
    # ABC-SMC posterior median (docs/calibration.md); before: 0.00035, source: Homer 1985; Levine et al. 1985; calibrated on Axess 2023 departures
    quit_base: float = _p(
        0.000476,
        0.0,
        0.1,
        unit="per week",
        group="behaviour",
        source="calibrated: pyABC ABC-SMC on sim/data/targets.csv (npm), posterior median; docs/calibration.md",
    )
    # ABC-SMC posterior median (docs/calibration.md); before: 3.0, source: assumption
    quit_exhaustion: float = _p(
        2.33,
        0.0,
        10.0,
        unit="log-hazard per unit of exhaustion",
        group="behaviour",
        source="calibrated: pyABC ABC-SMC on sim/data/targets.csv (npm), posterior median; docs/calibration.md",
    )
    quit_meaning_gap: float = _p(
        2.0,
        0.0,
        10.0,
        unit="log-hazard per unit of gap",
        group="behaviour",
        source="Levine et al. 1985 (unmet expectations of meaning)",
    )
    quit_insecurity: float = _p(
        2.0,
        0.0,
        10.0,
        unit="log-hazard per unit of insecurity",
        group="behaviour",
        source="Sverke, Hellgren & Näswall 2002 (job insecurity and turnover intention, meta-analysis); value an assumption",
    )
    # ABC-SMC posterior median (docs/calibration.md); before: 0.35, source: calibrated on Axess 2023 vacancy rate
    hire_rate: float = _p(
        0.431,
        0.0,
        1.0,
        unit="per vacancy per week",
        group="behaviour",
        source="calibrated: pyABC ABC-SMC on sim/data/targets.csv (npm), posterior median; docs/calibration.md",
    )
    new_hire_engagement: float = _p(
        0.75,
        0.0,
        1.0,
        unit="engagement",
        group="behaviour",
        source="essay §2 (young professionals arrive with a motivation that gives meaning)",
    )
    new_hire_exhaustion: float = _p(0.1, 0.0, 1.0, unit="exhaustion", group="behaviour")
    new_hire_expectation: float = _p(0.7, 0.0, 1.0, unit="expected meaning", group="behaviour")
    expectation_spread: float = _p(0.1, 0.0, 0.5, unit="standard deviation", group="behaviour")
    panel_fit: float = _p(
        0.5,
        0.0,
        1.0,
        unit="share of the gap",
        group="behaviour",
        source="essay §4 (users in recruitment); value an assumption",
    )
    cfp_transfer: float = _p(0.25, 0.0, 1.0, unit="share of the market envelope", group="behaviour")
    for_profit_margin: float = _p(
        0.08,
        0.0,
        0.5,
        unit="share of the budget",
        group="behaviour",
        source="assumption (operating margin of for-profit providers)",
    )
    for_profit_need_limit: float = _p(
        0.7,
        0.0,
        1.0,
        unit="need severity",
        group="behaviour",
        source="essay §2 (the for-profit sector selects what pays; Orpéa); value an assumption",
    )
    for_profit_cost_ratio: float = _p(
        0.85,
        0.3,
        1.5,
        unit="times the cost of a post",
        group="behaviour",
        source="assumption (lower wages and qualifications, thinner staffing)",
    )
    reciprocity_leverage: float = _p(
        1.5,
        0.0,
        10.0,
        unit="community hours per funded hour",
        group="behaviour",
        source="assumption (volunteer and peer time mobilised by associative grants)",
    )
    reciprocity_floor: float = _p(0.25, 0.0, 1.0, unit="share of the leverage", group="behaviour")
    community_outreach_share: float = _p(0.5, 0.0, 1.0, unit="share of community hours", group="behaviour")
    cobudget_shift: float = _p(
        0.5,
        0.0,
        1.0,
        unit="share of the market weight",
        group="behaviour",
        source="essay §4 (co-built budgets); value an assumption",
    )
    reserve_freeze_months: float = _p(
        1.0,
        0.0,
        12.0,
        unit="months of cash",
        group="behaviour",
        source="essay §2 (associations with thin reserves); value an assumption",
    )
    reserve_cut_months: float = _p(0.0, 0.0, 12.0, unit="months of cash", group="behaviour")
    reserves_max_months: float = _p(6.0, 0.0, 24.0, unit="months of cash", group="behaviour")
    insecurity_scale: float = _p(
        3.0,
        0.0,
        10.0,
        unit="insecurity per share of unpaid staff",
        group="behaviour",
        source="De Witte 2005 (job insecurity); value an assumption",
    )
    style_control_reporting: float = _p(
        0.2,
        0.0,
        2.0,
        unit="relative change",
        group="behaviour",
        source="Lascoumes & Le Galès 2004 (governance by instruments); value an assumption",
    )
    style_buffer_reporting: float = _p(
        0.3,
        0.0,
        1.0,
        unit="relative change",
        group="behaviour",
        source="Janvier 2017 (an ethical direction shields its teams); value an assumption",
    )
    coeval_reporting_relief: float = _p(
        0.4,
        0.0,
        1.0,
        unit="share of reporting",
        group="behaviour",
        source="essay §4: evaluation built with the people concerned",
    )
    autonomy_style_floor: float = _p(0.5, 0.0, 1.0, unit="share of autonomy", group="behaviour")
    style_spread: float = _p(
        0.1,
        0.0,
        0.5,
        unit="standard deviation of style",
        group="behaviour",
        source="MODEL.md §6 (organisations differ in governance); value an assumption",
    )
    style_adjust_weeks: float = _p(104.0, 1.0, 1040.0, unit="weeks", group="behaviour")
    style_participation_pull: float = _p(0.5, 0.0, 2.0, unit="style per unit of real participation", group="behaviour")
    style_pressure_pull: float = _p(0.3, 0.0, 2.0, unit="style per unit of pressure", group="behaviour")
    voice_exponent: float = _p(
        2.0, 0.5, 4.0, unit="exponent", group="behaviour", source="Arnstein 1969 (the lower rungs are tokenism)"
    )
    responsiveness_base: float = _p(
        0.7, 0.0, 1.0, unit="share", group="behaviour", source="MODEL.md §3.10 (responsiveness); value an assumption"
    )
    responsiveness_style: float = _p(0.3, 0.0, 1.0, unit="share per unit of style", group="behaviour")
    responsiveness_pressure: float = _p(
        1.0,
        0.0,
        3.0,
        unit="share per unit of pressure",
        group="behaviour",
        source="essay §3 (decisions made far from the field)",
    )
    responsiveness_standardisation: float = _p(
        0.4, 0.0, 2.0, unit="share per unit of standardisation", group="behaviour"
    )
    responsiveness_weeks: float = _p(26.0, 1.0, 520.0, unit="weeks", group="behaviour")
    participation_join_rate: float = _p(0.05, 0.0, 1.0, unit="per week", group="behaviour")
    uptake_intercept: float = _p(-2.0, -10.0, 5.0, unit="log-odds", group="behaviour")
    uptake_trust: float = _p(2.0, 0.0, 10.0, unit="log-odds per unit of trust", group="behaviour")
    uptake_power: float = _p(2.0, 0.0, 10.0, unit="log-odds per unit of power", group="behaviour")
    uptake_responsiveness: float = _p(2.0, 0.0, 10.0, unit="log-odds per unit of responsiveness", group="behaviour")
    participation_trust_gain: float = _p(0.02, 0.0, 0.5, unit="per week", group="behaviour")
    tokenism_trust_loss: float = _p(
        0.03,
        0.0,
        0.5,
        unit="per week",
        group="behaviour",
        source="Arnstein 1969; MODEL.md §3.10 (tokenism backfires); value an assumption",
    )
    recognition_base: float = _p(
        0.6,
        0.0,
        1.0,
        unit="recognition per unit of trust",
        group="behaviour",
        source="Mauss 1925 (gift and counter-gift)",
    )
    recognition_participation: float = _p(
        0.4, 0.0, 2.0, unit="recognition per unit of real participation", group="behaviour"
    )
    recognition_tokenism: float = _p(0.3, 0.0, 1.0, unit="recognition per unit of tokenism", group="behaviour")
    cobuild_weeks: float = _p(
        52.0,
        1.0,
        520.0,
        unit="weeks",
        group="behaviour",
        source="MODEL.md §6 (co-built budgets need time before they pay)",
    )
    peer_worker_rate: float = _p(0.02, 0.0, 1.0, unit="per week", group="behaviour")
    peer_worker_max_share: float = _p(0.01, 0.0, 0.1, unit="share of users", group="behaviour")
    peer_worker_power: float = _p(0.6, 0.0, 1.0, unit="power to act", group="behaviour")
    peer_worker_leave_rate: float = _p(
        0.01,
        0.0,
        0.5,
        unit="per week",
        group="behaviour",
        source="MODEL.md §3.10 (peer workers can leave the role); value an assumption",
    )
    peer_worker_hours: float = _p(4.0, 0.0, 35.0, unit="outreach hours per week", group="behaviour")
    peer_worker_trust_gain: float = _p(0.02, 0.0, 0.5, unit="per week per peer-worker tie", group="behaviour")

    # ------------------------------------------------------------------ organisations' own values
    organisations: tuple[tuple[int, str, Any], ...] = ()
    """Organisations' own values of per-organisation parameters: sorted ``(organisation, name, value)``;
    also accepted as ``{organisation: {name: value}}``."""

    # ------------------------------------------------------------------ API
    def __post_init__(self) -> None:
        """Check and coerce every field (a Params that exists is valid), then the cross-field rules."""
        for name, spec in _SPECS.items():
            value = getattr(self, name)
            checked = spec.check(value)
            if checked is not value:
                object.__setattr__(self, name, checked)
        object.__setattr__(self, "organisations", self._checked_organisations())
        for rule in CROSS_FIELD_RULES:
            rule(self)

    def _checked_organisations(self) -> tuple[tuple[int, str, Any], ...]:
        values: dict[tuple[int, str], Any] = {}
        items = self.organisations.items() if isinstance(self.organisations, Mapping) else None
        if items is not None:  # {organisation: {name: value}}
            entries = [(j, name, value) for j, own in items for name, value in own.items()]
        else:
            entries = list(self.organisations)
        for j, name, value in entries:
            key = f"{name}{ORG_SEPARATOR}{j}"
            spec = _SPECS.get(name)
            if spec is None or not spec.per_organisation:
                allowed = ", ".join(n for n, s in _SPECS.items() if s.per_organisation)
                raise ParameterError(
                    f"{key}: {name} has no value per organisation{suggest(name, _ORG_SPECS)}; those that do: {allowed}",
                    field=key,
                    allowed=allowed,
                )
            if isinstance(j, bool) or not isinstance(j, numbers.Integral) or not 0 <= j < self.n_organisations:
                raise ParameterError(
                    f"{key}: no organisation {j!r}; expected 0 to {self.n_organisations - 1}",
                    field=key,
                    value=j,
                    allowed=f"an organisation from 0 to {self.n_organisations - 1}",
                )
            try:
                values[(int(j), name)] = spec.check(value)
            except ParameterError as err:
                raise ParameterError(
                    err.detail.replace(f"{name} = ", f"{key} = ", 1), field=key, value=value, allowed=err.allowed
                ) from None
        return tuple((j, name, value) for (j, name), value in sorted(values.items()))

    def value(self, name: str, organisation: int) -> Any:
        """Organisation ``organisation``'s value of ``name`` (its own if it has one, else the territory's)."""
        for j, own, value in self.organisations:
            if j == organisation and own == name:
                return value
        return getattr(self, name)

    def org_array(self, name: str) -> np.ndarray:
        """One value of ``name`` per organisation, as an array (its dtype follows the parameter's kind)."""
        spec = _SPECS[name]
        dtype = {float: np.float64, int: np.intp, bool: bool, str: object}[spec.kind]
        out = np.full(self.n_organisations, getattr(self, name), dtype=dtype)
        for j, own, value in self.organisations:
            if own == name:
                out[j] = value
        return out

    def own_values(self, organisation: int) -> dict[str, Any]:
        """The values organisation ``organisation`` sets for itself."""
        return {name: value for j, name, value in self.organisations if j == organisation}

    def with_organisation(self, organisation: int, **changes: Any) -> Params:
        """A copy in which ``organisation`` has its own values ``changes`` (checked like any Params)."""
        return self.replace(**{f"{name}{ORG_SEPARATOR}{organisation}": v for name, v in changes.items()})

    @classmethod
    def specs(cls) -> dict[str, Spec]:
        """The declaration of every parameter, in declaration order."""
        return _SPECS

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], base: Params | None = None) -> Params:
        """``base`` (default: the defaults) with ``values``; unknown names are refused.

        A key ``name@j`` sets organisation j's own value of a per-organisation
        parameter; a plain ``name`` sets the territory's value (organisations
        with their own value keep it).
        """
        base = base if base is not None else cls()
        plain = {k: v for k, v in values.items() if ORG_SEPARATOR not in k}
        check_names(plain)
        own = [(*split_key(k), v) for k, v in values.items() if ORG_SEPARATOR in k]
        if own:
            plain["organisations"] = (*base.organisations, *((j, n, v) for n, j, v in own))
        return dataclasses.replace(base, **plain)

    def replace(self, **changes: Any) -> Params:
        """A copy with ``changes`` applied (checked like any Params)."""
        return Params.from_mapping(changes, base=self)

    def as_dict(self) -> dict[str, Any]:
        """Flat ``{name: value}``, with ``name@j`` keys for organisations' own values (``from_mapping`` reads it back)."""
        out = {name: getattr(self, name) for name in _SPECS}
        out.update({f"{name}{ORG_SEPARATOR}{j}": value for j, name, value in self.organisations})
        return out

    def changed(self) -> dict[str, Any]:
        """The territory values that differ from the defaults (organisations' own values: :meth:`own_values`)."""
        return {name: getattr(self, name) for name in _SPECS if getattr(self, name) != _DEFAULTS[name]}

    @property
    def funding_weights(self) -> tuple[float, float, float]:
        """The territory's (market, redistribution, reciprocity), normalised to sum to 1."""
        total = self.funding_market + self.funding_redistribution + self.funding_reciprocity
        return (
            self.funding_market / total,
            self.funding_redistribution / total,
            self.funding_reciprocity / total,
        )


FUNDING_PRINCIPLES = ("funding_market", "funding_redistribution", "funding_reciprocity")


def org_funding_weights(p: Params) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each organisation's (market, redistribution, reciprocity) weights, normalised to sum to 1."""
    m, r, c = (p.org_array(name).astype(np.float64) for name in FUNDING_PRINCIPLES)
    total = m + r + c
    return m / total, r / total, c / total


def _some_funding(p: Params) -> None:
    totals = sum(p.org_array(name).astype(np.float64) for name in FUNDING_PRINCIPLES)
    if p.funding_market + p.funding_redistribution + p.funding_reciprocity <= 0 or np.any(totals <= 0):
        j = int(np.argmax(totals <= 0))
        where = "" if p.funding_market + p.funding_redistribution + p.funding_reciprocity <= 0 else f"@{j}"
        raise ParameterError(
            f"funding_market{where} + funding_redistribution{where} + funding_reciprocity{where} must be > 0",
            field=f"funding_market{where}",
            allowed="weights that sum to more than 0",
        )


def _a_worker_per_organisation(p: Params) -> None:
    if p.n_workers < p.n_organisations:
        raise ParameterError(
            f"n_workers = {p.n_workers} must be at least n_organisations = {p.n_organisations}",
            field="n_workers",
            value=p.n_workers,
            allowed=f"at least n_organisations = {p.n_organisations}",
        )


def _users_per_organisation(p: Params) -> None:
    if p.n_users < 2 * p.n_organisations:
        raise ParameterError(
            f"n_users = {p.n_users} must be at least twice n_organisations = {p.n_organisations}",
            field="n_users",
            value=p.n_users,
            allowed=f"at least {2 * p.n_organisations}",
        )
    if p.peer_degree >= p.n_users // p.n_organisations:
        raise ParameterError(
            f"peer_degree = {p.peer_degree} must be below the users per organisation"
            f" ({p.n_users // p.n_organisations})",
            field="peer_degree",
            value=p.peer_degree,
            allowed=f"below {p.n_users // p.n_organisations}",
        )
    weights = p.org_array("catchment_weight")
    smallest = int(np.floor(p.n_users * weights.min() / weights.sum()))
    if smallest < 2:
        raise ParameterError(
            f"catchment_weight: the smallest catchment would hold {smallest} of {p.n_users} users; every"
            " organisation needs at least 2 (raise its catchment_weight or n_users)",
            field="catchment_weight",
            allowed="weights that give every catchment at least 2 users",
        )


CROSS_FIELD_RULES = (_some_funding, _a_worker_per_organisation, _users_per_organisation)
"""Rules between fields, checked after every field is (the first that fails is reported)."""


def suggest(name: str, known: Iterable[str] | None = None) -> str:
    """The hint " (did you mean ...?)" for a misspelt name (default: parameter names), or an empty string.

    Only a close name with the same first letter is offered: a typo rarely
    changes it, and difflib alone finds 'ask_need' close to 'seeds'.
    """
    close = difflib.get_close_matches(name, list(_SPECS if known is None else known), n=3)
    close = [match for match in close if match[:1] == name[:1]]
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_names(values: Mapping[str, Any], known: Mapping[str, Any] | None = None, what: str = "parameter") -> None:
    """Raise ParameterError for the first name of ``values`` not in ``known`` (default: every parameter)."""
    known = _SPECS if known is None else known
    for name in values:
        if name not in known:
            raise ParameterError(f"{name}: unknown {what}{suggest(name, known)}", field=name, allowed=f"a {what} name")


def split_key(key: str) -> tuple[str, int]:
    """``"reporting_pressure@2"`` -> ``("reporting_pressure", 2)``; ParameterError if malformed."""
    name, _, text = key.partition(ORG_SEPARATOR)
    try:
        return name, int(text)
    except ValueError:
        raise ParameterError(
            f"{key}: expected NAME{ORG_SEPARATOR}ORGANISATION with an organisation number, e.g. {name}{ORG_SEPARATOR}0",
            field=key,
        ) from None


def _build_specs() -> dict[str, Spec]:
    specs = {}
    for f in dataclasses.fields(Params):
        if "spec" not in f.metadata:
            continue
        meta = dict(f.metadata["spec"])
        kind = {"float": float, "int": int, "bool": bool, "str": str}[f.type]
        specs[f.name] = Spec(name=f.name, kind=kind, **meta)
    return specs


_SPECS = _build_specs()
_DEFAULTS = {name: spec.default for name, spec in _SPECS.items()}
_ORG_SPECS = {name: spec for name, spec in _SPECS.items() if spec.per_organisation}


def levers() -> dict[str, Spec]:
    """The parameters a reform may change during a run (groups lever and context)."""
    return {n: s for n, s in _SPECS.items() if s.group in REFORMABLE_GROUPS}


def organisation_specs() -> dict[str, Spec]:
    """The parameters an organisation may set for itself."""
    return _ORG_SPECS
