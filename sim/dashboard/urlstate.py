"""A page's settings as a query string, so that a link reproduces what someone saw.

Every parameter of :mod:`sim.params` may appear as ``name=value`` (parsed and
checked by its declaration); pages add a few keys of their own (``scenario``,
``seed``, ``change``, ``scenarios``, ``replicates``, ``draws``, ``years``,
``week``, ``reform.<lever>``, ``step``, ``lang``). Bad values are dropped with an error
(a :class:`CentaureError`, phrased by :mod:`sim.dashboard.messages` in the
page's language) instead of breaking the page.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sim import posterior, scenarios
from sim.dashboard.messages import field_name
from sim.errors import CentaureError, InputError, ParameterError, ScenarioError
from sim.params import Params, levers
from sim.scenarios import Reform

PAGE_KEYS = frozenset(
    {
        "scenario",
        "seed",
        "change",
        "scenarios",
        "replicates",
        "draws",
        "years",
        "week",
        "step",
        "lang",
        "present",
        "example",
        "seeds",
        "rounds",
    }
)

LIMITS: Mapping[str, int] = MappingProxyType(
    {"n_users": 20_000, "n_workers": 2_000, "n_organisations": 200, "n_funders": 50}
)
"""Upper bounds the dashboard keeps so that a page stays interactive (the command line has none)."""
MIN_REPLICATES = 5
"""Fewest replicates of a batch: with fewer, a 95% Student interval is too wide to read (t = 12.7 for two)."""
MAX_REPLICATES = 30
DEFAULT_REPLICATES = 10
MAX_YEARS = 20
MIN_DRAWS = 2
"""Fewest posterior draws when they are on: an interval over draws is their 2.5-97.5 percentile range."""
MAX_DRAWS = 20


def parse_query(search: str | None) -> dict[str, list[str]]:
    """``a=1&b=2&b=3`` -> ``{"a": ["1"], "b": ["2", "3"]}``."""
    return urllib.parse.parse_qs(search or "", keep_blank_values=False)


def encode(items: Iterable[tuple[str, Any]]) -> str:
    """Pairs -> query string, with readable values (``true``, ``0.2``, ``npm,alliance``)."""
    out = []
    for key, value in items:
        if isinstance(value, bool):
            value = "true" if value else "false"
        out.append((key, str(value)))
    return urllib.parse.urlencode(out, safe=",:=")


def format_value(value: Any) -> str:
    """A value as the address writes it: exact (``repr`` of a float is the shortest that reads back the same)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def within_limits(params: Params) -> Params:
    """``params``, or a ParameterError naming the first size above what the dashboard runs interactively."""
    for name, limit in LIMITS.items():
        value = getattr(params, name)
        if value > limit:
            raise ParameterError(
                f"{name} = {value}: the dashboard goes up to {limit}",
                field=name,
                value=value,
                allowed=f"at most {limit}",
            )
    return params


def settle(base: Params, values: Mapping[str, Any]) -> tuple[dict[str, Any], list[CentaureError]]:
    """The values that, applied to ``base``, make parameters the dashboard runs; and the errors of the others.

    Params checks everything (ranges, rules between fields) and the dashboard
    its size limits; each error drops the values it names, until the rest builds.
    """
    kept = dict(values)
    errors: list[CentaureError] = []
    while True:
        try:
            within_limits(base.replace(**kept))
            return kept, errors
        except ParameterError as err:
            errors.append(err)
            named = [n for n in kept if n == field_name(err.field) or re.search(rf"\b{n}\b", err.detail)]
            for name in named or list(kept):
                kept.pop(name)


def parse_params(query: Mapping[str, list[str]], prefix: str = "") -> tuple[dict[str, Any], list[CentaureError]]:
    """Parameter values named ``prefix + name`` in the query (read by their declarations), and errors for the others."""
    specs = Params.specs()
    values: dict[str, Any] = {}
    errors: list[CentaureError] = []
    for key, texts in query.items():
        if not key.startswith(prefix) or (not prefix and key in PAGE_KEYS):
            continue
        name = key[len(prefix) :]
        if name not in specs:
            if prefix or "." not in key:
                errors.append(ParameterError(f"{key}: unknown parameter", value=key))
            continue
        try:
            values[name] = specs[name].parse(texts[-1])
        except ParameterError as err:
            errors.append(err)
    return values, errors


