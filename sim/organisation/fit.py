"""The model starts from a director's figures: a territory, the fit of its local quantities, the starting scenario.

**The territory.** Organisation 0 is the director's; :data:`NEIGHBOURS`
others follow the baseline scenario (``npm`` unless the form names another)
at the baseline's size (its posts and people per organisation). The
director's organisation gets its kind, its participation offer, its outreach
and its funded posts (``org_size`` gives it the budget that pays them, and the
fit then adjusts it so that it keeps them: see below); its
catchment holds as many people at risk per post as the baseline's
(``catchment_weight``); its funding mix and the gap between its costs' growth
and its budget's are its own (:func:`sim.organisation.form.levers`).

**The fit.** The figures do not give a few local quantities directly; each
is searched so that, after the spin-up, one of the organisation's week-0
indicators matches what was entered (:data:`TARGETS`):

========================  ===============================  ============================
indicator                 entered as                       searched parameter
========================  ===============================  ============================
funded posts              funded posts (FTE)               ``org_size@0``
vacancy rate              vacant / funded posts            ``recruitment_difficulty@0``
departures a year         departures / FTE in post         ``manager_style@0``
reporting share           time on reporting (%)            ``reporting_pressure@0``
waiting list per person   waiting list / file active       ``need_arrival_rate@0``
========================  ===============================  ============================

The funded posts are fitted because the funders re-allocate budgets each year,
partly by assessed needs (:mod:`sim.mechanisms.funding`): the budget that pays
the entered posts at the start is not the one the organisation holds after the
spin-up, and a catchment fitted with a higher inflow of needs would otherwise
end with more posts than entered (and a shorter list). The organisation's share
of the territory's funding (``org_size``) is the local quantity that makes its
posts what the director entered once the allocation has settled.

Each indicator is monotone in its parameter. The search moves all five at
once (at most :data:`ROUNDS` rounds; every round runs the territory once per
seed, the same seeds every round): two rounds of bisection, then, for each
parameter, the root of the straight line through its figure's mean errors over
the last :data:`REGRESSION_ROUNDS` rounds (a secant step on the search scale,
log for the inflow of needs and the size), clipped to the parameter's range,
or the bracket's midpoint when noise gives the line the wrong slope. A line
over several rounds averages the seeds' noise and the drift of the other
parameters, where a bisection would take one noisy sign as final. A figure is
matched when the model's mean over the seeds is within its tolerance plus one
standard error of that mean (the admitted gap: the fit's own uncertainty, so
that a start within noise of the figure is not refused for the seeds'
chance). The search stops at the first round whose point matches every
figure; otherwise the round whose point is closest to the figures (the sum of
squared errors in units of admitted gap, each capped at :data:`DISTANCE_CAP`)
is kept. Nothing sets an indicator: the fit only moves parameters and reads
what the model does. The fit's own uncertainty is the spread of the
indicators over the seeds at the point kept. Where a figure is out of the
model's reach (the parameter at the end of its range), the table says so and
why.

Other figures are compared, not fitted (:data:`CHECKS`): people per worker
in post, the usual wait and, if entered, the local non-take-up.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim import scenarios
from sim.i18n import fixed, number, percent, t
from sim.model import CentaureModel
from sim.organisation import form as form_module
from sim.organisation.form import Form
from sim.scenarios import Scenario, Texts

DIRECTOR = 0
"""The director's organisation in the territory."""
NEIGHBOURS = 3
"""Organisations that follow the baseline beside the director's (a small territory: the fit runs it many times)."""
DEFAULT_SEEDS = (1, 2, 3)
ROUNDS = 12
"""Rounds of the search at most (two of bisection, then secant steps); it stops at the first that matches."""
REPORTING_TOLERANCE = 0.03
"""Reporting share: a director's estimate is rarely finer than 3 points of work time."""
VACANCY_TOLERANCE = 0.02
"""Vacancy rate: 2 points, or half a post in the organisation's posts if that is more (posts are whole)."""
DEPARTURE_TOLERANCE = 0.05
"""Departures: 5 points, or one Poisson standard deviation of last year's count if more (a year's departures
from a small team are a small, noisy count)."""
DISTANCE_CAP = 4.0
"""A figure further than two tolerances counts as two when rounds are compared: one out of reach does not
decide which round is kept."""
BOUND_MARGIN = 0.02
"""A parameter within 2 % of the end of its search range (on the search's scale) has reached the end."""
POSTS_TOLERANCE = 1.0
POSTS_SHARE_TOLERANCE = 0.05
"""Funded posts: one post, or 5 % of the posts if more (posts are whole; the allocation moves with the needs)."""
REGRESSION_ROUNDS = 4
"""Rounds whose errors the search regresses on (after two rounds of bisection)."""
WAITING_TOLERANCE = 0.2
"""Waiting list per person supported: 20 % of the entered ratio, at least 0.05 (a list moves from week to week)."""


