"""Analyse a sweep's results folder: summaries with 95% CIs, Sobol or Morris indices, replicate check.

SALib-style small functions over arrays (:func:`sobol_indices`,
:func:`morris_indices`, :func:`replicate_curve`, :func:`replicates_needed`)
and :func:`analyze`, which reads ``DIR/manifest.json`` and ``DIR/runs/`` and
writes CSV tables and PNG figures into ``DIR/analysis/``.

A run's output for sensitivity analysis is the mean of an indicator over the
final year of the horizon (the last 52 weeks), the convention of
``centaure compare`` (:func:`sim.stats.final_year`); with several replicates,
the indices use the mean across replicates of each design point.

An experiment's ``[analysis] differences`` (pairs of scenarios) adds, for each
pair, the **paired difference** of every indicator — the same design point and
the same replicate (the same seed) in both scenarios — analysed as a scenario
of its own (:func:`paired_differences`): its Sobol or Morris indices say which
varied parameters the *gap* between two scenarios rests on.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as scipy_stats

from sim.batch import designs, storage
from sim.batch.designs import Factor
from sim.errors import AnalysisError
from sim.io import write_table
from sim.stats import final_year, mean_ci, summary_table, trajectory_bands

KEYS = ["scenario", "point", "replicate"]
CONF_LEVEL = 0.95
RESAMPLES = 1000
ANALYSIS_SEED = 20251114
MAX_TRAJECTORY_GROUPS = 12
MAX_TRAJECTORY_TABLE_GROUPS = 500
FOLDER = "analysis"


# ---------------------------------------------------------------------------- array functions
def sobol_indices(
    problem: dict[str, Any],
    y: np.ndarray,
    second_order: bool = False,
    conf_level: float = CONF_LEVEL,
    resamples: int = RESAMPLES,
    seed: int = ANALYSIS_SEED,
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """First-order and total Sobol indices with bootstrap CI half-widths (SALib ``sobol.analyze``).

    Returns (one row per parameter: S1, S1_conf, ST, ST_conf; second-order table or None).
    """
    from SALib.analyze import sobol

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = sobol.analyze(
            problem,
            np.asarray(y, dtype=float),
            calc_second_order=second_order,
            num_resamples=resamples,
            conf_level=conf_level,
            seed=seed,
        )
    names = problem["names"]
    table = pd.DataFrame(
        {
            "parameter": names,
            "S1": result["S1"],
            "S1_conf": result["S1_conf"],
            "ST": result["ST"],
            "ST_conf": result["ST_conf"],
        }
    )
    pairs = None
    if second_order:
        rows = []
        for i in range(len(names)):
            for j in range(i + 1, len(names)):
                rows.append(
                    {
                        "parameter_1": names[i],
                        "parameter_2": names[j],
                        "S2": result["S2"][i, j],
                        "S2_conf": result["S2_conf"][i, j],
                    }
                )
        pairs = pd.DataFrame(rows)
    return table, pairs


def morris_indices(
    problem: dict[str, Any],
    x: np.ndarray,
    y: np.ndarray,
    levels: int = 4,
    conf_level: float = CONF_LEVEL,
    resamples: int = RESAMPLES,
    seed: int = ANALYSIS_SEED,
) -> pd.DataFrame:
    """Morris elementary effects: mu, mu*, sigma and the CI half-width of mu* (SALib ``morris.analyze``).

    Effects are per unit of the normalised range (x scaled to [0, 1]), so they
    compare across levers with different units.
    """
    from SALib.analyze import morris

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = morris.analyze(
            problem,
            np.asarray(x, dtype=float),
            np.asarray(y, dtype=float),
            num_resamples=resamples,
            conf_level=conf_level,
            num_levels=levels,
            seed=seed,
        )
    return pd.DataFrame(
        {
            "parameter": problem["names"],
            "mu": result["mu"],
            "mu_star": result["mu_star"],
            "sigma": result["sigma"],
            "mu_star_conf": result["mu_star_conf"],
        }
    )


def replicate_curve(values: np.ndarray, level: float = CONF_LEVEL) -> pd.DataFrame:
    """For n = 2..len(values): mean, standard error and CI of the first n replicates."""
    values = np.asarray(values, dtype=float)
    rows = []
    for n in range(2, values.size + 1):
        head = values[:n]
        mean, low, high = mean_ci(head, level)
        se = float(head.std(ddof=1) / math.sqrt(n))
        rel = (high - mean) / abs(mean) if mean != 0 else float("nan")
        rows.append({"replicates": n, "mean": mean, "se": se, "ci_low": low, "ci_high": high, "rel_halfwidth": rel})
    return pd.DataFrame(rows)


def replicates_needed(values: np.ndarray, precision: float, level: float = CONF_LEVEL, limit: int = 100_000) -> int:
    """Fewest replicates whose CI half-width would be at most ``precision`` x |mean|.

    Uses the standard deviation of ``values``; 0 if the mean is 0 (no relative
    precision exists), ``limit`` if not reached by then.
    """
    values = np.asarray(values, dtype=float)
    mean, sd = float(values.mean()), float(values.std(ddof=1)) if values.size > 1 else float("nan")
    if not np.isfinite(sd) or mean == 0:
        return 0
    if sd == 0:
        return 2
    target = precision * abs(mean)
    n = max(2, math.ceil((1.96 * sd / target) ** 2))
    while n < limit and scipy_stats.t.ppf(0.5 + level / 2, n - 1) * sd / math.sqrt(n) > target:
        n += 1
    while n > 2 and scipy_stats.t.ppf(0.5 + level / 2, n - 2) * sd / math.sqrt(n - 1) <= target:
        n -= 1
    return min(n, limit)


# ---------------------------------------------------------------------------- reading results
def run_table(manifest: dict[str, Any]) -> pd.DataFrame:
    """One row per planned run: scenario, point, replicate, run_id and the varied parameters."""
    rows = [{k: r[k] for k in ("run_id", *KEYS)} | r["params"] for r in manifest["runs"]]
    return pd.DataFrame(rows)


def results(out: str | Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """The manifest and the tidy rows of the experiment's stored runs (joined through the manifest)."""
    out = Path(out)
    manifest = storage.read_manifest(out)
    if manifest is None:
        raise AnalysisError(
            f"{out}: no {storage.MANIFEST}; give the folder a sweep wrote (centaure sweep ... --out DIR)"
        )
    indicators = manifest["record"]["indicators"]
    storage.checksums(out, manifest.get("files", {}))
    data = storage.load(out)
    runs = run_table(manifest)
    if data.empty:
        return manifest, runs.iloc[0:0].assign(week=pd.Series(dtype="int64"))
    data = data[["run_id", "week", *indicators]]
    frame = runs.merge(data, on="run_id", how="inner", validate="many_to_many")
    if manifest.get("posterior"):  # replicate r ran with posterior draw r: summaries then say so (sim.stats.covers)
        frame["draw"] = frame["replicate"]
    return manifest, frame.sort_values([*KEYS, "week"], kind="stable").reset_index(drop=True)


