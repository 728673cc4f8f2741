"""The Shapley decomposition: exact on known games, adding up on the model, grouped by declared families."""

import numpy as np
import pytest

from sim import scenarios
from sim.decompose import changes, coalition, decompose, shapley, waterfall_figure
from sim.errors import ScenarioError


def test_shapley_is_exact_on_an_additive_game():
    weights = {"a": 1.0, "b": -2.0, "c": 0.5}
    phi = shapley(lambda s: sum(weights[p] for p in s), list(weights))
    assert phi == pytest.approx(weights)


def test_shapley_splits_a_pure_interaction_evenly_and_leaves_out_a_dummy():
    phi = shapley(lambda s: 6.0 * ({"x", "y"} <= s), ["x", "y", "z"])
    assert phi == pytest.approx({"x": 3.0, "y": 3.0, "z": 0.0})


def test_shapley_works_on_arrays_and_adds_up():
    rng = np.random.default_rng(0)
    table = {frozenset(c): rng.normal(size=3) for c in [(), ("p",), ("q",), ("p", "q")]}
    phi = shapley(table.__getitem__, ["p", "q"])
    np.testing.assert_allclose(phi["p"] + phi["q"], table[frozenset({"p", "q"})] - table[frozenset()])


def test_the_changes_of_a_scenario_are_grouped_by_declared_family():
    groups = changes(scenarios.load("npm"), scenarios.load("alliance"))
    assert set(groups) == {"pressure", "management", "participation", "funding", "procedures"}
    assert set(groups["pressure"]) == {"reporting_pressure", "standardisation"}
    entry = changes(scenarios.load("npm"), scenarios.load("for_profit_entry"))
    assert "kind@6" in entry["organisations"] and "caseload_cap@6" in entry["capacity"]
    assert set(changes(scenarios.load("npm"), scenarios.load("reform_alliance"))) >= {"pressure", "participation"}


def test_a_coalition_takes_only_its_families_changes_including_those_of_reforms():
    npm, reform = scenarios.load("npm"), scenarios.load("reform_alliance")
    only = coalition(npm, reform, frozenset({"pressure"}))
    (r,) = only.reforms
    assert set(r.changes) == {"reporting_pressure", "standardisation"} and r.week == reform.reforms[0].week
    assert only.params == npm.params


SMALL = dict(n_users=600, n_workers=24, n_organisations=3, team_size=4, spinup_weeks=26, weeks=60)


def test_decomposing_a_scenario_adds_up_to_its_difference_replicate_by_replicate():
    base = scenarios.load("npm").with_changes(**SMALL)
    target = base.with_changes(reporting_pressure=0.1, outreach_share=0.1, participation_level=6)
    result = decompose(target, base, 3, indicators=("non_recourse", "engagement"))
    assert set(result.families) == {"pressure", "outreach", "participation"}
    p = result.per_replicate
    parts = p[p.family != "total"].groupby(["indicator", "replicate"])["contribution"].sum()
    total = p[p.family == "total"].set_index(["indicator", "replicate"])["contribution"]
    np.testing.assert_allclose(parts.sort_index().to_numpy(), total.sort_index().to_numpy(), atol=1e-12)
    rows = result.contributions("non_recourse")
    assert list(rows["family"]) == [*result.families, "total"]
    assert (rows["ci_low"] <= rows["mean"]).all()
    assert waterfall_figure(result, "non_recourse", "fr").axes


def test_nothing_to_decompose_is_one_clear_error():
    with pytest.raises(ScenarioError, match="nothing to decompose"):
        decompose("npm", "npm", 2)