def _vacancy_tolerance(f: Form) -> float:
    return max(VACANCY_TOLERANCE, 0.5 / f.funded_posts)


def _departure_tolerance(f: Form) -> float:
    return max(DEPARTURE_TOLERANCE, math.sqrt(max(f.departures_last_year, 1)) / max(f.staff_in_post, 1.0))


def _waiting_ratio(row: dict[str, float]) -> float:
    return row["waiting_list"] / max(row["supported"], 1.0)


@dataclass(frozen=True)
class Target:
    """A figure the fit matches: the indicator, how it reads from the form, the parameter searched."""

    key: str
    measure: Callable[[dict[str, float]], float]
    entered: Callable[[Form], float]
    tolerance: Callable[[Form], float]
    parameter: str
    low: float
    high: float
    increasing: bool
    geometric: bool = False  # search on a log scale (a quantity spanning orders of magnitude)
    share: bool = True  # shown as a percentage

    def position(self, value: float) -> float:
        """Where ``value`` lies in the search range, 0 to 1 (on the scale the search uses)."""
        if self.geometric:
            return math.log(value / self.low) / math.log(self.high / self.low)
        return (value - self.low) / (self.high - self.low)

    def value(self, position: float) -> float:
        """The parameter's value at ``position`` (0 to 1) of the search range."""
        if self.geometric:
            return self.low * (self.high / self.low) ** position
        return self.low + position * (self.high - self.low)


TARGETS: tuple[Target, ...] = (
    Target(
        "posts",
        lambda r: r["posts"],
        lambda f: f.funded_posts,
        lambda f: max(POSTS_TOLERANCE, POSTS_SHARE_TOLERANCE * f.funded_posts),
        "org_size",
        0.05,
        20.0,
        increasing=True,
        geometric=True,
        share=False,
    ),
    Target(
        "vacancy_rate",
        lambda r: r["vacancy_rate"],
        lambda f: f.vacancy_rate,
        _vacancy_tolerance,
        "recruitment_difficulty",
        0.0,
        1.0,
        increasing=True,
    ),
    Target(
        "annual_turnover",
        lambda r: r["annual_turnover"],
        lambda f: f.departure_rate,
        _departure_tolerance,
        "manager_style",
        0.0,
        1.0,
        increasing=False,
    ),
    Target(
        "reporting_share",
        lambda r: r["reporting_share"],
        lambda f: f.reporting_share,
        lambda f: REPORTING_TOLERANCE,
        "reporting_pressure",
        0.0,
        0.7,
        increasing=True,
    ),
    Target(
        "waiting_ratio",
        _waiting_ratio,
        lambda f: f.waiting_ratio,
        lambda f: max(0.05, WAITING_TOLERANCE * f.waiting_ratio),
        "need_arrival_rate",
        0.0005,
        0.05,
        increasing=True,
        geometric=True,
        share=False,
    ),
)
"""The figures the fit matches, each with the one parameter it searches."""


@dataclass(frozen=True)
class Check:
    """A figure compared with the model's start but not fitted."""

    key: str
    measure: Callable[[dict[str, float]], float]
    entered: Callable[[Form], float | None]
    share: bool = False


CHECKS: tuple[Check, ...] = (
    Check("caseload", lambda r: r["caseload"], lambda f: f.caseload),
    Check("mean_wait_weeks", lambda r: r["mean_wait_weeks"], lambda f: f.usual_wait_weeks),
    Check("non_recourse", lambda r: r["non_recourse"], lambda f: f.non_take_up, share=True),
)


@dataclass(frozen=True)
class Row:
    """One line of "you entered / the model starts from"."""

    key: str
    entered: float
    model: float  # mean over seeds
    low: float  # smallest and largest over seeds: the fit's own uncertainty
    high: float
    share: bool
    tolerance: float | None = None  # None: compared, not fitted
    parameter: str = ""
    at_bound: bool = False  # the parameter ended at the end of its range
    se: float = 0.0  # standard error of the model's mean over the seeds

    @property
    def fitted(self) -> bool:
        return self.tolerance is not None

    @property
    def admitted(self) -> float:
        """The gap admitted: the figure's tolerance plus one standard error of the model's mean (the fit's own
        uncertainty: a start within noise of the figure is not refused for the seeds' chance)."""
        return (self.tolerance or 0.0) + self.se

    @property
    def matched(self) -> bool:
        return self.tolerance is not None and abs(self.model - self.entered) <= self.admitted


