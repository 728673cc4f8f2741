"""The dashboard's charts: on screen as HTML (:mod:`sim.dashboard.htmlchart`), exported as PNG (matplotlib).

Which indicators each chart shows is named here once; their words, units and
whether they are shares come from the declarations. Colours are safe for
colour-blind readers: Okabe–Ito for lines, the statuses' own colours
(:mod:`sim.dashboard.netview`) for the causes of non-recourse. Exported
pictures carry a title saying what they show and write numbers as the
page's language does.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from sim.constants import WEEKS_PER_YEAR
from sim.dashboard import formats, htmlchart, netview
from sim.dashboard.htmlchart import Axis, Line
from sim.i18n import fixed, indicator_label, t
from sim.metrics import bounds
from sim.plots import panel_grid, trajectories_figure

WORKFORCE = ("engagement", "annual_turnover", "vacancy_rate")
NON_RECOURSE = ("non_connaissance", "non_demande", "non_reception")
LIVE_INDICATORS = (*WORKFORCE, "non_recourse", *NON_RECOURSE)
"""The indicators the Explore page plots live (and exports as CSV)."""

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
WORKFORCE_COLOURS = ("#009E73", "#0072B2", "#000000")
CAUSE_COLOURS = tuple(netview.hex_colour(netview.STATUS_COLOURS[code]) for code in netview.CAUSE_STATUS)
"""Each cause of non-recourse in the colour of the situation it counts (unaware, not asking, waiting)."""
ARM_COLOURS = MappingProxyType({"counterfactual": "#6b6b6b", "reform": "#0072B2"})


def png_bytes(fig: Figure, dpi: int = 80) -> bytes:
    """A figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def localise(fig: Figure, lang: str, title: str) -> Figure:
    """Numbers on every axis as ``lang`` writes them (decimal comma in French), and a title saying what it shows."""
    formatter = FuncFormatter(lambda value, _pos: fixed(value, lang, 2).rstrip("0").rstrip(",.") or "0")
    for ax in fig.axes:
        ax.xaxis.set_major_formatter(formatter)
        ax.yaxis.set_major_formatter(formatter)
    fig.suptitle(title, fontsize=12, fontweight="bold")
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    return fig


# ---------------------------------------------------------------------------- Explore, live
def latest(history: pd.DataFrame, names: Sequence[str], lang: str) -> str:
    """``label value, label value`` at the last simulated week."""
    row = history.iloc[-1]
    return ", ".join(f"{indicator_label(n, lang)} {formats.value(n, float(row[n]), lang)}" for n in names)


def live_charts(history: pd.DataFrame, lang: str, horizon_weeks: int) -> dict[str, str]:
    """The Explore page's two live charts as HTML, by name (``workforce``, ``non_recourse``)."""
    years = history["week"].to_numpy() / WEEKS_PER_YEAR
    week = int(history["week"].iloc[-1])
    when = t("chart.at_week", lang, week=week)
    workforce = [
        Line(indicator_label(n, lang), history[n].to_numpy(), c)
        for n, c in zip(WORKFORCE, WORKFORCE_COLOURS, strict=True)
    ]
    causes = [
        Line(indicator_label(n, lang), history[n].to_numpy(), c)
        for n, c in zip(NON_RECOURSE, CAUSE_COLOURS, strict=True)
    ]
    total = Line(indicator_label("non_recourse", lang), history["non_recourse"].to_numpy(), "#000000")
    return {
        "workforce": htmlchart.chart(
            years,
            workforce,
            title=t("chart.workforce", lang),
            xlabel=t("chart.years", lang),
            x_max=horizon_weeks / WEEKS_PER_YEAR,
            axis=htmlchart.fit_axis([line.values for line in workforce], percent=False),
            lang=lang,
            summary=f"{when}\u00a0: {latest(history, WORKFORCE, lang)}."
            if lang == "fr"
            else f"{when}: {latest(history, WORKFORCE, lang)}.",
            classes="centaure-chart-workforce",
        ),
        "non_recourse": htmlchart.chart(
            years,
            [total],
            stacked=causes,
            title=t("chart.non_recourse", lang),
            xlabel=t("chart.years", lang),
            x_max=horizon_weeks / WEEKS_PER_YEAR,
            axis=Axis(0.0, 1.0, percent=True),
            lang=lang,
            summary=(f"{when}\u00a0: " if lang == "fr" else f"{when}: ")
            + latest(history, ("non_recourse", *NON_RECOURSE), lang)
            + ".",
            classes="centaure-chart-non-recourse",
        ),
    }


def live_figure(history: pd.DataFrame, lang: str, horizon_weeks: int, title: str) -> Figure:
    """The same two charts as a picture (export): the workforce, and non-recourse split by its three causes."""
    fig = Figure(figsize=(7.0, 6.0), dpi=100)
    top, bottom = fig.subplots(2, 1, sharex=True)
    years = history["week"].to_numpy() / WEEKS_PER_YEAR
    for name, colour in zip(WORKFORCE, WORKFORCE_COLOURS, strict=True):
        top.plot(years, history[name], label=indicator_label(name, lang), color=colour, lw=1.8)
    top.set_title(t("chart.workforce", lang), fontsize=11)
    top.set_ylim(0, max(1.0, float(np.nanmax(history[list(WORKFORCE)].to_numpy(), initial=0.0)) * 1.05))
    top.legend(fontsize=9, loc="upper right", framealpha=0.9)
    stack = [history[name].to_numpy() for name in NON_RECOURSE]
    bottom.stackplot(
        years, *stack, labels=[indicator_label(n, lang) for n in NON_RECOURSE], colors=CAUSE_COLOURS, alpha=0.85
    )
    bottom.plot(years, history["non_recourse"], color="black", lw=1.4, label=indicator_label("non_recourse", lang))
    bottom.set_ylim(0, 1)
    bottom.set_title(t("chart.non_recourse", lang), fontsize=11)
    bottom.set_xlabel(t("chart.years", lang))
    bottom.legend(fontsize=9, loc="upper right", framealpha=0.9)
    bottom.set_xlim(0, max(horizon_weeks, 1) / WEEKS_PER_YEAR)
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    return localise(fig, lang, title)


