"""Sweeps through Dask: tidy Parquet + manifest, 1 worker = 2 workers, failures, resume after kill -9 and signals,
folders of other experiments refused, a full disk, no cluster, checksums, permissions."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
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
from test_batch_experiment import one_line_error, snapshot

import sim
from sim.batch import experiment as experiments
from sim.batch import storage
from sim.batch.experiment import ExperimentError
from sim.batch.runner import sweep
from sim.cli import main
from sim.io import atomic_write
from sim.scenarios import load as load_scenario

HELPERS = Path(__file__).parent / "data" / "batch"
SMALL = "[fixed]\nn_users = 300\nn_workers = 12\nn_organisations = 2\n"
GRID = (
    'scenarios = ["npm", "alliance"]\nweeks = 52\nevery = 4\nreplicates = 2\n'
    'indicators = ["engagement", "non_recourse", "annual_turnover"]\n'
    'posterior = "none"\n'  # seeds alone, in this process and in the `centaure sweep` ones alike
    "[levers]\nreporting_pressure = [0.1, 0.5]\n[grid]\nlevels = 2\n" + SMALL
)
RECORDED_WEEKS = list(range(0, 53, 4))
ISHIGAMI = 'run = "sim.batch.ishigami:ishigami"\nweeks = 1\n[levers]\nx1 = { values = [-1.0, 0.0, 1.0] }\nx2 = [-1.0, 1.0]\n[grid]\nlevels = 2\n'


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
    assert manifest["status"] == {"outcome": "complete", "runs": 8, "stored": 8, "failed": 0, "complete": True}
    assert manifest["sweeps"][-1]["scheduler"] == cluster.scheduler_address
    assert manifest["sweeps"][-1]["outcome"] == "complete"
    part = tmp_path / "out" / "runs" / "part-00000.parquet"
    assert manifest["files"] == {"runs/part-00000.parquet": hashlib.sha256(part.read_bytes()).hexdigest()}
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
    from sim.batch.manifest import build_manifest

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


def test_a_folder_of_another_experiment_of_the_same_shape_is_refused(
    tmp_path: Path, cluster: object, capsys: pytest.CaptureFixture
) -> None:
    """Its manifest is the only record of its runs' parameters and seeds: never replaced, rows never mixed."""
    first, other = (
        write(tmp_path, ISHIGAMI, "first.toml"),
        write(tmp_path, ISHIGAMI.replace("0.0", "0.5"), "other.toml"),
    )
    out = tmp_path / "out"
    options = ["--scheduler", cluster.scheduler_address, "--no-progress"]
    assert main(["sweep", str(first), "--out", str(out), *options]) == 0
    capsys.readouterr()
    before = snapshot(out)
    assert main(["sweep", str(other), "--out", str(out), *options]) == 2
    one_line_error(
        capsys,
        f"centaure: error: {out}: holds 2 stored runs of experiment 'first' ({first})"
        f" that experiment 'other' ({other}) does not plan;",
        "the only record of their parameters and seeds",
        "give another --out for 'other'",
    )
    assert snapshot(out) == before
    # an edit of the same file that drops stored runs is refused the same way; one that only adds runs resumes
    write(tmp_path, ISHIGAMI.replace("x2 = [-1.0, 1.0]", "x2 = [-2.0, 2.0]"), "first.toml")
    assert main(["sweep", str(first), "--out", str(out), *options]) == 2
    one_line_error(capsys, "holds 6 stored runs of an earlier version of experiment 'first'")
    write(tmp_path, ISHIGAMI.replace("1.0] }", "1.0, 2.0] }"), "first.toml")
    assert main(["sweep", str(first), "--out", str(out), *options]) == 0
    assert "6 already stored, 2 to run" in capsys.readouterr().err
    assert main(["sweep", str(other), "--out", str(tmp_path / "elsewhere"), *options]) == 0
    assert storage.load(out)["run_id"].nunique() == 8


