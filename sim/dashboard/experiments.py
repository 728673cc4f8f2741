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
from sim.dashboard import charts
from sim.dashboard.urlstate import CompareSettings, ReformSettings
from sim.metrics import HEADLINE
from sim.run import run_replicates
from sim.scenarios import Reform, Scenario
from sim.stats import summary_table, trajectory_bands

ENTROPY = 20251114
"""One entropy for every page: the same seeds across scenarios and arms (common random numbers)."""


class Cancelled(Exception):
    """The person cancelled the runs."""


@dataclass(frozen=True)
class CompareResult:
    settings: CompareSettings
    runs: pd.DataFrame  # scenario, replicate, week, indicators
    summary: pd.DataFrame  # scenario, indicator, mean, ci_low, ci_high, replicates


@dataclass(frozen=True)
class ReformResult:
    settings: ReformSettings
    runs: pd.DataFrame  # arm, replicate, week, indicators
    difference: pd.DataFrame  # replicate, week, indicators (reform − counterfactual)
    summary: pd.DataFrame  # indicator, mean, ci_low, ci_high of the final-year difference
    scenario: Scenario  # the reformed scenario (for TOML export)


def _scenario(name: str, values: dict, years: int) -> Scenario:
    return scenarios.load(name).with_changes(**values, weeks=52 * years)


def compare(settings: CompareSettings, tick: Callable[[], None] = lambda: None) -> CompareResult:
    """Replicates of each chosen scenario, on the same seeds."""
    frames = []
    for name in settings.scenarios:
        sc = _scenario(name, dict(settings.values), settings.years)
        frame = run_replicates(sc, settings.replicates, entropy=ENTROPY, progress=tick)
        frame.insert(0, "scenario", name)
        frames.append(frame)
    runs = pd.concat(frames, ignore_index=True)
    return CompareResult(settings, runs, summary_table(runs, HEADLINE))


def reformed(settings: ReformSettings) -> tuple[Scenario, Scenario]:
    """(counterfactual, reform): the same scenario without and with the reform."""
    base = _scenario(settings.scenario, dict(settings.values), settings.years)
    reforms = tuple(sorted((*base.reforms, Reform(settings.week, dict(settings.changes))), key=lambda r: r.week))
    reform = Scenario(f"{base.name}_reform", base.params, reforms, base.title, base.shows, base.try_, dict(base.levers))
    return base, reform


def reform(settings: ReformSettings, tick: Callable[[], None] = lambda: None) -> ReformResult:
    """The reform against its counterfactual on the same seeds, and their paired difference."""
    counterfactual, reformed_sc = reformed(settings)
    arms = []
    for arm, sc in (("counterfactual", counterfactual), ("reform", reformed_sc)):
        frame = run_replicates(sc, settings.replicates, entropy=ENTROPY, progress=tick)
        frame.insert(0, "arm", arm)
        arms.append(frame)
    runs = pd.concat(arms, ignore_index=True)
    keys = ["replicate", "week"]
    a = arms[1].set_index(keys)[list(HEADLINE)]
    b = arms[0].set_index(keys)[list(HEADLINE)]
    difference = (a - b).reset_index()
    difference.insert(0, "arm", "difference")
    summary = summary_table(difference, HEADLINE, by=("arm",)).drop(columns="arm")
    return ReformResult(settings, runs, difference, summary, reformed_sc)


def compare_png(result: CompareResult, lang: str) -> bytes:
    """Trajectories of the headline indicators with 95% CI bands, one colour per scenario (by its title)."""
    bands = trajectory_bands(result.runs, HEADLINE)
    titles = {name: scenarios.load(name).text("title", lang) for name in result.settings.scenarios}
    return charts.png_bytes(charts.bands_figure(bands, HEADLINE, "scenario", lang, labels=titles), dpi=72)


def reform_pngs(result: ReformResult, lang: str) -> tuple[bytes, bytes]:
    """(both arms with their CI bands, the difference with its CI band) as PNG."""
    from sim.dashboard.i18n import t

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
