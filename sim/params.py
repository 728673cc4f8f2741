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

GROUPS = ("lever", "context", "structure", "behaviour")
REFORMABLE_GROUPS = ("lever", "context")
INTAKE_RULES = ("by_funding", "greatest_need", "easiest_first", "first_come")


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
    choices: tuple[str, ...] = ()

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
        source="targets.csv: CNAF/Acadie 2011, 39% of social workers' time on admin and reporting (npm)",
    )
    standardisation: float = _p(0.6, 0.0, 1.0, unit="index 0-1", group="lever")
    manager_style: float = _p(0.35, 0.0, 1.0, unit="index 0-1", group="lever")
    funding_market: float = _p(
        0.6,
        0.0,
        1.0,
        unit="weight",
        group="lever",
        source="Polanyi's three principles, via the essay's hybridisation strategy; value an assumption",
    )
    funding_redistribution: float = _p(0.4, 0.0, 1.0, unit="weight", group="lever", source="Polanyi; assumption")
    funding_reciprocity: float = _p(
        0.0, 0.0, 1.0, unit="weight", group="lever", source="Polanyi; Eynaud & França Filho 2019; assumption"
    )
    budget_growth: float = _p(0.0, -0.1, 0.1, unit="per year", group="lever")
    call_for_projects_period: int = _p(
        3, 1, 10, unit="years", group="lever", source="HPST law 2009 calls for projects; period an assumption"
    )
    procedure_complexity: float = _p(
        0.6,
        0.0,
        1.0,
        unit="index 0-1",
        group="lever",
        source="Moynihan, Herd & Harvey 2015 (compliance costs); value an assumption",
    )
    conditionality: float = _p(
        0.6,
        0.0,
        1.0,
        unit="index 0-1",
        group="lever",
        source="Moynihan, Herd & Harvey 2015; essay §2 (sanctions, RSA duties); value an assumption",
    )
    outreach_share: float = _p(
        0.02, 0.0, 0.4, unit="share of work time", group="lever", source="essay §4 (aller-vers); value an assumption"
    )
    participation_level: int = _p(
        3,
        0,
        7,
        unit="rung of Arnstein's ladder",
        group="lever",
        source="Arnstein 1969; CASF participation instances (CVS); essay §4 (alliance)",
    )
    peer_worker_programme: bool = _p(
        False, unit="on/off", group="lever", source="essay §4 (pair-aidants, travailleurs pairs)"
    )
    caseload_cap: int = _p(30, 5, 80, unit="cases per worker", group="lever")
    recruitment_difficulty: float = _p(
        0.5,
        0.0,
        1.0,
        unit="index 0-1",
        group="lever",
        source="Axess barometer 2023 (recruitment tensions); value an assumption",
    )
    intake_priority: str = _p(
        "by_funding",
        unit="rule",
        group="lever",
        choices=INTAKE_RULES,
        source="MODEL.md §3.6 (cream-skimming under indicator-driven funding)",
    )
    # ---------------------------------------------------------------- context
    need_growth: float = _p(
        0.0,
        -0.05,
        0.1,
        unit="per year",
        group="context",
        source="default 0: a stationary territory, so that scenarios differ by governance, not drift; essay §2 for austerity (ASE measures +15% 2017-2023, about 2%/year)",
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
    initial_eligible_share: float = _p(0.6, 0.0, 1.0, unit="share of users", group="structure")
    # ---------------------------------------------------------------- behaviour (calibration constants)
    hours_per_week: float = _p(
        35.0,
        10.0,
        60.0,
        unit="hours per week",
        group="behaviour",
        source="French legal working week (Code du travail, L3121-27)",
    )
    admin_share: float = _p(0.10, 0.0, 0.5, unit="share of work time", group="behaviour")
    participation_time_per_rung: float = _p(
        0.01,
        0.0,
        0.05,
        unit="share of work time per rung",
        group="behaviour",
        source="MODEL.md §6 (participation takes face-to-face hours); value an assumption",
    )
    hours_per_case: float = _p(
        1.7,
        0.25,
        10.0,
        unit="hours per case per week",
        group="behaviour",
        source="assumption; value calibrated by hand on targets.csv (npm)",
    )
    need_arrival_rate: float = _p(
        0.008,
        0.0,
        0.5,
        unit="per week",
        group="behaviour",
        source="assumption; value calibrated by hand on targets.csv (npm)",
    )
    spontaneous_exit_rate: float = _p(
        0.002,
        0.0,
        0.2,
        unit="per week",
        group="behaviour",
        source="assumption; value calibrated by hand on targets.csv (npm)",
    )
    need_worsening: float = _p(0.003, 0.0, 0.1, unit="per week", group="behaviour")
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
    awareness_retention: float = _p(
        0.5,
        0.0,
        1.0,
        unit="probability",
        group="behaviour",
        source="assumption: rights are specific to a need (Warin 2016, non-connaissance)",
    )
    learn_from_peer: float = _p(
        0.002,
        0.0,
        0.5,
        unit="per aware peer per week",
        group="behaviour",
        source="MODEL.md §7; value an assumption; value calibrated by hand on targets.csv (npm)",
    )
    learn_from_peer_worker: float = _p(0.05, 0.0, 1.0, unit="per peer-worker tie per week", group="behaviour")
    hours_per_contact: float = _p(1.0, 0.1, 10.0, unit="hours per outreach contact", group="behaviour")
    outreach_trust_gain: float = _p(
        0.15,
        0.0,
        1.0,
        unit="share of the trust gap closed",
        group="behaviour",
        source="essay §4: aller-vers works through the relation, not only information",
    )
    ask_intercept: float = _p(
        -3.0,
        -10.0,
        5.0,
        unit="log-odds per week",
        group="behaviour",
        source="MODEL.md §7 logistic choice; calibrated on targets.csv",
    )
    ask_need: float = _p(2.5, 0.0, 10.0, unit="log-odds per unit of need", group="behaviour")
    ask_trust: float = _p(3.0, 0.0, 10.0, unit="log-odds per unit of trust", group="behaviour")
    ask_stigma: float = _p(
        6.0,
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
    trust_loss_dropped: float = _p(0.3, 0.0, 1.0, unit="share of trust lost", group="behaviour")
    trust_loss_worker_left: float = _p(
        0.2,
        0.0,
        1.0,
        unit="share of trust lost",
        group="behaviour",
        source="MODEL.md §3.9 (a quit breaks continuity and trust)",
    )
    waiting_drop_rate: float = _p(0.03, 0.0, 1.0, unit="per week", group="behaviour")
    cfp_transfer: float = _p(0.25, 0.0, 1.0, unit="share of the market envelope", group="behaviour")
    reciprocity_leverage: float = _p(
        1.5,
        0.0,
        10.0,
        unit="community hours per funded hour",
        group="behaviour",
        source="assumption (volunteer and peer time mobilised by associative grants)",
    )
    cobuild_weeks: float = _p(
        52.0,
        1.0,
        520.0,
        unit="weeks",
        group="behaviour",
        source="MODEL.md §6 (co-built budgets need time before they pay)",
    )
    coeval_reporting_relief: float = _p(
        0.4,
        0.0,
        1.0,
        unit="share of reporting",
        group="behaviour",
        source="essay §4: evaluation built with the people concerned",
    )
    style_reporting_effect: float = _p(0.5, 0.0, 2.0, unit="relative change", group="behaviour")
    style_spread: float = _p(
        0.1,
        0.0,
        0.5,
        unit="standard deviation of style",
        group="behaviour",
        source="MODEL.md §6 (organisations differ in governance); value an assumption",
    )
    style_adjust_weeks: float = _p(104.0, 1.0, 1040.0, unit="weeks", group="behaviour")
    participation_max_share: float = _p(0.6, 0.0, 1.0, unit="share of supported users", group="behaviour")
    participation_trust_gain: float = _p(0.02, 0.0, 0.5, unit="per week", group="behaviour")
    quality_voice_boost: float = _p(0.3, 0.0, 2.0, unit="relative", group="behaviour")
    power_gain: float = _p(
        0.03,
        0.0,
        0.5,
        unit="per week at quality 1",
        group="behaviour",
        source="essay §1 (the person as subject, pouvoir d'agir)",
    )
    power_loss: float = _p(0.01, 0.0, 0.5, unit="per week", group="behaviour")
    peer_worker_rate: float = _p(0.02, 0.0, 1.0, unit="per week", group="behaviour")
    peer_worker_max_share: float = _p(0.01, 0.0, 0.1, unit="share of users", group="behaviour")
    peer_worker_hours: float = _p(4.0, 0.0, 35.0, unit="outreach hours per week", group="behaviour")
    peer_worker_trust_gain: float = _p(0.02, 0.0, 0.5, unit="per week per peer-worker tie", group="behaviour")
    jdr_rate: float = _p(
        0.04,
        0.001,
        1.0,
        unit="per week",
        group="behaviour",
        source="Bakker & Demerouti 2007 (JD-R); rate an assumption",
    )
    vocation: float = _p(
        0.2,
        0.0,
        1.0,
        unit="engagement",
        group="behaviour",
        source="essay §2 (the motivation that brings people to the job); value an assumption",
    )
    exhaustion_drag: float = _p(
        0.3,
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
    burnout_threshold: float = _p(0.6, 0.0, 1.0, unit="exhaustion", group="behaviour")
    quit_base: float = _p(
        0.0009,
        0.0,
        0.1,
        unit="per week",
        group="behaviour",
        source="Homer 1985; Levine et al. 1985; calibrated on Axess 2023 departures",
    )
    quit_exhaustion: float = _p(1.5, 0.0, 10.0, unit="log-hazard per unit of exhaustion", group="behaviour")
    quit_meaning_gap: float = _p(
        3.0,
        0.0,
        10.0,
        unit="log-hazard per unit of gap",
        group="behaviour",
        source="Levine et al. 1985 (unmet expectations of meaning)",
    )
    hire_rate: float = _p(
        0.35, 0.0, 1.0, unit="per vacancy per week", group="behaviour", source="calibrated on Axess 2023 vacancy rate"
    )
    new_hire_engagement: float = _p(
        0.75,
        0.0,
        1.0,
        unit="engagement",
        group="behaviour",
        source="essay §2 (young professionals arrive with a motivation that gives meaning)",
    )
    new_hire_expectation: float = _p(0.7, 0.0, 1.0, unit="expected meaning", group="behaviour")
    experience_weeks: float = _p(26.0, 1.0, 520.0, unit="weeks", group="behaviour")

    # ------------------------------------------------------------------ API
    def __post_init__(self) -> None:
        """Check and coerce every field (a Params that exists is valid), then the cross-field rules."""
        for name, spec in _SPECS.items():
            value = getattr(self, name)
            checked = spec.check(value)
            if checked is not value:
                object.__setattr__(self, name, checked)
        for rule in CROSS_FIELD_RULES:
            rule(self)

    @classmethod
    def specs(cls) -> dict[str, Spec]:
        """The declaration of every parameter, in declaration order."""
        return _SPECS

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], base: Params | None = None) -> Params:
        """``base`` (default: the defaults) with ``values`` (name -> value); unknown names are refused."""
        check_names(values)
        return dataclasses.replace(base if base is not None else cls(), **values)

    def replace(self, **changes: Any) -> Params:
        """A copy with ``changes`` applied (checked like any Params)."""
        return Params.from_mapping(changes, base=self)

    def as_dict(self) -> dict[str, Any]:
        """Plain ``{name: value}`` dictionary (for manifests, TOML export, DataFrames)."""
        return dataclasses.asdict(self)

    def changed(self) -> dict[str, Any]:
        """The values that differ from the defaults."""
        return {k: v for k, v in self.as_dict().items() if v != _DEFAULTS[k]}

    @property
    def funding_weights(self) -> tuple[float, float, float]:
        """(market, redistribution, reciprocity), normalised to sum to 1."""
        total = self.funding_market + self.funding_redistribution + self.funding_reciprocity
        return (
            self.funding_market / total,
            self.funding_redistribution / total,
            self.funding_reciprocity / total,
        )


def _some_funding(p: Params) -> None:
    if p.funding_market + p.funding_redistribution + p.funding_reciprocity <= 0:
        raise ParameterError(
            "funding_market + funding_redistribution + funding_reciprocity must be > 0",
            field="funding_market",
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


CROSS_FIELD_RULES = (_some_funding, _a_worker_per_organisation, _users_per_organisation)
"""Rules between fields, checked after every field is (the first that fails is reported)."""


def suggest(name: str, known: Iterable[str] | None = None) -> str:
    """The hint " (did you mean ...?)" for a misspelt name (default: parameter names), or an empty string."""
    close = difflib.get_close_matches(name, list(_SPECS if known is None else known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_names(values: Mapping[str, Any], known: Mapping[str, Any] | None = None, what: str = "parameter") -> None:
    """Raise ParameterError for the first name of ``values`` not in ``known`` (default: every parameter)."""
    known = _SPECS if known is None else known
    for name in values:
        if name not in known:
            raise ParameterError(f"{name}: unknown {what}{suggest(name, known)}", field=name, allowed=f"a {what} name")


def _build_specs() -> dict[str, Spec]:
    specs = {}
    for f in dataclasses.fields(Params):
        meta = dict(f.metadata["spec"])
        kind = {"float": float, "int": int, "bool": bool, "str": str}[f.type]
        specs[f.name] = Spec(name=f.name, kind=kind, **meta)
    return specs


_SPECS = _build_specs()
_DEFAULTS = {name: spec.default for name, spec in _SPECS.items()}


def levers() -> dict[str, Spec]:
    """The parameters a reform may change during a run (groups lever and context)."""
    return {n: s for n, s in _SPECS.items() if s.group in REFORMABLE_GROUPS}