# ---------------------------------------------------------------------------- batches (Compare, Reform lab)
def band_charts(
    bands: pd.DataFrame,
    summary: Mapping[str, str],
    indicators: Sequence[str],
    group: str,
    labels: Mapping[str, str],
    colours: Mapping[str, str],
    lang: str,
    horizon_weeks: int,
    marker_week: int | None = None,
    dashed: Sequence[str] = (),
) -> dict[str, str]:
    """One HTML chart per indicator: each group's mean trajectory with its 95% CI band; ``summary[indicator]`` below."""
    out = {}
    for name in indicators:
        data = bands[bands["indicator"] == name]
        lines = []
        for key, rows in data.groupby(group, sort=False):
            low, high = bounds(name)
            lines.append(
                Line(
                    labels.get(key, str(key)),
                    rows["mean"].to_numpy(),
                    colours[key],
                    low=np.clip(rows["ci_low"].to_numpy(), low, high),
                    high=np.clip(rows["ci_high"].to_numpy(), low, high),
                    dashed=key in dashed,
                )
            )
        weeks = data["week"].drop_duplicates().to_numpy()
        out[name] = htmlchart.chart(
            weeks / WEEKS_PER_YEAR,
            lines,
            title=indicator_label(name, lang),
            xlabel=t("chart.years", lang),
            x_max=horizon_weeks / WEEKS_PER_YEAR,
            axis=htmlchart.fit_axis(
                [line.values for line in lines] + [line.high for line in lines], percent=formats.is_share(name)
            ),
            lang=lang,
            summary=summary[name],
            marker=None if marker_week is None else marker_week / WEEKS_PER_YEAR,
            marker_label=t("chart.reform_week", lang, week=marker_week) if marker_week is not None else "",
            classes=f"centaure-chart-{name.replace('_', '-')}",
        )
    return out


def difference_charts(
    bands: pd.DataFrame,
    summary: Mapping[str, str],
    indicators: Sequence[str],
    lang: str,
    horizon_weeks: int,
    week: int,
    interval: str | None = None,
) -> dict[str, str]:
    """One HTML chart per indicator: the paired difference (with − without) and its band, zero marked;
    ``interval`` names what the band covers (default: the 95% CI over seeds)."""
    interval = interval or t("uncertainty.interval.seeds", lang)
    out = {}
    for name in indicators:
        data = bands[bands["indicator"] == name]
        line = Line(
            t("reform.difference_line", lang, interval=interval),
            data["mean"].to_numpy(),
            ARM_COLOURS["reform"],
            low=data["ci_low"].to_numpy(),
            high=data["ci_high"].to_numpy(),
        )
        zero = Line(t("reform.no_effect", lang), np.zeros(len(data)), "#000000", dashed=True)
        axis = htmlchart.fit_axis(
            [line.low, line.high, np.zeros(1)], percent=formats.is_share(name), floor_at_zero=False
        )
        axis = Axis(
            min(axis.low, -abs(axis.high) * 0.1), axis.high if axis.high > 0 else abs(axis.low) * 0.1, axis.percent
        )
        out[name] = htmlchart.chart(
            data["week"].to_numpy() / WEEKS_PER_YEAR,
            [line, zero],
            title=indicator_label(name, lang),
            xlabel=t("chart.years", lang),
            x_max=horizon_weeks / WEEKS_PER_YEAR,
            axis=axis,
            lang=lang,
            summary=summary[name],
            marker=week / WEEKS_PER_YEAR,
            marker_label=t("chart.reform_week", lang, week=week),
            classes=f"centaure-difference-{name.replace('_', '-')}",
        )
    return out


def bands_figure(
    bands: pd.DataFrame,
    indicators: Sequence[str],
    group: str,
    lang: str,
    title: str,
    reform_week: int | None = None,
    labels: Mapping[str, str] | None = None,
) -> Figure:
    """Trajectories with 95% CI bands (``sim.plots``), the reform week marked if given (export)."""
    fig = trajectories_figure(bands, list(indicators), group=group, lang=lang, labels=labels)
    if reform_week is not None:
        for ax in fig.axes:
            if ax.get_visible():
                ax.axvline(reform_week / WEEKS_PER_YEAR, color="black", lw=0.8, ls="--")
    return localise(fig, lang, title)


def difference_figure(
    bands: pd.DataFrame, indicators: Sequence[str], lang: str, reform_week: int, title: str
) -> Figure:
    """One panel per indicator: mean difference (reform − counterfactual) with its 95% CI band (export)."""
    fig, axes = panel_grid(len(indicators), t("chart.years", lang), panel_height=2.8)
    for ax, name in zip(axes, indicators, strict=True):
        data = bands[bands["indicator"] == name]
        years = data["week"] / WEEKS_PER_YEAR
        ax.fill_between(years, data["ci_low"], data["ci_high"], alpha=0.3, color=ARM_COLOURS["reform"])
        ax.plot(years, data["mean"], color=ARM_COLOURS["reform"], lw=1.6)
        ax.axhline(0.0, color="black", lw=0.8)
        ax.axvline(reform_week / WEEKS_PER_YEAR, color="black", lw=0.8, ls="--")
        ax.set_title(indicator_label(name, lang), fontsize=10)
        ax.grid(alpha=0.3)
    return localise(fig, lang, title)
