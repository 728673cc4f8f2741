"""The replicate runs behind the Compare and Reform-lab pages, and what the pages show of them (no UI).

The runs are :func:`sim.studies.compare` and :func:`sim.studies.reform_effect`;
they take a ``tick`` callback (called after each run) that may raise to stop
between runs. Here they become words and charts in the reader's language:
each number with its unit, shares as percentages, effects on shares in
percentage points, and one plain sentence per effect.

Each scenario or arm runs over K posterior draws (:mod:`sim.posterior`) ×
the seeds, the same draws and seeds everywhere, or over the seeds alone
(K = 0). Intervals, over seeds: Student's t 95% interval of the mean across
replicates (at least :data:`~sim.dashboard.urlstate.MIN_REPLICATES`); over
draws: the 2.5-97.5 percentiles of the per-draw means (:mod:`sim.stats`).
The words say which (:class:`Coverage`). They are shown within the values an
indicator can take (0 to 100% for a share): a t interval can reach past them,
which says nothing more than "near the bound".

With two scenarios, :func:`decomposition` splits their difference into the
Shapley contributions of their families of levers (:func:`sim.decompose.decompose`).
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from sim import posterior, scenarios
from sim.constants import WEEKS_PER_YEAR
from sim.dashboard import charts, formats
from sim.dashboard.urlstate import CompareSettings, ReformSettings
from sim.decompose import Decomposition, decompose, waterfall_figure
from sim.decompose import changes as family_changes
from sim.errors import InputError
from sim.i18n import NBSP, bracket, indicator_label, indicator_unit, label, plural, t, value_text
from sim.metrics import HEADLINE, clipped
from sim.params import Params
from sim.scenarios import Reform, Scenario
from sim.stats import INTERVAL_DRAWS, trajectory_bands
from sim.studies import Comparison, ReformEffect, reform_effect
from sim.studies import compare as compare_scenarios

SCENARIO_COLOURS = charts.OKABE_ITO[:4]
"""Compared scenarios, in the order chosen (every other one dashed too, for print and colour-blind readers)."""


@dataclass(frozen=True)
class Coverage:
    """Which uncertainty a result's intervals cover: the seeds alone (``draws`` = 0) or K posterior draws."""

    replicates: int
    draws: int = 0

    @property
    def kind(self) -> str:  # "seeds" or "draws", as the catalogue's keys say it
        return "draws" if self.draws else "seeds"

    @classmethod
    def of(cls, summary: pd.DataFrame, replicates: int) -> Coverage:
        """What a summary's ``interval`` column says (:data:`sim.stats.INTERVAL_DRAWS` or seeds)."""
        over_draws = "interval" in summary and bool((summary["interval"] == INTERVAL_DRAWS).any())
        return cls(replicates, int(summary["draws"].max()) if over_draws else 0)


def size_text(coverage: Coverage, lang: str, unit: str = "count.replicates") -> str:
    """``5 répétitions`` or ``10 tirages de la calibration × 5 répétitions``."""
    replicates = plural(unit, coverage.replicates, lang)
    if not coverage.draws:
        return replicates
    return t("uncertainty.size", lang, draws=plural("count.draws", coverage.draws, lang), replicates=replicates)


def covers_text(coverage: Coverage, lang: str) -> str:
    """The sentence naming what the intervals cover (the model's chance alone, or the calibrated parameters)."""
    return t(f"uncertainty.covers.{coverage.kind}", lang, k=coverage.draws, n=coverage.replicates)


def interval_note(coverage: Coverage, lang: str) -> str:
    """The intervals' legend under a table: how they are computed and what they cover."""
    return t(f"uncertainty.note.{coverage.kind}", lang, k=coverage.draws, n=coverage.replicates)


def interval_name(coverage: Coverage, lang: str) -> str:
    """``IC 95 % sur les graines`` or ``intervalle 95 % sur les tirages``."""
    return t(f"uncertainty.interval.{coverage.kind}", lang)


