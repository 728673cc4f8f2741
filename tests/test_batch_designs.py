"""Designs: sizes (known from the arithmetic, before sampling), order, raw-space mapping of integer and listed levers, stratification, determinism."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.batch import designs
from sim.batch.designs import Factor

REAL = Factor("reporting_pressure", "real", 0.1, 0.6)
INT = Factor("participation_level", "integer", 0, 7)
CHOICE = Factor("intake_priority", "values", values=("greatest_need", "easiest_first", "first_come"))


def test_grid_is_the_full_product_first_factor_slowest() -> None:
    x = designs.grid([REAL, CHOICE], levels=3)
    assert x.shape == (9, 2)
    points = [designs.values([REAL, CHOICE], row) for row in x]
    assert [p["reporting_pressure"] for p in points] == [0.1] * 3 + [0.35] * 3 + [0.6] * 3
    assert [p["intake_priority"] for p in points[:3]] == list(CHOICE.values)


def test_grid_levels_of_integers_are_distinct_integers() -> None:
    assert INT.grid(3) == [0.0, 4.0, 7.0]  # rint(3.5) = 4
    assert Factor("caseload_cap", "integer", 5, 6).grid(5) == [5.0, 6.0]
    assert [INT.value(v) for v in INT.grid(8)] == list(range(8))
    assert Factor("x", "real", 0.0, 1.0, levels=5).grid(3) == [0.0, 0.25, 0.5, 0.75, 1.0]


def test_grid_without_factors_is_one_empty_point() -> None:
    assert designs.grid([], 3).shape == (1, 0)


@pytest.mark.parametrize("second_order", [False, True])
def test_sobol_size_and_power_of_two(second_order: bool) -> None:
    d = 3
    x = designs.sobol([REAL, INT, CHOICE], 16, seed=1, second_order=second_order)
    assert x.shape == (16 * (2 * d + 2 if second_order else d + 2), d)
    with pytest.raises(ValueError, match="power of two"):
        designs.sobol([REAL], 12, seed=1)


def test_sobol_doubling_n_keeps_the_first_points() -> None:
    small = designs.sobol([REAL, INT], 8, seed=3, second_order=False)
    large = designs.sobol([REAL, INT], 16, seed=3, second_order=False)
    assert np.array_equal(small, large[: len(small)])


def test_morris_size_and_levels() -> None:
    x = designs.morris([REAL, INT], 6, seed=2, levels=4)
    assert x.shape == (6 * 3, 2)
    assert set(np.round((x[:, 0] - 0.1) / 0.5 * 3, 9)) <= {0.0, 1.0, 2.0, 3.0}


def test_lhs_is_stratified() -> None:
    n = 20
    x = designs.lhs([REAL, INT], n, seed=4)
    strata = np.floor((x[:, 0] - 0.1) / 0.5 * n).astype(int)
    assert sorted(strata) == list(range(n))
    strata = np.floor(x[:, 1] / 8 * n).astype(int)  # integer range sampled on [0, 8)
    assert sorted(strata) == list(range(n))


def test_same_seed_same_design_other_seed_other_design() -> None:
    for method, n in (("lhs", 10), ("sobol", 8), ("morris", 4)):
        a = designs.sample(method, [REAL, INT], n, 5, {})
        assert np.array_equal(a, designs.sample(method, [REAL, INT], n, 5, {}))
        assert not np.array_equal(a, designs.sample(method, [REAL, INT], n, 6, {}))
    with pytest.raises(ValueError, match="unknown design"):
        designs.sample("taguchi", [REAL], 4, 1, {})


def test_integer_and_listed_levers_are_uniform_over_their_values() -> None:
    x = designs.lhs([INT, CHOICE], 8000, seed=7)
    ints = np.array([INT.value(v) for v in x[:, 0]])
    picks = [CHOICE.value(v) for v in x[:, 1]]
    assert np.bincount(ints, minlength=8).tolist() == [1000] * 8  # LHS: exactly stratified
    # each value gets 8000/3 points, give or take the boundary stratum
    assert {c: picks.count(c) for c in CHOICE.values} == {c: pytest.approx(8000 / 3, abs=2) for c in CHOICE.values}


def test_problem_and_description_round_trip() -> None:
    problem = designs.problem([REAL, INT, CHOICE])
    assert problem == {
        "num_vars": 3,
        "names": ["reporting_pressure", "participation_level", "intake_priority"],
        "bounds": [[0.1, 0.6], [0.0, 8.0], [0.0, 3.0]],
    }
    for f in (REAL, INT, CHOICE, Factor("x", "real", 0.0, 1.0, levels=4)):
        assert Factor.from_description(f.describe()) == f


@st.composite
def factors(draw: st.DrawFn) -> Factor:
    kind = draw(st.sampled_from(["real", "integer", "values"]))
    name = draw(st.text("abcdefgh", min_size=1, max_size=6))
    if kind == "real":
        low = draw(st.floats(-100, 100))
        high = low + draw(st.floats(1e-3, 100))
        return Factor(name, kind, low, high)
    if kind == "integer":
        low = draw(st.integers(-50, 50))
        return Factor(name, kind, low, low + draw(st.integers(1, 60)))
    atoms = st.one_of(st.integers(), st.text(max_size=4), st.booleans())
    values = draw(st.lists(atoms, min_size=2, max_size=6, unique_by=repr))
    return Factor(name, kind, values=tuple(values))


@settings(max_examples=60, deadline=None)
@given(st.lists(factors(), min_size=1, max_size=4), st.sampled_from(designs.DESIGNS), st.integers(0, 2**32))
def test_every_design_gives_values_within_the_declared_ones(fs: list[Factor], method: str, seed: int) -> None:
    fs = [Factor(f"{f.name}{i}", f.kind, f.low, f.high, f.values) for i, f in enumerate(fs)]
    n = {"grid": None, "lhs": 7, "sobol": 4, "morris": 3}[method]
    options = {"levels": 2 if method == "grid" else 4}
    x = designs.sample(method, fs, n, seed, options)
    assert x.shape == (designs.size(method, fs, n, options), len(fs))  # the size is known before sampling
    for row in x:
        for f, value in designs.values(fs, row).items():
            factor = next(g for g in fs if g.name == f)
            if factor.kind == "real":
                assert isinstance(value, float) and factor.low <= value <= factor.high
            elif factor.kind == "integer":
                assert isinstance(value, int) and factor.low <= value <= factor.high
            else:
                assert value in factor.values
