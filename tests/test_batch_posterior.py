"""A sweep's replicates carry the calibration's uncertainty: replicate r runs with posterior draw r.

The draw sets the calibrated parameters the scenario and the design leave at their defaults (the rule of
:func:`sim.posterior.apply`), is common to every design point and scenario (as the seeds are), is recorded
in the manifest, and the analysis then says its intervals cover posterior draws x seeds.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest

from sim import posterior
from sim.batch import experiment as experiments
from sim.batch.analysis import analyze_sweep
from sim.batch.runner import sweep
from sim.cli import main
from sim.params import Params
from sim.stats import INTERVAL_DRAWS

SMALL = "[fixed]\nn_users = 300\nn_workers = 12\nn_organisations = 2\nspinup_weeks = 26\n"
CALIBRATED = ("need_arrival_rate", "quit_base", "hire_rate")


def write(folder: Path, text: str, name: str = "exp.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def synthetic(folder: Path) -> Path:
    """A posterior of three particles far from the defaults, so that a draw is visible in the parameters."""
    path = folder / "posterior.parquet"
    pd.DataFrame(
        {
            "need_arrival_rate": [0.001, 0.002, 0.004],
            "quit_base": [0.0002, 0.0004, 0.0008],
            "hire_rate": [0.2, 0.3, 0.5],
            "weight": [0.2, 0.3, 0.5],
        }
    ).to_parquet(path)
    return path


def test_each_replicate_runs_with_its_draw_where_scenario_and_design_leave_the_default(tmp_path: Path) -> None:
    synthetic(tmp_path)
    text = (
        'scenarios = ["npm", "own.toml"]\nweeks = 52\nreplicates = 3\nposterior = "posterior.parquet"\n'
        "[levers]\nhire_rate = [0.1, 0.6]\n[grid]\nlevels = 2\n" + SMALL
    )
    write(tmp_path, 'base = "npm"\n[levers]\nquit_base = 0.001\n', "own.toml")
    exp = experiments.load(write(tmp_path, text))
    draws = exp.draws()
    assert len(draws) == 3 and draws == posterior.draws(posterior.read(tmp_path / "posterior.parquet"), 3, exp.seed)
    plan = exp.plan()
    assert len(plan) == 2 * 2 * 3
    for run in plan:
        draw = draws[run.replicate]
        assert run.params["need_arrival_rate"] == draw["need_arrival_rate"]  # left at its default: drawn
        assert run.params["hire_rate"] == run.varied["hire_rate"]  # varied by the design: the design's value
        own = run.scenario == "own"
        assert run.params["quit_base"] == (0.001 if own else draw["quit_base"])  # the scenario's own choice stays
    # common draws: replicate r has the same draw at every point and in every scenario
    for r in range(3):
        assert len({run.params["need_arrival_rate"] for run in plan if run.replicate == r}) == 1
    assert len({run.run_id for run in plan}) == len(plan)


def test_none_a_single_replicate_and_a_run_function_without_scenarios_run_without_draws(tmp_path: Path) -> None:
    synthetic(tmp_path)
    off = experiments.load(write(tmp_path, 'weeks = 52\nreplicates = 3\nposterior = "none"\n' + SMALL))
    single = experiments.load(write(tmp_path, 'weeks = 52\nposterior = "posterior.parquet"\n' + SMALL, "one.toml"))
    toy = 'run = "sim.batch.ishigami:ishigami"\nweeks = 1\nreplicates = 2\n[levers]\nx1 = { values = [-1.0, 1.0] }\n'
    toy_exp = experiments.load(write(tmp_path, toy, "toy.toml"))
    default = Params().need_arrival_rate
    for exp in (off, single, toy_exp):
        assert exp.draws() == []
    assert {r.params["need_arrival_rate"] for r in off.plan() + single.plan()} == {default}


def test_a_bad_posterior_is_one_line_naming_the_field(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "broken.parquet").write_bytes(b"not parquet")
    for value, expected in (("missing.parquet", "not a readable posterior file"), ("broken.parquet", "not a readable")):
        path = write(tmp_path, f'weeks = 52\nreplicates = 2\nposterior = "{value}"\n' + SMALL)
        with pytest.raises(experiments.ExperimentError, match=f"posterior: .*{expected}"):
            experiments.load(path)
        assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "exp.toml" in err and "posterior" in err and "Traceback" not in err
    toy = 'run = "sim.batch.ishigami:ishigami"\nweeks = 1\nposterior = "broken.parquet"\n[levers]\nx1 = [-1.0, 1.0]\n'
    with pytest.raises(experiments.ExperimentError, match="posterior: the run function .* takes no scenarios"):
        experiments.load(write(tmp_path, toy, "toy.toml"))


@pytest.mark.shipped_posterior
def test_by_default_a_sweep_draws_from_the_shipped_calibration_and_its_intervals_say_so(tmp_path: Path) -> None:
    from distributed import LocalCluster

    text = 'weeks = 52\nevery = 4\nreplicates = 3\nindicators = ["non_recourse"]\n' + SMALL
    exp = experiments.load(write(tmp_path, text))
    assert exp.posterior is not None and exp.posterior.path == posterior.SHIPPED
    out = tmp_path / "out"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, silence_logs=logging.ERROR) as cluster:
        sweep(exp, out=out, scheduler=cluster.scheduler_address)
    manifest = experiments_manifest(out)
    assert manifest["posterior"]["draws"] == exp.draws() and manifest["posterior"]["sha256"]
    summary = analyze_sweep(out).summary
    assert set(summary["interval"]) == {INTERVAL_DRAWS} and set(summary["draws"]) == {3}


def experiments_manifest(out: Path) -> dict:
    from sim.batch import storage

    return storage.read_manifest(out)