@dataclass(frozen=True)
class Fit:
    """The result: the starting scenario, the table, the fitted parameters and the seeds it used."""

    form: Form
    base: str
    scenario: Scenario
    rows: tuple[Row, ...]
    fitted: dict[str, float]
    seeds: tuple[int, ...]
    rounds: int = ROUNDS  # rounds run (fewer than asked when one matched every figure)
    start: dict[str, float] = field(default_factory=dict)  # the director's week-0 indicators, mean over seeds
    history: tuple[tuple[bool, float], ...] = ()  # per round run: (every figure matched, distance)
    runs: tuple[dict[str, float], ...] = ()  # the director's week-0 indicators at the point kept, one per seed

    @property
    def matched(self) -> bool:
        return all(r.matched for r in self.rows if r.fitted)


# ------------------------------------------------------------------ the territory
def territory(f: Form, base: str = "npm", changes: Mapping[str, Any] | None = None) -> Scenario:
    """The starting territory before the fit: the director's organisation 0 and the baseline's neighbours.

    ``changes`` are applied to the baseline first (e.g. ``n_users``, ``n_workers``, ``spinup_weeks`` for a
    smaller, quicker territory: its size per organisation sets the neighbours').
    """
    reference = scenarios.load(base)
    if changes:
        reference = reference.with_changes(**changes)
    p = reference.params
    posts_per_org = p.n_workers / p.n_organisations
    users_per_org = p.n_users / p.n_organisations
    territory_levers, own = form_module.levers(f, p)
    p = p.replace(**territory_levers)
    m, r, _ = p.funding_weights  # the neighbours'
    paid = own["funding_market"] + own["funding_redistribution"]  # the director's budget share that pays posts
    posts = max(2, round(f.funded_posts))
    for_profit = f.kind == "for_profit"
    cost = p.for_profit_cost_ratio if for_profit else 1.0
    margin = p.for_profit_margin if for_profit else 0.0
    # the budget (in post-years) that pays `posts` posts, relative to a neighbour's that pays posts_per_org
    size = posts * cost * (m + r) / ((1.0 - margin) * paid * posts_per_org)
    weight = posts / posts_per_org
    n_orgs = 1 + NEIGHBOURS
    n_workers = math.ceil(posts_per_org * (NEIGHBOURS + size) / (m + r))
    params = dataclasses.replace(p, organisations=()).replace(  # the neighbours follow the baseline's territory values
        n_organisations=n_orgs,
        n_workers=n_workers,
        n_users=round(users_per_org * (NEIGHBOURS + weight)),
    )
    params = params.with_organisation(DIRECTOR, org_size=round(size, 4), catchment_weight=round(weight, 4), **own)
    title = Texts(
        fr=f"Mon établissement\u00a0: {f.name} (point de départ ajusté)",
        en=f"My organisation: {f.name} (fitted starting point)",
    )
    return Scenario(name="organisation", params=params, title=title)


def start_indicators(scenario: Scenario, seed: int) -> dict[str, float]:
    """The director's organisation's indicators at week 0 (after the spin-up) for one seed."""
    model = CentaureModel(scenario, rng=seed, collect_organisations=False)
    return {name: float(values[DIRECTOR]) for name, values in model.org_indicators.items()}


def _evaluate(
    scenario: Scenario,
    values: dict[str, float],
    seeds: Sequence[int],
    progress: Callable[[int], Any] | None = None,
) -> list[dict[str, float]]:
    trial = scenario.with_changes(**{f"{name}@{DIRECTOR}": v for name, v in values.items()})
    out = []
    for seed in seeds:
        out.append(start_indicators(trial, seed))
        if progress is not None:
            progress(1)  # after each run: a caller may stop the fit between two runs (the dashboard's Cancel)
    return out


def _mean(runs: list[dict[str, float]], measure: Callable[[dict[str, float]], float]) -> float:
    return float(np.mean([measure(r) for r in runs]))