def posterior_draws(k: int) -> list[dict[str, Any]]:
    """K parameter sets from the shipped calibration (none for K = 0), as ``centaure compare --draws K`` takes them."""
    if not k:
        return []
    chosen = posterior.shipped()
    if chosen is None:
        raise InputError("draws: no calibration is shipped", field="draws", value=k, allowed="no_calibration")
    return posterior.draws(chosen, k)


def compare_runs(settings: CompareSettings) -> int:
    """Runs of a comparison: scenarios × draws × replicates."""
    return len(settings.scenarios) * settings.replicates * max(1, settings.draws)


def reform_runs(settings: ReformSettings) -> int:
    """Runs of a reform study: two arms × draws × replicates."""
    return 2 * settings.replicates * max(1, settings.draws)


@dataclass(frozen=True)
class CompareResult:
    settings: CompareSettings
    comparison: Comparison

    @property
    def runs(self) -> pd.DataFrame:  # scenario, replicate, week, indicators
        return self.comparison.runs

    @property
    def summary(self) -> pd.DataFrame:  # scenario, indicator, mean, ci_low, ci_high, replicates, draws, interval
        return self.comparison.summary

    @property
    def coverage(self) -> Coverage:
        return Coverage.of(self.summary, self.settings.replicates)


@dataclass(frozen=True)
class ReformResult:
    settings: ReformSettings
    effect: ReformEffect

    @property
    def runs(self) -> pd.DataFrame:  # arm, replicate, week, indicators
        return self.effect.runs

    @property
    def difference(self) -> pd.DataFrame:  # replicate, week, indicators (reform − counterfactual)
        return self.effect.difference

    @property
    def summary(self) -> pd.DataFrame:  # indicator, counterfactual, reform, mean, ci_low, ci_high, draws, interval
        return self.effect.summary

    @property
    def coverage(self) -> Coverage:
        return Coverage.of(self.summary, self.settings.replicates)

    @property
    def scenario(self) -> Scenario:  # the reformed scenario (for TOML export)
        return self.effect.reformed


def base_scenario(name: str, values: dict, years: int) -> Scenario:
    return scenarios.load(name).with_changes(**values, weeks=WEEKS_PER_YEAR * years)


def compare(settings: CompareSettings, tick: Callable[[], None] = lambda: None) -> CompareResult:
    """Replicates of each chosen scenario, on the same draws and seeds."""
    chosen = {name: base_scenario(name, dict(settings.values), settings.years) for name in settings.scenarios}
    draws = posterior_draws(settings.draws)
    return CompareResult(settings, compare_scenarios(chosen, settings.replicates, progress=tick, draws=draws))


def reform(settings: ReformSettings, tick: Callable[[], None] = lambda: None) -> ReformResult:
    """The reform against its counterfactual on the same draws and seeds, and their paired difference."""
    base = base_scenario(settings.scenario, dict(settings.values), settings.years)
    changes = Reform(settings.week, dict(settings.changes))
    draws = posterior_draws(settings.draws)
    return ReformResult(settings, reform_effect(base, changes, settings.replicates, progress=tick, draws=draws))


def unchanged_levers(settings: ReformSettings) -> list[str]:
    """The reform's levers that already have the chosen value at its week (its own schedule included)."""
    scenario = base_scenario(settings.scenario, dict(settings.values), settings.years)
    params: Params = scenario.params
    for planned in scenario.reforms:
        if planned.week <= settings.week:
            params = params.replace(**planned.changes)
    return [name for name, value in settings.changes.items() if getattr(params, name) == value]


# ---------------------------------------------------------------------------- words
def level_text(name: str, mean: float, low: float, high: float, lang: str, with_unit: bool) -> str:
    """``33,6 % [32,1 % ; 35,0 %]`` or ``0,52 [0,48 ; 0,56] moyenne 0-1``: a mean and its interval, kept within
    the indicator's possible values; the unit once, at the end (``with_unit``)."""
    low, high = clipped(name, low, high)
    texts = [formats.value(name, x, lang, with_unit=False) for x in (mean, low, high)]
    unit = indicator_unit(name, lang) if with_unit and not formats.is_share(name) else ""
    return f"{texts[0]} {bracket(texts[1], texts[2], lang)}" + (f"{NBSP}{unit}" if unit else "")


