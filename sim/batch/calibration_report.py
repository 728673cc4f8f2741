"""What ``centaure analyze`` makes of a calibration folder: fit, posterior, identifiability, territory check.

* **Fit table** — for each target: its band, and the posterior-predictive mean
  and 95% interval of its statistic (the mean over the calibration's S seeds
  of the indicator's final-year mean), from ``draws`` particles drawn by weight
  from the last generation, each run on S fresh seeds (through Dask, like the
  calibration).
* **Posterior** — per parameter: the weighted median and 95% interval, the
  prior, and the ratio of the posterior's standard deviation to the prior's
  (1: the targets tell nothing about it; near 0: pinned down); the weighted
  correlations between parameters (a strong one means the targets fix a
  combination of the two, not each); marginal and pairwise plots.
* **Territory check** — the posterior median run on the calibration's
  territory and on the reference territory (same horizon), and on the
  reference territory with the scenario's own horizon (what
  ``tests/test_behaviour.py`` checks), over the same number of seeds: the
  calibrated shares should not depend on the territory's size.

Everything is written into ``DIR/analysis/`` (or ``out``); with ``docs``, a
Markdown report with its figures under ``docs/img/calibration/``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.batch import calibrate, cluster, storage
from sim.batch.calibrate import POSTERIOR, Simulator, particle_hash, summarise, weighted_quantile
from sim.batch.cluster import TIMEOUT
from sim.errors import AnalysisError
from sim.i18n import bracket, fixed, interval, number, t
from sim.io import atomic_write_text, write_table
from sim.plots import save_figure
from sim.stats import mean_ci

DRAWS = 20
TERRITORY_SEEDS = 6
FOLDER = "analysis"
IMAGES = Path("img") / "calibration"
PINNED, PARTLY = 0.5, 0.8
"""Posterior/prior standard-deviation ratios below which a parameter is pinned down, or partly."""
STRONG = 0.5
"""A weighted correlation at least this large (in absolute value) is reported as a trade-off."""
EDGE = 0.02
"""A 95% bound within this share of the prior's width from the prior's bound is reported as at the edge."""


@dataclass
class CalibrationAnalysis:
    folder: Path
    fit: pd.DataFrame
    posterior: pd.DataFrame
    correlations: pd.DataFrame
    territory: pd.DataFrame
    text: str
    files: list[Path] = field(default_factory=list)


def _task(simulator: Simulator, values: dict[str, Any], keys: list[tuple[int, ...]]) -> dict[str, float]:
    """Run on a worker: the statistics of ``values`` over the runs of ``keys``."""
    return simulator.statistics(simulator.runs(values, keys))


def load(folder: str | Path) -> tuple[dict[str, Any], pd.DataFrame]:
    """The manifest and the posterior of a calibration folder (its checksum checked)."""
    folder = Path(folder)
    manifest = calibrate.read_manifest(folder)
    if manifest is None:
        raise AnalysisError(f"{folder}: no {storage.MANIFEST}; give the folder centaure calibrate wrote")
    path = folder / POSTERIOR
    if not path.exists():
        raise AnalysisError(f"{folder}: no {POSTERIOR} yet; run the calibration first (centaure calibrate ...)")
    recorded = manifest.get("files", {}).get(POSTERIOR)
    if recorded and storage.digest(path) != recorded:
        raise AnalysisError(
            f"{path}: changed or damaged since the calibration wrote it (its sha256 differs from the one in"
            f" {storage.MANIFEST}); run the same centaure calibrate command to rewrite it"
        )
    return manifest, pd.read_parquet(path)


def simulator(manifest: dict[str, Any], **changes: Any) -> Simulator:
    """The calibration's simulator, rebuilt from its manifest (``changes`` to its base parameters)."""
    key = manifest["key"]
    rows = manifest["targets"]["rows"]
    base = {**manifest["scenario"]["params"], **changes}
    return Simulator(
        run=key["run"],
        base=base,
        reforms=manifest["scenario"]["reforms"],
        names=tuple(p["name"] for p in manifest["priors"]),
        weeks=int(base.get("weeks", key["weeks"])) if "weeks" in changes else key["weeks"],
        every=key["every"],
        targets=tuple(r["target"] for r in rows),
        indicators=tuple(r["indicator"] for r in rows),
        entropy=key["seed"],
        seeds=key["seeds"],
    )


