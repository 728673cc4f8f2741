"""The live network as SVG text, and its legend: a few milliseconds per week on the server, drawn by the browser.

The Explore page redraws every week; matplotlib takes 0.1-0.2 s per figure,
so the live network is SVG built here (the live charts are HTML, in
``htmlchart``), and matplotlib draws the PNG exports on demand (``netview``).
"""

from __future__ import annotations

import html

import matplotlib
import numpy as np

from sim.dashboard import netview
from sim.state import STATUS_NAMES

SIZE = 480  # network viewBox side (px)


def _xy(points: np.ndarray, size: float = SIZE, margin: float = 12.0) -> np.ndarray:
    """Layout coordinates in [-1, 1] -> pixel coordinates (y down)."""
    scale = (size - 2 * margin) / 2.0
    out = np.empty_like(points, dtype=float)
    out[:, 0] = margin + (points[:, 0] + 1.0) * scale
    out[:, 1] = margin + (1.0 - points[:, 1]) * scale
    return out


def network_edges_svg(view: netview.NetworkView, model) -> str:
    """The peer ties of the drawn users: drawn once per layout."""
    xy = _xy(view.user_xy)
    sub = model.peer_adj[view.users][:, view.users].tocoo()
    keep = sub.row < sub.col
    a, b = xy[sub.row[keep]], xy[sub.col[keep]]
    path = "".join(f"M{x0:.1f} {y0:.1f}L{x1:.1f} {y1:.1f}" for (x0, y0), (x1, y1) in zip(a, b, strict=True))
    return (
        f'<svg viewBox="0 0 {SIZE} {SIZE}" xmlns="http://www.w3.org/2000/svg" style="width:100%;height:auto">'
        f'<path d="{path}" stroke="#999" stroke-opacity="0.35" stroke-width="0.6" fill="none"/></svg>'
    )


def network_nodes_svg(view: netview.NetworkView, model) -> str:
    """Users coloured by status, posts by engagement (white: vacant), support ties: redrawn each week."""
    users, workers, orgs = model.users, model.workers, model.orgs
    uxy, pxy = _xy(view.user_xy), _xy(view.post_xy)
    parts = [f'<svg viewBox="0 0 {SIZE} {SIZE}" xmlns="http://www.w3.org/2000/svg" style="width:100%;height:auto">']
    post_index = {int(p): k for k, p in enumerate(view.posts)}
    segs = []
    for k, w in enumerate(users.worker[view.users]):
        j = post_index.get(int(w))
        if j is not None:
            segs.append(f"M{uxy[k, 0]:.1f} {uxy[k, 1]:.1f}L{pxy[j, 0]:.1f} {pxy[j, 1]:.1f}")
    parts.append(f'<path d="{"".join(segs)}" stroke="#0072B2" stroke-opacity="0.35" stroke-width="0.7" fill="none"/>')
    colours = [netview.hex_colour(c) for c in netview.STATUS_COLOURS]
    status = users.status[view.users]
    for code, colour in enumerate(colours):
        idx = np.flatnonzero(status == code)
        if idx.size:
            circles = "".join(f'<circle cx="{uxy[i, 0]:.1f}" cy="{uxy[i, 1]:.1f}" r="3.2"/>' for i in idx)
            parts.append(f'<g fill="{colour}" class="status-{code}">{circles}</g>')
    cmap = matplotlib.colormaps[netview.ENGAGEMENT_CMAP]
    org = workers.org[view.posts]
    funded = view.posts - orgs.position_start[org] < orgs.posts[org]
    active = workers.active[view.posts]
    rects = []
    for k in range(len(view.posts)):
        if not (active[k] or funded[k]):
            continue
        fill = netview.hex_colour(cmap(float(workers.engagement[view.posts[k]]))) if active[k] else "#ffffff"
        rects.append(
            f'<rect x="{pxy[k, 0] - 5:.1f}" y="{pxy[k, 1] - 5:.1f}" width="10" height="10" fill="{fill}"'
            f' stroke="#000" stroke-width="0.8"/>'
        )
    parts.append(f'<g class="posts">{"".join(rects)}</g></svg>')
    return "".join(parts)


def legend_html(labels: dict[str, str]) -> str:
    """The status colours and the post symbols, as an HTML legend (text at the page's size)."""
    items = []
    for code, key in enumerate(STATUS_NAMES):
        colour = netview.hex_colour(netview.STATUS_COLOURS[code])
        items.append(
            f'<li><svg width="12" height="12" aria-hidden="true"><circle cx="6" cy="6" r="5.5" fill="{colour}"/></svg>'
            f" {html.escape(labels[f'status.{key}'])}</li>"
        )
    items.append(
        '<li><svg width="12" height="12" aria-hidden="true"><rect x="0.5" y="0.5" width="11" height="11" fill="#fff"'
        f' stroke="#000"/></svg> {html.escape(labels["post.vacant"])}</li>'
    )
    cmap = matplotlib.colormaps[netview.ENGAGEMENT_CMAP]
    stops = "".join(f'<stop offset="{k / 4:.2f}" stop-color="{netview.hex_colour(cmap(k / 4))}"/>' for k in range(5))
    items.append(
        f'<li><svg width="48" height="12" aria-hidden="true"><defs><linearGradient id="centaure-engagement">{stops}'
        '</linearGradient></defs><rect x="0.5" y="0.5" width="47" height="11" fill="url(#centaure-engagement)"'
        f' stroke="#000"/></svg> {html.escape(labels["post.engagement"])}</li>'
    )
    return f'<ul class="centaure-legend">{"".join(items)}</ul>'
