"""The multiplex network of MODEL.md §2: networkx for users, scipy.sparse for the weekly step.

Layers:

* **peer** (user-user): a clustered small world (Watts & Strogatz 1998) on a ring
  ordered by neighbourhood, so that catchments are contiguous; information,
  trust and peer workers' influence travel along it;
* **support** (worker-user): who supports whom, changing as cases open and close;
* **team** (worker-worker): everyone in a team is tied to everyone else (a clique);
* **hierarchy** (worker-manager) and **funding** (manager-funder).

Only the peer layer needs a sparse matrix in the weekly step: team means are
computed with ``np.bincount`` over team indices, which equals a matrix product
with the (clique) team adjacency. The full multiplex graph is built on demand
by :func:`multiplex_graph` for users who want to inspect it with networkx.

Two constructions of the peer layer give the same random-graph family:
networkx's ``watts_strogatz_graph`` (the reference, used up to
``NETWORKX_MAX_USERS``) and :func:`watts_strogatz_sparse`, a vectorised
construction for 10^5-10^6 users. ``tests/test_network.py`` checks that they
agree on degree distribution and clustering.
"""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import scipy.sparse as sp

NETWORKX_MAX_USERS = 20_000

ROWS_PRODUCT_FROM = 50_000
"""Users from which :func:`neighbour_sum` gathers only the requested rows' ties when they are few."""
FEW_ROWS = 12
"""Rows are few when fewer than 1 / FEW_ROWS of the nodes: their ties are gathered rather than the whole product taken."""


def watts_strogatz_sparse(n: int, k: int, p: float, rng: np.random.Generator) -> sp.csr_matrix:
    """Watts-Strogatz small world as a symmetric CSR adjacency, without Python loops.

    Ring lattice: node i tied to i+1 .. i+k/2 (mod n). Each lattice edge
    (i, i+j) is rewired with probability p to (i, w), w uniform, avoiding self
    loops; duplicate edges created by rewiring are merged, as networkx skips
    them (the degree distribution and clustering agree; see the tests).
    """
    half = k // 2
    src = np.repeat(np.arange(n, dtype=np.int64), half)
    dst = (src + np.tile(np.arange(1, half + 1), n)) % n
    rewire = rng.random(src.size) < p
    new = rng.integers(0, n - 1, int(rewire.sum()))
    new += new >= src[rewire]  # skip self
    dst[rewire] = new
    return symmetric_adjacency(n, src, dst)


def symmetric_adjacency(n: int, src: np.ndarray, dst: np.ndarray) -> sp.csr_matrix:
    """Binary symmetric CSR adjacency (float32) of the undirected edges ``src[k] - dst[k]``."""
    rows = np.concatenate([src, dst])
    cols = np.concatenate([dst, src])
    adj = sp.csr_matrix((np.ones(rows.size, dtype=np.float32), (rows, cols)), shape=(n, n))
    adj.sum_duplicates()
    adj.data[:] = 1.0  # duplicate edges count once
    return adj


def peer_adjacency(n: int, k: int, p: float, rng: np.random.Generator) -> sp.csr_matrix:
    """The peer layer as CSR: networkx's construction up to NETWORKX_MAX_USERS, sparse above."""
    k = max(2, k - k % 2)
    if n <= NETWORKX_MAX_USERS:
        seed = int(rng.integers(2**31 - 1))
        return graph_adjacency(nx.watts_strogatz_graph(n, k, p, seed=seed))
    return watts_strogatz_sparse(n, k, p, rng)


def graph_adjacency(graph: nx.Graph) -> sp.csr_matrix:
    """Binary CSR adjacency (float32) of a simple graph on the nodes 0 .. n-1, read from its adjacency lists."""
    n = graph.number_of_nodes()
    by_node = dict(graph.adjacency())
    neighbours = [by_node[node] for node in range(n)]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, neighbours), dtype=np.int64, count=n), out=indptr[1:])
    indices = np.fromiter(itertools.chain.from_iterable(neighbours), dtype=np.int32, count=int(indptr[-1]))
    adj = sp.csr_matrix((np.ones(indices.size, dtype=np.float32), indices, indptr), shape=(n, n))
    adj.sort_indices()
    return adj