@pytest.mark.parametrize("manifest_too", [False, True], ids=["data", "data and manifest"])
def test_a_full_disk_mid_sweep_is_one_line_a_distinct_status_and_keeps_the_stored_runs(
    tmp_path: Path, cluster: object, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch, manifest_too: bool
) -> None:
    path = write(tmp_path, ISHIGAMI)
    out = tmp_path / "out"
    real_table, real_text, writes = storage.write_table, storage.atomic_write_text, []

    def disk_full(tmp: Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp))

    def full(real):
        def write(data, target):
            writes.append(target)
            if len(writes) > 2:  # the manifest, one task, then the disk fills as the temporary file is written
                return atomic_write(target, disk_full)
            return real(data, target)

        return write

    monkeypatch.setattr(storage, "write_table", lambda frame, target: full(real_table)(frame, target))
    if manifest_too:
        monkeypatch.setattr(storage, "atomic_write_text", lambda target, text: full(real_text)(target, text))
    else:
        monkeypatch.setattr(
            storage, "atomic_write_text", lambda target, text: (writes.append(target), real_text(target, text))[1]
        )
    args = ["sweep", str(path), "--out", str(out), "--scheduler", cluster.scheduler_address, "--no-progress"]
    assert main(args) == 74
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 3, err  # connecting, starting, the error
    line = err.strip().splitlines()[-1]
    assert (
        line.startswith("centaure: error: ")
        and ": cannot write (No space left on device); 1 of 6 runs stored in" in line
    )
    assert "free space or make the folder writable, then run the same command to resume" in line
    assert len(storage.stored_ids(out)) == 1
    status = storage.read_manifest(out)["status"]
    if manifest_too:
        assert "the status could not be recorded" in line and status == {}
    else:
        assert status["outcome"] == "cannot_write" and "No space left on device" in status["message"]
    monkeypatch.undo()
    assert main(args) == 0
    assert "1 already stored, 5 to run" in capsys.readouterr().err
    assert storage.read_manifest(out)["status"]["outcome"] == "complete"
    assert len(pq.read_table(out / "runs" / "part-00000.parquet")) == 6


def _sweep_until(
    command: list[str], env: dict[str, str], out: Path, stored: int, sig: int
) -> subprocess.CompletedProcess:
    """Start a sweep in its own process group, wait for ``stored`` files, send ``sig`` to the whole group."""
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 90
    while _stored_files(out) < stored and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, sig)  # as Ctrl-C in a terminal (SIGINT) or SLURM (SIGTERM) does: every process
    stdout, stderr = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr)


def test_sigint_and_sigterm_stop_a_sweep_with_one_line_and_its_status_then_it_resumes(
    tmp_path: Path, cluster: object
) -> None:
    text = ISHIGAMI.replace("sim.batch.ishigami:ishigami", "centaure_batch_helpers:slow_ishigami")
    path = write(tmp_path, text.replace("x2 = [-1.0, 1.0]", "x2 = { low = -1.0, high = 1.0, levels = 20 }"))
    out = tmp_path / "out"
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
    total = 60  # 3 s of work on 2 workers: a signal sent after a few runs lands mid-way, even on a loaded machine
    stored = 0
    for sig, status in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
        done = _sweep_until(command, env, out, stored + 2, sig)
        assert done.returncode == status, done.stdout + done.stderr
        assert "Traceback" not in done.stderr and "Error" not in done.stderr, done.stderr
        lines = done.stderr.strip().splitlines()
        assert lines[0].startswith(f"exp: {total} runs, {stored} already stored")
        now = len(storage.stored_ids(out))
        assert stored < now < total, "the sweep was not stopped mid-way"
        assert lines[1:] == [
            f"interrupted ({sig.name}): {now} of {total} runs stored in {out}; run the same command to resume"
        ]
        manifest = storage.read_manifest(out)
        assert manifest["status"]["outcome"] == "interrupted" and manifest["status"]["stored"] == now
        assert manifest["sweeps"][-1]["message"] == f"interrupted ({sig.name})"
        stored = now
    report = sweep(experiments.load(path), out=out, scheduler=cluster.scheduler_address)
    assert (report.already, report.done, report.complete) == (stored, total - stored, True)
    assert len(pq.read_table(out / "runs" / "part-00000.parquet")) == total  # every run exactly once
    assert sorted(storage.load(out)["run_id"]) == sorted({r["run_id"] for r in storage.read_manifest(out)["runs"]})