def when_text(week: int, lang: str) -> str:
    """``semaine 157 (année 4, semaine 1)``."""
    year, within = divmod(week - 1, WEEKS_PER_YEAR)
    return t("reform.when", lang, week=week, year=year + 1, within=within + 1)


def reform_text(settings: ReformSettings, lang: str) -> str:
    """What the reform does: ``Pression du reporting → 0,2 part du temps de travail, ...``."""
    return changes_text(settings.changes, lang)


def changes_text(changes: dict[str, Any], lang: str) -> str:
    """``Pression du reporting → 0,2 part du temps de travail, ...`` for any lever = value table."""
    specs = Params.specs()
    return ", ".join(f"{label(specs[k], lang)} → {value_text(specs[k], v, lang)}" for k, v in changes.items())


def settings_coverage(settings: CompareSettings | ReformSettings) -> Coverage:
    """What a batch's intervals will cover, from its settings (a result says it from its summary)."""
    return Coverage(settings.replicates, settings.draws)


def compare_heading(settings: CompareSettings, lang: str) -> str:
    """``Résultat pour : npm, alliance — 10 tirages de la calibration × 5 répétitions, 10 ans.``"""
    titles = ", ".join(scenarios.load(n).text("title", lang) for n in settings.scenarios)
    return t(
        "compare.result_for",
        lang,
        scenarios=titles,
        replicates=size_text(settings_coverage(settings), lang),
        years=plural("count.years", settings.years, lang),
    )


def reform_heading(settings: ReformSettings, lang: str) -> str:
    return t(
        "reform.result_for",
        lang,
        scenario=scenarios.load(settings.scenario).text("title", lang),
        when=when_text(settings.week, lang),
        what=reform_text(settings, lang),
        replicates=size_text(settings_coverage(settings), lang),
        years=plural("count.years", settings.years, lang),
    )


def result_heading(result: CompareResult | ReformResult, lang: str) -> str:
    """What a result was computed for, and which uncertainty its intervals cover."""
    heading = compare_heading if isinstance(result, CompareResult) else reform_heading
    return f"{heading(result.settings, lang)} {covers_text(result.coverage, lang)}"


def summary_caption(result: CompareResult | ReformResult, lang: str) -> str:
    """The summary table's title: over how many draws and seeds, and which interval."""
    coverage = result.coverage
    if isinstance(result, CompareResult):
        return t("compare.summary", lang, size=size_text(coverage, lang), interval=interval_name(coverage, lang))
    size = size_text(coverage, lang, unit="count.pairs")
    return t("reform.summary", lang, size=size, interval=interval_name(coverage, lang))


def compare_cells(result: CompareResult, lang: str, with_unit: bool = False) -> dict[str, dict[str, str]]:
    """indicator -> scenario -> ``33,6 % [32,1 % ; 35,0 %]`` (final-year mean and its interval)."""
    out: dict[str, dict[str, str]] = {}
    for row in result.summary.itertuples():
        text = level_text(row.indicator, row.mean, row.ci_low, row.ci_high, lang, with_unit)
        out.setdefault(row.indicator, {})[row.scenario] = text
    return out


def compare_sentences(result: CompareResult, lang: str) -> dict[str, str]:
    """One sentence per indicator: each scenario's final-year mean with its interval (and unit)."""
    cells = compare_cells(result, lang, with_unit=True)
    colon = f"{NBSP}:" if lang == "fr" else ":"
    return {
        name: f"{t('compare.final_year', lang)}{colon} "
        + ", ".join(f"{scenarios.load(s).text('title', lang)} {cells[name][s]}" for s in result.settings.scenarios)
        + "."
        for name in cells
    }


@dataclass(frozen=True)
class Effect:
    """One indicator's effect, in words."""

    indicator: str
    before: str
    after: str
    effect: str
    interval: str
    sentence: str


def effects(result: ReformResult, lang: str) -> list[Effect]:
    """Each headline indicator: before → after, the effect (points for a share) with its interval, and a sentence."""
    return summary_effects(result.summary, result.coverage, lang)


