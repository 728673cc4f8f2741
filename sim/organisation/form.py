"""The form *Mon établissement* / *My organisation*: what a director knows about their service.

The form is one TOML section, ``[organisation]``, on its own in a FORM.toml
or inside a scenario file (the starting scenario the fit writes carries it,
so the figures it came from travel with it)::

    base = "npm"                        # optional: the baseline the neighbours follow

    [organisation]
    name = "Association Le Relais"
    kind = "non_profit"                 # public, non_profit, for_profit
    funded_posts = 12.0                 # FTE
    vacant_posts = 0.5                  # FTE
    people_supported = 110              # file active
    waiting_list = 60
    usual_wait_weeks = 26
    departures_last_year = 2
    reporting_percent = 30              # % of work time on reporting and administration
    outreach_hours_per_week = 4
    budget_growth_percent = 1.0         # per year, over the last years
    cost_growth_percent = 2.5           # per year
    catchment_population = 60000
    non_take_up_percent = 35            # optional: a local estimate, if known

    [organisation.participation]        # instances in place (true / false)
    cvs = true
    users_on_board = false
    cobuilt_budget = false
    recruitment_panels = false
    peer_workers = false

    [organisation.funding]              # % of the budget, summing to 100
    activity_based = 0
    global_allocation = 80
    calls_for_projects = 20
    community_grants = 0

Every field is declared once in :data:`FIELDS` (its unit and plausible range;
its label and help text in French and English are in the catalogue,
``form.<field>.label`` / ``.help``); reading checks each field, then the
rules between fields (:data:`CONSISTENCY`), and the first problem is one
line naming the file, the field and what is allowed
(:class:`sim.errors.FormError`), never a crash.

The mapping of the figures onto the model is here too, in the open:
:func:`participation_rung` (the instances onto Arnstein's ladder),
:func:`funding_weights` (the funding modes onto Polanyi's three principles)
and :func:`levers` (everything the form sets directly).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sim import schema
from sim.errors import CentaureError, FormError
from sim.i18n import NBSP, number, percent, t
from sim.io import read_toml
from sim.params import Params

KINDS = Params.specs()["kind"].choices
PARTICIPATION = ("cvs", "users_on_board", "cobuilt_budget", "recruitment_panels", "peer_workers")
FUNDING = ("activity_based", "global_allocation", "calls_for_projects", "community_grants")
FUNDING_SUM_TOLERANCE = 0.5
"""Percentage points by which the funding shares may miss 100 (rounding in a director's figures)."""
MAX_CASELOAD = Params.specs()["caseload_cap"].high
"""People supported per worker in post above which the figures are inconsistent (the model's largest caseload cap)."""
MAX_TURNOVER = 2.0
"""Departures a year per worker in post above which the figures are inconsistent (each post emptied twice a year)."""
_COST_GROWTH = Params.specs()["cost_growth"]
SCISSORS_RANGE = (
    100.0 * (_COST_GROWTH.low - Params().budget_growth),
    100.0 * (_COST_GROWTH.high - Params().budget_growth),
)
"""Points a year by which costs may grow faster (or slower) than the budget: the declared range of
``cost_growth`` around the reference territory's budget growth (the organisation's costs grow by its
budget's growth plus that gap, :func:`levers`)."""
MAX_OUTREACH_SHARE = Params.specs()["outreach_share"].high
"""Share of the team's hours on outreach above which the figures are inconsistent (the model's largest outreach share)."""
CITATIONS = {
    "vacancy_rate": "Axess 2023",
    "annual_departure_rate": "Axess 2023",
    "reporting_time_share": "CNAF/Acadie 2011",
    "non_take_up_rate": "DREES 2022",
}
"""Short citation of each national figure of ``sim/data/targets.csv`` the form is compared with."""


@dataclass(frozen=True)
class FormField:
    """One field of the form: its reader (type, range, default) and its unit (an id of ``unit.*`` in the catalogue)."""

    key: str
    reader: schema.Field
    unit: str = ""


def _number(low: float, high: float, unit: str, default: Any = schema.MISSING) -> schema.Number:
    return schema.Number(low=low, high=high, default=default, allowed=f"a number from {low:g} to {high:g} ({unit})")


def _count(high: int, unit: str, low: int = 0, default: Any = schema.MISSING) -> schema.Integer:
    return schema.Integer(
        low=low, high=high, default=default, allowed=f"a whole number from {low} to {high:_} ({unit})"
    )


FIELDS: tuple[FormField, ...] = (
    FormField("name", schema.Text(nonempty=True, allowed="a name (text)", default=schema.MISSING)),
    FormField("kind", schema.Choice(options=KINDS, allowed=", ".join(KINDS), default=schema.MISSING), unit="kind"),
    FormField("funded_posts", _number(2, 500, "FTE"), "FTE"),
    FormField("vacant_posts", _number(0, 500, "FTE"), "FTE"),
    FormField("people_supported", _count(100_000, "people", low=1), "people"),
    FormField("waiting_list", _count(100_000, "people"), "people"),
    FormField("usual_wait_weeks", _number(0, 260, "weeks"), "weeks"),
    FormField("departures_last_year", _count(1000, "departures"), "departures"),
    FormField("reporting_percent", _number(0, 70, "% of work time"), "percent of work time"),
    FormField("outreach_hours_per_week", _number(0, 2000, "hours a week", default=0.0), "hours per week"),
    FormField("budget_growth_percent", _number(-10, 10, "% a year"), "percent per year"),
    FormField("cost_growth_percent", _number(-5, 10, "% a year"), "percent per year"),
    FormField("catchment_population", _count(5_000_000, "inhabitants", low=100), "inhabitants"),
    FormField(
        "non_take_up_percent", _number(0, 100, "% of eligible people", default=None), "percent of eligible people"
    ),
    *(FormField(f"participation.{key}", schema.Boolean(default=False), "on/off") for key in PARTICIPATION),
    *(FormField(f"funding.{key}", _number(0, 100, "% of the budget"), "percent of the budget") for key in FUNDING),
)
"""Every field of the form, in the order a director fills it in (``participation.cvs`` is in ``[organisation.participation]``)."""

_TOP = {f.key: f.reader for f in FIELDS if "." not in f.key}
_SUB = {
    section: {f.key.partition(".")[2]: f.reader for f in FIELDS if f.key.startswith(section + ".")}
    for section in ("participation", "funding")
}
FORM_SECTION = schema.Table(
    fields={
        **_TOP,
        "participation": schema.Table(
            fields=_SUB["participation"], allowed="a table of instance = true or false", default={}
        ),
        "funding": schema.Table(
            fields=_SUB["funding"], allowed="a table of funding mode = % of the budget", default=schema.MISSING
        ),
    },
    unknown="unknown field",
    allowed="a table [organisation] of the form's fields",
)
"""The ``[organisation]`` section's schema (values checked field by field)."""

SCENARIO_SECTIONS = ("title", "shows", "try", "levers", "organisations", "reforms")
"""Sections of a scenario file that may stand beside ``[organisation]`` (the starting scenario the fit writes)."""


@dataclass(frozen=True)
class Participation:
    """Participation instances in place, as a director knows them."""

    cvs: bool = False
    users_on_board: bool = False
    cobuilt_budget: bool = False
    recruitment_panels: bool = False
    peer_workers: bool = False


@dataclass(frozen=True)
class Funding:
    """Shares of the budget by funding mode, in % (summing to 100)."""

    activity_based: float
    global_allocation: float
    calls_for_projects: float
    community_grants: float


@dataclass(frozen=True)
class Form:
    """A director's figures; one that exists is valid (see :func:`read`)."""

    name: str
    kind: str
    funded_posts: float
    vacant_posts: float
    people_supported: int
    waiting_list: int
    usual_wait_weeks: float
    departures_last_year: int
    reporting_percent: float
    budget_growth_percent: float
    cost_growth_percent: float
    catchment_population: int
    funding: Funding
    participation: Participation = Participation()
    outreach_hours_per_week: float = 0.0
    non_take_up_percent: float | None = None

    # -------------------------------------------------------------- what the figures say
    @property
    def staff_in_post(self) -> float:
        """FTE in post: funded minus vacant."""
        return self.funded_posts - self.vacant_posts

    @property
    def vacancy_rate(self) -> float:
        return self.vacant_posts / self.funded_posts

    @property
    def departure_rate(self) -> float:
        """Departures last year per FTE in post (Axess's departure rate)."""
        return self.departures_last_year / max(self.staff_in_post, 1.0)

    @property
    def reporting_share(self) -> float:
        return self.reporting_percent / 100.0

    @property
    def caseload(self) -> float:
        """People supported per FTE in post."""
        return self.people_supported / max(self.staff_in_post, 1.0)

    @property
    def waiting_ratio(self) -> float:
        """People waiting per person supported."""
        return self.waiting_list / self.people_supported

    @property
    def non_take_up(self) -> float | None:
        return None if self.non_take_up_percent is None else self.non_take_up_percent / 100.0

    def outreach_share(self, hours_per_week: float) -> float:
        """Share of the team's hours spent on outreach, for a working week of ``hours_per_week``."""
        return self.outreach_hours_per_week / (hours_per_week * max(self.staff_in_post, 1.0))

    def as_dict(self) -> dict[str, Any]:
        """The ``[organisation]`` section as a plain table (:func:`read` reads it back)."""
        out = dataclasses.asdict(self)
        if out["non_take_up_percent"] is None:
            del out["non_take_up_percent"]
        return out


# ------------------------------------------------------------------ rules between fields
def _vacancies_within_posts(f: Form) -> None:
    if f.vacant_posts > f.funded_posts:
        _inconsistent(
            "vacant_posts",
            f.vacant_posts,
            f"more vacant posts than funded posts ({f.funded_posts:g})",
            f"a number from 0 to {f.funded_posts:g} (FTE)",
        )
    if f.staff_in_post < 1:
        _inconsistent(
            "vacant_posts", f.vacant_posts, "leaves less than one FTE in post", f"at most {f.funded_posts - 1:g} (FTE)"
        )


def _people_within_catchment(f: Form) -> None:
    if f.people_supported + f.waiting_list > f.catchment_population:
        _inconsistent(
            "catchment_population",
            f.catchment_population,
            f"fewer inhabitants than people supported and waiting ({f.people_supported + f.waiting_list:_})",
            f"at least {f.people_supported + f.waiting_list:_} (inhabitants)",
        )


def _plausible_caseload(f: Form) -> None:
    if f.caseload > MAX_CASELOAD:
        _inconsistent(
            "people_supported",
            f.people_supported,
            f"is {f.caseload:.0f} people per FTE in post ({f.staff_in_post:g})",
            f"at most {MAX_CASELOAD} people per FTE in post, i.e. {int(MAX_CASELOAD * f.staff_in_post):_} (people)",
        )


def _plausible_departures(f: Form) -> None:
    if f.departure_rate > MAX_TURNOVER:
        limit = int(MAX_TURNOVER * f.staff_in_post)
        _inconsistent(
            "departures_last_year",
            f.departures_last_year,
            f"is more than {MAX_TURNOVER:g} departures per FTE in post ({f.staff_in_post:g})",
            f"at most {limit} (departures)",
        )


def _plausible_outreach(f: Form) -> None:
    hours = Params().hours_per_week
    if f.outreach_share(hours) > MAX_OUTREACH_SHARE:
        limit = MAX_OUTREACH_SHARE * hours * f.staff_in_post
        _inconsistent(
            "outreach_hours_per_week",
            f.outreach_hours_per_week,
            f"is more than {MAX_OUTREACH_SHARE:.0%} of the team's hours ({f.staff_in_post:g} FTE x {hours:g} h)",
            f"at most {limit:g} (hours a week)",
        )


def _plausible_scissors(f: Form) -> None:
    low, high = SCISSORS_RANGE
    gap = f.cost_growth_percent - f.budget_growth_percent
    if not low <= gap <= high:
        _inconsistent(
            "cost_growth_percent",
            f.cost_growth_percent,
            f"costs grow {gap:+g} points a year against the budget",
            f"from {f.budget_growth_percent + low:g} to {f.budget_growth_percent + high:g} (% a year): within"
            f" {low:g} to {high:+g} points of the budget's growth",
        )


def _funding_sums_to_100(f: Form) -> None:
    total = sum(getattr(f.funding, key) for key in FUNDING)
    if abs(total - 100.0) > FUNDING_SUM_TOLERANCE:
        _inconsistent(
            "funding",
            total,
            f"the shares sum to {total:g} %",
            "shares of the budget (%) that sum to 100",
        )
    if f.funding.community_grants >= 100.0 - FUNDING_SUM_TOLERANCE:
        _inconsistent(
            "funding.community_grants",
            f.funding.community_grants,
            "community grants fund no post in the model",
            "less than 100 % of the budget from community grants",
        )


CONSISTENCY: tuple[Callable[[Form], None], ...] = (
    _vacancies_within_posts,
    _people_within_catchment,
    _plausible_caseload,
    _plausible_departures,
    _plausible_outreach,
    _plausible_scissors,
    _funding_sums_to_100,
)
"""Rules between fields, checked after every field is (the first that fails is reported)."""


def _inconsistent(key: str, value: Any, problem: str, allowed: str) -> None:
    path = f"organisation.{key}"
    raise FormError(f"{path}: {value!r}: {problem}; expected {allowed}", field=path, value=value, allowed=allowed)


# ------------------------------------------------------------------ reading
def read(section: Mapping[str, Any], where: str = "<form>") -> Form:
    """A :class:`Form` from a parsed ``[organisation]`` section, or FormError naming ``where`` and the field."""
    doc = schema.read(schema.Table(fields={"organisation": FORM_SECTION}), {"organisation": section}, where, FormError)
    values = dict(doc["organisation"])
    values["participation"] = Participation(**values["participation"])
    values["funding"] = Funding(**values["funding"])
    form = Form(**values)
    try:
        for rule in CONSISTENCY:
            rule(form)
    except CentaureError as err:
        raise err.located(where, kind=FormError) from None
    return form


def read_document(data: Mapping[str, Any], where: str = "<form>") -> tuple[Form, str]:
    """The form and the baseline (``base``, default ``npm``) of a parsed FORM.toml or starting scenario."""
    for key in data:
        if key not in ("base", "organisation", *SCENARIO_SECTIONS):
            allowed = "base, organisation (and a scenario's sections)"
            raise FormError(f"{where}: {key}: unknown section; allowed: {allowed}", field=key, allowed=allowed)
    if "organisation" not in data:
        raise FormError(
            f"{where}: organisation: missing; expected a section [organisation] with the form's fields",
            field="organisation",
        )
    base = data.get("base", "npm")
    if not isinstance(base, str) or not base.strip():
        raise FormError(f"{where}: base: {base!r}: expected the name of a shipped scenario or a path", field="base")
    return read(data["organisation"], where), base


def load(path: str | Path) -> tuple[Form, str]:
    """Read a FORM.toml (or a starting scenario holding ``[organisation]``): the form and its baseline."""
    try:
        data = read_toml(path, "form file")
    except CentaureError as err:
        raise err.located(kind=FormError) from None
    return read_document(data, str(path))


EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "organisations"
"""The shipped example forms (a small association, a public service with vacancies, a for-profit provider)."""


def examples() -> dict[str, Path]:
    """Example name -> its FORM.toml, in alphabetical order."""
    return {p.stem: p for p in sorted(EXAMPLES_DIR.glob("*.toml"))}


def to_toml(form: Form) -> str:
    """The ``[organisation]`` section of ``form`` as TOML (read back by :func:`read`)."""
    values = form.as_dict()
    lines = ["[organisation]"]
    for key, value in values.items():
        if not isinstance(value, dict):
            lines.append(f"{key} = {_toml(value)}")
    for section in ("participation", "funding"):
        lines += ["", f"[organisation.{section}]"]
        lines += [f"{key} = {_toml(value)}" for key, value in values[section].items()]
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
    return repr(value)


# ------------------------------------------------------------------ mapping onto the model, in the open
LADDER_INFORMING = 2
"""Rung with no instance at all: informing (the welcome booklet and rules every ESSMS must hand out, law of 2002-2)."""
RUNG_STEPS = {"cvs": 1, "users_on_board": 2, "cobuilt_budget": 1}
"""Rungs each instance climbs above informing: a CVS consults (3); users with a seat on the board share
decisions (partnership, 5, with a CVS; placation, 4, without); a co-built budget on top delegates power (6).
Citizen control (7), a service run by the people it serves, is not an instance of the form."""


def participation_rung(p: Participation) -> int:
    """The rung of Arnstein's ladder the instances in place offer (``participation_level``)."""
    return LADDER_INFORMING + sum(step for key, step in RUNG_STEPS.items() if getattr(p, key))


def participation_levers(p: Participation) -> dict[str, Any]:
    """The model's participation offer for the instances in place."""
    return {
        "participation_level": participation_rung(p),
        "cobuilt_budget": p.cobuilt_budget,
        "recruitment_panels": p.recruitment_panels,
        "peer_worker_programme": p.peer_workers,
    }


def funding_weights(f: Funding) -> dict[str, float]:
    """Polanyi's three principles: market = activity-based + calls for projects, redistribution = global
    allocation, reciprocity = community grants (weights, normalised to sum to 1)."""
    total = f.activity_based + f.global_allocation + f.calls_for_projects + f.community_grants
    return {
        "funding_market": (f.activity_based + f.calls_for_projects) / total,
        "funding_redistribution": f.global_allocation / total,
        "funding_reciprocity": f.community_grants / total,
    }


def levers(form: Form, base: Params) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the form sets directly: (the territory's levers, the director's organisation's own values).

    Everything is the organisation's own; the neighbours keep the baseline's
    values. Its funding mix is its own (:func:`funding_weights`). The budget's
    growth is the funders' envelope, the same for every organisation
    (``budget_growth``, the baseline's): what the form's two growth figures
    give the organisation is their gap, the scissors, as its own cost growth
    ``cost_growth@0 = budget_growth + (costs % - budget %) / 100`` — its costs
    outgrow (or undergrow) what its budget follows by as many points as the
    director entered (within :data:`SCISSORS_RANGE`).
    """
    gap = (form.cost_growth_percent - form.budget_growth_percent) / 100.0
    spec = Params.specs()["cost_growth"]
    own = {
        "kind": form.kind,
        **participation_levers(form.participation),
        "outreach_share": round(form.outreach_share(base.hours_per_week), 4),
        **funding_weights(form.funding),
        "cost_growth": round(min(spec.high, max(spec.low, base.budget_growth + gap)), 6),
    }
    return {}, own


# ------------------------------------------------------------------ the figures against the national ones
NATIONAL = (
    ("vacancy_rate", "vacancy_rate"),
    ("departure_rate", "annual_departure_rate"),
    ("reporting_share", "reporting_time_share"),
    ("non_take_up", "non_take_up_rate"),
)
"""(share of the form, national figure of ``sim/data/targets.csv``) pairs the form is compared with."""


def national_figures() -> dict[str, dict[str, Any]]:
    """The national figures of ``sim/data/targets.csv``: target -> value, band and short citation."""
    from sim.docs import read_targets

    rows = {r["target"]: r for r in read_targets()}
    return {
        target: {
            "value": float(rows[target]["value"]),
            "low": float(rows[target]["low"]),
            "high": float(rows[target]["high"]),
            "source": CITATIONS[target],
        }
        for _, target in NATIONAL
    }


def ratio_words(ratio: float, lang: str) -> str:
    """How ``ratio`` (yours / national) reads: ``twice``, ``three times``, ``half``, ``1.5 times``..."""
    if ratio == 0:
        return t("form.compare.none", lang)
    for value, key in ((2.0, "twice"), (3.0, "three"), (0.5, "half")):
        if abs(ratio - value) <= 0.1 * value:
            return t(f"form.compare.{key}", lang)
    if ratio > 1:
        return t("form.compare.times", lang, times=number(round(ratio, 1), lang))
    return t("form.compare.share", lang, share=percent(ratio, lang, 0))


def comparisons(form: Form, lang: str = "fr") -> list[str]:
    """One sentence per figure that has a national counterpart, e.g. "your vacancy rate, 9 %, is twice the
    national 4.4 % (Axess 2023)"."""
    figures = national_figures()
    out = []
    for attribute, target in NATIONAL:
        yours = getattr(form, attribute)
        if yours is None:
            continue
        national = figures[target]
        what = t(f"form.compare.{attribute}", lang)
        values = dict(what=what, yours=percent(yours, lang, 1), national=percent(national["value"], lang, 1))
        values["source"] = national["source"]
        if national["low"] <= yours <= national["high"]:
            band = f"{percent(national['low'], lang, 0)}{NBSP}–{NBSP}{percent(national['high'], lang, 0)}"
            out.append(t("form.compare.within", lang, band=band, **values))
        else:
            ratio = yours / national["value"]
            out.append(t("form.compare.ratio", lang, ratio=ratio_words(ratio, lang), **values))
    return out
