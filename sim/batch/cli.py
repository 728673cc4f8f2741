"""The ``centaure sweep`` and ``centaure analyze`` commands.

    centaure sweep EXPERIMENT [--workers N | --scheduler ADDRESS] [--out DIR] [--no-progress]
    centaure analyze DIR

EXPERIMENT is a shipped experiment's name (``sobol_levers``) or a TOML file.
Running the same sweep again resumes it: stored runs are skipped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sim.batch.experiment import ExperimentError


def add_parser(subparsers: Any) -> None:
    """Register ``sweep`` and ``analyze`` on the ``centaure`` command."""
    p = subparsers.add_parser(
        "sweep",
        help="run an experiment (grid, lhs, sobol, morris) through Dask; re-run to resume",
        description="Run every run of an experiment through Dask distributed and store it as Parquet. "
        "Running the same command again skips the runs already stored.",
    )
    p.add_argument("experiment", help="shipped experiment name or path of an experiment TOML file")
    p.add_argument(
        "--workers", type=int, default=None, help="worker processes of the embedded cluster (default: all cores)"
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="use the Dask cluster at ADDRESS (tcp://host:8786) or a scheduler file (.json) instead",
    )
    p.add_argument("--out", default=None, metavar="DIR", help="results folder (default: the experiment's output)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_sweep)

    p = subparsers.add_parser(
        "analyze",
        help="summaries with 95%% CIs, Sobol/Morris indices, replicate check and plots of a sweep",
        description="Write CSV tables and PNG figures into DIR/analysis/.",
    )
    p.add_argument("folder", metavar="DIR", help="a results folder written by centaure sweep")
    p.set_defaults(func=cmd_analyze)


def cmd_sweep(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from sim.batch import experiment as experiments
    from sim.batch.runner import Progress, sweep
    from sim.batch.storage import StorageError

    if args.workers is not None and args.scheduler:
        raise ExperimentError(
            "--workers sets the embedded cluster's size; with --scheduler the cluster's workers are used"
        )
    if args.workers is not None and args.workers < 1:
        raise ExperimentError(f"--workers {args.workers}: expected an integer of at least 1")
    exp = experiments.load(args.experiment)
    bar: list[Any] = []

    def start(info: dict[str, Any]) -> None:
        stale = (
            f"; {info['stale']} stored runs belong to no run of this experiment and are ignored"
            if info["stale"]
            else ""
        )
        shared = f" ({info['planned']} in the design, some sharing a run)" if info["planned"] > info["runs"] else ""
        print(
            f"{exp.name}: {info['runs']} runs{shared}, {info['stored']} already stored, {info['todo']} to run"
            f" on {info['scheduler'] or 'no cluster'} -> {info['out']}{stale}",
            file=sys.stderr,
        )
        if info.get("dashboard"):
            print(f"Dask dashboard: {info['dashboard']}", file=sys.stderr)
        if info["todo"] and not args.no_progress:
            bar.append(tqdm(total=info["todo"], desc="runs", unit="run", file=sys.stderr, dynamic_ncols=True))

    def progress(p: Progress) -> None:
        if bar:
            bar[0].n = p.done + p.failed
            bar[0].set_postfix(done=p.done, failed=p.failed, remaining=p.remaining, refresh=False)
            bar[0].refresh()

    try:
        report = sweep(
            exp, out=args.out, workers=args.workers, scheduler=args.scheduler, on_start=start, on_progress=progress
        )
    except StorageError as err:
        raise ExperimentError(str(err)) from None
    finally:
        if bar:
            bar[0].close()
    out = report.out
    if report.interrupted:
        stored = report.already + report.done
        print(
            f"interrupted: {stored} of {report.runs} runs stored in {out}; run the same command to resume",
            file=sys.stderr,
        )
        return 130
    print(
        f"{report.already + report.done} of {report.runs} runs stored in {out}"
        f" ({report.done} this time, {report.seconds:.1f} s)"
    )
    if report.failures:
        print(
            f"{len(report.failures)} runs failed, e.g. {report.failures[0]['error']};"
            f" errors in {Path(out) / 'failures.json'}; re-run the same command to retry them",
            file=sys.stderr,
        )
        return 1
    print(f"next: centaure analyze {out}")
    return 0


def _print_largest(indices, column: str, cell) -> None:
    """One line per scenario and indicator: the three parameters with the largest ``column``."""
    for (scenario, indicator), group in indices.groupby(["scenario", "indicator"], sort=False):
        print(f"  {scenario}/{indicator}: " + ", ".join(cell(r) for r in group.nlargest(3, column).itertuples()))


def cmd_analyze(args: argparse.Namespace) -> int:
    from sim.batch.analysis import AnalysisError, analyze

    try:
        report = analyze(args.folder, lang=args.lang)
    except AnalysisError as err:
        raise ExperimentError(str(err)) from None
    print(f"{report.runs_found} of {report.runs_planned} runs analysed")
    if report.sobol is not None:
        print("Sobol total indices (ST ± 95% CI), the three largest per indicator:")
        _print_largest(report.sobol, "ST", lambda r: f"{r.parameter} {r.ST:.2f}±{r.ST_conf:.2f}")
    if report.morris is not None:
        print("Morris mu* (the three largest per indicator):")
        _print_largest(report.morris, "mu_star", lambda r: f"{r.parameter} {r.mu_star:.3g}")
    if report.advice is not None:
        print("Replicate check (95% CI half-width relative to the mean, worst design point):")
        for r in report.advice.itertuples():
            print(
                f"  {r.indicator:<26} {r.replicates} replicates: ±{r.worst_rel_halfwidth:.1%};"
                f" {r.needed} needed for ±{r.precision:.0%}"
            )
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {len(report.files)} files in {report.folder}")
    return 0