def summary_effects(summary: pd.DataFrame, coverage: Coverage, lang: str) -> list[Effect]:
    """:func:`effects` of a reform summary's rows (indicator, counterfactual, reform, mean, ci_low, ci_high), e.g.
    one organisation's rows of a reform of that organisation."""
    out = []
    for row in summary.itertuples():
        name = row.indicator
        before, after = formats.value(name, row.counterfactual, lang), formats.value(name, row.reform, lang)
        effect = formats.difference(name, row.mean, lang)
        between = formats.difference_interval(name, row.ci_low, row.ci_high, lang, row.mean)
        sentence = t(
            "reform.sentence",
            lang,
            indicator=indicator_label(name, lang),
            before=before,
            after=after,
            effect=effect,
            name=interval_name(coverage, lang),
            interval=between,
        )
        if row.ci_low <= 0.0 <= row.ci_high:
            sentence += " " + t(f"uncertainty.chance.{coverage.kind}", lang)
        out.append(Effect(name, before, after, effect, between, sentence))
    return out


def effect_sentences(result: ReformResult, lang: str) -> dict[str, str]:
    return {e.indicator: e.sentence for e in effects(result, lang)}


# ---------------------------------------------------------------------------- charts
def bands(runs: pd.DataFrame, by: Sequence[str] = ("scenario",)) -> pd.DataFrame:
    """Weekly means and bands of the headline indicators, covering what the summary's intervals cover.

    Over seeds: :func:`sim.stats.trajectory_bands` (t interval of the mean).
    Over several posterior draws: each draw averaged over its seeds, then
    the mean and 2.5-97.5 percentiles of the per-draw means, week by week
    (the weekly counterpart of :func:`sim.stats.draw_interval`).
    """
    if "draw" not in runs or runs["draw"].nunique() < 2:
        return trajectory_bands(runs, HEADLINE, by=by)
    by = list(by)
    per_draw = runs.groupby([*by, "draw", "week"], sort=False)[list(HEADLINE)].mean().reset_index()
    long = per_draw.melt(id_vars=[*by, "draw", "week"], value_vars=list(HEADLINE), var_name="indicator")
    grouped = long.groupby([*by, "indicator", "week"], sort=False)["value"]
    out = grouped.agg(mean="mean", n="count").reset_index()
    out["ci_low"] = grouped.quantile(0.025).to_numpy()
    out["ci_high"] = grouped.quantile(0.975).to_numpy()
    return out


def compare_charts(result: CompareResult, lang: str) -> dict[str, str]:
    """One HTML chart per headline indicator: each scenario's trajectory with its band (over seeds or draws)."""
    names = list(result.settings.scenarios)
    return charts.band_charts(
        bands(result.runs),
        compare_sentences(result, lang),
        HEADLINE,
        "scenario",
        {n: scenarios.load(n).text("title", lang) for n in names},
        dict(zip(names, SCENARIO_COLOURS, strict=False)),
        lang,
        WEEKS_PER_YEAR * result.settings.years,
        dashed=names[1::2],
    )


def reform_charts(result: ReformResult, lang: str) -> tuple[dict[str, str], dict[str, str]]:
    """(both arms with their bands, the paired difference with its band), one HTML chart per headline indicator."""
    s = result.settings
    return arm_charts(
        result.runs, result.difference, effect_sentences(result, lang), s.years, s.week, result.coverage, lang
    )


def arm_charts(
    runs: pd.DataFrame,
    difference: pd.DataFrame,
    sentences: dict[str, str],
    years: int,
    week: int,
    coverage: Coverage,
    lang: str,
) -> tuple[dict[str, str], dict[str, str]]:
    """:func:`reform_charts` of any reform's runs and paired difference (one organisation's, for instance)."""
    arms = charts.band_charts(
        bands(runs, by=("arm",)),
        sentences,
        HEADLINE,
        "arm",
        {arm: t(f"reform.arm.{arm}", lang) for arm in charts.ARM_COLOURS},
        dict(charts.ARM_COLOURS),
        lang,
        WEEKS_PER_YEAR * years,
        marker_week=week,
        dashed=("counterfactual",),
    )
    differences = charts.difference_charts(
        bands(difference, by=("arm",)),
        sentences,
        HEADLINE,
        lang,
        WEEKS_PER_YEAR * years,
        week,
        interval=interval_name(coverage, lang),
    )
    return arms, differences


