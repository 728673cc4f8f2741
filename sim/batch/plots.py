"""Figures of ``centaure analyze`` (Sobol bars, Morris mu*-sigma, replicate check, effects) and ``centaure discover``.

Builds on :mod:`sim.plots` (``trajectories_figure`` and ``save_figure`` are
reused as they are, not modified) and, like it, uses matplotlib's object API
(``Figure``), not pyplot: no global figure registry, nothing to close.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.batch.designs import Factor
from sim.i18n import indicator_label, number, percent, t
from sim.plots import save_figure, trajectories_figure

__all__ = [
    "discover_figure",
    "effects_figure",
    "morris_figure",
    "replicates_figure",
    "save_figure",
    "sobol_figure",
    "trajectories_figure",
]


def label(name: str, lang: str = "en") -> str:
    """An indicator's label in ``lang`` (its name if it is not a Centaure indicator)."""
    return indicator_label(name, lang)


def _panels(n: int, cols: int = 3, width: float = 4.4, height: float = 3.2) -> tuple[Figure, np.ndarray]:
    cols = max(1, min(cols, n))
    rows = -(-n // cols)
    fig = Figure(figsize=(width * cols, height * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    return fig, axes


def _title(scenario: str, indicator: str, named: bool, lang: str) -> str:
    return f"{label(indicator, lang)} — {scenario}" if named else label(indicator, lang)


def sobol_figure(table: pd.DataFrame, lang: str = "en", differences: bool = False) -> Figure:
    """One panel per (scenario, indicator): first-order and total indices with their 95% CI.

    With ``differences``, the groups are paired differences between scenarios
    (``alliance - npm``), each named in its panel's title.
    """
    keys = list(table[["scenario", "indicator"]].drop_duplicates().itertuples(index=False, name=None))
    named = differences or table["scenario"].nunique() > 1
    fig, axes = _panels(len(keys), cols=min(3, len(keys)), width=max(4.4, 0.45 * table["parameter"].nunique() + 1.5))
    for ax, (scenario, indicator) in zip(axes.flat, keys, strict=False):
        rows = table[(table["scenario"] == scenario) & (table["indicator"] == indicator)]
        x = np.arange(len(rows))
        ax.bar(
            x - 0.2, rows["S1"], 0.4, yerr=rows["S1_conf"], capsize=2, label="S1" if lang == "en" else "S1 (1er ordre)"
        )
        ax.bar(x + 0.2, rows["ST"], 0.4, yerr=rows["ST_conf"], capsize=2, label="ST" if lang == "en" else "ST (total)")
        ax.set_xticks(x, rows["parameter"], rotation=60, ha="right", fontsize=8)
        ax.axhline(0, color="black", lw=0.6)
        ax.set_ylim(min(-0.05, float((rows["S1"] - rows["S1_conf"]).min()) - 0.02), 1.05)
        ax.set_title(_title(scenario, indicator, named, lang), fontsize=10)
        ax.grid(axis="y", alpha=0.3)
    axes.flat[0].legend(fontsize=8)
    if differences:
        fig.suptitle(t("analysis.differences.sobol_title", lang), fontsize=11)
    else:
        fig.suptitle("Sobol indices (95% CI)" if lang == "en" else "Indices de Sobol (IC à 95 %)", fontsize=11)
    fig.tight_layout()
    return fig


def morris_figure(table: pd.DataFrame, lang: str = "en", differences: bool = False) -> Figure:
    """One panel per (scenario, indicator): mu* against sigma, each lever labelled (``differences``: as above)."""
    keys = list(table[["scenario", "indicator"]].drop_duplicates().itertuples(index=False, name=None))
    named = differences or table["scenario"].nunique() > 1
    fig, axes = _panels(len(keys))
    for ax, (scenario, indicator) in zip(axes.flat, keys, strict=False):
        rows = table[(table["scenario"] == scenario) & (table["indicator"] == indicator)]
        ax.errorbar(rows["mu_star"], rows["sigma"], xerr=rows["mu_star_conf"], fmt="o", ms=4, capsize=2)
        for _, row in rows.iterrows():
            ax.annotate(
                row["parameter"], (row["mu_star"], row["sigma"]), fontsize=7, xytext=(3, 3), textcoords="offset points"
            )
        top = float(max(rows["mu_star"].max(), rows["sigma"].max(), 1e-12))
        ax.plot([0, top], [0, top], ls=":", color="grey", lw=0.8)
        ax.set_xlabel("μ*")
        ax.set_ylabel("σ")
        ax.set_title(_title(scenario, indicator, named, lang), fontsize=10)
        ax.grid(alpha=0.3)
    if differences:
        fig.suptitle(t("analysis.differences.morris_title", lang), fontsize=11)
    else:
        fig.suptitle("Morris screening" if lang == "en" else "Criblage de Morris", fontsize=11)
    fig.tight_layout()
    return fig


def replicates_figure(curve: pd.DataFrame, indicators: Sequence[str], precision: float, lang: str = "en") -> Figure:
    """Standard error of the mean against the number of replicates, per indicator.

    One line per design point (at most 12; beyond, the median and the 10-90%
    band across points), and the ``1/sqrt(n)`` law from the last estimate.
    """
    fig, axes = _panels(len(indicators))
    for ax, name in zip(axes.flat, indicators, strict=False):
        c = curve[curve["indicator"] == name]
        groups = list(c.groupby(["scenario", "point"], sort=False))
        if len(groups) <= 12:
            for (scenario, point), g in groups:
                ax.plot(g["replicates"], g["se"], marker=".", lw=1.2, label=f"{scenario} #{point}")
        else:
            q = c.groupby("replicates")["se"].quantile([0.1, 0.5, 0.9]).unstack()
            ax.fill_between(q.index, q[0.1], q[0.9], alpha=0.3)
            ax.plot(q.index, q[0.5], lw=1.6, label="median" if lang == "en" else "médiane")
        last = c[c["replicates"] == c["replicates"].max()]
        if len(last):
            n = np.arange(2, int(c["replicates"].max()) + 1)
            sd = float(np.median(last["se"] * np.sqrt(last["replicates"])))
            ax.plot(n, sd / np.sqrt(n), ls="--", color="black", lw=0.8, label="σ/√n")
        ax.set_xlabel("replicates" if lang == "en" else "réplications")
        ax.set_ylabel("SE of the mean" if lang == "en" else "erreur type de la moyenne")
        ax.set_title(label(name, lang), fontsize=10)
        ax.grid(alpha=0.3)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if len(labels) <= 14:
        axes.flat[0].legend(fontsize=7)
    target = f"target: 95% CI half-width ≤ {precision:.0%} of the mean"
    fig.suptitle(
        f"Replicate check ({target})" if lang == "en" else f"Nombre de réplications (cible : IC ≤ {precision:.0%})",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def effects_figure(
    runs: pd.DataFrame, factors: Sequence[Factor], indicators: Sequence[str], lang: str = "en"
) -> Figure:
    """Each run's final-year value against each varied lever (rows: indicators, columns: levers)."""
    rows, cols = len(indicators), len(factors)
    fig = Figure(figsize=(3.2 * cols + 0.6, 2.6 * rows + 0.4))
    axes = fig.subplots(rows, cols, squeeze=False)
    sample = runs.sample(n=min(len(runs), 4000), random_state=0) if len(runs) > 4000 else runs
    rng = np.random.default_rng(0)
    scenarios = list(dict.fromkeys(runs["scenario"]))
    colours = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    for j, factor in enumerate(factors):
        for i, name in enumerate(indicators):
            ax = axes[i, j]
            for k, scenario in enumerate(scenarios):
                colour = colours[k % len(colours)]
                part = sample[sample["scenario"] == scenario]
                x, ticks = _positions(part[factor.name], factor)
                jitter = rng.uniform(-0.12, 0.12, len(x)) if ticks is not None else 0.0
                ax.scatter(x + jitter, part[name], s=5, alpha=0.35, color=colour)
                means = runs[runs["scenario"] == scenario].groupby(factor.name)[name].mean()
                if len(means) <= 25:
                    mx, _ = _positions(pd.Series(means.index), factor)
                    order = np.argsort(mx)
                    shown = scenario if (i == 0 and j == 0 and len(scenarios) > 1) else None
                    ax.plot(mx[order], means.to_numpy()[order], color=colour, lw=1.4, label=shown)
            _, ticks = _positions(sample[factor.name].iloc[:0], factor)
            if ticks is not None:
                ax.set_xticks(range(len(ticks)), ticks, fontsize=7, rotation=30)
            if i == rows - 1:
                ax.set_xlabel(factor.name, fontsize=8)
            if j == 0:
                ax.set_ylabel(label(name, lang), fontsize=8)
            ax.grid(alpha=0.3)
    if len(scenarios) > 1:
        axes[0, 0].legend(fontsize=7)
    title = "Final-year mean of each run" if lang == "en" else "Moyenne de la dernière année, par simulation"
    fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    return fig


def _positions(values: pd.Series, factor: Factor) -> tuple[np.ndarray, list[str] | None]:
    """Numeric x positions of lever values, and tick labels for lists of values."""
    if factor.kind == "values":
        index = {v: i for i, v in enumerate(factor.values)}
        return np.array([index[v] for v in values], dtype=float), [str(v) for v in factor.values]
    return values.to_numpy(dtype=float), None


def discover_figure(found, lang: str = "en") -> Figure:
    """One row per PRIM box (:class:`sim.discover.Discovery`): its peeling trajectory and its limits.

    Left, the trajectory: coverage against density of every step of the
    peeling and pasting, coloured by the number of restricted parameters, the
    chosen box circled and the density threshold dashed. Right, each
    restricted parameter's range in the box (a bar) within its full range,
    with its numbers; for a list of values, the values kept.
    """
    rows = max(1, len(found.boxes))
    fig = Figure(figsize=(11.0, 3.4 * rows))
    axes = fig.subplots(rows, 2, squeeze=False, gridspec_kw={"width_ratios": [1.0, 1.3]})
    for (left, right), box in zip(axes, found.boxes, strict=False):
        path = box.trajectory
        dots = left.scatter(path["coverage"], path["density"], c=path["res_dim"], cmap="viridis", s=14)
        chosen = path.iloc[box.chosen]
        left.scatter([chosen["coverage"]], [chosen["density"]], s=120, facecolors="none", edgecolors="red", lw=1.5)
        left.axhline(found.threshold, ls="--", color="grey", lw=0.8)
        left.set_xlabel(t("discover.coverage", lang))
        left.set_ylabel(t("discover.density", lang))
        left.set_xlim(0, 1.02)
        left.set_ylim(0, 1.02)
        left.grid(alpha=0.3)
        fig.colorbar(dots, ax=left, label=t("discover.restricted", lang))
        left.set_title(
            t(
                "discover.box_title",
                lang,
                box=box.number,
                coverage=percent(box.coverage, lang, 0),
                density=percent(box.density, lang, 0),
                mass=percent(box.mass, lang, 0),
            ),
            fontsize=9,
        )
        _box_limits(right, box, lang)
    if not found.boxes:
        axes[0, 0].text(
            0.5,
            0.5,
            t("discover.no_box", lang, threshold=percent(found.threshold, lang, 0)),
            ha="center",
            va="center",
            transform=axes[0, 0].transAxes,
        )
        axes[0, 1].set_visible(False)
    fig.suptitle(t("discover.title", lang, where=found.where), fontsize=11)
    fig.tight_layout()
    return fig


def _box_limits(ax, box, lang: str) -> None:
    """The restricted parameters of ``box`` as bars on their normalised full range [0, 1]."""
    limits = box.limits
    if limits.empty:
        ax.text(0.5, 0.5, t("discover.unrestricted", lang), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    y = np.arange(len(limits))[::-1]
    for k, row in zip(y, limits.itertuples(), strict=True):
        if row.values:
            ax.barh(k, 1.0, color="#d0d0d0", height=0.5)
            ax.text(0.5, k, row.values, ha="center", va="center", fontsize=8)
            continue
        span = (row.range_high - row.range_low) or 1.0
        start, end = (row.low - row.range_low) / span, (row.high - row.range_low) / span
        ax.barh(k, 1.0, color="#eeeeee", height=0.5)
        ax.barh(k, end - start, left=start, color="#4c72b0", height=0.5)
        ax.text(start, k + 0.32, number(row.low, lang), ha="left", fontsize=7)
        ax.text(end, k + 0.32, number(row.high, lang), ha="right", fontsize=7)
    ax.set_yticks(y, limits["parameter"], fontsize=8)
    ax.set_xlim(-0.02, 1.02)
    ax.set_xticks([0, 1], [t("discover.range_low", lang), t("discover.range_high", lang)], fontsize=8)
    ax.set_title(t("discover.limits", lang), fontsize=9)
