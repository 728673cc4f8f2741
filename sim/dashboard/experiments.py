"""The replicate runs behind the Compare and Reform-lab pages (plain functions, no UI).

They take a ``tick`` callback (called after each run) that may raise
:class:`Cancelled` to stop between runs. Results are tidy DataFrames and the
tables and figures made from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from sim import scenarios
from sim.constants import WEEKS_PER_YEAR
from sim.dashboard import charts
from sim.dashboard.urlstate import CompareSettings, ReformSettings
from sim.metrics import HEADLINE
from sim.scenarios import Reform, Scenario
from sim.stats import trajectory_bands
from sim.studies import Comparison, ReformEffect, reform_effect
from sim.studies import compare as compare_scenarios


class Cancelled(Exception):
    """The person cancelled the runs."""


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


def _scenario(name: str, values: dict, years: int) -> Scenario:
    return scenarios.load(name).with_changes(**values, weeks=WEEKS_PER_YEAR * years)


def compare(settings: CompareSettings, tick: Callable[[], None] = lambda: None) -> CompareResult:
    """Replicates of each chosen scenario, on the same seeds."""
    chosen = {name: _scenario(name, dict(settings.values), settings.years) for name in settings.scenarios}
    return CompareResult(settings, compare_scenarios(chosen, settings.replicates, progress=tick))


def reform(settings: ReformSettings, tick: Callable[[], None] = lambda: None) -> ReformResult:
    """The reform against its counterfactual on the same seeds, and their paired difference."""
    base = _scenario(settings.scenario, dict(settings.values), settings.years)
    effect = reform_effect(base, Reform(settings.week, dict(settings.changes)), settings.replicates, progress=tick)
    return ReformResult(settings, effect)


def compare_png(result: CompareResult, lang: str) -> bytes:
    """Trajectories of the headline indicators with 95% CI bands, one colour per scenario (by its title)."""
    bands = trajectory_bands(result.runs, HEADLINE)
    titles = {name: scenarios.load(name).text("title", lang) for name in result.settings.scenarios}
    return charts.png_bytes(charts.bands_figure(bands, HEADLINE, "scenario", lang, labels=titles), dpi=72)


def reform_pngs(result: ReformResult, lang: str) -> tuple[bytes, bytes]:
    """(both arms with their CI bands, the difference with its CI band) as PNG."""
    from sim.i18n import t

    runs = result.runs.copy()
    runs["arm"] = runs["arm"].map(lambda a: t(f"reform.arm.{a}", lang))
    bands = trajectory_bands(runs, HEADLINE, by=("arm",))
    diff_bands = trajectory_bands(result.difference, HEADLINE, by=("arm",))
    first = charts.png_bytes(
        charts.bands_figure(bands, HEADLINE, "arm", lang, reform_week=result.settings.week), dpi=72
    )
    second = charts.png_bytes(charts.difference_figure(diff_bands, HEADLINE, lang, result.settings.week), dpi=72)
    return first, second


def stack_png(first: bytes, second: bytes) -> bytes:
    """Two PNG pictures one above the other."""
    import io

    import matplotlib.image as mpimg
    import numpy as np

    a = mpimg.imread(io.BytesIO(first), format="png")
    b = mpimg.imread(io.BytesIO(second), format="png")
    width = max(a.shape[1], b.shape[1])

    def pad(img):
        out = np.ones((img.shape[0], width, img.shape[2]), dtype=img.dtype)
        out[:, : img.shape[1]] = img
        return out

    buf = io.BytesIO()
    mpimg.imsave(buf, np.concatenate([pad(a), pad(b)]), format="png")
    return buf.getvalue()
