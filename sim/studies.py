"""Studies: plain functions over scenarios and seeds, returning tidy frames.

Every front end calls these — the ``centaure compare`` command, the
dashboard's Compare and Reform-lab pages, the notebooks — and none keeps its
own copy:

* :func:`run_scenarios`: replicates of several scenarios on common random
  numbers (replicate *r* of every scenario has the same seed);
* :func:`compare`: the same, summarised as final-year means with 95% CIs;
* :func:`reform_effect`: a reform against its counterfactual on the same
  seeds, with the paired difference and its CI.

Each can run every scenario over K posterior draws (:mod:`sim.posterior`)
× the seeds: replicate ``d * S + s`` is draw *d* with seed *s*, the same
draws and seeds in every scenario and arm, and the summaries' intervals then
cover the calibrated parameters' uncertainty (their ``interval`` column says
which uncertainty an interval covers).

A ``progress`` callback is called after each run; it may raise to stop the
study between runs (the dashboard's cancel button does). ``workers`` > 1 runs
the replicates on that many Dask processes, with the same results.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim import posterior
from sim import scenarios as scenario_files
from sim.constants import DEFAULT_ENTROPY
from sim.errors import ScenarioError
from sim.metrics import HEADLINE
from sim.run import run
from sim.scenarios import Reform, Scenario
from sim.stats import final_year, summary_table

ScenarioLike = str | Path | Scenario
Progress = Callable[[], None] | None
Draws = Sequence[posterior.Draw]


def replicate_seeds(n: int, entropy: int = DEFAULT_ENTROPY) -> list[np.random.SeedSequence]:
    """``n`` independent seeds spawned from one SeedSequence (reproducible anywhere).

    The same ``entropy`` gives the same seeds to every scenario: common random
    numbers, which sharpen comparisons between scenarios.
    """
    return np.random.SeedSequence(entropy).spawn(n)


def as_scenarios(chosen: Mapping[str, ScenarioLike] | Sequence[ScenarioLike]) -> dict[str, Scenario]:
    """Label -> Scenario; a sequence is labelled by what was given (a name or path) or the scenario's name."""
    items = chosen.items() if isinstance(chosen, Mapping) else ((_label(s), s) for s in chosen)
    out: dict[str, Scenario] = {}
    for label, scenario in items:
        if label in out:
            raise ScenarioError(f"{label}: given twice; each scenario of a study needs its own name", field=label)
        out[label] = scenario if isinstance(scenario, Scenario) else scenario_files.load(scenario)
    return out


def _label(scenario: ScenarioLike) -> str:
    return scenario.name if isinstance(scenario, Scenario) else str(scenario)


def run_scenarios(
    chosen: Mapping[str, ScenarioLike] | Sequence[ScenarioLike],
    replicates: int,
    *,
    entropy: int = DEFAULT_ENTROPY,
    every: int = 1,
    progress: Progress = None,
    column: str = "scenario",
    by_organisation: bool = False,
    draws: Draws = (),
    workers: int = 1,
) -> pd.DataFrame:
    """Replicates of each scenario on common seeds (and common posterior ``draws``): one row per
    ``column``, replicate and recorded week (and organisation, with ``by_organisation``; and a ``draw``
    column, with ``draws``). With ``workers`` > 1 the runs share that many processes (:func:`run_all`)."""
    seeds = replicate_seeds(replicates, entropy)
    keys, jobs = [], []
    for label, scenario in as_scenarios(chosen).items():
        for d, draw in enumerate(draws or [None]):
            drawn = scenario if draw is None else posterior.apply(scenario, draw)
            for s, seed in enumerate(seeds):
                keys.append((label, d, d * replicates + s))
                jobs.append((drawn, seed))
    frames = run_all(jobs, workers, every=every, by_organisation=by_organisation, progress=progress)
    for (label, d, replicate), frame in zip(keys, frames, strict=True):
        frame.insert(0, "replicate", replicate)
        if draws:
            frame.insert(0, "draw", d)
        frame.insert(0, column, label)
    return pd.concat(frames, ignore_index=True)


def run_all(
    jobs: Sequence[tuple[Scenario, np.random.SeedSequence]],
    workers: int = 1,
    *,
    every: int = 1,
    by_organisation: bool = False,
    progress: Progress = None,
) -> list[pd.DataFrame]:
    """:func:`sim.run.run` of each (scenario, seed), in order: in this process, or on ``workers`` processes of
    an embedded Dask LocalCluster. A run depends on its scenario and seed alone, so the frames are the same."""
    if workers <= 1:
        frames = []
        for scenario, seed in jobs:
            frames.append(run(scenario, seed, every=every, by_organisation=by_organisation))
            if progress is not None:
                progress()
        return frames
    from distributed import as_completed

    from sim.batch import cluster

    with cluster.client(workers, None, timeout=0.0, on_wait=None) as (client, _, _):  # embedded: nothing to wait for
        scenarios, seeds = [scenario for scenario, _ in jobs], [seed for _, seed in jobs]
        futures = client.map(run, scenarios, seeds, every=every, by_organisation=by_organisation, pure=False)
        for _ in as_completed(futures):
            if progress is not None:
                progress()
        return client.gather(futures)


