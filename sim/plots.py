"""Matplotlib figures shared by the command line, experiments and the dashboard.

Figures are built with matplotlib's object API (``Figure``), not pyplot: no
global figure registry, so they are safe to draw from several threads (the
dashboard's sessions) and importing this module changes no backend (notebooks
keep their inline figures).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from sim.constants import WEEKS_PER_YEAR
from sim.i18n import indicator_label, t
from sim.io import atomic_write


def panel_grid(n: int, x_label: str, panel_height: float = 3.0) -> tuple[Figure, list]:
    """A figure of ``n`` panels sharing the x axis, four to a row; returns (figure, the n panels)."""
    cols = min(4, n)
    rows = -(-n // cols)
    fig = Figure(figsize=(4.2 * cols, panel_height * rows))
    axes = fig.subplots(rows, cols, squeeze=False, sharex=True)
    for ax in axes[-1]:
        ax.set_xlabel(x_label)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat)[:n]


SHORT_LABEL = 20
"""Legend labels up to this many characters sit in the first panel; longer ones go below the panels."""


def trajectories_figure(
    bands: pd.DataFrame,
    indicators: Sequence[str],
    group: str = "scenario",
    lang: str = "en",
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """One panel per indicator: mean trajectory of each group with its 95% CI band.

    ``labels`` names the groups in the legend (default: the group values, e.g.
    scenario names); long names (scenario titles) make a legend below the panels.
    """
    fig, axes = panel_grid(len(indicators), t("chart.years", lang))
    for ax, name in zip(axes, indicators, strict=True):
        data = bands[bands["indicator"] == name]
        for key, g in data.groupby(group, sort=False):
            years = g["week"] / WEEKS_PER_YEAR
            ax.plot(years, g["mean"], label=(labels or {}).get(key, str(key)), lw=1.6)
            ax.fill_between(years, g["ci_low"], g["ci_high"], alpha=0.25)
        ax.set_title(indicator_label(name, lang), fontsize=10)
        ax.grid(alpha=0.3)
    handles, names = axes[0].get_legend_handles_labels()
    if max(map(len, names), default=0) <= SHORT_LABEL:
        axes[0].legend(fontsize=8)
        fig.tight_layout()
        return fig
    ncol = 2 if max(map(len, names)) > 40 else 3
    extra = 0.25 * -(-len(names) // ncol) + 0.3  # inches for the legend's lines
    height = fig.get_figheight() + extra
    fig.set_figheight(height)
    fig.legend(handles, names, loc="lower center", ncol=ncol, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, extra / height, 1, 1))
    return fig


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write a figure as PNG atomically."""
    return atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