def scenario_name(
    query: Mapping[str, list[str]], key: str = "scenario", default: str = "npm"
) -> tuple[str, list[CentaureError]]:
    name = query.get(key, [default])[-1]
    if name not in scenarios.shipped():
        return default, [ScenarioError(f"{key} = {name!r}: unknown scenario", field=key, value=name)]
    return name, []


def int_value(
    query: Mapping[str, list[str]], key: str, default: int, low: int, high: int
) -> tuple[int, list[CentaureError]]:
    text = query.get(key, [None])[-1]
    if text is None:
        return default, []
    error = ParameterError(f"{key} = {text!r}: expected an integer from {low} to {high}", field=key, value=text)
    try:
        value = int(text)
    except ValueError:
        return default, [error]
    if not low <= value <= high:
        return default, [error]
    return value, []


def default_draws() -> int:
    """Posterior draws of a batch unless the address says otherwise: on when a calibration is shipped."""
    return posterior.DEFAULT_DRAWS if posterior.shipped() is not None else 0


def draws_value(query: Mapping[str, list[str]]) -> tuple[int, list[CentaureError]]:
    """``draws=K``: 0 (seeds only) or MIN_DRAWS to MAX_DRAWS, and only when a calibration is shipped."""
    default = default_draws()
    text = query.get("draws", [None])[-1]
    if text is None:
        return default, []
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value != 0 and not MIN_DRAWS <= value <= MAX_DRAWS:
        detail = f"draws = {text!r}: expected 0 or an integer from {MIN_DRAWS} to {MAX_DRAWS}"
        return default, [InputError(detail, field="draws", value=text, allowed="range")]
    if value and default == 0:
        detail = f"draws = {value}: no calibration is shipped, the intervals cover the seeds only"
        return 0, [InputError(detail, field="draws", value=value, allowed="no_calibration")]
    return value, []


# ----------------------------------------------------------------------------- Explore
@dataclass(frozen=True)
class ExploreSettings:
    """What defines a live run: scenario, seed, parameter values at week 0, and changes made during the run."""

    scenario: str = "npm"
    seed: int = 0
    values: Mapping[str, Any] = field(default_factory=dict)
    changes: tuple[Reform, ...] = ()

    def key(self) -> tuple:
        return (
            self.scenario,
            self.seed,
            tuple(sorted(self.values.items())),
            tuple((r.week, tuple(sorted(r.changes.items()))) for r in self.changes),
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ExploreSettings) and self.key() == other.key()

    def __hash__(self) -> int:
        return hash(self.key())

    def build(self) -> scenarios.Scenario:
        """The scenario to run: shipped scenario + values + its own reforms and the changes made during the run."""
        return scenarios.load(self.scenario).with_changes(**self.values).with_reforms(*self.changes)

    def query(self, extras: Iterable[tuple[str, str]] = ()) -> str:
        items: list[tuple[str, Any]] = [("scenario", self.scenario), ("seed", self.seed)]
        items += [(k, format_value(v)) for k, v in self.values.items()]
        for reform in self.changes:
            what = ",".join(f"{k}={format_value(v)}" for k, v in reform.changes.items())
            items.append(("change", f"{reform.week}:{what}"))
        items += list(extras)  # the language once chosen, presentation mode
        return encode(items)


