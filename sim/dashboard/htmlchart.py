"""Charts as HTML: real text for every word and number, an SVG only for the lines and bands.

A chart drawn as one scaled picture shrinks its text with its column (7 px at
1280x720 in a half column) and with the page's zoom. Here the title, legend,
tick labels and summary are HTML text sized in ``rem`` (14 px at least, more
in presentation mode, larger with the browser's zoom); the plot area is an SVG
stretched to its box with strokes that keep their width. Numbers are written
as the page's language writes them (decimal comma in French), shares as
percentages. Each chart ends with one sentence saying what it shows, for
screen readers and for a reader in a hurry.

The look (sizes, colours of text) is in :data:`CSS`, added once by the app.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.i18n import fixed

VIEW = 1000.0  # the plot's SVG coordinates: 0..1000 both ways, stretched to the box
MAX_POINTS = 400  # points drawn per line (the data behind the chart keeps every week)

CSS = """
.cchart { margin: 0 0 0.9rem; font-size: 0.875rem; line-height: 1.35; color: #1a1a1a; }
.cchart-title { font-weight: 600; font-size: 1rem; margin: 0 0 0.15rem; }
.cchart-legend { list-style: none; padding: 0; margin: 0 0 0.3rem; display: flex; flex-wrap: wrap; gap: 0.1rem 0.9rem; }
.cchart-legend li { white-space: nowrap; }
.cchart-key { display: inline-block; width: 1.4em; height: 0.8em; margin-right: 0.35em; vertical-align: -0.05em; }
.cchart-body { display: grid; grid-template-columns: auto 1fr; grid-template-rows: var(--cchart-height, 10rem) auto; column-gap: 0.35rem;
  padding-right: 1em; }  /* room for half of the last x label, which is centred on the right edge */
.cchart-y { position: relative; min-width: 2.8em; }
.cchart-y span { position: absolute; right: 0; transform: translateY(50%); white-space: nowrap; }
.cchart-plot { position: relative; border: 1px solid #767676; background: #fff; }
.cchart-plot svg { position: absolute; left: 0; top: 0; width: 100%; height: 100%; overflow: visible; }
.cchart-x { position: relative; height: 1.5em; }
.cchart-x span { position: absolute; top: 0.15em; transform: translateX(-50%); white-space: nowrap; }
.cchart-xlabel { text-align: center; }
.cchart-summary { margin: 0.25rem 0 0; }
"""


@dataclass(frozen=True)
class Line:
    """One series: a line, optionally with a band (a confidence interval) around it."""

    label: str
    values: np.ndarray
    colour: str
    low: np.ndarray | None = None
    high: np.ndarray | None = None
    dashed: bool = False


@dataclass(frozen=True)
class Axis:
    """The vertical axis: its range and how its numbers are written."""

    low: float
    high: float
    percent: bool = False  # shares written as percentages


def nice_step(span: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` intervals."""
    raw = max(span, 1e-12) / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= factor * power * (1 + 1e-9):
            return factor * power
    return 10.0 * power


def tick_text(value: float, step: float, axis: Axis, lang: str) -> str:
    """A tick's number: as many decimals as its step needs; a percentage for shares."""
    scale = 100.0 if axis.percent else 1.0
    size = step * scale
    decimals = next((d for d in range(5) if abs(round(size, d) - size) < 1e-9 * max(size, 1.0)), 4)
    text = fixed(value * scale, lang, decimals)
    if text.lstrip("-").replace("0", "").replace(",", "").replace(".", "") == "":
        text = "0"
    return text + ("\u202f%" if lang == "fr" else "%") if axis.percent else text


def fit_axis(values: Sequence[np.ndarray], percent: bool, floor_at_zero: bool = True) -> Axis:
    """An axis holding every finite value: shares from 0 to at most 100%, others from 0 (or their minimum)."""
    finite = np.concatenate([np.asarray(v, dtype=float).ravel() for v in values]) if values else np.zeros(1)
    finite = finite[np.isfinite(finite)]
    low = float(finite.min(initial=0.0))
    high = float(finite.max(initial=0.0))
    if floor_at_zero:
        low = min(low, 0.0)
    if percent:
        low, high = max(low, -1.0), min(max(high * 1.08, 0.05), 1.0) if high > 0 else 0.05
    else:
        high = high + 0.08 * (high - low) if high > low else high + 1.0
    return Axis(low, high, percent)


def _polyline(xs: np.ndarray, ys: np.ndarray) -> str:
    return " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys, strict=True) if np.isfinite(b))


def chart(
    x: np.ndarray,
    lines: Sequence[Line],
    *,
    title: str,
    xlabel: str,
    x_max: float,
    axis: Axis,
    lang: str,
    summary: str,
    stacked: Sequence[Line] = (),
    marker: float | None = None,
    marker_label: str = "",
    classes: str = "",
) -> str:
    """One chart as HTML: title, legend, ticks and summary as text; stacked areas, bands and lines in an SVG."""
    x = np.asarray(x, dtype=float)
    pick = np.linspace(0, len(x) - 1, MAX_POINTS).astype(int) if len(x) > MAX_POINTS else np.arange(len(x))
    x_max = max(float(x_max), 1e-9)
    span = max(axis.high - axis.low, 1e-12)

    def px(values):
        return np.clip(np.asarray(values, dtype=float), 0.0, x_max) / x_max * VIEW

    def py(values):
        clipped = np.clip(np.asarray(values, dtype=float), axis.low, axis.high)
        return VIEW - (clipped - axis.low) / span * VIEW

    xs = px(x[pick])
    shapes = []
    step = nice_step(span)
    first = math.ceil(axis.low / step - 1e-9)
    y_ticks = [k * step for k in range(first, int(math.floor(axis.high / step + 1e-9)) + 1)]
    for value in y_ticks:
        y = float(py(value))
        shapes.append(
            f'<line x1="0" x2="{VIEW:.0f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d9d9d9" vector-effect="non-scaling-stroke"/>'
        )
    x_step = max(1, math.ceil(x_max / 10))
    x_ticks = list(range(0, int(x_max) + 1, x_step))
    base = np.zeros(len(pick))
    for area in stacked:
        upper = base + np.nan_to_num(np.asarray(area.values, dtype=float)[pick])
        if len(pick) > 1:
            points = _polyline(xs, py(upper)) + " " + _polyline(xs[::-1], py(base)[::-1])
            shapes.append(f'<polygon points="{points}" fill="{area.colour}" fill-opacity="0.85"/>')
        base = upper
    for line in lines:
        if line.low is not None and line.high is not None and len(pick) > 1:
            low, high = np.asarray(line.low, dtype=float)[pick], np.asarray(line.high, dtype=float)[pick]
            keep = np.isfinite(low) & np.isfinite(high)
            if keep.any():
                points = _polyline(xs[keep], py(high[keep])) + " " + _polyline(xs[keep][::-1], py(low[keep])[::-1])
                shapes.append(f'<polygon points="{points}" fill="{line.colour}" fill-opacity="0.22"/>')
    for line in lines:
        if len(pick) > 1:
            dash = ' stroke-dasharray="6 4"' if line.dashed else ""
            shapes.append(
                f'<polyline points="{_polyline(xs, py(np.asarray(line.values, dtype=float)[pick]))}" fill="none"'
                f' stroke="{line.colour}" stroke-width="2.2" vector-effect="non-scaling-stroke"{dash}/>'
            )
    if marker is not None:
        xm = float(px(marker))
        shapes.append(
            f'<line x1="{xm:.1f}" x2="{xm:.1f}" y1="0" y2="{VIEW:.0f}" stroke="#000" stroke-width="1.5"'
            ' stroke-dasharray="5 4" vector-effect="non-scaling-stroke"/>'
        )
    legend = "".join(
        f'<li><span class="cchart-key" style="background:{area.colour};opacity:0.85"></span>{html.escape(area.label)}</li>'
        for area in stacked
    ) + "".join(
        '<li><svg class="cchart-key" viewBox="0 0 24 10" aria-hidden="true"><line x1="0" x2="24" y1="5" y2="5"'
        f' stroke="{line.colour}" stroke-width="3"{' stroke-dasharray="6 3"' if line.dashed else ""}/></svg>'
        f"{html.escape(line.label)}</li>"
        for line in lines
    )
    if marker is not None and marker_label:
        legend += (
            '<li><span class="cchart-key" style="border-left:2px dashed #000;width:0;height:1em"></span>'
            f"{html.escape(marker_label)}</li>"
        )
    y_labels = "".join(
        f'<span style="bottom:{(value - axis.low) / span * 100:.2f}%">{html.escape(tick_text(value, step, axis, lang))}</span>'
        for value in y_ticks
    )
    x_labels = "".join(
        f'<span style="left:{tick / x_max * 100:.2f}%">{html.escape(tick_text(tick, 1.0, Axis(0, 1), lang))}</span>'
        for tick in x_ticks
    )
    return (
        f'<figure class="cchart {classes}" role="group" aria-label="{html.escape(title)}">'
        f'<figcaption class="cchart-title">{html.escape(title)}</figcaption>'
        f'<ul class="cchart-legend">{legend}</ul>'
        '<div class="cchart-body">'
        f'<div class="cchart-y" aria-hidden="true">{y_labels}</div>'
        f'<div class="cchart-plot"><svg viewBox="0 0 {VIEW:.0f} {VIEW:.0f}" preserveAspectRatio="none"'
        f' aria-hidden="true" focusable="false">{"".join(shapes)}</svg></div>'
        f'<div></div><div class="cchart-x" aria-hidden="true">{x_labels}</div>'
        "</div>"
        f'<div class="cchart-xlabel" aria-hidden="true">{html.escape(xlabel)}</div>'
        f'<p class="cchart-summary">{html.escape(summary)}</p>'
        "</figure>"
    )
