"""centaure analyze: Sobol on Ishigami through the real sweep path, Morris, summaries, replicate check, plots."""

from __future__ import annotations

import logging
import math
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from sim.batch import analysis, designs, ishigami, storage
from sim.batch import experiment as experiments
from sim.batch.designs import Factor
from sim.batch.runner import sweep
from sim.cli import main
from sim.stats import mean_ci

HELPERS = Path(__file__).parent / "data" / "batch"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    from distributed import LocalCluster

    if str(HELPERS) not in sys.path:
        sys.path.insert(0, str(HELPERS))
    c = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
    )
    yield c
    c.close()


def write(folder: Path, text: str, name: str = "exp.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_sweep_and_analyze_recover_the_ishigami_sobol_indices(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """The shipped Ishigami experiment, through `centaure sweep` (embedded LocalCluster) and `centaure analyze`."""
    out = tmp_path / "ishigami"
    assert main(["sweep", "ishigami", "--workers", "2", "--out", str(out), "--no-progress"]) == 0
    assert main(["analyze", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "5120 of 5120 runs analysed" in printed and "base/y: x1 0.5" in printed
    table = pd.read_csv(out / "analysis" / "sobol.csv").set_index("parameter")
    assert list(table.index) == ["x1", "x2", "x3"]
    assert table["S1"].to_numpy() == pytest.approx(ishigami.S1, abs=0.05)
    assert table["ST"].to_numpy() == pytest.approx(ishigami.ST, abs=0.05)
    assert ((table["S1_conf"] > 0) & (table["S1_conf"] < 0.15) & (table["ST_conf"] > 0)).all()
    assert (out / "analysis" / "sobol.png").read_bytes().startswith(PNG)
    per_run = pd.read_csv(out / "analysis" / "per_run.csv")
    assert len(per_run) == 5120 and per_run["y"].to_numpy() == pytest.approx(
        ishigami.evaluate(per_run["x1"], per_run["x2"], per_run["x3"]).to_numpy()
    )


def test_morris_through_the_sweep_path(tmp_path: Path, cluster: object) -> None:
    text = (
        'run = "sim.batch.ishigami:ishigami"\ndesign = "morris"\nsamples = 30\nweeks = 1\nbatch = 50\n'
        "[levers]\nx1 = [-3.14159, 3.14159]\nx2 = [-3.14159, 3.14159]\nx3 = [-3.14159, 3.14159]\n[morris]\nlevels = 4\n"
    )
    report = sweep(experiments.load(write(tmp_path, text)), out=tmp_path / "out", scheduler=cluster.scheduler_address)
    assert report.runs <= 30 * 4 and report.complete
    result = analysis.analyze(tmp_path / "out")
    table = pd.read_csv(tmp_path / "out" / "analysis" / "morris.csv")
    assert list(table["parameter"]) == ["x1", "x2", "x3"]
    assert (table["mu_star"] >= table["mu"].abs() - 1e-12).all() and (table["mu_star"] > 0).all()
    # x2 enters as a sin^2: its effects cancel in mu but not in mu*
    x2 = table.set_index("parameter").loc["x2"]
    assert abs(x2["mu"]) < x2["mu_star"]
    assert result.morris is not None and (tmp_path / "out" / "analysis" / "morris.png").read_bytes().startswith(PNG)


def test_morris_indices_of_a_linear_function_are_its_slopes_times_ranges() -> None:
    factors = [Factor("x1", "real", 0.0, 2.0), Factor("x2", "real", -1.0, 1.0), Factor("x3", "real", 5.0, 6.0)]
    x = designs.morris(factors, 12, seed=3, levels=4)
    y = 3.0 * x[:, 0] - 0.5 * x[:, 1] + 0.0 * x[:, 2]
    table = analysis.morris_indices(designs.problem(factors), x, y, levels=4).set_index("parameter")
    assert table["mu"].to_numpy() == pytest.approx([6.0, -1.0, 0.0])
    assert table["mu_star"].to_numpy() == pytest.approx([6.0, 1.0, 0.0])
    assert table["sigma"].to_numpy() == pytest.approx([0.0, 0.0, 0.0], abs=1e-12)


def test_replicate_curve_and_replicates_needed() -> None:
    values = np.array([0.31, 0.35, 0.28, 0.40, 0.33, 0.37, 0.30, 0.36])
    curve = analysis.replicate_curve(values)
    assert curve["replicates"].tolist() == list(range(2, 9))
    for n, se, low, high in curve[["replicates", "se", "ci_low", "ci_high"]].itertuples(index=False):
        assert se == pytest.approx(values[:n].std(ddof=1) / math.sqrt(n))
        assert (low, high) == pytest.approx(mean_ci(values[:n])[1:])
    sd, mean = values.std(ddof=1), values.mean()

    def half(k: int) -> float:
        return stats.t.ppf(0.975, k - 1) * sd / math.sqrt(k)

    for precision in (0.2, 0.05, 0.01):
        n = analysis.replicates_needed(values, precision)
        assert half(n) <= precision * mean and (n == 2 or half(n - 1) > precision * mean)
    assert analysis.replicates_needed(np.array([2.0, 2.0, 2.0]), 0.05) == 2
    assert analysis.replicates_needed(np.array([-1.0, 1.0]), 0.05) == 0  # mean 0: no relative precision


def test_analyze_a_grid_with_replicates(tmp_path: Path, cluster: object, capsys: pytest.CaptureFixture) -> None:
    text = (
        'scenarios = ["npm", "alliance"]\nweeks = 104\nevery = 4\nreplicates = 4\n'
        'indicators = ["engagement", "non_recourse"]\n'
        "[levers]\nintake_priority = ['greatest_need', 'easiest_first']\n"
        "[fixed]\nn_users = 300\nn_workers = 12\nn_organisations = 2\n"
    )
    out = tmp_path / "out"
    sweep(experiments.load(write(tmp_path, text)), out=out, scheduler=cluster.scheduler_address)
    assert main(["--lang", "fr", "analyze", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "16 simulations analysées sur 16" in printed and "Contrôle des répétitions" in printed  # --lang fr
    folder = out / "analysis"
    names = {p.name for p in folder.iterdir()}
    assert names == {
        "per_run.csv", "summary.csv", "trajectories.csv", "trajectories.png", "effects.png",
        "replicates.csv", "replicates_advice.csv", "replicates.png",
    }  # fmt: skip
    for png in folder.glob("*.png"):
        assert png.read_bytes().startswith(PNG)

    per_run = pd.read_csv(folder / "per_run.csv")
    assert len(per_run) == 16 and set(per_run.columns) >= {"scenario", "point", "replicate", "intake_priority"}
    # per-run values are the final-year (last 52 weeks) means of the stored rows
    data = storage.load(out)
    one = data[(data["scenario"] == "npm") & (data["point"] == 1) & (data["replicate"] == 2)]
    row = per_run[(per_run["scenario"] == "npm") & (per_run["point"] == 1) & (per_run["replicate"] == 2)].iloc[0]
    assert row["engagement"] == pytest.approx(one.loc[one["week"] > 104 - 52, "engagement"].mean())
    assert row["intake_priority"] == "easiest_first"

    summary = pd.read_csv(folder / "summary.csv")
    assert len(summary) == 2 * 2 * 2  # scenarios x points x indicators
    for r in summary.itertuples():
        values = per_run[(per_run["scenario"] == r.scenario) & (per_run["point"] == r.point)][r.indicator]
        assert (r.mean, r.ci_low, r.ci_high) == pytest.approx(mean_ci(values.to_numpy()))
        assert r.replicates == 4

    curve = pd.read_csv(folder / "replicates.csv")
    assert set(curve["replicates"]) == {2, 3, 4} and len(curve) == 4 * 2 * 3
    last = curve[(curve["scenario"] == "alliance") & (curve["point"] == 0) & (curve["indicator"] == "non_recourse")]
    values = per_run[(per_run["scenario"] == "alliance") & (per_run["point"] == 0)].sort_values("replicate")
    assert last["se"].iloc[-1] == pytest.approx(values["non_recourse"].std(ddof=1) / 2)
    advice = pd.read_csv(folder / "replicates_advice.csv")
    assert advice["indicator"].tolist() == ["engagement", "non_recourse"] and (advice["needed"] >= 2).all()

    bands = pd.read_csv(folder / "trajectories.csv")
    assert bands["group"].nunique() == 4 and set(bands["week"]) == set(range(0, 105, 4))


def test_analyze_an_incomplete_sobol_sweep_says_what_is_missing(tmp_path: Path, cluster: object) -> None:
    text = (
        'run = "centaure_batch_helpers:flaky"\ndesign = "sobol"\nsamples = 16\nweeks = 1\nbatch = 20\n'
        "[levers]\nx1 = [-3.0, 3.0]\nx2 = [-3.0, 3.0]\n[sobol]\nsecond_order = false\n"
    )
    report = sweep(experiments.load(write(tmp_path, text)), out=tmp_path / "out", scheduler=cluster.scheduler_address)
    assert report.failures and not report.complete
    result = analysis.analyze(tmp_path / "out")
    assert result.sobol is None
    assert any("Sobol indices skipped for base/y" in note and "have no result" in note for note in result.notes)
    assert any("runs are missing" in note for note in result.notes)
    assert (tmp_path / "out" / "analysis" / "summary.csv").exists()


def partial_folder(tmp_path: Path, text: str, stored: int) -> Path:
    """A results folder of ``text`` with its first ``stored`` runs, written without Dask (as a stopped sweep leaves it)."""
    from sim.batch.manifest import build_manifest
    from sim.batch.tasks import execute

    exp = experiments.load(write(tmp_path, text))
    out = tmp_path / "out"
    plan = exp.plan()
    storage.write_manifest(out, build_manifest(exp, exp.sample(), plan, None))
    done = execute(plan[:stored], exp.run.path, exp.weeks, exp.every, exp.indicators, exp.column_dtypes())
    storage.write_task(out, done.frame)
    return out


REPLICATED = 'run = "sim.batch.ishigami:ishigami"\nweeks = 1\nreplicates = 3\n[levers]\nx1 = [-1.0, 1.0]\n'


def test_analyze_a_folder_with_a_single_run_stored_uses_what_is_there(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = partial_folder(tmp_path, REPLICATED, stored=1)
    assert main(["analyze", str(out)]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "1 of 9 runs analysed" in captured.out
    assert captured.err.strip().splitlines() == [
        "note: 8 of 9 runs are missing (failed or not run yet): summaries use what is there",
        "note: replicate check skipped: no design point has two replicates stored yet (re-run the sweep to complete it)",
    ]
    assert len(pd.read_csv(out / "analysis" / "per_run.csv")) == 1


def test_analyze_refuses_a_foreign_manifest_and_an_unwritable_analysis_folder_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from test_batch_experiment import one_line_error

    foreign = tmp_path / "foreign"
    foreign.mkdir()
    for text, found in (('{"format": "other-tool/3", "runs": 12}', "'other-tool/3'"), ("[1, 2]", "None")):
        (foreign / "manifest.json").write_text(text)
        assert main(["analyze", str(foreign)]) == 2
        one_line_error(
            capsys,
            f"centaure: error: {foreign}: not a results folder of centaure sweep (manifest.json has format {found},"
            " expected 'centaure-sweep/1')",
        )
    (foreign / "manifest.json").write_text("{not json")
    assert main(["analyze", str(foreign)]) == 2
    one_line_error(capsys, f"centaure: error: {foreign / 'manifest.json'}: not valid JSON")

    out = partial_folder(tmp_path, REPLICATED, stored=4)
    (out / "analysis").write_text("a file where the analysis folder goes")
    assert main(["analyze", str(out)]) == 2
    one_line_error(capsys, f"centaure: error: {out / 'analysis'}: is a file, not a folder")
    (out / "analysis").unlink()
    if os.geteuid() != 0:  # root writes in a read-only folder
        (out / "analysis").mkdir(mode=0o555)
        assert main(["analyze", str(out)]) == 2
        one_line_error(capsys, f"centaure: error: {out / 'analysis'}: cannot write (permission denied)")
        (out / "analysis").chmod(0o755)
    assert main(["analyze", str(out)]) == 0