# ------------------------------------------------------------------ the fit
def fit(
    f: Form,
    base: str = "npm",
    seeds: Sequence[int] = DEFAULT_SEEDS,
    rounds: int = ROUNDS,
    progress: Callable[[int], Any] | None = None,
    changes: Mapping[str, Any] | None = None,
    stop_when_matched: bool = True,
) -> Fit:
    """Search the parameters of :data:`TARGETS` so the director's week-0 indicators match the form.

    The search stops at the first round whose point matches every figure within its tolerance
    (``stop_when_matched``; otherwise it runs all ``rounds``), and keeps the best round: one that matches
    every figure if any does, else the closest. ``progress(1)`` is called after each run (at most
    ``rounds`` × ``len(seeds)`` runs); ``changes`` go to the baseline before the territory is built
    (:func:`territory`).
    """
    seeds = tuple(seeds)
    start = territory(f, base, changes)
    bounds = {tg.key: [0.0, 1.0] for tg in TARGETS}  # bracket of each parameter's position
    errors: dict[str, list[tuple[float, float]]] = {tg.key: [] for tg in TARGETS}  # (position, error) per round
    tried: list[tuple[bool, float, dict[str, float], list[dict[str, float]]]] = []
    for _ in range(rounds):
        values = {
            tg.parameter: _rounded(tg.value(_next_position(tg, bounds[tg.key], errors[tg.key]))) for tg in TARGETS
        }
        runs = _evaluate(start, values, seeds, progress)
        distance = 0.0  # sum of squared errors in units of tolerance
        matched = True
        for tg in TARGETS:
            error = _mean(runs, tg.measure) - tg.entered(f)
            admitted = tg.tolerance(f) + _standard_error([tg.measure(r) for r in runs])
            matched = matched and abs(error) <= admitted
            distance += min((error / admitted) ** 2, DISTANCE_CAP)
            position = tg.position(values[tg.parameter])
            errors[tg.key].append((position, error))
            too_high = error > 0
            side = 1 if too_high == tg.increasing else 0  # move the upper bound down, or the lower up
            bounds[tg.key][side] = position
        tried.append((not matched, distance, values, runs))
        if matched and stop_when_matched:
            break
    _, _, values, runs = min(tried, key=lambda item: item[:2])
    scenario = start.with_changes(**{f"{name}@{DIRECTOR}": v for name, v in values.items()})
    return Fit(
        form=f,
        base=base,
        scenario=scenario,
        rows=tuple(_rows(f, values, runs)),
        fitted=values,
        seeds=seeds,
        rounds=len(tried),
        start={name: _mean(runs, lambda r, n=name: r[n]) for name in runs[0]},
        history=tuple((not unmatched, distance) for unmatched, distance, _, _ in tried),
        runs=tuple(runs),
    )


def _next_position(tg: Target, bracket: list[float], history: list[tuple[float, float]]) -> float:
    """Where to try ``tg``'s parameter next, as a position in its range (0 to 1).

    The first two rounds bisect. Then the error is regressed on the position over the last
    :data:`REGRESSION_ROUNDS` rounds and the line's root is tried (a secant step that averages the seeds'
    noise and the drift of the other parameters instead of trusting one round's sign); when the slope has
    the wrong sign or none (noise, or every round at one position), the bracket's midpoint (the bracket
    moves on each round's sign, as in a bisection). The root is clipped to the whole range, not to the
    bracket: a wrong sign of an earlier round is not final.
    """
    midpoint = 0.5 * (bracket[0] + bracket[1])
    if len(history) < 2:
        return midpoint
    x, y = np.array(history[-REGRESSION_ROUNDS:]).T
    if np.ptp(x) <= 0:
        return midpoint
    slope, intercept = np.polyfit(x, y, 1)
    if (slope > 0) != tg.increasing or slope == 0:
        return midpoint
    return float(np.clip(-intercept / slope, 0.0, 1.0))


def _standard_error(measured: Sequence[float]) -> float:
    """Standard error of the mean over the seeds (0 with one seed)."""
    return float(np.std(measured, ddof=1) / math.sqrt(len(measured))) if len(measured) > 1 else 0.0


def _rounded(x: float) -> float:
    return float(f"{x:.4g}")


def _rows(f: Form, values: dict[str, float], runs: list[dict[str, float]]) -> list[Row]:
    rows = []
    for tg in TARGETS:
        measured = [tg.measure(r) for r in runs]
        position = tg.position(values[tg.parameter])
        at_bound = min(position, 1.0 - position) < BOUND_MARGIN
        rows.append(
            Row(
                tg.key,
                tg.entered(f),
                float(np.mean(measured)),
                min(measured),
                max(measured),
                tg.share,
                tg.tolerance(f),
                tg.parameter,
                at_bound,
                _standard_error(measured),
            )
        )
    for check in CHECKS:
        entered = check.entered(f)
        if entered is None:
            continue
        measured = [check.measure(r) for r in runs]
        rows.append(Row(check.key, entered, float(np.mean(measured)), min(measured), max(measured), check.share))
    return rows


