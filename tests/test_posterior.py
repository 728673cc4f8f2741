"""Posterior draws: reproducible, weighted, applied only where a scenario keeps the default, and carried
into the intervals of comparisons and reforms."""

import numpy as np
import pandas as pd
import pytest

from sim import posterior, scenarios
from sim.errors import CentaureError
from sim.scenarios import Reform
from sim.stats import INTERVAL_DRAWS
from sim.studies import compare, reform_effect

SMALL = dict(n_users=500, n_workers=24, n_organisations=3, team_size=4, spinup_weeks=26, weeks=60)


def small(name="npm", **changes):
    return scenarios.load(name).with_changes(**{**SMALL, **changes})


def write(tmp_path, frame):
    path = tmp_path / "posterior.parquet"
    frame.to_parquet(path)
    return path


def test_draws_are_reproducible_and_follow_the_weights(tmp_path):
    frame = pd.DataFrame({"quit_base": [0.001, 0.002, 0.003], "weight": [0.0, 1.0, 3.0]})
    post = posterior.read(write(tmp_path, frame))
    first, again = posterior.draws(post, 40, entropy=5), posterior.draws(post, 40, entropy=5)
    assert first == again
    values = [d["quit_base"] for d in first]
    assert 0.001 not in values  # weight 0: never drawn
    assert values.count(0.003) == 30 and values.count(0.002) == 10  # systematic resampling: K * weight exactly


def test_a_draw_leaves_alone_what_the_scenario_sets_itself():
    draw = {"quit_base": 0.0031, "budget_growth": 0.0123}
    austerity = scenarios.load("austerity")
    assert austerity.params.budget_growth != scenarios.load("npm").params.budget_growth
    drawn = posterior.apply(austerity, draw)
    assert drawn.params.quit_base == 0.0031  # at its default in the scenario: takes the draw
    assert drawn.params.budget_growth == austerity.params.budget_growth  # the scenario's own value stays


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"quit_base": [0.001]}), "'weight' column"),
        (pd.DataFrame({"no_such_parameter": [0.1], "weight": [1.0]}), "not a parameter"),
        (pd.DataFrame({"quit_base": [0.001], "weight": [-1.0]}), "non-negative"),
        (pd.DataFrame({"quit_base": [5.0], "weight": [1.0]}), "quit_base"),
    ],
)
def test_a_bad_posterior_file_is_one_clear_error(tmp_path, frame, message):
    with pytest.raises(CentaureError, match=message):
        posterior.read(write(tmp_path, frame))


def test_a_file_that_is_not_parquet_is_one_clear_error(tmp_path):
    path = tmp_path / "posterior.parquet"
    path.write_text("quit_base,weight\n0.1,1\n")
    with pytest.raises(CentaureError, match="not a readable posterior file"):
        posterior.read(path)


def test_parameter_uncertainty_reaches_the_interval_of_a_comparison():
    """Draws that differ in a parameter turnover depends on widen turnover's interval; identical draws
    on common seeds give identical per-draw means, hence an interval of width zero."""
    indicators = ("annual_turnover",)
    spread = [{"quit_base": q} for q in (0.0005, 0.002, 0.004, 0.006)]
    same = [{"quit_base": 0.002}] * 4
    wide = compare([small()], 2, indicators=indicators, draws=spread).summary.iloc[0]
    flat = compare([small()], 2, indicators=indicators, draws=same).summary.iloc[0]
    assert wide.interval == flat.interval == INTERVAL_DRAWS and wide.draws == 4 and wide.replicates == 8
    assert flat.ci_high - flat.ci_low == pytest.approx(0.0, abs=1e-12)
    assert wide.ci_high - wide.ci_low > 0.05


def test_a_reform_is_paired_on_common_draws_and_seeds():
    draws = [{"quit_base": q} for q in (0.001, 0.004)]
    effect = reform_effect(small(), Reform(30, {"reporting_pressure": 0.1}), 2, draws=draws)
    before = effect.difference[effect.difference.week < 30]
    assert np.allclose(before[list(effect.indicators)].to_numpy(), 0.0)  # same draw, same seed: same run
    assert set(effect.difference["draw"]) == {0, 1} and set(effect.summary.interval) == {INTERVAL_DRAWS}


TINY = ["--weeks", "40", "--set", "n_users=300", "--set", "n_workers=12", "--set", "n_organisations=2"]


def test_compare_over_draws_from_the_command_line_says_what_its_intervals_cover(tmp_path, capsys):
    from sim.cli import main

    path = write(tmp_path, pd.DataFrame({"quit_base": [0.001, 0.004], "weight": [1.0, 1.0]}))
    args = ["compare", "npm", "--replicates", "2", "--draws", "2", "--posterior", str(path), *TINY]
    assert main([*args, "--set", "spinup_weeks=10", "--out", str(tmp_path / "out")]) == 0
    assert "over 2 posterior draws × 2 seeds" in capsys.readouterr().out
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    assert set(summary.interval) == {INTERVAL_DRAWS} and set(summary.draws) == {2}


def test_draws_without_a_calibration_is_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    from sim.cli import main

    monkeypatch.setattr(posterior, "shipped", lambda: None)
    assert main(["compare", "npm", "--draws", "3", *TINY, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "--draws" in err and "no calibration is shipped" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.shipped_posterior
def test_the_shipped_calibration_loads_and_gives_draws_by_default():
    shipped = posterior.shipped()
    assert shipped is not None and shipped.path == posterior.SHIPPED
    draws = posterior.draws(shipped, posterior.DEFAULT_DRAWS)
    assert len(draws) == posterior.DEFAULT_DRAWS and set(draws[0]) == set(shipped.parameters)


def test_an_unreadable_posterior_option_is_one_line_naming_it_and_exit_2(tmp_path, capsys):
    from sim.cli import main

    bad = tmp_path / "posterior.parquet"
    bad.write_text("not parquet")
    assert main(["compare", "npm", "--posterior", str(bad), *TINY, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert "--posterior" in err and "not a readable posterior file" in err and len(err.splitlines()) == 1
    assert not (tmp_path / "out").exists()