def posterior_table(manifest: dict[str, Any], table: pd.DataFrame) -> pd.DataFrame:
    """Per parameter: prior, declared default, weighted median and 95% interval, sd ratio posterior/prior."""
    summary = summarise(table).set_index("parameter")
    w = table["weight"].to_numpy()
    rows = []
    for prior in manifest["priors"]:
        name = prior["name"]
        v = table[name].to_numpy()
        sd = math.sqrt(np.average((v - np.average(v, weights=w)) ** 2, weights=w))
        prior_sd = (prior["high"] - prior["low"]) / math.sqrt(12)
        s = summary.loc[name]
        rows.append(
            {
                "parameter": name,
                "prior_low": prior["low"],
                "prior_high": prior["high"],
                "declared_default": prior["declared"]["default"],
                "median": s["median"],
                "low": s["low"],
                "high": s["high"],
                "sd_ratio": sd / prior_sd,
            }
        )
    return pd.DataFrame(rows)


def correlations(table: pd.DataFrame) -> pd.DataFrame:
    """Weighted Pearson correlations between the calibrated parameters (a square table)."""
    names = list(table.columns.drop("weight"))
    cov = np.cov(table[names].to_numpy().T, aweights=table["weight"].to_numpy())
    sd = np.sqrt(np.diag(cov))
    return pd.DataFrame(cov / np.outer(sd, sd), index=names, columns=names)


