"""Speed and memory of the simulation core (run on demand; not part of the tests).

    python benchmarks/bench_core.py                # everything, prints a Markdown report
    python benchmarks/bench_core.py --skip-reference --sizes 10000 100000

Measures, on one core (the process is pinned to CPU 0 and BLAS threads are 1):

1. the reference territory of MODEL.md §2 (5,000 users, 200 workers, 8
   organisations, 520 weeks, indicators recorded every week): median wall time
   of ``sim.run.run`` over several seeds, model construction included. As
   timeit and pyperf do, one untimed run warms the process up (first calls of
   numpy, scipy and networkx) and the heap is collected before each timed run
   (``gc.collect()``, not timed), so that a run does not pay for the previous
   run's garbage: a full collection then traverses its 5,000 agents and costs
   up to 0.1 s, at random;
2. the per-agent reference implementation of ``tests/reference_model.py`` on the
   same configuration, in the same process, and the speed-up;
3. a scaling table (users x 520 weeks, workers and organisations scaled with
   users): wall time and peak resident memory, each size in a fresh process.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def scaled(n_users: int) -> dict:
    """The reference territory scaled to ``n_users`` (same ratios of workers and organisations)."""
    factor = n_users / 5000
    return dict(n_users=n_users, n_workers=max(2, round(200 * factor)), n_organisations=max(1, round(8 * factor)))


def time_vectorised(seeds: int, weeks: int) -> list[float]:
    from sim.run import run

    run("npm", seed=seeds, weeks=weeks)  # warm-up, not timed
    times = []
    for seed in range(seeds):
        gc.collect()
        start = time.perf_counter()
        run("npm", seed=seed, weeks=weeks)
        times.append(time.perf_counter() - start)
    return times


def time_reference(weeks: int) -> float:
    from sim import scenarios

    from reference_model import reference_run

    params = scenarios.load("npm").params.replace(weeks=weeks)
    start = time.perf_counter()
    reference_run(params, 0)
    return time.perf_counter() - start


def one_size(n_users: int, weeks: int) -> dict:
    """Run one size in this process; report wall time and peak RSS."""
    from sim.run import run

    start = time.perf_counter()
    frame = run("npm", seed=0, weeks=weeks, **scaled(n_users))
    elapsed = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"n_users": n_users, "weeks": weeks, "seconds": elapsed, "peak_mib": peak_kib / 1024, "rows": len(frame)}


def in_fresh_process(n_users: int, weeks: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--one", str(n_users), "--weeks", str(weeks)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--weeks", type=int, default=520)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    pin_one_core()
    if args.one:
        print(json.dumps(one_size(args.one, args.weeks)))
        return

    import platform

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    times = time_vectorised(args.seeds, args.weeks)
    median = statistics.median(times)
    print(f"\nreference territory (5,000 users, 200 workers, {args.weeks} weeks, every week recorded)")
    print(f"  vectorised: median {median:.3f} s over {args.seeds} seeds (min {min(times):.3f}, max {max(times):.3f})")
    if not args.skip_reference:
        ref = time_reference(args.weeks)
        print(f"  per-agent reference: {ref:.1f} s  ->  speed-up {ref / median:.0f}x")
    print("\n| users | workers | organisations | weeks | wall time (s) | peak memory (MiB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in args.sizes:
        r = in_fresh_process(n, args.weeks)
        size = scaled(n)
        print(
            f"| {n:,} | {size['n_workers']:,} | {size['n_organisations']:,} | {args.weeks} | {r['seconds']:.1f} | {r['peak_mib']:.0f} |"
        )


if __name__ == "__main__":
    main()
