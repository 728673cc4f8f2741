"""The two constructions of the peer layer give the same random-graph family."""

import networkx as nx
import numpy as np
import pytest

from sim.network import peer_adjacency, watts_strogatz_sparse


@pytest.mark.parametrize(("k", "p"), [(6, 0.1), (4, 0.3)])
def test_sparse_and_networkx_constructions_agree(k, p):
    n = 3000
    rng = np.random.default_rng(0)
    ref = nx.watts_strogatz_graph(n, k, p, seed=1)
    fast = nx.from_scipy_sparse_array(watts_strogatz_sparse(n, k, p, rng))
    deg_ref = np.bincount([d for _, d in ref.degree()], minlength=40)[:40] / n
    deg_fast = np.bincount([d for _, d in fast.degree()], minlength=40)[:40] / n
    assert np.abs(deg_ref - deg_fast).sum() < 0.05  # total-variation distance of degree distributions
    assert abs(np.mean([d for _, d in ref.degree()]) - np.mean([d for _, d in fast.degree()])) < 0.05
    assert nx.average_clustering(fast) == pytest.approx(nx.average_clustering(ref), abs=0.02)
    assert nx.number_of_selfloops(fast) == 0


def test_adjacency_is_symmetric_binary_and_seeded():
    a = peer_adjacency(500, 6, 0.1, np.random.default_rng(3))
    b = peer_adjacency(500, 6, 0.1, np.random.default_rng(3))
    assert (a != a.T).nnz == 0 and set(np.unique(a.data)) == {1.0}
    assert (a != b).nnz == 0
    assert a.diagonal().sum() == 0


@pytest.mark.parametrize("n_rows", [0, 100, 300])
def test_neighbour_sums_on_a_subset_of_rows_equal_the_full_product(n_rows, monkeypatch):
    from sim import network

    monkeypatch.setattr(network, "ROWS_PRODUCT_FROM", 0)  # gather the rows' ties when they are few
    rng = np.random.default_rng(0)
    a = peer_adjacency(2000, 6, 0.2, rng)
    values = rng.random(2000) < 0.4
    rows = np.sort(rng.choice(2000, n_rows, replace=False))
    expected = (a @ values.astype(float))[rows]
    np.testing.assert_allclose(network.neighbour_sum(a, values, rows=rows), expected)


def test_adjacency_read_from_a_networkx_graph_equals_networkx_own_matrix():
    from sim.network import graph_adjacency

    graph = nx.watts_strogatz_graph(300, 6, 0.3, seed=5)
    expected = nx.to_scipy_sparse_array(graph, nodelist=range(300), dtype=np.float32, format="csr")
    adj = graph_adjacency(graph)
    assert adj.dtype == np.float32 and adj.has_sorted_indices
    assert (adj != expected).nnz == 0