def draw(table: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """``n`` particles drawn by weight (with replacement), reproducibly."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(7,)))
    rows = rng.choice(len(table), size=n, replace=True, p=table["weight"].to_numpy() / table["weight"].sum())
    return table.iloc[rows].drop(columns="weight").reset_index(drop=True)


def _run_all(
    jobs: list[tuple[Simulator, dict[str, Any], list[tuple[int, ...]]]],
    workers: int | None,
    scheduler: str | None,
    timeout: float,
    on_progress: Callable[[int, int], None] | None,
) -> list[dict[str, float]]:
    """The statistics of every job, through Dask (the calibration's cluster options)."""
    from distributed import as_completed

    out: list[dict[str, float] | None] = [None] * len(jobs)
    with cluster.client(workers, scheduler, timeout, None) as (client, _, _n):
        futures = {client.submit(_task, *job, pure=False): k for k, job in enumerate(jobs)}
        done = 0
        for future in as_completed(futures):
            out[futures[future]] = future.result()
            done += 1
            if on_progress:
                on_progress(done, len(jobs))
    return [o for o in out if o is not None]


def report(
    folder: str | Path,
    draws: int = DRAWS,
    docs: Path | None = None,
    out: Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float = TIMEOUT,
    lang: str = "en",
    on_progress: Callable[[int, int], None] | None = None,
    territory_seeds: int = TERRITORY_SEEDS,
) -> CalibrationAnalysis:
    """Write the fit table, posterior summary, correlations, territory check and figures (see the module)."""
    folder = Path(folder)
    manifest, table = load(folder)
    out = Path(out) if out is not None else folder / FOLDER
    images = (docs.parent / IMAGES) if docs is not None else out
    sim_ = simulator(manifest)
    names = list(sim_.names)
    seeds = sim_.seeds

    sample = draw(table, draws, sim_.entropy)
    jobs = []
    for row in sample.itertuples(index=False):
        values = sim_.values(row._asdict())
        h = particle_hash(values)
        jobs.append((sim_, values, [(h, seeds + s) for s in range(seeds)]))  # fresh seeds, not the calibration's
    post = posterior_table(manifest, table)
    median = sim_.values(dict(zip(post["parameter"], post["median"], strict=True)))
    settings = _territories(manifest)
    for _label, simulator_ in settings:
        for s in range(territory_seeds):
            jobs.append((replace(simulator_, seeds=1), median, [(0, 1000 + s)]))
    results = _run_all(jobs, workers, scheduler, timeout, on_progress)
    predictive = pd.DataFrame(results[:draws])
    fit = fit_table(manifest, predictive)
    territory = territory_table(manifest, settings, results[draws:], territory_seeds)
    corr = correlations(table)

    files: list[Path] = []

    def save(frame: pd.DataFrame, name: str) -> None:
        files.append(write_table(frame, out / name))

    def figure(fig: Figure, name: str) -> Path:
        files.append(save_figure(fig, images / name))
        return files[-1]

    save(fit, "fit.csv")
    save(post, "posterior_summary.csv")
    save(corr.reset_index(names="parameter"), "correlations.csv")
    save(territory, "territory.csv")
    save(predictive.assign(**{f"param_{n}": sample[n] for n in names}), "predictive.csv")
    marginal = figure(marginals_figure(manifest, table), "marginals.png")
    pairs = figure(pairs_figure(manifest, table), "pairs.png")
    text = markdown(manifest, fit, post, corr, territory, draws, territory_seeds, marginal, pairs, docs, folder)
    if docs is not None:
        files.append(atomic_write_text(docs, text))
    summary = _summary_text(fit, post, lang)
    return CalibrationAnalysis(out, fit, post, corr, territory, summary, files)


def _territories(manifest: dict[str, Any]) -> list[tuple[str, Simulator]]:
    """The calibration's territory, the reference territory (same horizon), the reference as the scenario runs it."""
    from sim.params import Params

    key = manifest["key"]
    if key.get("scenario") is None:
        return []
    specs = Params.specs()
    fixed = manifest.get("fixed", {})
    reference = {n: specs[n].default for n in fixed if n in specs and specs[n].group == "structure"}
    if not reference:
        return [("calibration", simulator(manifest))]
    from sim import scenarios

    weeks = scenarios.load(key["scenario"]).params.weeks
    shown = ", ".join(f"{n} = {v}" for n, v in fixed.items())
    ref = ", ".join(f"{n} = {v}" for n, v in reference.items())
    return [
        (f"calibration territory ({shown}), {key['weeks']} weeks", simulator(manifest)),
        (f"reference territory ({ref}), {key['weeks']} weeks", simulator(manifest, **reference)),
        (
            f"reference territory, {weeks} weeks (tests/test_behaviour.py)",
            simulator(manifest, **reference, weeks=weeks),
        ),
    ]


def fit_table(manifest: dict[str, Any], predictive: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in manifest["targets"]["rows"]:
        v = predictive[r["target"]].to_numpy()
        mean = float(np.mean(v))
        rows.append(
            {
                "target": r["target"],
                "indicator": r["indicator"],
                "value": r["value"],
                "low": r["low"],
                "high": r["high"],
                "mean": mean,
                "p2_5": float(np.quantile(v, 0.025)),
                "p97_5": float(np.quantile(v, 0.975)),
                "in_band": bool(r["low"] <= mean <= r["high"]),
                "share_of_draws_in_band": float(np.mean((v >= r["low"]) & (v <= r["high"]))),
            }
        )
    return pd.DataFrame(rows)


def territory_table(
    manifest: dict[str, Any], settings: list[tuple[str, Simulator]], results: Sequence[dict[str, float]], n: int
) -> pd.DataFrame:
    rows = []
    for k, (label, _sim) in enumerate(settings):
        chunk = pd.DataFrame(results[k * n : (k + 1) * n])
        for r in manifest["targets"]["rows"]:
            mean, low, high = mean_ci(chunk[r["target"]].to_numpy())
            rows.append(
                {
                    "setting": label,
                    "target": r["target"],
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "band_low": r["low"],
                    "band_high": r["high"],
                    "in_band": bool(r["low"] <= mean <= r["high"]),
                }
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- figures
def marginals_figure(manifest: dict[str, Any], table: pd.DataFrame) -> Figure:
    priors = manifest["priors"]
    cols = min(4, len(priors))
    rows = -(-len(priors) // cols)
    fig = Figure(figsize=(3.6 * cols, 2.8 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    w = table["weight"].to_numpy()
    for ax, prior in zip(axes, priors, strict=False):
        name, low, high = prior["name"], prior["low"], prior["high"]
        v = table[name].to_numpy()
        ax.hist(v, bins=np.linspace(low, high, 16), weights=w, density=True, color="#4C72B0", alpha=0.75)
        ax.axhline(1 / (high - low), color="0.4", linestyle="--", linewidth=1, label="prior")
        ax.axvline(weighted_quantile(v, w, 0.5), color="#C44E52", linewidth=1.5, label="median")
        ax.axvline(prior["declared"]["default"], color="0.2", linestyle=":", linewidth=1.2, label="former default")
        ax.set_xlim(low, high)
        ax.set_title(name, fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes[len(priors) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7)
    fig.suptitle("Marginal posteriors (last generation, weighted) against the uniform priors", fontsize=10)
    return fig


def pairs_figure(manifest: dict[str, Any], table: pd.DataFrame) -> Figure:
    priors = manifest["priors"]
    d = len(priors)
    fig = Figure(figsize=(1.9 * d + 1, 1.9 * d + 1), layout="constrained")
    axes = fig.subplots(d, d, squeeze=False)
    w = table["weight"].to_numpy()
    size = 4 + 40 * w / w.max()
    for i, pi in enumerate(priors):
        for j, pj in enumerate(priors):
            ax = axes[i, j]
            ax.tick_params(labelsize=5)
            if j > i:
                ax.set_visible(False)
                continue
            if i == j:
                ax.hist(table[pi["name"]], bins=12, weights=w, color="#4C72B0", alpha=0.75)
                ax.set_xlim(pi["low"], pi["high"])
            else:
                ax.scatter(table[pj["name"]], table[pi["name"]], s=size, alpha=0.5, color="#4C72B0", linewidths=0)
                ax.set_xlim(pj["low"], pj["high"])
                ax.set_ylim(pi["low"], pi["high"])
            if i == d - 1:
                ax.set_xlabel(pj["name"], fontsize=6)
            if j == 0 and i > 0:
                ax.set_ylabel(pi["name"], fontsize=6)
    fig.suptitle("Pairwise posterior (point size: weight), axes span the priors", fontsize=9)
    return fig


# ---------------------------------------------------------------------------- text
def _g(x: float) -> str:
    return f"{x:.3g}"


def _summary_text(fit: pd.DataFrame, post: pd.DataFrame, lang: str) -> str:
    """What ``centaure analyze`` prints of a calibration: the fit, then the posterior, in ``lang``."""
    lines = [t("calibration.fit_header", lang)]
    for r in fit.itertuples():
        flag = "" if r.in_band else t("calibration.outside", lang)
        band = t("calibration.band", lang, low=number(r.low, lang), high=number(r.high, lang))
        cell = interval(r.mean, r.p2_5, r.p97_5, lang)
        lines.append(f"  {r.target:<28} {band} {cell}{flag}")
    lines.append(t("calibration.posterior_header", lang))
    for r in post.itertuples():
        cell = f"{number(r.median, lang)} {bracket(number(r.low, lang), number(r.high, lang), lang)}"
        ratio = t("calibration.sd_ratio", lang, ratio=fixed(r.sd_ratio, lang, 2))
        lines.append(f"  {r.parameter:<24} {cell}  {ratio}")
    return "\n".join(lines)


def identifiability(post: pd.DataFrame, corr: pd.DataFrame) -> list[str]:
    """Plain sentences: which parameters the targets pin down, which they do not, which trade off."""
    lines = []
    pinned = [r.parameter for r in post.itertuples() if r.sd_ratio < PINNED]
    partly = [r.parameter for r in post.itertuples() if PINNED <= r.sd_ratio < PARTLY]
    loose = [r.parameter for r in post.itertuples() if r.sd_ratio >= PARTLY]
    ratios = {r.parameter: r.sd_ratio for r in post.itertuples()}

    def names(group: list[str]) -> str:
        return ", ".join(f"`{n}` ({ratios[n]:.2f})" for n in group)

    if pinned:
        lines.append(
            f"* **Pinned down** (posterior sd below {PINNED} of the prior's): {names(pinned)}. The targets"
            " leave these parameters a narrow range."
        )
    if partly:
        lines.append(
            f"* **Partly identified** (sd ratio {PINNED}-{PARTLY}): {names(partly)}. The targets narrow them,"
            " but a good part of the prior range remains compatible with every band."
        )
    if loose:
        lines.append(
            f"* **Not pinned down** (sd ratio {PARTLY} or more): {names(loose)}. Their posterior is almost"
            " as wide as their prior: the targets, as measured with this noise, say little about them; their"
            " median is a central value, not a measurement, and conclusions should not rest on it."
        )
    edges = []
    for r in post.itertuples():
        width = r.prior_high - r.prior_low
        if r.high >= r.prior_high - EDGE * width:
            edges.append(f"`{r.parameter}` (97.5% quantile {_g(r.high)}, prior up to {_g(r.prior_high)})")
        if r.low <= r.prior_low + EDGE * width:
            edges.append(f"`{r.parameter}` (2.5% quantile {_g(r.low)}, prior from {_g(r.prior_low)})")
    if edges:
        lines.append(
            f"* **At the edge of the prior**: {'; '.join(edges)}. The posterior presses against the prior's bound:"
            " values beyond it may fit as well or better, so its interval is bounded by the prior, not by the"
            " targets; a wider prior is the next step for it."
        )
    names_ = list(corr.columns)
    pairs = [
        (names_[i], names_[j], corr.iloc[i, j])
        for i in range(len(names_))
        for j in range(i)
        if abs(corr.iloc[i, j]) >= STRONG
    ]
    if pairs:
        shown = "; ".join(f"`{a}` and `{b}` (r = {r:+.2f})" for a, b, r in sorted(pairs, key=lambda p: -abs(p[2])))
        lines.append(
            f"* **Trade-offs** (weighted correlation |r| >= {STRONG}): {shown}. Along each pair the targets fix"
            " a combination (a positive r: both up or both down keep the fit; a negative r: one compensates"
            " the other), not each parameter alone."
        )
    else:
        lines.append(f"* **Trade-offs**: no pair of parameters has a weighted correlation |r| >= {STRONG}.")
    return lines


def markdown(
    manifest: dict[str, Any],
    fit: pd.DataFrame,
    post: pd.DataFrame,
    corr: pd.DataFrame,
    territory: pd.DataFrame,
    draws: int,
    territory_seeds: int,
    marginal: Path,
    pairs: Path,
    docs: Path | None,
    folder: Path,
) -> str:
    """The calibration report (docs/calibration.md)."""
    key = manifest["key"]
    gens = manifest["generations"]
    wall = manifest.get("wall_seconds", 0.0)
    versions = manifest["versions"]
    base = docs.parent if docs is not None else folder

    def rel(path: Path) -> str:
        return os.path.relpath(path, base)

    lines = [
        "# Calibration of the npm baseline (ABC-SMC)",
        "",
        f"<!-- generated by `centaure analyze {folder} --docs {docs if docs else 'FILE.md'}`; do not edit by hand -->",
        "",
        f"{manifest['calibration']['title']}. The parameters below were fitted by approximate Bayesian"
        " computation (pyABC's ABC-SMC, Beaumont et al. 2009; Klinger, Rickert & Hasenauer 2018) so that the"
        f" settled `{key['scenario']}` baseline reproduces every row of `{manifest['targets']['file']}`; every"
        " other parameter keeps its declared value. The model's point values (the defaults in `sim/params.py`,"
        " which `npm` and every scenario built on it use) are the posterior's weighted medians, rounded to three"
        " significant digits (`scripts/set_calibrated_defaults.py`; each declaration says where its value came"
        " from and what it replaced). Comparisons carry the calibration's uncertainty through posterior draws"
        " (`centaure compare --draws`; `centaure sweep`, whose replicates each take a draw; on by default)."
        " The posterior particles"
        " are shipped in `sim/data/calibration/npm/posterior.parquet` (one column per parameter and `weight`)"
        " with their `manifest.json`.",
        "",
        "```bash",
        "centaure sweep experiments/screen_npm.toml && centaure analyze results/screen_npm   # the screen",
        f"centaure calibrate experiments/calibrate_npm.toml        # {_minutes(wall)} on this 2-core machine",
        "centaure analyze results/calibrate_npm --docs docs/calibration.md   # this page",
        "```",
        "",
        "## Method",
        "",
        f"* **Simulator.** The `{key['scenario']}` scenario with its default spin-up, then {key['weeks']} weeks;"
        " each target is compared with its indicator's mean over the final 52 weeks (`sim/targets.py`, the"
        " code `tests/test_behaviour.py` uses). Territory: "
        + ", ".join(f"`{n} = {v}`" for n, v in manifest.get("fixed", {}).items())
        + " (half the reference territory, same users per worker and workers per organisation; the check"
        " below shows the calibrated shares do not depend on its size).",
        f"* **Replicates.** Each particle runs **S = {key['seeds']}** seeds and its statistics are the means"
        " over them. Seeds are independent across particles (seed s of a particle is"
        " `SeedSequence(entropy, spawn_key=(h, s))`, h a hash of its values): the posterior then carries the"
        " model's seed noise instead of fitting the accidents of one fixed set of seeds, and averaging S runs"
        " divides the noise of each statistic by √S, which keeps the acceptance rate workable without the"
        " cost of a stochastic kernel's likelihood estimate.",
        "* **Distance.** The largest deviation of a target from its value in units of its band's half-width,"
        " `max_k |x_k − value_k| / ((high_k − low_k)/2)`: ε ≤ 1 means every target lies within a half-width"
        " of its value; each target counts in proportion to how precisely it is known.",
        f"* **Schedule.** {key['population']} particles per generation; generation 0 accepts every draw from"
        " the prior, each later generation the particles closer than the weighted median distance of the"
        " previous one (`MedianEpsilon`); perturbation by pyABC's multivariate normal kernel. Runs go"
        " through Dask (`DaskDistributedSampler` on the embedded `LocalCluster`, or `--scheduler`; with"
        " `--workers 1`, in process), every evaluation seeded by its generation and its number in pyABC's job"
        " order (`sim.batch.abc_sampler`). The history is pyABC's SQLite database: an interrupted calibration"
        " resumes from its last generation.",
        f"* **Versions.** pyabc {versions.get('pyabc')}, numpy {versions.get('numpy')}, mesa"
        f" {versions.get('mesa')}, Centaure {manifest['model_version']}, commit"
        f" `{(manifest['git'].get('commit') or '?')[:12]}`{' (with uncommitted changes)' if manifest['git'].get('dirty') else ''}.",
        "",
        "| generation | ε (half-widths) | particles | simulations | acceptance | runs |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for g in gens:
        lines.append(
            f"| {g['t']} | {_g(g['epsilon'])} | {g['particles']} | {g['simulations']} |"
            f" {g['acceptance']:.0%} | {g['runs']} |"
        )
    lines += [
        "",
        f"Wall time of the shipped calibration: **{_minutes(wall)}** ({sum(g['runs'] for g in gens):,} model runs).",
        "",
        "## Screening: which parameters",
        "",
        "Six targets cannot pin down the model's hundred-odd assumptions. A Morris screen"
        " (`experiments/screen_npm.toml`: 104 numeric behaviour, initial and context parameters whose value is"
        " an assumption or was tuned by hand, each at its default ±50%, 4 trajectories, 420 runs) ranked them"
        " by the elementary effect μ* on each target's indicator in units of its band's half-width. The"
        " calibration fits the parameters the targets are most sensitive to, one or two per target, and"
        " keeps one of each group that acts through the same channel (`ask_intercept` for the logit of asking,"
        " on which `ask_stigma`, `stigma_mean`, `ask_need` and `ask_trust` act alike: the targets cannot tell"
        " them apart). **Every other parameter keeps its declared value** (the reporting share is a lever of"
        " the scenario, not a fitted quantity).",
        "",
        "## Priors and posterior",
        "",
        "Uniform priors on the screen's ranges (the declared default ±50%, inside the declared range: the"
        " declared ranges are physical bounds, e.g. `quit_base` up to 10% of the workforce a week).",
        "",
        "| parameter | prior | former default | posterior median | 95% interval | sd ratio posterior/prior |",
        "|---|---|---:|---:|---|---:|",
    ]
    for r in post.itertuples():
        lines.append(
            f"| `{r.parameter}` | U({_g(r.prior_low)}, {_g(r.prior_high)}) | {_g(r.declared_default)} |"
            f" **{_g(r.median)}** | [{_g(r.low)}, {_g(r.high)}] | {r.sd_ratio:.2f} |"
        )
    lines += [
        "",
        f"![Marginal posteriors]({rel(marginal)})",
        "",
        f"![Pairwise posterior]({rel(pairs)})",
        "",
        "## Fit",
        "",
        f"Posterior predictive: {draws} particles drawn by weight from the last generation, each run on"
        f" {key['seeds']} fresh seeds (not the calibration's); the statistic is, as in the calibration, the"
        " mean over those seeds of the final-year mean. The interval is the 2.5–97.5% range over the draws"
        " (parameter uncertainty and seed noise together).",
        "",
        "| target | indicator | value | band | posterior-predictive mean | 95% interval | mean in band | draws in band |",
        "|---|---|---:|---|---:|---|:---:|---:|",
    ]
    for r in fit.itertuples():
        lines.append(
            f"| {r.target} | `{r.indicator}` | {_g(r.value)} | {_g(r.low)}–{_g(r.high)} | {r.mean:.3f} |"
            f" [{r.p2_5:.3f}, {r.p97_5:.3f}] | {'yes' if r.in_band else '**no**'} | {r.share_of_draws_in_band:.0%} |"
        )
    lines += [
        "",
        "## Which parameters the targets do not pin down",
        "",
        "The ratio of the posterior's standard deviation to the prior's (a uniform prior's is its width/√12)"
        " says how much the targets narrowed each parameter: 1 means not at all. A reviewer can check each"
        " figure in `posterior_summary.csv` and `correlations.csv` of the analysis folder, or recompute it"
        " from `posterior.parquet`.",
        "",
        *identifiability(post, corr),
        "",
        "| | " + " | ".join(f"`{c}`" for c in corr.columns) + " |",
        "|---|" + "---:|" * len(corr.columns),
    ]
    for name, row in corr.iterrows():
        lines.append(f"| `{name}` | " + " | ".join(f"{v:+.2f}" for v in row) + " |")
    lines += [
        "",
        "## Does the territory's size matter?",
        "",
        f"The posterior median run on {territory_seeds} seeds in each setting (mean and 95% CI across seeds)."
        " The calibration used the smaller territory to stay within an hour; the shares it fits should be"
        " those of the reference territory, and `tests/test_behaviour.py` checks the reference territory"
        " with the scenario's own horizon.",
        "",
    ]
    settings = list(dict.fromkeys(territory["setting"])) if len(territory) else []
    if not settings:
        lines.append("(no territory to compare: the run function takes no scenario)")
    lines.append("| target | band | " + " | ".join(settings) + " |")
    lines.append("|---|---|" + "---:|" * len(settings))
    for target, group in territory.groupby("target", sort=False) if settings else ():
        cells = []
        for s in settings:
            r = group[group["setting"] == s].iloc[0]
            flag = "" if r.in_band else " (out)"
            cells.append(f"{r['mean']:.3f} [{r.ci_low:.3f}, {r.ci_high:.3f}]{flag}")
        first = group.iloc[0]
        lines.append(f"| {target} | {_g(first.band_low)}–{_g(first.band_high)} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## Limits",
        "",
        "* A calibration is reproducible to the bit, interrupted or not, on one worker, two or a cluster: pyABC"
        " keeps its evaluations in job order, and each is seeded by its number (only the count of evaluations"
        " started depends on timing). The shipped posterior was made before that seeding, when pyABC seeded"
        " its tasks from the operating system: running the same file again gives another sample of the same"
        " posterior, not these particles. They are the record.",
        f"* {key['population']} particles and {len(gens)} generations are a budget for one hour on two cores:"
        " the last ε is the fit reached within it, not a converged ABC posterior. Raise `generations` and"
        " re-run the same command to continue the stored history.",
        "* The targets are national orders of magnitude, not a département; the calibrated values are those"
        " that make this model reproduce them, not measurements of the parameters.",
        "",
    ]
    return "\n".join(lines)


def _minutes(seconds: float) -> str:
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest:02d} s"
