"""The network view: a sampled, laid-out-once picture of the territory, recoloured each week.

Users sit on a ring ordered by neighbourhood (``sim.network``), so the view keeps
contiguous stretches of that ring — one per organisation — which preserves
the peer ties and clusters a reader should see. Worker posts of the same
organisations are added, tied to their team-mates and to the users they
support at the start. The spring layout is computed once (seeded); each week
only the colours (users by status, workers by engagement) and the support
ties are redrawn.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import matplotlib
import networkx as nx
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from sim.state import STATUS_NAMES, Status

MAX_USERS = 360
"""Most users drawn; above this the view is a sample."""
MAX_WORKERS = 100
"""Most worker posts drawn."""


def _rgba(hex_text: str) -> tuple[float, float, float, float]:
    return (*(int(hex_text[i : i + 2], 16) / 255.0 for i in (1, 3, 5)), 1.0)


def hex_colour(rgba) -> str:
    """``#rrggbb`` of an RGBA colour (components 0-1)."""
    r, g, b = (int(round(255 * float(c))) for c in rgba[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


STATUS_COLOURS = np.array(
    [
        _rgba("#BBBBBB"),  # RESOLVED: no current need (grey)
        _rgba("#E69F00"),  # UNAWARE: orange
        _rgba("#AA3377"),  # NOT_ASKING: purple
        _rgba("#56B4E9"),  # WAITING: sky blue
        _rgba("#332288"),  # DROPPED: indigo
        _rgba("#117733"),  # SUPPORTED: green
    ]
)
"""One colour per user status, chosen from the Okabe–Ito and Paul Tol palettes so that any two stay
apart (CIE ΔE above 30) for normal, deuteranopic, protanopic and tritanopic vision (tested)."""
CAUSE_STATUS = (Status.UNAWARE, Status.NOT_ASKING, Status.WAITING)
"""The status whose colour each cause of non-recourse takes (non-connaissance, non-demande, non-réception)."""
ENGAGEMENT_CMAP = "viridis"
"""Workers' engagement: dark violet (low) to yellow (high); its lightness rises steadily, for every reader."""


@dataclass
class NetworkView:
    """Which users and posts are drawn, where, and the figure that draws them."""

    users: np.ndarray  # indices of the users drawn
    posts: np.ndarray  # indices of the worker posts drawn
    user_xy: np.ndarray  # (len(users), 2)
    post_xy: np.ndarray  # (len(posts), 2)
    orgs: np.ndarray  # organisations drawn
    total_users: int
    total_posts: int
    total_orgs: int
    figure: Figure | None = None
    _user_dots: object = None
    _post_dots: object = None
    _support: object = None

    @property
    def sampled(self) -> bool:
        return len(self.users) < self.total_users or len(self.orgs) < self.total_orgs


@dataclass(frozen=True)
class Counts:
    """What the drawn part of the network shows this week, counted."""

    people: int
    statuses: dict[str, int]  # status name -> people drawn in it
    posts: int  # funded or filled posts drawn
    vacant: int
    engagement: float  # mean engagement of the drawn workers in post


def counts(view: NetworkView | None, model) -> Counts:
    """Counts of the drawn people by situation and of the drawn posts (the whole territory before the first draw)."""
    users = view.users if view is not None else np.arange(model.users.status.size)
    posts = view.posts if view is not None else np.arange(model.workers.org.size)
    by_status = np.bincount(model.users.status[users], minlength=len(STATUS_NAMES))
    workers, orgs = model.workers, model.orgs
    org = workers.org[posts]
    funded = posts - orgs.position_start[org] < orgs.posts[org]
    active = workers.active[posts]
    shown = active | funded
    return Counts(
        people=int(len(users)),
        statuses={name: int(n) for name, n in zip(STATUS_NAMES, by_status, strict=True)},
        posts=int(shown.sum()),
        vacant=int((shown & ~active).sum()),
        engagement=float(workers.engagement[posts][active].mean()) if active.any() else float("nan"),
    )


MAX_ORGS = 4
"""Most organisations drawn when the view is a sample."""


def sample_orgs(n_orgs: int, limit: int = MAX_ORGS) -> np.ndarray:
    """Evenly spaced organisations (all of them if few)."""
    if n_orgs <= limit:
        return np.arange(n_orgs)
    return np.unique(np.linspace(0, n_orgs - 1, limit).round().astype(int))


def sample_users(user_org: np.ndarray, orgs: np.ndarray, limit: int = MAX_USERS) -> np.ndarray:
    """A contiguous stretch of the neighbourhood ring in each chosen organisation (all users if few)."""
    members = np.flatnonzero(np.isin(user_org, orgs))
    if members.size <= limit:
        return members
    per_org = max(limit // len(orgs), 1)
    chosen = []
    for org in orgs:
        own = np.flatnonzero(user_org == org)
        start = max((len(own) - per_org) // 2, 0)
        chosen.append(own[start : start + per_org])
    return np.sort(np.concatenate(chosen))


def sample_posts(post_org: np.ndarray, orgs: np.ndarray, limit: int = MAX_WORKERS) -> np.ndarray:
    """The first posts (in post order) of each chosen organisation, at most ``limit`` in all."""
    per_org = max(limit // len(orgs), 1)
    return np.concatenate([np.flatnonzero(post_org == org)[:per_org] for org in orgs])


def build_view(model, seed: int = 0, max_users: int = MAX_USERS, max_posts: int = MAX_WORKERS) -> NetworkView:
    """Choose what to draw and lay it out once (seeded spring layout)."""
    users_state, workers = model.users, model.workers
    orgs = sample_orgs(model.orgs.posts.size)
    users = sample_users(users_state.org, orgs, max_users)
    posts = sample_posts(workers.org, orgs, max_posts)

    # One invisible hub per organisation holds its posts and (loosely) its users together.
    graph = nx.Graph()
    n_drawn = len(users) + len(posts)
    graph.add_nodes_from(range(n_drawn))
    local = {int(u): k for k, u in enumerate(users)}
    post_local = {int(p): len(users) + k for k, p in enumerate(posts)}
    hub = {int(o): n_drawn + k for k, o in enumerate(orgs)}
    sub = model.peer_adj[users][:, users].tocoo()
    graph.add_edges_from((int(a), int(b), {"weight": 1.0}) for a, b in zip(sub.row, sub.col, strict=True) if a < b)
    for team in np.unique(workers.team[posts]):
        members = [post_local[int(p)] for p in posts[workers.team[posts] == team]]
        graph.add_edges_from((a, b, {"weight": 1.0}) for n, a in enumerate(members) for b in members[n + 1 :])
    graph.add_edges_from((hub[int(workers.org[p])], post_local[int(p)], {"weight": 1.0}) for p in posts)
    graph.add_edges_from((hub[int(users_state.org[u])], local[int(u)], {"weight": 0.05}) for u in users)
    for u in users:
        w = int(users_state.worker[u])
        if w in post_local:
            graph.add_edge(local[int(u)], post_local[w], weight=0.5)
    pos = nx.spring_layout(graph, seed=seed, iterations=50, weight="weight")
    xy = np.array([pos[k] for k in range(n_drawn)]).reshape(-1, 2)
    xy = (xy - xy.mean(axis=0)) / max(float(np.abs(xy - xy.mean(axis=0)).max()), 1e-9)
    return NetworkView(
        users=users,
        posts=posts,
        user_xy=xy[: len(users)],
        post_xy=xy[len(users) :],
        orgs=orgs,
        total_users=int(users_state.status.size),
        total_posts=int(workers.org.size),
        total_orgs=int(model.orgs.posts.size),
    )


def _draw(view: NetworkView, model, labels: dict[str, str]) -> None:
    """Create the figure once: peer ties, then users, then posts."""
    fig = Figure(figsize=(6.0, 5.0), dpi=80)
    ax = fig.add_axes((0.0, 0.0, 1.0, 0.9))
    ax.set_axis_off()
    index = {int(u): k for k, u in enumerate(view.users)}
    sub = model.peer_adj[view.users][:, view.users].tocoo()
    segs = [(view.user_xy[a], view.user_xy[b]) for a, b in zip(sub.row, sub.col, strict=True) if a < b]
    ax.add_collection(LineCollection(segs, colors=(0.6, 0.6, 0.6, 0.35), linewidths=0.5, zorder=1))
    view._support = LineCollection([], colors=(0.0, 0.45, 0.70, 0.35), linewidths=0.6, zorder=1)
    ax.add_collection(view._support)
    view._user_dots = ax.scatter(view.user_xy[:, 0], view.user_xy[:, 1], s=18, zorder=2, linewidths=0)
    view._post_dots = ax.scatter(
        view.post_xy[:, 0], view.post_xy[:, 1], s=60, marker="s", zorder=3, edgecolors="black", linewidths=0.6
    )
    del index
    ax.set_xlim(-1.08, 1.08)
    ax.set_ylim(-1.08, 1.08)
    handles = [
        Line2D([], [], ls="", marker="o", color=STATUS_COLOURS[code], label=labels[f"status.{name}"])
        for code, name in enumerate(STATUS_NAMES)
    ]
    handles.append(Line2D([], [], ls="", marker="s", mfc="white", mec="black", label=labels["post.vacant"]))
    fig.legend(handles=handles, loc="upper center", ncol=4, fontsize=8, frameon=False)
    view.figure = fig


def recolour(view: NetworkView, model, labels: dict[str, str]) -> None:
    """Update colours and support ties to the model's current state."""
    if view.figure is None:
        _draw(view, model, labels)
    users, workers = model.users, model.workers
    view._user_dots.set_facecolor(STATUS_COLOURS[users.status[view.users]])
    cmap = matplotlib.colormaps[ENGAGEMENT_CMAP]
    colours = cmap(workers.engagement[view.posts])
    org = workers.org[view.posts]
    funded = view.posts - model.orgs.position_start[org] < model.orgs.posts[org]
    colours[~workers.active[view.posts]] = (1.0, 1.0, 1.0, 1.0)
    colours[~funded & ~workers.active[view.posts]] = (1.0, 1.0, 1.0, 0.0)
    edges = np.zeros_like(colours)
    edges[:, 3] = np.where(funded | workers.active[view.posts], 1.0, 0.0)
    view._post_dots.set_edgecolor(edges)
    view._post_dots.set_facecolor(colours)
    post_local = {int(p): k for k, p in enumerate(view.posts)}
    assigned = users.worker[view.users]
    segs = [(view.user_xy[k], view.post_xy[post_local[int(w)]]) for k, w in enumerate(assigned) if int(w) in post_local]
    view._support.set_segments(segs)


def render_png(view: NetworkView, model, labels: dict[str, str]) -> bytes:
    """Recolour to the current week and return the picture as PNG bytes."""
    recolour(view, model, labels)
    buf = io.BytesIO()
    view.figure.savefig(buf, format="png", dpi=100)
    return buf.getvalue()
