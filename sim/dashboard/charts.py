"""Charts of the dashboard (matplotlib, drawn on the server as PNG: no front-end library needed offline)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from sim.i18n import indicator_label, t
from sim.plots import panel_grid, trajectories_figure

WORKFORCE = ("engagement", "annual_turnover", "vacancy_rate")
NON_RECOURSE = ("non_connaissance", "non_demande", "non_reception")
LIVE_INDICATORS = (*WORKFORCE, "non_recourse", *NON_RECOURSE)
"""The indicators the Explore page plots live (and exports as CSV)."""

WORKFORCE_COLOURS = ("#009E73", "#0072B2", "#999999")
CAUSE_COLOURS = ("#E69F00", "#CC79A7", "#D55E00")  # same colours as the statuses in the network view
WEEKS_PER_YEAR = 52.0


def png_bytes(fig: Figure, dpi: int = 80) -> bytes:
    """A figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def live_figure(history: pd.DataFrame, lang: str, horizon_weeks: int) -> Figure:
    """Two panels: the workforce (engagement, turnover, vacancy) and non-recourse split by its three causes."""
    fig = Figure(figsize=(6.4, 5.0), dpi=80)
    top, bottom = fig.subplots(2, 1, sharex=True)
    years = history["week"].to_numpy() / WEEKS_PER_YEAR
    for name, colour in zip(WORKFORCE, WORKFORCE_COLOURS, strict=True):
        top.plot(years, history[name], label=indicator_label(name, lang), color=colour, lw=1.6)
    top.set_title(t("chart.workforce", lang), fontsize=10)
    top.set_ylim(0, max(1.0, float(np.nanmax(history[list(WORKFORCE)].to_numpy(), initial=0.0)) * 1.05))
    top.legend(fontsize=8, loc="upper right", framealpha=0.8)
    stack = [history[name].to_numpy() for name in NON_RECOURSE]
    bottom.stackplot(
        years, *stack, labels=[indicator_label(n, lang) for n in NON_RECOURSE], colors=CAUSE_COLOURS, alpha=0.85
    )
    bottom.plot(years, history["non_recourse"], color="black", lw=1.2, label=indicator_label("non_recourse", lang))
    bottom.set_ylim(0, 1)
    bottom.set_title(t("chart.non_recourse", lang), fontsize=10)
    bottom.set_xlabel(t("chart.years", lang))
    bottom.legend(fontsize=8, loc="upper right", framealpha=0.8)
    bottom.set_xlim(0, max(horizon_weeks, 1) / WEEKS_PER_YEAR)
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def bands_figure(
    bands: pd.DataFrame,
    indicators: Sequence[str],
    group: str,
    lang: str,
    reform_week: int | None = None,
    labels: Mapping[str, str] | None = None,
):
    """Trajectories with 95% CI bands (``sim.plots``), with the reform week marked if given."""
    fig = trajectories_figure(bands, list(indicators), group=group, lang=lang, labels=labels)
    if reform_week is not None:
        for ax in fig.axes:
            if ax.get_visible():
                ax.axvline(reform_week / WEEKS_PER_YEAR, color="black", lw=0.8, ls="--")
    return fig


def difference_figure(bands: pd.DataFrame, indicators: Sequence[str], lang: str, reform_week: int) -> Figure:
    """One panel per indicator: mean difference (reform − counterfactual) with its 95% CI band."""
    fig, axes = panel_grid(len(indicators), t("chart.years", lang), panel_height=2.8)
    for ax, name in zip(axes, indicators, strict=True):
        data = bands[bands["indicator"] == name]
        years = data["week"] / WEEKS_PER_YEAR
        ax.fill_between(years, data["ci_low"], data["ci_high"], alpha=0.3, color="#0072B2")
        ax.plot(years, data["mean"], color="#0072B2", lw=1.6)
        ax.axhline(0.0, color="black", lw=0.8)
        ax.axvline(reform_week / WEEKS_PER_YEAR, color="black", lw=0.8, ls="--")
        ax.set_title(indicator_label(name, lang), fontsize=10)
        ax.grid(alpha=0.3)
    fig.suptitle(t("reform.difference", lang), fontsize=11)
    fig.tight_layout()
    return fig