def parse_explore(search: str | None) -> tuple[ExploreSettings, list[CentaureError]]:
    """Explore settings from a query string, and messages for what was ignored."""
    query = parse_query(search)
    name, errors = scenario_name(query)
    seed, errs = int_value(query, "seed", 0, 0, 2**31 - 1)
    errors += errs
    values, errs = parse_params(query)
    errors += errs
    base = scenarios.load(name)
    values, errs = settle(base.params, values)
    errors += errs
    weeks = base.params.replace(**values).weeks
    changes = []
    reformable = levers()
    for text in query.get("change", []):
        week_text, _, body = text.partition(":")
        pairs = [pair.partition("=") for pair in body.split(",")]
        fixed = [lever for lever, _, _ in pairs if lever in Params.specs() and lever not in reformable]
        if fixed:  # a parameter that cannot change during a run
            errors.append(ScenarioError(f"change = {text!r}: not a lever", field="change", value=fixed[0]))
            continue
        try:
            reform = Reform(int(week_text), {lever: reformable[lever].parse(value) for lever, _, value in pairs})
        except (ValueError, KeyError, CentaureError):
            errors.append(
                ScenarioError(f"change = {text!r}: expected WEEK:lever=value,...", field="change", value=text)
            )
            continue
        if reform.week > weeks:
            errors.append(ScenarioError(f"change = {text!r}: week past the horizon", field="change", value=text))
            continue
        changes.append(reform)
    changes.sort(key=lambda r: r.week)
    return ExploreSettings(name, seed, values, tuple(changes)), errors


# ----------------------------------------------------------------------------- Compare
@dataclass(frozen=True)
class CompareSettings:
    scenarios: tuple[str, ...] = ("npm", "alliance")
    replicates: int = DEFAULT_REPLICATES
    years: int = 10
    values: Mapping[str, Any] = field(default_factory=dict)  # applied to every scenario
    draws: int = 0  # posterior draws per scenario, each with every replicate's seed (0: seeds only)

    def query(self, extras: Iterable[tuple[str, str]] = ()) -> str:
        items: list[tuple[str, Any]] = [
            ("scenarios", ",".join(self.scenarios)),
            ("replicates", self.replicates),
            ("draws", self.draws),
            ("years", self.years),
        ]
        items += [(k, format_value(v)) for k, v in self.values.items()]
        items += list(extras)  # the language once chosen, presentation mode
        return encode(items)


def parse_compare(search: str | None) -> tuple[CompareSettings, list[CentaureError]]:
    query = parse_query(search)
    errors: list[CentaureError] = []
    names = []
    for text in query.get("scenarios", ["npm,alliance"])[-1].split(","):
        if text in scenarios.shipped() and text not in names:
            names.append(text)
        elif text:
            errors.append(ScenarioError(f"scenarios: {text!r}: unknown scenario", field="scenarios", value=text))
    replicates, errs = int_value(query, "replicates", DEFAULT_REPLICATES, MIN_REPLICATES, MAX_REPLICATES)
    errors += errs
    draws, errs = draws_value(query)
    errors += errs
    years, errs = int_value(query, "years", 10, 1, MAX_YEARS)
    errors += errs
    values, errs = parse_params(query)
    errors += errs
    values.pop("weeks", None)
    values, errs = settle(scenarios.load("npm").params, values)
    errors += errs
    return CompareSettings(tuple(names[:4]), replicates, years, values, draws), errors


# ----------------------------------------------------------------------------- Reform lab
@dataclass(frozen=True)
class ReformSettings:
    scenario: str = "npm"
    week: int = 156
    replicates: int = DEFAULT_REPLICATES
    years: int = 10
    changes: Mapping[str, Any] = field(default_factory=dict)  # the reform: lever -> new value
    values: Mapping[str, Any] = field(default_factory=dict)  # applied to both arms
    draws: int = 0  # posterior draws per arm, each with every replicate's seed (0: seeds only)

    def query(self, extras: Iterable[tuple[str, str]] = ()) -> str:
        items: list[tuple[str, Any]] = [
            ("scenario", self.scenario),
            ("week", self.week),
            ("replicates", self.replicates),
            ("draws", self.draws),
            ("years", self.years),
        ]
        items += [(f"reform.{k}", format_value(v)) for k, v in self.changes.items()]
        items += [(k, format_value(v)) for k, v in self.values.items()]
        items += list(extras)  # the language once chosen, presentation mode
        return encode(items)


