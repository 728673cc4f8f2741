"""The replicate runs behind the Compare and Reform-lab pages, and what the pages show of them (no UI).

The runs are :func:`sim.studies.compare` and :func:`sim.studies.reform_effect`;
they take a ``tick`` callback (called after each run) that may raise to stop
between runs. Here they become words and charts in the reader's language:
each number with its unit, shares as percentages, effects on shares in
percentage points, and one plain sentence per effect.

Intervals: Student's t 95% interval of the mean across replicates (at least
:data:`~sim.dashboard.urlstate.MIN_REPLICATES`), shown within the values an
indicator can take (0 to 100% for a share): with few replicates a t
interval can reach past them, which says nothing more than "near the bound".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from sim import scenarios
from sim.constants import WEEKS_PER_YEAR
from sim.dashboard import charts, formats
from sim.dashboard.urlstate import CompareSettings, ReformSettings
from sim.i18n import NBSP, NNBSP, indicator_label, indicator_unit, label, plural, t, value_text
from sim.metrics import HEADLINE
from sim.params import Params
from sim.scenarios import Reform, Scenario
from sim.stats import trajectory_bands
from sim.studies import Comparison, ReformEffect, reform_effect
from sim.studies import compare as compare_scenarios

SCENARIO_COLOURS = charts.OKABE_ITO[:4]
"""Compared scenarios, in the order chosen (every other one dashed too, for print and colour-blind readers)."""


@dataclass(frozen=True)
class CompareResult:
    settings: CompareSettings
    comparison: Comparison

    @property
    def runs(self) -> pd.DataFrame:  # scenario, replicate, week, indicators
        return self.comparison.runs

    @property
    def summary(self) -> pd.DataFrame:  # scenario, indicator, mean, ci_low, ci_high, replicates
        return self.comparison.summary


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
    def summary(self) -> pd.DataFrame:  # indicator, counterfactual, reform, mean, ci_low, ci_high
        return self.effect.summary

    @property
    def scenario(self) -> Scenario:  # the reformed scenario (for TOML export)
        return self.effect.reformed


def base_scenario(name: str, values: dict, years: int) -> Scenario:
    return scenarios.load(name).with_changes(**values, weeks=WEEKS_PER_YEAR * years)


def compare(settings: CompareSettings, tick: Callable[[], None] = lambda: None) -> CompareResult:
    """Replicates of each chosen scenario, on the same seeds."""
    chosen = {name: base_scenario(name, dict(settings.values), settings.years) for name in settings.scenarios}
    return CompareResult(settings, compare_scenarios(chosen, settings.replicates, progress=tick))


def reform(settings: ReformSettings, tick: Callable[[], None] = lambda: None) -> ReformResult:
    """The reform against its counterfactual on the same seeds, and their paired difference."""
    base = base_scenario(settings.scenario, dict(settings.values), settings.years)
    effect = reform_effect(base, Reform(settings.week, dict(settings.changes)), settings.replicates, progress=tick)
    return ReformResult(settings, effect)


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
    low, high = formats.clipped(name, low, high)
    sep = f"{NNBSP}; " if lang == "fr" else ", "
    texts = [formats.value(name, x, lang, with_unit=False) for x in (mean, low, high)]
    unit = indicator_unit(name, lang) if with_unit and not formats.is_share(name) else ""
    return f"{texts[0]} [{texts[1]}{sep}{texts[2]}]" + (f"{NBSP}{unit}" if unit else "")


def when_text(week: int, lang: str) -> str:
    """``semaine 157 (année 4, semaine 1)``."""
    year, within = divmod(week - 1, WEEKS_PER_YEAR)
    return t("reform.when", lang, week=week, year=year + 1, within=within + 1)


def reform_text(settings: ReformSettings, lang: str) -> str:
    """What the reform does: ``Pression du reporting → 0,2 part du temps de travail, ...``."""
    specs = Params.specs()
    return ", ".join(f"{label(specs[k], lang)} → {value_text(specs[k], v, lang)}" for k, v in settings.changes.items())


def compare_heading(settings: CompareSettings, lang: str) -> str:
    titles = ", ".join(scenarios.load(n).text("title", lang) for n in settings.scenarios)
    return t(
        "compare.result_for",
        lang,
        scenarios=titles,
        replicates=plural("count.replicates", settings.replicates, lang),
        years=plural("count.years", settings.years, lang),
    )


def reform_heading(settings: ReformSettings, lang: str) -> str:
    return t(
        "reform.result_for",
        lang,
        scenario=scenarios.load(settings.scenario).text("title", lang),
        when=when_text(settings.week, lang),
        what=reform_text(settings, lang),
        replicates=plural("count.replicates", settings.replicates, lang),
        years=plural("count.years", settings.years, lang),
    )


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
    out = []
    for row in result.summary.itertuples():
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
            interval=between,
        )
        if row.ci_low <= 0.0 <= row.ci_high:
            sentence += " " + t("reform.not_distinguishable", lang)
        out.append(Effect(name, before, after, effect, between, sentence))
    return out


def effect_sentences(result: ReformResult, lang: str) -> dict[str, str]:
    return {e.indicator: e.sentence for e in effects(result, lang)}


# ---------------------------------------------------------------------------- charts
def compare_charts(result: CompareResult, lang: str) -> dict[str, str]:
    """One HTML chart per headline indicator: each scenario's trajectory with its 95% CI band."""
    names = list(result.settings.scenarios)
    return charts.band_charts(
        trajectory_bands(result.runs, HEADLINE),
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
    sentences = effect_sentences(result, lang)
    arms = charts.band_charts(
        trajectory_bands(result.runs, HEADLINE, by=("arm",)),
        sentences,
        HEADLINE,
        "arm",
        {arm: t(f"reform.arm.{arm}", lang) for arm in charts.ARM_COLOURS},
        dict(charts.ARM_COLOURS),
        lang,
        WEEKS_PER_YEAR * result.settings.years,
        marker_week=result.settings.week,
        dashed=("counterfactual",),
    )
    differences = charts.difference_charts(
        trajectory_bands(result.difference, HEADLINE, by=("arm",)),
        sentences,
        HEADLINE,
        lang,
        WEEKS_PER_YEAR * result.settings.years,
        result.settings.week,
    )
    return arms, differences


def compare_png(result: CompareResult, lang: str) -> bytes:
    """The comparison as a picture (export), titled after what it holds."""
    bands = trajectory_bands(result.runs, HEADLINE)
    titles = {name: scenarios.load(name).text("title", lang) for name in result.settings.scenarios}
    fig = charts.bands_figure(bands, HEADLINE, "scenario", lang, compare_heading(result.settings, lang), labels=titles)
    return charts.png_bytes(fig, dpi=90)


def reform_png(result: ReformResult, lang: str) -> bytes:
    """The reform's effect as a picture (export): the paired difference of each indicator, titled."""
    bands = trajectory_bands(result.difference, HEADLINE, by=("arm",))
    fig = charts.difference_figure(bands, HEADLINE, lang, result.settings.week, reform_heading(result.settings, lang))
    return charts.png_bytes(fig, dpi=90)