def neighbour_sum(adj: sp.csr_matrix, values: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
    """Sum of ``values`` over each node's neighbours: ``A @ x`` (only for ``rows`` if given).

    The product runs in float32 (the adjacency is stored so): sums of at most a
    few dozen values in [0, 1] lose nothing that matters, and the product, the
    costliest operation of the week for large territories, runs twice as fast.

    For ``rows`` fewer than a twelfth of a large territory (``ROWS_PRODUCT_FROM``
    users or more) only their ties are gathered; otherwise the whole product is
    cheaper (on this project's machine: 19 us against 24-52 us at 5,000 users;
    1.3 ms against 7.9 ms for 2% of a million users).
    """
    x = values.astype(np.float32)
    if rows is None:
        return adj @ x
    if not gathers_rows(values.size, rows.size):
        return (adj @ x)[rows]
    positions, lengths = tie_positions(adj, rows)
    owner = np.repeat(np.arange(rows.size), lengths)
    return np.bincount(owner, weights=x[adj.indices[positions]], minlength=rows.size)


def gathers_rows(n: int, rows: int) -> bool:
    """Whether :func:`neighbour_sum` gathers the ties of ``rows`` of ``n`` nodes (then in float64) or takes the product."""
    return n >= ROWS_PRODUCT_FROM and FEW_ROWS * rows <= n


def tie_positions(adj: sp.csr_matrix, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions in ``adj.indices`` of the ties of ``rows``, row after row; the number of ties of each row)."""
    starts = adj.indptr[rows]
    lengths = adj.indptr[rows + 1] - starts
    offsets = np.cumsum(lengths) - lengths
    return np.repeat(starts - offsets, lengths) + np.arange(int(lengths.sum())), lengths


class NeighbourCount:
    """``A @ x`` for a boolean ``x`` that changes little from call to call, kept up to date.

    The first call is the product; each later one adds +1 or -1 to the
    neighbours of the nodes whose value changed since the previous call (all of
    it again when many did). The counts are whole numbers in float32, so they
    are exactly the product's, whatever the order of the additions.
    """

    def __init__(self, adj: sp.csr_matrix) -> None:
        self.adj = adj
        self.seen: np.ndarray | None = None
        self.counts: np.ndarray | None = None

    def __call__(self, values: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """``neighbour_sum(adj, values, rows)``: the same values, of the same dtype.

        Without ``rows``, the counts themselves: do not modify them (they are kept for the next call).
        """
        counts = self._update(values)
        if rows is None:
            return counts
        return counts[rows].astype(np.float64) if gathers_rows(values.size, rows.size) else counts[rows]

    def _update(self, values: np.ndarray) -> np.ndarray:
        if self.seen is not None:
            changed = (values != self.seen).nonzero()[0]
            if FEW_ROWS * changed.size <= values.size:
                positions, lengths = tie_positions(self.adj, changed)
                step = np.where(values[changed], np.float32(1.0), np.float32(-1.0))
                np.add.at(self.counts, self.adj.indices[positions], step.repeat(lengths))
                self.seen[changed] = values[changed]
                return self.counts
        self.counts = neighbour_sum(self.adj, values)
        self.seen = values.copy()
        return self.counts


def multiplex_graph(model) -> nx.MultiGraph:
    """The whole multiplex network of a model now, as a networkx MultiGraph.

    Nodes are ``("user", i)``, ``("worker", w)``, ``("manager", j)`` and
    ``("funder", f)`` with their attributes; each edge has a ``layer``
    attribute (peer, support, team, hierarchy, funding). Built on demand: the
    weekly step never uses it.
    """
    users, workers, orgs = model.users, model.workers, model.orgs
    g = nx.MultiGraph()
    g.add_nodes_from((("user", i), {"kind": "user"}) for i in range(users.status.size))
    active = np.flatnonzero(workers.active)
    g.add_nodes_from((("worker", int(w)), {"kind": "worker"}) for w in active)
    g.add_nodes_from((("manager", j), {"kind": "manager"}) for j in range(orgs.style.size))
    g.add_nodes_from((("funder", f), {"kind": "funder"}) for f in range(int(orgs.funder.max()) + 1))
    coo = sp.triu(model.peer_adj).tocoo()
    g.add_edges_from(
        (("user", int(a)), ("user", int(b)), {"layer": "peer"}) for a, b in zip(coo.row, coo.col, strict=True)
    )
    supported = np.flatnonzero(users.worker >= 0)
    g.add_edges_from((("worker", int(users.worker[i])), ("user", int(i)), {"layer": "support"}) for i in supported)
    for team in np.unique(workers.team[active]):
        members = active[workers.team[active] == team]
        g.add_edges_from(
            (("worker", int(a)), ("worker", int(b)), {"layer": "team"})
            for n, a in enumerate(members)
            for b in members[n + 1 :]
        )
    g.add_edges_from((("worker", int(w)), ("manager", int(workers.org[w])), {"layer": "hierarchy"}) for w in active)
    g.add_edges_from((("manager", j), ("funder", int(f)), {"layer": "funding"}) for j, f in enumerate(orgs.funder))
    return g