def parse_reform(search: str | None) -> tuple[ReformSettings, list[CentaureError]]:
    query = parse_query(search)
    name, errors = scenario_name(query)
    replicates, errs = int_value(query, "replicates", DEFAULT_REPLICATES, MIN_REPLICATES, MAX_REPLICATES)
    errors += errs
    draws, errs = draws_value(query)
    errors += errs
    years, errs = int_value(query, "years", 10, 1, MAX_YEARS)
    errors += errs
    week, errs = int_value(query, "week", min(156, 52 * years - 1), 1, max(52 * years - 1, 1))
    errors += errs
    changes, errs = parse_params(query, prefix="reform.")
    errors += errs
    reformable = levers()
    for lever in [k for k in changes if k not in reformable]:
        errors.append(ScenarioError(f"reform.{lever}: not a lever a reform can change", field="reform", value=lever))
        changes.pop(lever)
    values, errs = parse_params(query)
    errors += errs
    values.pop("weeks", None)
    values, errs = settle(scenarios.load(name).params, values)
    errors += errs
    return ReformSettings(name, week, replicates, years, changes, values, draws), errors


# ----------------------------------------------------------------------------- My organisation
MAX_FIT_SEEDS = 5
"""Seeds each round of the page's fit runs, at most (the command line goes to 10)."""


@dataclass(frozen=True)
class OrganisationSettings:
    """The page *My organisation*'s address: never the figures entered (they stay in the session), only the
    example loaded, the fit's size, the territory's sizes, and the reform of the organisation."""

    example: str | None = None  # a shipped form of scenarios/organisations/
    seeds: int = 3
    rounds: int = 8
    values: Mapping[str, Any] = field(default_factory=dict)  # applied to the baseline before the fit
    week: int = 53
    replicates: int = DEFAULT_REPLICATES
    years: int = 3
    draws: int = 0
    changes: Mapping[str, Any] = field(default_factory=dict)  # the reform of the organisation: lever -> value

    def query(self, extras: Iterable[tuple[str, str]] = ()) -> str:
        items: list[tuple[str, Any]] = [("example", self.example)] if self.example else []
        items += [("seeds", self.seeds), ("rounds", self.rounds), ("week", self.week)]
        items += [("replicates", self.replicates), ("draws", self.draws), ("years", self.years)]
        items += [(f"reform.{k}", format_value(v)) for k, v in self.changes.items()]
        items += [(k, format_value(v)) for k, v in self.values.items()]
        items += list(extras)
        return encode(items)


def parse_organisation(
    search: str | None, examples: Iterable[str] = ()
) -> tuple[OrganisationSettings, list[CentaureError]]:
    query = parse_query(search)
    errors: list[CentaureError] = []
    example = query.get("example", [None])[-1]
    if example is not None and example not in tuple(examples):
        errors.append(ScenarioError(f"example = {example!r}: unknown example", field="example", value=example))
        example = None
    seeds, errs = int_value(query, "seeds", 3, 1, MAX_FIT_SEEDS)
    errors += errs
    rounds, errs = int_value(query, "rounds", 8, 2, 8)
    errors += errs
    replicates, errs = int_value(query, "replicates", DEFAULT_REPLICATES, MIN_REPLICATES, MAX_REPLICATES)
    errors += errs
    draws, errs = draws_value(query)
    errors += errs
    years, errs = int_value(query, "years", 3, 1, MAX_YEARS)
    errors += errs
    week, errs = int_value(query, "week", min(53, 52 * years - 1), 1, max(52 * years - 1, 1))
    errors += errs
    changes, errs = parse_params(query, prefix="reform.")
    errors += errs
    own = {n for n, spec in levers().items() if spec.per_organisation}
    for lever in [k for k in changes if k not in own]:
        errors.append(ScenarioError(f"reform.{lever}: not a lever of one organisation", field="reform", value=lever))
        changes.pop(lever)
    values, errs = parse_params(query)
    errors += errs
    values.pop("weeks", None)  # the horizon is the page's
    values, errs = settle(scenarios.load("npm").params, values)
    errors += errs
    settings = OrganisationSettings(example, seeds, rounds, values, week, replicates, years, draws, changes)
    return settings, errors


def presenting_from_query(search: str | None) -> bool:
    """``present=1`` in the address: open in presentation mode (a lecturer's prepared link)."""
    return parse_query(search).get("present", ["0"])[-1] in ("1", "true", "yes", "oui")


def lang_from_query(search: str | None) -> str | None:
    value = parse_query(search).get("lang", [None])[-1]
    return value if value in ("fr", "en") else None