@dataclass(frozen=True)
class Comparison:
    """Replicates of several scenarios and their final-year summary."""

    runs: pd.DataFrame  # scenario, replicate, week, every indicator
    summary: pd.DataFrame  # scenario, indicator, mean, ci_low, ci_high, replicates
    indicators: tuple[str, ...]

    @property
    def scenarios(self) -> list[str]:
        """Scenario labels, in the order given."""
        return list(dict.fromkeys(self.runs["scenario"]))

    def cell(self, scenario: str, indicator: str) -> pd.Series:
        """The summary row of one scenario and indicator."""
        rows = self.summary[(self.summary["scenario"] == scenario) & (self.summary["indicator"] == indicator)]
        return rows.iloc[0]


def compare(
    chosen: Mapping[str, ScenarioLike] | Sequence[ScenarioLike],
    replicates: int,
    *,
    indicators: Sequence[str] = HEADLINE,
    entropy: int = DEFAULT_ENTROPY,
    progress: Progress = None,
    draws: Draws = (),
    workers: int = 1,
) -> Comparison:
    """Replicates of each scenario on common seeds (and ``draws``), with final-year means and 95% intervals."""
    runs = run_scenarios(chosen, replicates, entropy=entropy, progress=progress, draws=draws, workers=workers)
    return Comparison(runs, summary_table(runs, indicators), tuple(indicators))


@dataclass(frozen=True)
class ReformEffect:
    """A reform against its counterfactual on the same seeds."""

    counterfactual: Scenario
    reformed: Scenario
    runs: pd.DataFrame  # arm (counterfactual | reform), replicate, week, [organisation,] every indicator
    difference: pd.DataFrame  # arm = difference, replicate, week, [organisation,] indicators: reform - counterfactual
    summary: pd.DataFrame  # [organisation,] indicator, counterfactual, reform, mean, ci_low, ci_high, replicates
    indicators: tuple[str, ...]


ARMS = ("counterfactual", "reform")


def reform_effect(
    scenario: ScenarioLike,
    reforms: Reform | Sequence[Reform],
    replicates: int,
    *,
    indicators: Sequence[str] = HEADLINE,
    entropy: int = DEFAULT_ENTROPY,
    progress: Progress = None,
    by_organisation: bool = False,
    draws: Draws = (),
) -> ReformEffect:
    """``scenario`` with and without ``reforms`` on the same seeds.

    The summary gives, per indicator, the final-year mean of each arm and the
    mean paired difference (reform - counterfactual) with its 95% interval
    (across seeds, or across posterior ``draws``): pairing on common seeds and
    draws removes the noise the two arms share.
    With ``by_organisation``, every frame and the summary are per organisation
    (how a reform of one organisation reads: its own indicators, and its
    neighbours').
    """
    (counterfactual,) = as_scenarios([scenario]).values()
    reforms = (reforms,) if isinstance(reforms, Reform) else tuple(reforms)
    if not reforms:
        raise ScenarioError("reforms: expected at least one reform", field="reforms")
    reformed = counterfactual.with_reforms(*reforms, name=f"{counterfactual.name}_reform")
    indicators = tuple(indicators)
    runs = run_scenarios(
        dict(zip(ARMS, (counterfactual, reformed), strict=True)),
        replicates,
        entropy=entropy,
        progress=progress,
        column="arm",
        by_organisation=by_organisation,
        draws=draws,
    )
    unit = ["organisation"] if by_organisation else []
    keys = [*(["draw"] if draws else []), "replicate", "week", *unit]
    arm = {name: runs[runs["arm"] == name].set_index(keys)[list(indicators)] for name in ARMS}
    difference = (arm["reform"] - arm["counterfactual"]).reset_index()
    difference.insert(0, "arm", "difference")
    summary = summary_table(difference, indicators, by=("arm", *unit)).drop(columns="arm")
    means = final_year(runs).groupby(["arm", *unit])[list(indicators)].mean().stack()
    rows = pd.MultiIndex.from_frame(summary[[*unit, "indicator"]]) if unit else pd.Index(summary["indicator"])
    for position, name in enumerate(ARMS, start=len(unit) + 1):
        summary.insert(position, name, means.loc[name].reindex(rows).to_numpy())
    return ReformEffect(counterfactual, reformed, runs, difference, summary, indicators)