def test_no_scheduler_or_no_worker_gives_up_after_the_timeout_saying_what_it_waited_for(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from distributed import LocalCluster

    path = write(tmp_path, ISHIGAMI)
    out = tmp_path / "out"
    missing = tmp_path / "scheduler.json"
    assert main(["sweep", str(path), "--out", str(out), "--scheduler", str(missing), "--timeout", "1"]) == 75
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.strip().splitlines() == [
        f"waiting for the scheduler file {missing} (the Dask scheduler writes it when it starts; up to 1 s, see --timeout)",
        f"centaure: error: --scheduler {missing}: no scheduler file after 1 s; start the scheduler (dask scheduler"
        f" --scheduler-file {missing}) or give its address, then run the same command; nothing was written in {out};"
        " run the same command to resume",
    ]
    assert not out.exists()
    with LocalCluster(n_workers=0, processes=False, dashboard_address=":0", silence_logs=logging.ERROR) as empty:
        address = empty.scheduler_address
        assert main(["sweep", str(path), "--out", str(out), "--scheduler", address, "--timeout", "1"]) == 75
        err = capsys.readouterr().err
        assert "Traceback" not in err and not out.exists()
        assert err.strip().splitlines()[-2:] == [
            f"the Dask scheduler at {address} has no worker yet: waiting for one (up to 1 s, see --timeout)",
            f"centaure: error: --scheduler {address}: no worker joined the scheduler within 1 s; start workers"
            f" (dask worker ...), then run the same command; nothing was written in {out}; run the same command to resume",
        ]


@pytest.mark.parametrize("lost", ["worker", "scheduler"])
def test_a_cluster_that_loses_its_last_worker_or_its_scheduler_stops_the_sweep_and_keeps_its_runs(
    tmp_path: Path, lost: str
) -> None:
    from distributed import LocalCluster

    if str(HELPERS) not in sys.path:
        sys.path.insert(0, str(HELPERS))
    text = ISHIGAMI.replace("sim.batch.ishigami:ishigami", "centaure_batch_helpers:slow_ishigami")
    out, waited = tmp_path / "out", []
    with LocalCluster(n_workers=1, processes=False, dashboard_address=":0", silence_logs=logging.ERROR) as small:
        address = small.scheduler_address
        report = sweep(
            experiments.load(write(tmp_path, text)),
            out=out,
            scheduler=address,
            timeout=1,
            on_progress=lambda progress: small.scale(0) if lost == "worker" else small.close(),
            on_wait=waited.append,
        )
    if lost == "worker":
        assert report.message == f"no worker on {address} for 1 s"
        assert waited[-1] == f"no worker is left on {address}: waiting for one (up to 1 s, see --timeout)"
    else:
        assert report.message == f"lost the Dask scheduler ({address}): it cancelled the tasks"
    assert report.outcome == "no_cluster" and 1 <= report.stored < 6
    assert len(storage.stored_ids(out)) == report.stored
    status = storage.read_manifest(out)["status"]
    assert status["outcome"] == "no_cluster" and status["stored"] == report.stored


def test_a_flipped_bit_in_a_stored_part_is_named_with_what_to_do(
    tmp_path: Path, cluster: object, capsys: pytest.CaptureFixture
) -> None:
    path = write(tmp_path, ISHIGAMI)
    out = tmp_path / "out"
    sweep_args = ["sweep", str(path), "--out", str(out), "--scheduler", cluster.scheduler_address, "--no-progress"]
    assert main(sweep_args) == 0
    part = out / "runs" / "part-00000.parquet"
    data = bytearray(part.read_bytes())
    data[len(data) // 2] ^= 0x01
    part.write_bytes(bytes(data))
    capsys.readouterr()
    before = snapshot(out)
    expected = (
        f"centaure: error: {part}: changed or damaged since the sweep wrote it (its sha256 differs from the one in"
        " manifest.json); delete it and re-run the sweep to recompute its runs"
    )
    for args in (sweep_args, ["analyze", str(out)]):
        assert main(args) == 2
        assert one_line_error(capsys) == expected
        assert snapshot(out) == before
    part.unlink()
    assert main(sweep_args) == 0
    assert "0 already stored, 6 to run" in capsys.readouterr().err
    assert main(["analyze", str(out)]) == 0


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_a_sweep_writes_its_files_with_the_permissions_of_the_umask(
    tmp_path: Path, cluster: object, umask: int
) -> None:
    """Not 0600 (what temporary files get): a team shares results on a cluster through its umask."""
    out = tmp_path / "out"
    command = f"umask {umask:03o} && exec {sys.executable} -m sim.cli sweep {write(tmp_path, ISHIGAMI)} --out {out}"
    command += f" --scheduler {cluster.scheduler_address} --no-progress"
    done = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    files = {p.relative_to(out).as_posix(): p.stat().st_mode & 0o777 for p in out.rglob("*")}
    assert files == {
        "manifest.json": 0o666 & ~umask,
        "failures.json": 0o666 & ~umask,
        "runs": 0o777 & ~umask,
        "runs/part-00000.parquet": 0o666 & ~umask,
    }


def test_sweep_and_analyze_speak_the_language_asked(
    tmp_path: Path, cluster: object, capsys: pytest.CaptureFixture
) -> None:
    """``centaure --lang fr sweep`` and ``analyze``: every line of their own in French, numbers as French writes them."""
    path, out = write(tmp_path, ISHIGAMI), tmp_path / "out"
    options = ["--out", str(out), "--scheduler", cluster.scheduler_address, "--no-progress"]
    assert main(["--lang", "fr", "sweep", str(path), *options]) == 0
    captured = capsys.readouterr()
    assert "exp\u00a0: 6 simulations, 0 déjà enregistrées, 6 à faire sur tcp://" in captured.err
    assert re.search(r"6 simulations sur 6 enregistrées dans .* \(6 cette fois, \d+,\d s\)", captured.out)
    assert f"ensuite\u00a0: centaure analyze {out}" in captured.out
    assert main(["--lang", "fr", "analyze", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "6 simulations analysées sur 6" in printed and "fichiers écrits dans" in printed
    for english in ("runs", "stored", "this time", "next:", "analysed", "wrote"):
        assert english not in captured.out + captured.err + printed, english
    assert main(["sweep", str(path), *options]) == 0  # English by default
    assert "exp: 6 runs, 6 already stored, 0 to run" in capsys.readouterr().err