def compare_png(result: CompareResult, lang: str) -> bytes:
    """The comparison as a picture (export), titled after what it holds."""
    titles = {name: scenarios.load(name).text("title", lang) for name in result.settings.scenarios}
    heading = compare_heading(result.settings, lang)
    fig = charts.bands_figure(bands(result.runs), HEADLINE, "scenario", lang, heading, labels=titles)
    return charts.png_bytes(fig, dpi=90)


def reform_png(result: ReformResult, lang: str) -> bytes:
    """The reform's effect as a picture (export): the paired difference of each indicator, titled."""
    drawn = bands(result.difference, by=("arm",))
    fig = charts.difference_figure(drawn, HEADLINE, lang, result.settings.week, reform_heading(result.settings, lang))
    return charts.png_bytes(fig, dpi=90)


# ---------------------------------------------------------------------------- what explains a difference
@dataclass(frozen=True)
class DecompositionResult:
    """The second compared scenario minus the first, split into the Shapley contributions of their families."""

    settings: CompareSettings
    decomposition: Decomposition

    @property
    def table(self) -> pd.DataFrame:  # family (and "total"), indicator, mean, ci_low, ci_high, draws, interval
        return self.decomposition.table

    @property
    def coverage(self) -> Coverage:
        return Coverage.of(self.table, self.settings.replicates)


def pair(settings: CompareSettings) -> tuple[str, str]:
    """(baseline, scenario) of two compared scenarios: ``npm`` is the baseline when compared (as for
    ``centaure decompose SCENARIO --against npm``), else the first one."""
    first, second = settings.scenarios
    return (second, first) if second == "npm" else (first, second)


def decomposition_pair(settings: CompareSettings) -> tuple[Scenario, Scenario]:
    """(baseline, scenario) with the page's settings."""
    first, second = pair(settings)
    values = dict(settings.values)
    return base_scenario(first, values, settings.years), base_scenario(second, values, settings.years)


def decomposition_families(settings: CompareSettings) -> tuple[str, ...]:
    """The families of levers in which the two scenarios differ (each doubles the runs needed)."""
    baseline, target = decomposition_pair(settings)
    return tuple(family_changes(baseline, target))


def decomposition_runs(settings: CompareSettings) -> int:
    """Runs of a decomposition: 2^families coalitions × draws × replicates."""
    return 2 ** len(decomposition_families(settings)) * settings.replicates * max(1, settings.draws)


def decomposition(settings: CompareSettings, tick: Callable[[], None] = lambda: None) -> DecompositionResult:
    """:func:`sim.decompose.decompose` of the second scenario against the first, on the same draws and seeds."""
    baseline, target = decomposition_pair(settings)
    draws = posterior_draws(settings.draws)
    return DecompositionResult(settings, decompose(target, baseline, settings.replicates, progress=tick, draws=draws))


def pair_titles(settings: CompareSettings, lang: str) -> tuple[str, str]:
    """(baseline's title, scenario's title)."""
    first, second = pair(settings)
    return scenarios.load(first).text("title", lang), scenarios.load(second).text("title", lang)


def decomposition_intro(settings: CompareSettings, lang: str) -> str:
    """What the section computes, and how many runs it takes."""
    baseline, scenario = pair_titles(settings, lang)
    runs = plural("count.runs", decomposition_runs(settings), lang)
    return t("decompose.intro", lang, scenario=scenario, baseline=baseline, runs=runs)


def decomposition_heading(result: DecompositionResult, lang: str) -> str:
    s = result.settings
    baseline, scenario = pair_titles(s, lang)
    heading = t(
        "decompose.result_for",
        lang,
        scenario=scenario,
        baseline=baseline,
        size=size_text(Coverage(s.replicates, s.draws), lang),
        years=plural("count.years", s.years, lang),
    )
    return f"{heading} {covers_text(result.coverage, lang)}"


