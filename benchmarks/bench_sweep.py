"""Benchmark of sweeps (run on demand, not in the tests).

    .venv/bin/python benchmarks/bench_sweep.py [--runs 16] [--sobol-n 8] [--full] [--json FILE]

Measures, through the real ``sweep`` (Dask LocalCluster, Parquet storage):

1. runs per minute of the reference territory (the npm scenario: 5,000 users,
   520 weeks, 3 indicators every 4 weeks) with 1 and with 2 workers, and the
   parallel efficiency ``rate(2) / (2 x rate(1))``;
2. the overhead per task: a run that does nothing (the Ishigami function,
   one run per task), timed end to end, so scheduling, transfer and the
   atomic Parquet write of each task are all counted;
3. the wall time of the shipped ``sobol_levers`` experiment (ten levers,
   N = 256, 3,072 runs) on this machine: measured at a reduced N and projected
   to N = 256 from the measured time per run, or measured in full with ``--full``.

Rates exclude the cluster's start (about 1-2 s, paid once per sweep) and
are measured from the first task sent to the last result stored.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sim.batch import experiment as experiments
from sim.batch.cluster import cpu_count
from sim.batch.runner import sweep

REFERENCE = """scenarios = ["npm"]
weeks = 520
every = 4
replicates = {runs}
seed = {seed}
indicators = ["engagement", "annual_turnover", "non_recourse"]
"""
NOOP = """run = "sim.batch.ishigami:ishigami"
design = "lhs"
samples = {tasks}
weeks = 1
batch = 1
[levers]
x1 = [-3.0, 3.0]
"""


def timed_sweep(exp: experiments.Experiment, out: Path, workers: int) -> dict[str, Any]:
    """Run a sweep; time it from the first task sent to the last result stored."""
    marks: dict[str, float] = {}
    start = time.perf_counter()

    def on_start(_: dict[str, Any]) -> None:
        marks["start"] = time.perf_counter()

    def on_progress(_: Any) -> None:
        marks["last"] = time.perf_counter()

    report = sweep(exp, out=out, workers=workers, on_start=on_start, on_progress=on_progress)
    wall = time.perf_counter() - start
    work = marks["last"] - marks["start"]
    assert report.done == report.runs and not report.failures, report
    return {"runs": report.done, "seconds": work, "wall_seconds": wall, "runs_per_minute": 60 * report.done / work}


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=16, help="runs per worker for the rate measurement")
    parser.add_argument("--tasks", type=int, default=400, help="empty tasks for the overhead measurement")
    parser.add_argument("--sobol-n", type=int, default=8, help="reduced Sobol N for the projection (power of two)")
    parser.add_argument("--full", action="store_true", help="also run sobol_levers in full (N = 256; ~30 min here)")
    parser.add_argument("--json", help="write the results to this JSON file")
    args = parser.parse_args()

    results: dict[str, Any] = {
        "machine": {
            "cores": cpu_count(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "cpu": platform.processor() or platform.machine(),
            "python": platform.python_version(),
        },
        "load_average_before": load_average(),
    }
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # 1. runs per minute, 1 and 2 workers (different seeds, same territory)
        for workers in (1, 2):
            text = REFERENCE.format(runs=args.runs * workers, seed=1000 + workers)
            exp = experiments.loads(text, name=f"rate{workers}")
            results[f"workers_{workers}"] = timed_sweep(exp, tmp / f"rate{workers}", workers)
            print(f"{workers} worker(s): {results[f'workers_{workers}']}", file=sys.stderr)
        r1, r2 = results["workers_1"]["runs_per_minute"], results["workers_2"]["runs_per_minute"]
        results["parallel_efficiency_2_workers"] = r2 / (2 * r1)
        results["seconds_per_run_1_worker"] = 60 / r1

        # 2. per-task overhead (empty runs, one per task, 2 workers)
        exp = experiments.loads(NOOP.format(tasks=args.tasks), name="noop")
        noop = timed_sweep(exp, tmp / "noop", 2)
        results["empty_tasks"] = noop
        results["overhead_ms_per_task"] = 1000 * noop["seconds"] / noop["runs"]
        print(f"empty tasks: {noop}", file=sys.stderr)

        # 3. the shipped Sobol experiment: reduced N, projected to N = 256
        shipped = experiments.shipped()["sobol_levers"]
        text = shipped.read_text().replace("samples = 256", f"samples = {args.sobol_n}")
        reduced = experiments.loads(text, path=shipped)
        small = timed_sweep(reduced, tmp / "sobol_small", 2)
        full_runs = len(experiments.load("sobol_levers").plan())
        per_run = small["seconds"] / small["runs"]
        startup = small["wall_seconds"] - small["seconds"]
        results["sobol_reduced"] = {"N": args.sobol_n, **small}
        results["sobol_projection"] = {
            "N": 256,
            "runs": full_runs,
            "seconds_per_run_2_workers": per_run,
            "projected_minutes": (full_runs * per_run + startup) / 60,
        }
        print(f"sobol N={args.sobol_n}: {small}", file=sys.stderr)
        if args.full:
            full = timed_sweep(experiments.load("sobol_levers"), tmp / "sobol_full", 2)
            results["sobol_full"] = {**full, "minutes": full["wall_seconds"] / 60}
    results["load_average_after"] = load_average()
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