# ------------------------------------------------------------------ words
def _value(x: float, share: bool, lang: str) -> str:
    return percent(x, lang, 1) if share else fixed(x, lang, 2 if abs(x) < 10 else 1)


def table_cells(result: Fit, lang: str = "fr") -> tuple[list[str], list[list[str]]]:
    """Header and rows of "you entered / the model starts from": figure, entered, model, spread over the seeds,
    tolerance, status (matched, not matched, compared)."""
    head = [t("organisation.col.figure", lang), t("organisation.col.entered", lang), t("organisation.col.model", lang)]
    head += [
        t("organisation.col.spread", lang),
        t("organisation.col.tolerance", lang),
        t("organisation.col.status", lang),
    ]
    rows = []
    for row in result.rows:
        spread = f"{_value(row.low, row.share, lang)} – {_value(row.high, row.share, lang)}"
        tolerance = "±" + _value(row.admitted, row.share, lang) if row.fitted else ""
        status = t("organisation.ok" if row.matched else "organisation.off", lang) if row.fitted else ""
        status = status or t("organisation.compared", lang)
        label = t(f"organisation.row.{row.key}", lang)
        entered, model = _value(row.entered, row.share, lang), _value(row.model, row.share, lang)
        rows.append([label, entered, model, spread, tolerance, status])
    return head, rows


def table_lines(result: Fit, lang: str = "fr") -> list[str]:
    """The side-by-side table "you entered / the model starts from", with the fit's spread and tolerance."""
    head, rows = table_cells(result, lang)
    lines = [f"{head[0]:<40} {head[1]:>14} {head[2]:>14} {head[3]:>20} {head[4]:>12}"]
    for label, entered, model, spread, tolerance, status in rows:
        lines.append(f"{label:<40} {entered:>14} {model:>14} {spread:>20} {tolerance:>12}  {status}")
    return lines


def parameter_lines(result: Fit, lang: str = "fr") -> list[str]:
    """The fitted local quantities, each against the baseline's value."""
    reference = scenarios.load(result.base).params
    lines = []
    for tg in TARGETS:
        value, usual = result.fitted[tg.parameter], getattr(reference, tg.parameter)
        lines.append(
            t(
                "organisation.fitted",
                lang,
                name=t(f"param.{tg.parameter}.label", lang),
                value=number(value, lang),
                usual=number(usual, lang),
            )
        )
    return lines


def unmatched_lines(result: Fit, lang: str = "fr") -> list[str]:
    """For each fitted figure out of tolerance: which, and why."""
    lines = []
    for row in result.rows:
        if row.fitted and not row.matched:
            reason = "organisation.why.bound" if row.at_bound else "organisation.why.noise"
            lines.append(
                t(
                    reason,
                    lang,
                    figure=t(f"organisation.row.{row.key}", lang),
                    parameter=t(f"param.{row.parameter}.label", lang),
                    model=_value(row.model, row.share, lang),
                )
                + " "
                + t(f"organisation.why.{row.key}", lang)
            )
    return lines


def report_lines(result: Fit, lang: str = "fr") -> list[str]:
    """Everything the command line prints: national comparisons, the table, the fitted quantities, the gaps."""
    lines = [t("organisation.header", lang, name=result.form.name, seeds=len(result.seeds)), ""]
    lines += form_module.comparisons(result.form, lang) + [""]
    lines += table_lines(result, lang) + [""]
    lines += [t("organisation.fitted_header", lang)] + ["  " + line for line in parameter_lines(result, lang)]
    gaps = unmatched_lines(result, lang)
    lines += [""] + (
        [t("organisation.unmatched", lang)] + ["  " + g for g in gaps]
        if gaps
        else [t("organisation.all_matched", lang)]
    )
    return lines


def to_toml(result: Fit, lang: str = "fr") -> str:
    """The starting scenario as TOML: a comment saying where it came from, the scenario, and the form."""
    comment = [
        t("organisation.toml_comment", lang, name=result.form.name, seeds=", ".join(map(str, result.seeds))),
        *table_lines(result, lang),
    ]
    text = "".join(f"# {line}".rstrip() + "\n" for line in comment)
    return text + "\n" + scenarios.to_toml(result.scenario) + "\n" + form_module.to_toml(result.form)