@dataclass(frozen=True)
class Contribution:
    """One family's share of one indicator's difference, in words."""

    family: str  # the family's id ("total" for the whole difference)
    name: str  # in the reader's language
    value: str  # −5,1 points
    interval: str  # [−6,0 ; −4,2] points
    clear: bool  # its interval leaves zero out


@dataclass(frozen=True)
class Explanation:
    """One indicator's difference and what explains it."""

    indicator: str
    contributions: tuple[Contribution, ...]  # the families, then the total
    sentence: str


def explanations(result: DecompositionResult, lang: str) -> list[Explanation]:
    """Per headline indicator: each family's contribution with its interval, and a sentence in plain words."""
    coverage = result.coverage
    baseline, scenario = pair_titles(result.settings, lang)
    out = []
    for name in result.decomposition.table["indicator"].drop_duplicates():
        rows = result.decomposition.contributions(name)
        parts = []
        for row in rows.itertuples():
            parts.append(
                Contribution(
                    row.family,
                    t("decompose.total", lang) if row.family == "total" else t(f"family.{row.family}", lang),
                    formats.difference(name, row.mean, lang),
                    formats.difference_interval(name, row.ci_low, row.ci_high, lang, row.mean),
                    not row.ci_low <= 0.0 <= row.ci_high,
                )
            )
        *families, total = parts
        sentence = t(
            "decompose.sentence",
            lang,
            indicator=indicator_label(name, lang),
            baseline=baseline,
            scenario=scenario,
            total=total.value,
            name=interval_name(coverage, lang),
            interval=total.interval,
        )
        means = rows.set_index("family")["mean"]
        clear = [c for c in families if c.clear]
        if clear:
            top = max(clear, key=lambda c: abs(means[c.family]))
            sentence += " " + t("decompose.mostly", lang, family=top.name, value=top.value)
        else:
            sentence += " " + t("decompose.unclear", lang)
        if len(families) > 1:
            listed = ", ".join(f"{c.name} {c.value}" for c in sorted(families, key=lambda c: -abs(means[c.family])))
            sentence += " " + t("decompose.parts", lang, parts=listed)
        out.append(Explanation(name, tuple(parts), sentence))
    return out


def explanation_rows(
    result: DecompositionResult, explanation: Explanation, lang: str
) -> tuple[list[str], list[list[str]]]:
    """Header and rows of one indicator's table: family, contribution, interval (the total last)."""
    header = [t("decompose.family", lang), t("decompose.contribution", lang), interval_name(result.coverage, lang)]
    return header, [[c.name, c.value, c.interval] for c in explanation.contributions]


def explanation_caption(result: DecompositionResult, explanation: Explanation, lang: str) -> str:
    baseline, scenario = pair_titles(result.settings, lang)
    return t(
        "decompose.table",
        lang,
        indicator=indicator_label(explanation.indicator, lang),
        scenario=scenario,
        baseline=baseline,
        interval=interval_name(result.coverage, lang),
    )


def waterfall_png(result: DecompositionResult, indicator: str, lang: str) -> bytes:
    """:func:`sim.decompose.waterfall_figure` for one indicator, the scenarios named by their titles."""
    baseline, scenario = pair_titles(result.settings, lang)
    titled = dataclasses.replace(result.decomposition, scenario=scenario, baseline=baseline)
    return charts.png_bytes(waterfall_figure(titled, indicator, lang), dpi=90)


def waterfall_html(result: DecompositionResult, explanation: Explanation, lang: str) -> str:
    """The waterfall as an image with its text alternative (the sentence) and a caption saying how to read it."""
    import base64

    baseline, scenario = pair_titles(result.settings, lang)
    data = base64.b64encode(waterfall_png(result, explanation.indicator, lang)).decode("ascii")
    reading = html.escape(t("decompose.figure", lang, baseline=baseline, scenario=scenario))
    return (
        f'<figure class="centaure-waterfall"><img src="data:image/png;base64,{data}" '
        f'alt="{html.escape(explanation.sentence)}" style="max-width:100%">'
        f"<figcaption>{reading}</figcaption></figure>"
    )


def decomposition_csv(result: DecompositionResult) -> bytes:
    """The contributions (family, indicator, mean, interval, what it covers) as CSV."""
    return result.table.to_csv(index=False).encode()
