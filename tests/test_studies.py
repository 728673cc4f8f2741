"""The study functions every front end calls: replicates on common seeds, comparisons, reforms."""

import numpy as np
import pandas as pd
import pytest

from sim import scenarios
from sim.errors import ScenarioError
from sim.scenarios import Reform
from sim.studies import compare, reform_effect, replicate_seeds, run_scenarios

SMALL = dict(n_users=600, n_workers=24, n_organisations=3, team_size=4, spinup_weeks=26, weeks=60)


def small(name="npm", **changes):
    return scenarios.load(name).with_changes(**{**SMALL, **changes})


def test_replicates_share_seeds_across_scenarios():
    runs = run_scenarios({"a": small(), "b": small()}, 2)
    a, b = (runs[runs.scenario == s].drop(columns="scenario").reset_index(drop=True) for s in "ab")
    pd.testing.assert_frame_equal(a, b)  # the same scenario twice: the same seeds, the same runs
    assert not runs[runs.replicate == 0].iloc[:, 3:].equals(runs[runs.replicate == 1].iloc[:, 3:])
    assert [s.entropy for s in replicate_seeds(3, 7)] == [7, 7, 7]


def test_compare_summarises_final_year_means_with_intervals_in_the_order_given():
    result = compare([small("alliance"), small("npm")], 3, indicators=("engagement", "non_recourse"))
    assert result.scenarios == [small("alliance").name, "npm"]
    s = result.summary
    assert set(s.columns) == {"scenario", "indicator", "mean", "ci_low", "ci_high", "replicates", "draws", "interval"}
    assert set(s.interval) == {"seeds"} and (s.draws == 1).all()
    assert (s.ci_low <= s["mean"]).all() and (s["mean"] <= s.ci_high).all() and (s.replicates == 3).all()
    assert result.cell("npm", "engagement")["mean"] == pytest.approx(s.iloc[2]["mean"])


def test_a_study_on_two_worker_processes_gives_the_same_frame_as_in_process():
    """The runs of a study shared by an embedded Dask cluster: same rows, same order, same values, each counted."""
    chosen = {"npm": small(weeks=20), "alliance": small("alliance", weeks=20)}
    ticks = {1: 0, 2: 0}

    def counter(workers: int):
        def tick() -> None:
            ticks[workers] += 1

        return tick

    alone = run_scenarios(chosen, 2, progress=counter(1))
    shared = run_scenarios(chosen, 2, progress=counter(2), workers=2)
    pd.testing.assert_frame_equal(shared, alone, check_exact=True)
    assert ticks == {1: 4, 2: 4}


def test_a_study_refuses_two_scenarios_with_one_name():
    with pytest.raises(ScenarioError, match="given twice"):
        compare([small(), small()], 2)


def test_a_reform_and_its_counterfactual_are_identical_until_the_reform():
    effect = reform_effect(small(), Reform(30, {"reporting_pressure": 0.1}), 2)
    before = effect.difference[effect.difference.week < 30]
    assert np.allclose(before[list(effect.indicators)].to_numpy(), 0.0)
    after = effect.difference[effect.difference.week >= 30]
    assert not np.allclose(after[list(effect.indicators)].to_numpy(), 0.0)
    row = effect.summary.set_index("indicator").loc["non_recourse"]
    assert row["reform"] - row["counterfactual"] == pytest.approx(row["mean"])


def test_a_reform_of_one_organisation_reads_per_organisation():
    """Organisation 1's reporting changes with its own pressure; the others' reporting does not move at all."""
    effect = reform_effect(
        small(),
        Reform(20, {"reporting_pressure": 0.1}, organisation=1),
        2,
        by_organisation=True,
        indicators=("reporting_share",),
    )
    summary = effect.summary.set_index("organisation")
    assert summary.loc[1, "mean"] < -0.1
    assert summary.loc[[0, 2], "mean"].abs().max() < 1e-12  # up to rounding (a share of a different headcount)
    assert set(effect.runs.columns) >= {"arm", "replicate", "week", "organisation", "reporting_share"}
