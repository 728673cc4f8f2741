"""Sweeps through Dask: tidy Parquet + manifest, 1 worker = 2 workers, failures, resume after kill -9."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

import sim
from sim.batch import experiment as experiments
from sim.batch import storage
from sim.batch.experiment import ExperimentError
from sim.batch.runner import sweep
from sim.cli import main
from sim.scenarios import load as load_scenario

HELPERS = Path(__file__).parent / "data" / "batch"
SMALL = "[fixed]\nn_users = 300\nn_workers = 12\nn_organisations = 2\n"
GRID = (
    'scenarios = ["npm", "alliance"]\nweeks = 52\nevery = 4\nreplicates = 2\n'
    'indicators = ["engagement", "non_recourse", "annual_turnover"]\n'
    "[levers]\nreporting_pressure = [0.1, 0.5]\n[grid]\nlevels = 2\n" + SMALL
)
RECORDED_WEEKS = list(range(0, 53, 4))


def write(folder: Path, text: str, name: str = "exp.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    """A small cluster shared by the tests that reach a cluster by its address (--scheduler)."""
    from distributed import LocalCluster

    if str(HELPERS) not in sys.path:
        sys.path.insert(0, str(HELPERS))  # spawned workers inherit sys.path
    c = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
    )
    yield c
    c.close()


def test_one_and_two_workers_give_identical_parquet_equal_to_direct_runs(tmp_path: Path) -> None:
    exp = experiments.load(write(tmp_path, GRID))
    one = sweep(exp, out=tmp_path / "one", workers=1)
    two = sweep(exp, out=tmp_path / "two", workers=2)
    assert (one.runs, one.done, one.failures, one.complete) == (8, 8, [], True)
    assert (two.runs, two.done, two.workers) == (8, 8, 2)

    files_one = sorted((tmp_path / "one" / "runs").iterdir())
    files_two = sorted((tmp_path / "two" / "runs").iterdir())
    assert [f.name for f in files_one] == [f.name for f in files_two] == ["part-00000.parquet"]
    table_one, table_two = pq.read_table(files_one[0]), pq.read_table(files_two[0])
    assert table_one.equals(table_two)
    assert files_one[0].read_bytes() == files_two[0].read_bytes()

    # tidy: one row per run x recorded week, ids, the varied parameter, one column per indicator
    frame = table_one.to_pandas()
    assert list(frame.columns) == [
        "run_id", "scenario", "point", "replicate", "reporting_pressure", "week",
        "engagement", "non_recourse", "annual_turnover",
    ]  # fmt: skip
    assert len(frame) == 8 * len(RECORDED_WEEKS)
    assert frame.groupby("run_id")["week"].apply(list).map(lambda w: w == RECORDED_WEEKS).all()
    assert set(frame["scenario"]) == {"npm", "alliance"} and set(frame["reporting_pressure"]) == {0.1, 0.5}

    # a stored run is exactly sim.run.run with the run's parameters and seed
    manifest = storage.read_manifest(tmp_path / "one")
    entry = next(r for r in manifest["runs"] if (r["scenario"], r["point"], r["replicate"]) == ("alliance", 1, 1))
    from sim.run import run

    scenario = load_scenario("alliance").with_changes(n_users=300, n_workers=12, n_organisations=2, **entry["params"])
    seed = np.random.SeedSequence(entry["seed"]["entropy"], spawn_key=tuple(entry["seed"]["spawn_key"]))
    direct = run(scenario, seed, weeks=52)
    direct = direct[direct["week"].isin(RECORDED_WEEKS)].reset_index(drop=True)
    stored = frame[frame["run_id"] == entry["run_id"]].reset_index(drop=True)
    for name in ("engagement", "non_recourse", "annual_turnover"):
        assert np.array_equal(stored[name].to_numpy(), direct[name].to_numpy()), name


def test_manifest_records_experiment_runs_seeds_versions_and_git(tmp_path: Path, cluster: object) -> None:
    path = write(tmp_path, GRID)
    sweep(experiments.load(path), out=tmp_path / "out", scheduler=cluster.scheduler_address)
    manifest = storage.read_manifest(tmp_path / "out")
    assert manifest["experiment"]["text"] == path.read_text()
    assert manifest["model_version"] == sim.__version__
    for package in ("python", "mesa", "numpy", "pandas", "pyarrow", "dask", "distributed", "SALib"):
        assert manifest["versions"][package]
    assert set(manifest["git"]) == {"commit", "dirty"}
    assert len(manifest["runs"]) == 8
    run = manifest["runs"][0]
    assert set(run) == {"run_id", "scenario", "point", "replicate", "params", "seed"}
    assert run["seed"] == {"entropy": experiments.DEFAULT_SEED, "spawn_key": [0]}
    full = {**manifest["scenarios"][run["scenario"]]["params"], **run["params"]}
    assert full["n_users"] == 300 and full["weeks"] == 52 and set(full) == set(sim.Params.specs())
    assert manifest["status"] == {"runs": 8, "stored": 8, "failed": 0, "complete": True, "stale_runs_in_folder": 0}
    assert manifest["sweeps"][-1]["scheduler"] == cluster.scheduler_address
    assert storage.read_json(tmp_path / "out" / "failures.json") == []


def test_a_failing_run_is_recorded_and_the_sweep_goes_on(
    tmp_path: Path, cluster: object, capsys: pytest.CaptureFixture
) -> None:
    text = (
        'run = "centaure_batch_helpers:flaky"\nweeks = 1\nbatch = 2\n'
        "[levers]\nx1 = { values = [-1.0, 1.0, -2.0, 2.0, -3.0] }\n"
    )
    path = write(tmp_path, text)
    out = tmp_path / "out"
    args = ["sweep", str(path), "--scheduler", cluster.scheduler_address, "--out", str(out), "--no-progress"]
    assert main(args) == 1
    captured = capsys.readouterr()
    assert "2 runs failed, e.g. ValueError: x1 = 1.0 > 0 is refused by this test function" in captured.err
    assert "3 of 5 runs stored" in captured.out
    failures = storage.read_json(out / "failures.json")
    assert sorted(f["point"] for f in failures) == [1, 3]
    assert all(f["error"].startswith("ValueError: x1 = ") and "Traceback" in f["traceback"] for f in failures)
    manifest = storage.read_manifest(out)
    assert manifest["status"]["failed"] == 2 and manifest["status"]["stored"] == 3
    assert not manifest["status"]["complete"]
    assert sorted(storage.load(out)["x1"]) == [-3.0, -2.0, -1.0]

    # the same command again: stored runs are skipped, failed ones retried
    assert main(args) == 1
    captured = capsys.readouterr()
    assert "3 already stored, 2 to run" in captured.err
    assert len(storage.load(out)) == 3


def test_resume_skips_stored_runs_and_refuses_another_experiment(tmp_path: Path, cluster: object) -> None:
    out = tmp_path / "out"
    first = sweep(experiments.load(write(tmp_path, GRID)), out=out, scheduler=cluster.scheduler_address)
    assert first.done == 8
    again = sweep(experiments.load(write(tmp_path, GRID)), out=out, scheduler=cluster.scheduler_address)
    assert (again.already, again.done, again.complete) == (8, 0, True)

    more = GRID.replace("replicates = 2", "replicates = 3")
    extended = sweep(experiments.load(write(tmp_path, more)), out=out, scheduler=cluster.scheduler_address)
    assert (extended.runs, extended.already, extended.done) == (12, 8, 4)
    data = storage.load(out)
    assert data["run_id"].nunique() == 12 and len(data) == 12 * len(RECORDED_WEEKS)

    other = GRID.replace("every = 4", "every = 2")
    with pytest.raises(ExperimentError, match=r"holds results of another experiment \(every: 4 there, 2 here\)"):
        sweep(experiments.load(write(tmp_path, other)), out=out, scheduler=cluster.scheduler_address)


def test_storage_survives_leftovers_and_duplicates(tmp_path: Path) -> None:
    """What a kill can leave: a temporary file, a task file whose runs are also in a part."""
    runs = storage.runs_dir(tmp_path)
    runs.mkdir(parents=True)
    frame = pd.DataFrame(
        {"run_id": pd.Series(["b", "b", "a", "a"], dtype="string"), "scenario": pd.Series(["s"] * 4, dtype="string"),
         "point": [1, 1, 0, 0], "replicate": [0, 0, 0, 0], "week": [0, 1, 0, 1], "y": [1.0, 2.0, 3.0, 4.0]}
    )  # fmt: skip
    storage.write_task(tmp_path, frame)
    assert [p.name for p in storage.compact(tmp_path)] == ["part-00000.parquet"]
    storage.write_task(tmp_path, frame.iloc[:2])  # run b again, as if the compaction had crashed
    (runs / ".part-00001.parquet.x1y2.tmp").write_bytes(b"half a file")
    assert storage.clean_temporary(tmp_path) == 1
    assert storage.stored_ids(tmp_path) == {"a", "b"}
    loaded = storage.load(tmp_path)
    assert loaded["run_id"].tolist() == ["a", "a", "b", "b"] and loaded["week"].tolist() == [0, 1, 0, 1]
    assert storage.compact(tmp_path) == []  # nothing new: the task file only repeated stored runs
    assert sorted(p.name for p in runs.iterdir()) == ["part-00000.parquet"]
    (runs / "task-broken.parquet").write_bytes(b"not parquet")
    with pytest.raises(storage.StorageError, match="task-broken.parquet: unreadable Parquet file"):
        storage.stored_ids(tmp_path)


def test_a_corrupt_results_file_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from sim.batch.runner import build_manifest

    path = write(tmp_path, GRID)
    exp = experiments.load(path)
    out = tmp_path / "out"
    storage.write_manifest(out, build_manifest(exp, exp.sample(), exp.plan(), None))
    (out / "runs").mkdir()
    (out / "runs" / "task-broken.parquet").write_bytes(b"not parquet")
    assert main(["sweep", str(path), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        len(err) == 1 and err[0].startswith("centaure: error: ") and "task-broken.parquet: unreadable Parquet" in err[0]
    )


def _stored_files(out: Path) -> int:
    folder = out / "runs"
    return len(list(folder.glob("*.parquet"))) if folder.is_dir() else 0


def test_killed_sweep_resumes_with_every_run_exactly_once(tmp_path: Path, cluster: object) -> None:
    """kill -9 the whole process group of a running `centaure sweep`, run it again, compare."""
    text = 'run = "centaure_batch_helpers:slow_centaure"\n' + GRID.replace("replicates = 2", "replicates = 4")
    path = write(tmp_path, text)
    out = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HELPERS), os.environ.get("PYTHONPATH", "")])}
    command = [
        sys.executable,
        "-m",
        "sim.cli",
        "sweep",
        str(path),
        "--workers",
        "2",
        "--out",
        str(out),
        "--no-progress",
    ]

    with open(tmp_path / "first.log", "w") as log:
        proc = subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + 90
    while _stored_files(out) < 3 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, (tmp_path / "first.log").read_text()
    for _ in range(200):  # the workers die with their group
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        pytest.fail("processes of the killed sweep are still alive")

    total = 16
    stored_after_kill = storage.stored_ids(out)
    assert 3 <= len(stored_after_kill) < total, "the sweep was not killed mid-way"
    manifest = storage.read_manifest(out)
    assert manifest["status"] == {} and len(manifest["runs"]) == total  # written before the runs, not finished

    resumed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(stored_after_kill)} already stored, {total - len(stored_after_kill)} to run" in resumed.stderr

    data = storage.load(out)
    counts = data.groupby("run_id").size()
    assert set(counts.index) == {r["run_id"] for r in storage.read_manifest(out)["runs"]}
    assert (counts == len(RECORDED_WEEKS)).all()  # every run once: no duplicated rows
    raw = pd.concat([pq.read_table(f).to_pandas() for f in sorted((out / "runs").glob("*.parquet"))])
    assert len(raw) == total * len(RECORDED_WEEKS)  # not even duplicated in the files

    reference = sweep(experiments.load(path), out=tmp_path / "reference", scheduler=cluster.scheduler_address)
    assert reference.done == total
    pd.testing.assert_frame_equal(data, storage.load(tmp_path / "reference"), check_exact=True)
