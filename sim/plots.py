"""Matplotlib figures shared by the command line, experiments and the dashboard."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from sim.io import atomic_write  # noqa: E402
from sim.metrics import INDICATORS  # noqa: E402


def trajectories_figure(bands: pd.DataFrame, indicators: Sequence[str], group: str = "scenario", lang: str = "en"):
    """One panel per indicator: mean trajectory of each group with its 95% CI band."""
    n = len(indicators)
    cols = min(4, n)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.0 * rows), squeeze=False, sharex=True)
    for ax, name in zip(axes.flat, indicators):
        data = bands[bands["indicator"] == name]
        for key, g in data.groupby(group, sort=False):
            years = g["week"] / 52.0
            ax.plot(years, g["mean"], label=str(key), lw=1.6)
            ax.fill_between(years, g["ci_low"], g["ci_high"], alpha=0.25)
        info = INDICATORS.get(name)
        ax.set_title(info.label_fr if (info and lang == "fr") else (info.label_en if info else name), fontsize=10)
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("années" if lang == "fr" else "years")
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def save_figure(fig, path: str | Path) -> Path:
    """Write a figure as PNG atomically."""
    try:
        return atomic_write(path, lambda tmp: fig.savefig(tmp, dpi=110, format="png"))
    finally:
        plt.close(fig)