def per_run(frame: pd.DataFrame, indicators: Sequence[str]) -> pd.DataFrame:
    """Each run's final-year mean of every indicator (one row per scenario, point, replicate)."""
    return final_year(frame).groupby(KEYS, sort=True)[list(indicators)].mean().reset_index()


def difference_name(scenario: str, baseline: str) -> str:
    """The name a paired difference goes by in tables and figures (``alliance - npm``)."""
    return f"{scenario} - {baseline}"


def paired_differences(runs: pd.DataFrame, pairs: Sequence[Sequence[str]], indicators: Sequence[str]) -> pd.DataFrame:
    """Per pair ``(scenario, baseline)``: scenario minus baseline, run by run, for every indicator.

    Runs are paired on (point, replicate) — the same parameter values and the
    same seed in both scenarios (the experiment's seeds do not depend on the
    scenario) — and the row's ``scenario`` is :func:`difference_name`. A design
    point or replicate missing in either scenario has no difference.
    """
    frames = []
    for scenario, baseline in pairs:
        left, right = (
            runs[runs["scenario"] == name].set_index(["point", "replicate"])[list(indicators)]
            for name in (scenario, baseline)
        )
        paired = left.join(right, how="inner", lsuffix="_a", rsuffix="_b")
        diff = pd.DataFrame(
            {name: paired[f"{name}_a"] - paired[f"{name}_b"] for name in indicators}, index=paired.index
        )
        frames.append(diff.reset_index().assign(scenario=difference_name(scenario, baseline)))
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*KEYS, *indicators])
    return _front(table, KEYS).sort_values(KEYS, kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------- the folder
@dataclass
class AnalysisReport:
    """What ``analyze`` found and wrote."""

    folder: Path
    runs_planned: int
    runs_found: int
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sobol: pd.DataFrame | None = None
    morris: pd.DataFrame | None = None
    differences: pd.DataFrame | None = None  # the paired differences' indices (Sobol or Morris)
    paired: pd.DataFrame | None = None  # the paired differences per run (scenario = difference_name)
    summary: pd.DataFrame | None = None
    advice: pd.DataFrame | None = None


def folder_kind(out: str | Path) -> str:
    """``calibration`` for a folder written by ``centaure calibrate`` (by its manifest's format), else ``sweep``."""
    path = Path(out) / storage.MANIFEST
    if path.is_file():
        try:
            manifest = storage.read_json(path)
        except storage.StorageError:
            return "sweep"  # the sweep reader names the problem
        if isinstance(manifest, dict) and str(manifest.get("format", "")).startswith("centaure-calibration/"):
            return "calibration"
    return "sweep"


def analyze(out: str | Path, lang: str = "en") -> Any:
    """A sweep's analysis (below), or a calibration's report (:mod:`sim.batch.calibration_report`)."""
    if folder_kind(out) == "calibration":
        from sim.batch.calibration_report import report

        return report(out, lang=lang)
    return analyze_sweep(out, lang)


def analyze_sweep(out: str | Path, lang: str = "en") -> AnalysisReport:
    """Write summaries, indices, the replicate check and figures into ``out/analysis/``."""
    from sim.batch import plots

    out = Path(out)
    manifest, frame = results(out)
    indicators = list(manifest["record"]["indicators"])
    factors = [Factor.from_description(d) for d in manifest["design"]["factors"]]
    report = AnalysisReport(out / FOLDER, len({r["run_id"] for r in manifest["runs"]}), frame["run_id"].nunique())
    if frame.empty:
        raise AnalysisError(f"{out}: no stored runs yet; run the sweep first (centaure sweep EXPERIMENT --out {out})")
    folder = _writable(report.folder)
    if report.runs_found < report.runs_planned:
        report.notes.append(
            f"{report.runs_planned - report.runs_found} of {report.runs_planned} runs are missing"
            " (failed or not run yet): summaries use what is there"
        )

    def save(table: pd.DataFrame, name: str) -> None:
        report.files.append(write_table(table, folder / name))

    def figure(fig: Any, name: str) -> None:
        report.files.append(plots.save_figure(fig, folder / name))

    points = pd.DataFrame(
        [{"point": i, **designs.values(factors, row)} for i, row in enumerate(manifest["design"]["sample"])]
    )
    runs = per_run(frame, indicators)
    save(runs.merge(points, on="point", how="left"), "per_run.csv")

    summary = summary_table(frame, indicators, by=("scenario", "point"))
    summary = summary.merge(points, on="point", how="left")
    report.summary = summary
    save(summary, "summary.csv")

    groups = frame[["scenario", "point"]].drop_duplicates()
    if len(groups) <= MAX_TRAJECTORY_TABLE_GROUPS:
        labelled = frame.assign(group=_group_labels(frame, factors, len(groups)))
        bands = trajectory_bands(labelled, indicators, by=("group",))
        save(bands, "trajectories.csv")
        if len(groups) <= MAX_TRAJECTORY_GROUPS and frame["week"].nunique() > 1:
            figure(plots.trajectories_figure(bands, indicators, group="group", lang=lang), "trajectories.png")
    if factors:
        figure(plots.effects_figure(runs.merge(points, on="point"), factors, indicators, lang=lang), "effects.png")

    pairs = manifest.get("analysis", {}).get("differences", [])
    differences = paired_differences(runs, pairs, indicators)
    if pairs:
        report.paired = differences
        save(differences.merge(points, on="point", how="left"), "differences_per_run.csv")
    named = [difference_name(*pair) for pair in pairs]

    method = manifest["design"]["method"]
    indices = {"sobol": (_sobol, plots.sobol_figure), "morris": (_morris, plots.morris_figure)}
    if method in indices:
        compute, draw = indices[method]
        table = compute(manifest, runs, manifest["scenarios"], indicators, report, save, method)
        setattr(report, method, table)
        if table is not None:
            figure(draw(table, lang=lang), f"{method}.png")
        if pairs:
            report.differences = compute(
                manifest, differences, named, indicators, report, save, f"{method}_differences"
            )
            if report.differences is not None:
                figure(draw(report.differences, lang=lang, differences=True), f"{method}_differences.png")

    precision = float(manifest.get("analysis", {}).get("precision", 0.05))
    if manifest["replicates"] < 2:
        report.notes.append("replicate check skipped: the experiment has 1 replicate (set replicates >= 2)")
    elif runs.groupby(["scenario", "point"]).size().max() < 2:
        report.notes.append(
            "replicate check skipped: no design point has two replicates stored yet (re-run the sweep to complete it)"
        )
    else:
        curve, advice = _replicates(runs, indicators, precision)
        report.advice = advice
        save(curve, "replicates.csv")
        save(advice, "replicates_advice.csv")
        figure(plots.replicates_figure(curve, indicators, precision, lang=lang), "replicates.png")
    return report


def _writable(folder: Path) -> Path:
    """``folder``, made if missing, once it is known that files can be written in it (else AnalysisError)."""
    if folder.exists() and not folder.is_dir():
        raise AnalysisError(f"{folder}: is a file, not a folder; move it away to analyse the results here")
    with storage.writing(folder):
        folder.mkdir(exist_ok=True)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise AnalysisError(f"{folder}: cannot write (permission denied); make it writable or copy the results")
    return folder


def _group_labels(frame: pd.DataFrame, factors: Sequence[Factor], n_groups: int) -> pd.Series:
    """'scenario' when there is one design point, else 'scenario · lever=value, ...'."""
    if frame["point"].nunique() == 1:
        return frame["scenario"].astype(str)
    shown = [f.name for f in factors]

    def label(row: pd.Series) -> str:
        values = ", ".join(f"{n}={_short(row[n])}" for n in shown)
        return f"{row['scenario']} · {values}" if frame["scenario"].nunique() > 1 else values

    keys = frame[["scenario", "point", *shown]].drop_duplicates(["scenario", "point"])
    labels = {(r["scenario"], r["point"]): label(r) for _, r in keys.iterrows()}
    return pd.Series([labels[k] for k in zip(frame["scenario"], frame["point"], strict=True)], index=frame.index)


def _short(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _complete_y(
    runs: pd.DataFrame, scenario: str, n_points: int, indicator: str, report: AnalysisReport, what: str
) -> np.ndarray | None:
    """Mean across replicates per design point, in design order; None (with a note) if incomplete."""
    means = runs[runs["scenario"] == scenario].groupby("point")[indicator].mean()
    y = means.reindex(range(n_points)).to_numpy(dtype=float)
    missing = int(np.count_nonzero(~np.isfinite(y)))
    if missing:
        report.notes.append(
            f"{what} skipped for {scenario}/{indicator}: {missing} of {n_points} design points have no result"
            " (re-run the sweep to complete it)"
        )
        return None
    if np.ptp(y) == 0:
        report.notes.append(f"{what} skipped for {scenario}/{indicator}: the output does not vary")
        return None
    return y


def _outputs(
    runs: pd.DataFrame,
    groups: Sequence[str],
    indicators: Sequence[str],
    n_points: int,
    report: AnalysisReport,
    what: str,
) -> Iterator[tuple[str, str, np.ndarray]]:
    """(group, indicator, y) for every group and indicator whose output is complete and varies (notes otherwise)."""
    for scenario in groups:
        for indicator in indicators:
            y = _complete_y(runs, scenario, n_points, indicator, report, what)
            if y is not None:
                yield scenario, indicator, y


def _sobol(
    manifest: dict[str, Any],
    runs: pd.DataFrame,
    groups: Sequence[str],
    indicators: Sequence[str],
    report: AnalysisReport,
    save: Any,
    name: str,
):
    """Sobol indices of each group (a scenario or a paired difference) and indicator, saved as ``name``.csv."""
    design = manifest["design"]
    second = bool(design["options"].get("second_order", True))
    n_points = len(design["sample"])
    firsts, pairs = [], []
    for scenario, indicator, y in _outputs(runs, groups, indicators, n_points, report, "Sobol indices"):
        table, s2 = sobol_indices(design["problem"], y, second_order=second)
        firsts.append(table.assign(scenario=scenario, indicator=indicator))
        if s2 is not None:
            pairs.append(s2.assign(scenario=scenario, indicator=indicator))
    if not firsts:
        return None
    table = _front(pd.concat(firsts, ignore_index=True), ["scenario", "indicator"])
    save(table, f"{name}.csv")
    if pairs:
        stem = name.replace("sobol", "sobol_second_order", 1)
        save(_front(pd.concat(pairs, ignore_index=True), ["scenario", "indicator"]), f"{stem}.csv")
    return table


def _morris(
    manifest: dict[str, Any],
    runs: pd.DataFrame,
    groups: Sequence[str],
    indicators: Sequence[str],
    report: AnalysisReport,
    save: Any,
    name: str,
):
    """Morris indices of each group (a scenario or a paired difference) and indicator, saved as ``name``.csv."""
    design = manifest["design"]
    x = np.asarray(design["sample"], dtype=float)
    levels = int(design["options"].get("levels", 4))
    tables = []
    for scenario, indicator, y in _outputs(runs, groups, indicators, len(x), report, "Morris indices"):
        table = morris_indices(design["problem"], x, y, levels=levels)
        tables.append(table.assign(scenario=scenario, indicator=indicator))
    if not tables:
        return None
    table = _front(pd.concat(tables, ignore_index=True), ["scenario", "indicator"])
    save(table, f"{name}.csv")
    return table


def _replicates(runs: pd.DataFrame, indicators: Sequence[str], precision: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SE of the mean against the number of replicates, per design point; and the advice per indicator."""
    curves, advice = [], []
    for (scenario, point), group in runs.groupby(["scenario", "point"], sort=True):
        group = group.sort_values("replicate")
        for name in indicators:
            values = group[name].to_numpy(dtype=float)
            if values.size < 2:
                continue
            curve = replicate_curve(values)
            curves.append(curve.assign(scenario=scenario, point=point, indicator=name))
            advice.append(
                {
                    "scenario": scenario,
                    "point": point,
                    "indicator": name,
                    "replicates": values.size,
                    "mean": float(values.mean()),
                    "sd": float(values.std(ddof=1)),
                    "rel_halfwidth": float(curve["rel_halfwidth"].iloc[-1]),
                    "needed": replicates_needed(values, precision),
                }
            )
    curve = _front(pd.concat(curves, ignore_index=True), ["scenario", "point", "indicator"])
    per_point = pd.DataFrame(advice)
    worst = (
        per_point.groupby("indicator", sort=False)
        .agg(
            replicates=("replicates", "max"),
            worst_rel_halfwidth=("rel_halfwidth", "max"),
            median_rel_halfwidth=("rel_halfwidth", "median"),
            needed=("needed", "max"),
        )
        .reset_index()
    )
    worst.insert(1, "precision", precision)
    return curve, worst


def _front(table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    return table[[*columns, *[c for c in table.columns if c not in columns]]]
