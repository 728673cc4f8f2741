"""What explains a difference: the Shapley decomposition of a scenario against a baseline.

A scenario differs from its baseline by a set of parameter values (territory
and organisations' own values) and reforms. These changes are grouped by the
*family* their parameters declare (pressure, management, funding, procedures,
outreach, participation, capacity, budget, needs, organisations; any other
parameter by its group). For a set S of families, v(S) is an indicator of the
baseline with the changes of S applied. The contribution of family g is its
Shapley value (Shapley 1953), the mean over orderings of the families of what
g adds when it joins:

    phi_g = sum over S not containing g of |S|! (n - |S| - 1)! / n! (v(S + g) - v(S)),

so the contributions add up exactly to the difference v(all) - v(none), and an
interaction between two families is split evenly between them. Every
coalition runs on the same seeds (common random numbers); the contributions
are computed replicate by replicate and summarised with a 95% CI across
replicates. With n families a decomposition needs 2^n scenarios.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim import scenarios as scenario_files
from sim.constants import DEFAULT_ENTROPY
from sim.errors import ScenarioError
from sim.metrics import HEADLINE
from sim.params import ORG_SEPARATOR, Params
from sim.scenarios import Reform, Scenario
from sim.stats import covers, final_year, interval
from sim.studies import Draws, Progress, ScenarioLike, as_scenarios, run_scenarios

MAX_FAMILIES = 8
"""2^8 = 256 coalitions: beyond, group the changes differently."""


def family(key: str) -> str:
    """The family of a parameter key (``name`` or ``name@j``): its declared family, else its group."""
    spec = Params.specs()[key.partition(ORG_SEPARATOR)[0]]
    return spec.family or spec.group


def value_of(params: Params, key: str) -> Any:
    """The value of ``name`` or ``name@j`` (organisation j's, its own or the territory's)."""
    name, _, j = key.partition(ORG_SEPARATOR)
    return params.value(name, int(j)) if j else getattr(params, name)


def changes(baseline: Scenario, scenario: Scenario) -> dict[str, dict[str, Any]]:
    """Family -> {parameter key: the scenario's value} for every value that differs from the baseline,
    and the families of the reforms the scenario adds (with no value of their own)."""
    keys = sorted(set(scenario.params.as_dict()) | set(baseline.params.as_dict()) - {"weeks"})
    out: dict[str, dict[str, Any]] = {}
    for key in keys:
        value = value_of(scenario.params, key)
        if value != value_of(baseline.params, key):
            out.setdefault(family(key), {})[key] = value
    for reform in scenario.reforms:
        if reform not in baseline.reforms:
            for key in reform.changes:
                out.setdefault(family(key), {})
    return out


def families_to_decompose(baseline: Scenario, scenario: Scenario) -> tuple[str, ...]:
    """The families of changes from ``baseline`` to ``scenario``; ScenarioError if none, or too many to run."""
    families = tuple(changes(baseline, scenario))
    if not families:
        raise ScenarioError(f"{scenario.name}: no parameter differs from {baseline.name}; nothing to decompose")
    if len(families) > MAX_FAMILIES:
        raise ScenarioError(
            f"{scenario.name}: {len(families)} families of changes ({', '.join(families)}); at most {MAX_FAMILIES}"
        )
    return families


def coalition(baseline: Scenario, scenario: Scenario, members: frozenset[str]) -> Scenario:
    """The baseline with the scenario's changes of the families in ``members`` (values and reforms)."""
    values = {k: v for f, group in changes(baseline, scenario).items() if f in members for k, v in group.items()}
    reforms = []
    for reform in scenario.reforms:
        if reform in baseline.reforms:
            continue
        kept = {k: v for k, v in reform.changes.items() if family(k) in members}
        if kept:
            reforms.append(Reform(reform.week, kept))
    name = "+".join(sorted(members)) or "none"
    return baseline.with_changes(**values).with_reforms(*reforms, name=name)


def shapley(value: Callable[[frozenset], Any], players: Sequence[Hashable]) -> dict[Hashable, Any]:
    """Exact Shapley values of a game ``value(coalition)`` (numbers or arrays) over ``players``."""
    n = len(players)
    worth = {frozenset(c): value(frozenset(c)) for r in range(n + 1) for c in itertools.combinations(players, r)}
    out = {}
    for player in players:
        others = [q for q in players if q != player]
        total = 0.0
        for r in range(n):
            weight = math.factorial(r) * math.factorial(n - r - 1) / math.factorial(n)
            for c in itertools.combinations(others, r):
                s = frozenset(c)
                total = total + weight * (worth[s | {player}] - worth[s])
        out[player] = total
    return out


@dataclass(frozen=True)
class Decomposition:
    """The contributions of each family of changes to a scenario's difference from its baseline."""

    scenario: str
    baseline: str
    families: tuple[str, ...]
    table: pd.DataFrame  # family (and "total"), indicator, mean, ci_low, ci_high, replicates
    per_replicate: pd.DataFrame  # family, indicator, replicate, contribution
    runs: pd.DataFrame  # coalition, replicate, week, indicators

    def contributions(self, indicator: str) -> pd.DataFrame:
        """The rows of one indicator, families first, then the total."""
        rows = self.table[self.table["indicator"] == indicator]
        return rows.set_index("family").loc[[*self.families, "total"]].reset_index()


def decompose(
    scenario: ScenarioLike,
    against: ScenarioLike = "npm",
    replicates: int = 5,
    *,
    indicators: Sequence[str] = HEADLINE,
    entropy: int = DEFAULT_ENTROPY,
    progress: Progress = None,
    draws: Draws = (),
    workers: int = 1,
) -> Decomposition:
    """Split scenario - baseline, for each indicator, into the Shapley contributions of its families of changes.

    Every coalition runs on the same seeds (and posterior ``draws``); each
    replicate's contributions are exact, and their interval is over seeds or,
    with draws, over draws (:func:`sim.stats.interval`).
    """
    (target,) = as_scenarios([scenario]).values()
    (baseline,) = as_scenarios([against]).values()
    target = (
        target.with_changes(weeks=baseline.params.weeks) if target.params.weeks != baseline.params.weeks else target
    )
    families = families_to_decompose(baseline, target)
    coalitions = {
        frozenset(c): coalition(baseline, target, frozenset(c))
        for r in range(len(families) + 1)
        for c in itertools.combinations(families, r)
    }
    labels = {members: "+".join(sorted(members)) or "none" for members in coalitions}
    runs = run_scenarios(
        {labels[m]: sc for m, sc in coalitions.items()},
        replicates,
        entropy=entropy,
        progress=progress,
        column="coalition",
        draws=draws,
        workers=workers,
    )
    indicators = list(indicators)
    means = final_year(runs).groupby(["coalition", "replicate"])[indicators].mean()
    rows = []
    for replicate in range(replicates * max(1, len(draws))):
        worth = {m: means.loc[(labels[m], replicate)].to_numpy() for m in coalitions}
        phi = shapley(worth.__getitem__, families)
        phi["total"] = worth[frozenset(families)] - worth[frozenset()]
        for fam, values in phi.items():
            rows += [
                {
                    "family": fam,
                    "indicator": ind,
                    "replicate": replicate,
                    "draw": replicate // replicates,
                    "contribution": float(v),
                }
                for ind, v in zip(indicators, values, strict=True)
            ]
    per_replicate = pd.DataFrame(rows)
    summary = []
    for (fam, ind), group in per_replicate.groupby(["family", "indicator"], sort=False):
        mean, low, high = interval(group["contribution"].to_numpy(), group["draw"].to_numpy())
        summary.append(
            {
                **{"family": fam, "indicator": ind, "mean": mean, "ci_low": low, "ci_high": high},
                **{"replicates": len(group), "draws": max(1, len(draws)), "interval": covers(runs)},
            }
        )
    return Decomposition(target.name, baseline.name, families, pd.DataFrame(summary), per_replicate, runs)


def family_changes(decomposition: Decomposition) -> Mapping[str, str]:
    """Family -> the parameters it changes, for a legend ("pressure: reporting_pressure, standardisation")."""
    target, baseline = scenario_files.load(decomposition.scenario), scenario_files.load(decomposition.baseline)
    return {fam: ", ".join(values) for fam, values in changes(baseline, target).items()}


def waterfall_figure(decomposition: Decomposition, indicator: str, lang: str = "en"):
    """A waterfall: from the baseline's value, each family's contribution (with its CI), to the scenario's."""
    from matplotlib.figure import Figure

    from sim.i18n import indicator_label, t

    rows = decomposition.contributions(indicator)
    parts = rows[rows["family"] != "total"]
    base = final_year(decomposition.runs[decomposition.runs["coalition"] == "none"])[indicator].mean()
    fig = Figure(figsize=(1.6 + 1.1 * len(parts), 4.2))
    ax = fig.subplots()
    level = base
    names = [t("decompose.baseline", lang, name=decomposition.baseline)]
    ax.bar(0, base, color="#bbbbbb")
    for k, row in enumerate(parts.itertuples(), start=1):
        colour = "#0072B2" if row.mean >= 0 else "#D55E00"  # Okabe-Ito blue / vermillion
        ax.bar(k, row.mean, bottom=level, color=colour)
        ax.errorbar(
            k, level + row.mean, yerr=[[row.mean - row.ci_low], [row.ci_high - row.mean]], color="black", capsize=3
        )
        level += row.mean
        names.append(t(f"family.{row.family}", lang))
    ax.bar(len(parts) + 1, level, color="#555555")
    names.append(t("decompose.scenario", lang, name=decomposition.scenario))
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    ax.set_title(indicator_label(indicator, lang))
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig
