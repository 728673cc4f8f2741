"""Live pictures as SVG text: a few milliseconds per week on the server, drawn by the browser.

The Explore page redraws every week; matplotlib takes 0.1-0.2 s per figure,
so the live views are SVG built here, and matplotlib draws the PNG exports
on demand (``charts``, ``netview``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import numpy as np

from sim.dashboard import netview

SIZE = 480  # network viewBox side (px)


def _hex(rgba: Sequence[float]) -> str:
    r, g, b = (int(round(255 * float(c))) for c in rgba[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


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
    colours = [_hex(c) for c in netview.STATUS_COLOURS]
    status = users.status[view.users]
    for code, colour in enumerate(colours):
        idx = np.flatnonzero(status == code)
        if idx.size:
            circles = "".join(f'<circle cx="{uxy[i, 0]:.1f}" cy="{uxy[i, 1]:.1f}" r="3.2"/>' for i in idx)
            parts.append(f'<g fill="{colour}" class="status-{code}">{circles}</g>')
    import matplotlib

    cmap = matplotlib.colormaps[netview.ENGAGEMENT_CMAP]
    org = workers.org[view.posts]
    funded = view.posts - orgs.position_start[org] < orgs.posts[org]
    active = workers.active[view.posts]
    rects = []
    for k in range(len(view.posts)):
        if not (active[k] or funded[k]):
            continue
        fill = _hex(cmap(float(workers.engagement[view.posts[k]]))) if active[k] else "#ffffff"
        rects.append(
            f'<rect x="{pxy[k, 0] - 5:.1f}" y="{pxy[k, 1] - 5:.1f}" width="10" height="10" fill="{fill}"'
            f' stroke="#000" stroke-width="0.8"/>'
        )
    parts.append(f'<g class="posts">{"".join(rects)}</g></svg>')
    return "".join(parts)


def legend_html(labels: dict[str, str]) -> str:
    """The status colours and the post symbols, as a small HTML legend."""
    items = []
    for code, key in enumerate(("resolved", "unaware", "not_asking", "waiting", "dropped", "supported")):
        colour = _hex(netview.STATUS_COLOURS[code])
        items.append(
            f'<span style="white-space:nowrap;margin-right:10px"><svg width="10" height="10">'
            f'<circle cx="5" cy="5" r="4.5" fill="{colour}"/></svg> {html.escape(labels[f"status.{key}"])}</span>'
        )
    items.append(
        '<span style="white-space:nowrap;margin-right:10px"><svg width="10" height="10"><rect width="10" height="10"'
        f' fill="#fff" stroke="#000"/></svg> {html.escape(labels["post.vacant"])}</span>'
    )
    items.append(
        '<span style="white-space:nowrap"><svg width="40" height="10"><defs><linearGradient id="eng">'
        '<stop offset="0" stop-color="#a50026"/><stop offset="0.5" stop-color="#ffffbf"/>'
        '<stop offset="1" stop-color="#006837"/></linearGradient></defs><rect width="40" height="10" fill="url(#eng)"'
        f' stroke="#000"/></svg> {html.escape(labels["post.engagement"])}</span>'
    )
    return f'<div style="font-size:0.78rem;line-height:1.6">{"".join(items)}</div>'


def line_chart(
    x: np.ndarray,
    lines: Sequence[tuple[str, np.ndarray, str]],
    title: str,
    xlabel: str,
    x_max: float,
    y_max: float = 1.0,
    stacked: Sequence[tuple[str, np.ndarray, str]] = (),
    width: int = 520,
    height: int = 210,
) -> str:
    """A small chart: optional stacked areas, then lines; axes, ticks, legend and title."""
    left, right, top, bottom = 38.0, 10.0, 22.0, 30.0
    pw, ph = width - left - right, height - top - bottom
    x_max = max(float(x_max), 1e-9)
    y_max = max(float(y_max), 1e-9)

    def px(v):
        return left + np.clip(np.asarray(v, dtype=float), 0, x_max) / x_max * pw

    def py(v):
        return top + ph - np.clip(np.nan_to_num(np.asarray(v, dtype=float)), 0, y_max) / y_max * ph

    out = [
        f'<svg viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg" '
        f'style="width:100%;height:auto;font-family:sans-serif">',
        f'<text x="{width / 2}" y="14" text-anchor="middle" font-size="12" font-weight="600">'
        f"{html.escape(title)}</text>",
    ]
    for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = top + ph - frac * ph
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 4}" y="{y + 3:.1f}" text-anchor="end" font-size="9">{frac * y_max:.2g}</text>')
    step = max(1, int(np.ceil(x_max / 10)))
    for tick in range(0, int(x_max) + 1, step):
        xt = left + tick / x_max * pw
        out.append(f'<line x1="{xt:.1f}" x2="{xt:.1f}" y1="{top}" y2="{top + ph}" stroke="#eee"/>')
        out.append(f'<text x="{xt:.1f}" y="{top + ph + 12}" text-anchor="middle" font-size="9">{tick}</text>')
    out.append(
        f'<text x="{left + pw / 2}" y="{height - 4}" text-anchor="middle" font-size="10">{html.escape(xlabel)}</text>'
    )
    if len(x) > 1500:  # keep the SVG small on long horizons
        pick = np.linspace(0, len(x) - 1, 1500).astype(int)
    else:
        pick = np.arange(len(x))
    xs = px(x[pick])
    base = np.zeros(len(pick))
    for _, values, colour in stacked:
        upper = base + np.nan_to_num(values[pick])
        pts = [f"{a:.1f},{b:.1f}" for a, b in zip(xs, py(upper), strict=True)]
        pts += [f"{a:.1f},{b:.1f}" for a, b in zip(xs[::-1], py(base)[::-1], strict=True)]
        if len(pick) > 1:
            out.append(f'<polygon points="{" ".join(pts)}" fill="{colour}" fill-opacity="0.85" stroke="none"/>')
        base = upper
    for _, values, colour in lines:
        pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, py(values[pick]), strict=True))
        if len(pick) > 1:
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.6"/>')
    out.append(f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>')
    # legend, top right inside the plot
    entries = [*stacked, *lines]
    lx, ly = left + pw - 150, top + 6
    out.append(
        f'<rect x="{lx - 4}" y="{ly - 4}" width="152" height="{12 * len(entries) + 6}"'
        ' fill="#fff" fill-opacity="0.85"/>'
    )
    for n, (name, _, colour) in enumerate(entries):
        y = ly + 12 * n
        out.append(f'<rect x="{lx}" y="{y + 1}" width="10" height="8" fill="{colour}"/>')
        out.append(f'<text x="{lx + 14}" y="{y + 9}" font-size="9">{html.escape(name)}</text>')
    out.append("</svg>")
    return "".join(out)
