"""The ``centaure sweep``, ``centaure analyze`` and ``centaure discover`` commands.

    centaure sweep EXPERIMENT [--workers N | --scheduler ADDRESS] [--out DIR] [--timeout SECONDS] [--no-progress]
    centaure calibrate CALIBRATION [--workers N | --scheduler ADDRESS] [--out DIR] [--timeout SECONDS] [--no-progress]
    centaure analyze DIR [--doc FILE.md]
    centaure discover DIR --where "aller_vers - npm > 0" [--indicator NAME] [--scenario NAME] [--threshold X] ...

EXPERIMENT is a shipped experiment's name (``sobol_levers``) or a TOML file.
Running the same sweep again resumes it: stored runs are skipped. The exit
status says how a sweep ended (:data:`EXIT_STATUS`).
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path
from typing import Any

from sim.batch.cluster import TIMEOUT, WORKERS_PER_CORE, cpu_count
from sim.batch.runner import Outcome
from sim.cli import USAGE_ERROR, integer, progress_bar, writable_folder
from sim.discover import DEFAULT_BOXES, DEFAULT_MASS_MIN, DEFAULT_THRESHOLD
from sim.i18n import fixed, number, percent, t

DISCOVER_DEFAULTS = {"threshold": DEFAULT_THRESHOLD, "mass_min": DEFAULT_MASS_MIN, "max_boxes": DEFAULT_BOXES}


def share(low: float, high: float) -> Any:
    """An argparse type: a number from ``low`` to ``high``, with a one-line message otherwise."""

    def parse(text: str) -> float:
        try:
            value = float(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r}: expected a number from {low} to {high}") from None
        if not low <= value <= high:  # also refuses nan
            raise argparse.ArgumentTypeError(f"{value}: expected a number from {low} to {high}")
        return value

    return parse


EXIT_STATUS = {
    Outcome.COMPLETE: 0,
    Outcome.RUNS_FAILED: 1,
    Outcome.CANNOT_WRITE: 74,  # EX_IOERR of sysexits.h
    Outcome.NO_CLUSTER: 75,  # EX_TEMPFAIL of sysexits.h: try again later
}
"""Exit status of ``centaure sweep`` per outcome; interrupted: 128 + the signal (130 Ctrl-C, 143 SIGTERM)."""
MAX_TIMEOUT = 7 * 24 * 3600

SWEEP_EPILOG = f"""exit status:
  0    every run is stored
  1    some runs failed (errors in DIR/failures.json); run the same command to retry them
  {USAGE_ERROR}    bad input (experiment file, option, results folder): nothing ran, nothing changed
  {EXIT_STATUS[Outcome.CANNOT_WRITE]}   the results could not be written (disk full, read-only folder);
       stored runs are kept; free space, then run the same command to resume
  {EXIT_STATUS[Outcome.NO_CLUSTER]}   no scheduler or no worker within --timeout seconds, or the cluster was lost;
       stored runs are kept; run the same command to resume
  130  interrupted by Ctrl-C (SIGINT): the status is recorded; run the same command to resume
  143  interrupted by SIGTERM (kill, scancel, a SLURM time limit): the same
"""

CALIBRATE_EPILOG = f"""exit status:
  0    every planned generation is stored (or a stopping rule of the file was met)
  {USAGE_ERROR}    bad input (calibration file, option, results folder): nothing ran, nothing changed
  {EXIT_STATUS[Outcome.CANNOT_WRITE]}   the results could not be written (disk full, read-only folder);
       stored generations are kept; free space, then run the same command to resume
  {EXIT_STATUS[Outcome.NO_CLUSTER]}   no scheduler or no worker within --timeout seconds, or the cluster was lost;
       stored generations are kept; run the same command to resume
  130  interrupted by Ctrl-C (SIGINT): the generation in flight is lost; run the same command to resume
  143  interrupted by SIGTERM (kill, scancel, a SLURM time limit): the same
"""


def add_parser(subparsers: Any) -> None:
    """Register ``sweep``, ``calibrate``, ``analyze`` and ``discover`` on the ``centaure`` command."""
    p = subparsers.add_parser(
        "sweep",
        help="run an experiment (grid, lhs, sobol, morris) through Dask; re-run to resume",
        description="Run every run of an experiment through Dask distributed and store it as Parquet.\n"
        "Running the same command again skips the runs already stored.",
        epilog=SWEEP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("experiment", help="shipped experiment name or path of an experiment TOML file")
    add_cluster_options(p, "results folder (default: the experiment's output)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_sweep)

    p = subparsers.add_parser(
        "calibrate",
        help="fit assumption parameters to the targets by ABC-SMC (pyABC) through Dask; re-run to resume",
        description="Approximate Bayesian computation (pyABC ABC-SMC) of a calibration file's parameters on its\n"
        "targets, through Dask. Running the same command again continues from the last stored generation.",
        epilog=CALIBRATE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("calibration", help="shipped calibration name (calibrate_npm) or path of a calibration TOML file")
    add_cluster_options(p, "results folder (default: the calibration's output)")
    p.add_argument("--no-progress", action="store_true", help="no progress lines")
    p.set_defaults(func=cmd_calibrate)

    p = subparsers.add_parser(
        "analyze",
        help="summaries with 95%% CIs, Sobol/Morris indices, replicate check and plots of a sweep;"
        " the fit and posterior of a calibration",
        description="Write CSV tables and PNG figures into DIR/analysis/ (a sweep's folder), or the fit table,\n"
        "posterior summaries and plots of a calibration's folder (see centaure analyze --help).",
    )
    p.add_argument("folder", metavar="DIR", help="a results folder written by centaure sweep or centaure calibrate")
    p.add_argument(
        "--draws",
        type=integer(2, 10_000),
        default=None,
        help="calibration: posterior draws for the posterior-predictive fit table (default 20)",
    )
    p.add_argument(
        "--doc",
        "--docs",
        dest="doc",
        default=None,
        metavar="FILE.md",
        help="also write a Markdown report with its figures beside it: a calibration's (docs/calibration.md),"
        " or a sweep's paired differences in the generated section of FILE.md (hand-written text outside it is kept)",
    )
    add_cluster_options(p, "calibration: folder for the report's tables and figures (default: DIR/analysis)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.set_defaults(func=cmd_analyze)

    p = subparsers.add_parser(
        "discover",
        help="PRIM scenario discovery: the regions of a sweep's parameter space where a condition holds",
        description="Evaluate a condition at every design point of a sweep and find, with PRIM (EMA Workbench),"
        " boxes of parameter ranges where it holds. Writes DIR/discover/boxes.csv and boxes.png.",
        epilog=f"exit status: 0 done (also when no box reaches the threshold); {USAGE_ERROR} bad input",
    )
    p.add_argument("folder", metavar="DIR", help="a results folder written by centaure sweep")
    p.add_argument(
        "--where",
        required=True,
        metavar="EXPRESSION",
        help='the condition, e.g. "aller_vers - npm > 0": scenario or indicator names, scenario.indicator,'
        " numbers, + - * /, comparisons, and/or/not",
    )
    p.add_argument("--indicator", default=None, help="the indicator a bare scenario name stands for")
    p.add_argument("--scenario", default=None, help="the scenario a bare indicator name stands for")
    p.add_argument(
        "--threshold",
        type=share(0.01, 1.0),
        default=DISCOVER_DEFAULTS["threshold"],
        help=f"least density of a box (default {DISCOVER_DEFAULTS['threshold']})",
    )
    p.add_argument(
        "--mass-min",
        type=share(0.001, 0.5),
        default=DISCOVER_DEFAULTS["mass_min"],
        help=f"least share of the design points in a box (default {DISCOVER_DEFAULTS['mass_min']})",
    )
    p.add_argument(
        "--boxes",
        type=integer(1, 20),
        default=DISCOVER_DEFAULTS["max_boxes"],
        help=f"most boxes to find (default {DISCOVER_DEFAULTS['max_boxes']})",
    )
    p.add_argument(
        "--out", default=None, metavar="FOLDER", help="where boxes.csv and boxes.png go (default DIR/discover)"
    )
    p.set_defaults(func=cmd_discover)


def add_cluster_options(p: argparse.ArgumentParser, out_help: str) -> None:
    """--workers | --scheduler, --out and --timeout: how a sweep or a calibration reaches its Dask cluster."""
    cluster = p.add_mutually_exclusive_group()
    most = WORKERS_PER_CORE * cpu_count()
    cluster.add_argument(
        "--workers",
        type=integer(1, most),
        default=None,
        help=f"worker processes of the embedded cluster, 1 to {most} ({WORKERS_PER_CORE} per core;"
        " default: one per core)",
    )
    cluster.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="use the Dask cluster at ADDRESS (tcp://host:8786) or a scheduler file (.json) instead",
    )
    p.add_argument("--out", default=None, metavar="DIR", help=out_help)
    p.add_argument(
        "--timeout",
        type=integer(1, MAX_TIMEOUT),
        default=TIMEOUT,
        metavar="SECONDS",
        help=f"give up after waiting this long for a scheduler file, a scheduler or a worker (default {TIMEOUT})",
    )


def cmd_sweep(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from sim.batch import experiment as experiments
    from sim.batch.runner import Progress, sweep

    lang = args.lang
    exp = experiments.load(args.experiment)
    out = writable_folder(Path(args.out) if args.out else exp.output, "--out" if args.out else f"{exp.where}: output")
    bars: dict[str, Any] = {}

    def planned(n: int) -> None:
        if "plan" not in bars:
            total = exp.n_points * len(exp.scenario_names)
            bars["plan"] = progress_bar(
                total, lang, "cli.bar.planning", "cli.bar.unit_point", delay=1, disable=args.no_progress
            )
        bars["plan"].update(n)
        if bars["plan"].n >= bars["plan"].total:
            bars["plan"].close()

    def start(info: dict[str, Any]) -> None:
        shared = t("cli.sweep.shared", lang, planned=info["planned"]) if info["planned"] > info["runs"] else ""
        fields = {k: info[k] for k in ("runs", "stored", "todo", "out")}
        scheduler = scheduler_text(info["scheduler"], lang)
        say(t("cli.sweep.start", lang, name=exp.name, shared=shared, scheduler=scheduler, **fields))
        if exp.draws():
            say(t("cli.sweep.posterior", lang, posterior=exp.posterior.path))
        if info.get("dashboard"):
            say(t("cli.dask_dashboard", lang, link=info["dashboard"]))
        if info["todo"] and not args.no_progress:
            bars["runs"] = progress_bar(info["todo"], lang, dynamic_ncols=True)

    def progress(p: Progress) -> None:
        if "runs" in bars:
            bars["runs"].n = p.done + p.failed
            bars["runs"].set_postfix(done=p.done, failed=p.failed, remaining=p.remaining, refresh=False)
            bars["runs"].refresh()

    try:
        report = sweep(
            exp,
            out=out,
            workers=args.workers,
            scheduler=args.scheduler,
            timeout=args.timeout,
            on_plan=planned,
            on_wait=lambda text: tqdm.write(text, file=sys.stderr),
            on_start=start,
            on_progress=progress,
        )
    finally:
        for bar in bars.values():
            bar.close()
    return _report_sweep(report, lang)


def scheduler_text(description: str, lang: str) -> str:
    """Where the work runs, in words: a scheduler's address, the embedded cluster, in process, or no cluster."""
    from sim.batch.calibrate import IN_PROCESS

    if description == IN_PROCESS:
        return t("cli.in_process", lang)
    return description or t("cli.no_cluster", lang)


def say(text: str) -> None:
    """A line of progress or of how the work ended, on stderr (stdout keeps the results)."""
    print(text, file=sys.stderr)


def _where(report: Any, stored: str, lang: str) -> str:
    """What a sweep or a calibration left in its folder, for its last line."""
    if not report.wrote:
        return t("cli.where.nothing", lang, out=report.out)
    where = t("cli.where.stored", lang, stored=stored, out=report.out)
    if not report.recorded:
        where += t("cli.where.unrecorded", lang, manifest=report.out / "manifest.json")
    return where


STOPPED = {Outcome.CANNOT_WRITE: "cli.stop.cannot_write", Outcome.NO_CLUSTER: "cli.stop.no_cluster"}


def _stopped_early(report: Any, where: str, lang: str) -> int | None:
    """One line on stderr and the exit status if the work stopped before its end (signal, disk, cluster)."""
    if report.outcome is Outcome.INTERRUPTED:
        number = report.signal or signal.SIGINT
        say(t("cli.stop.interrupted", lang, signal=signal.Signals(number).name, where=where))
        return 128 + number
    if report.outcome in STOPPED:
        say("centaure: error: " + t(STOPPED[report.outcome], lang, message=report.message, where=where))
        return EXIT_STATUS[report.outcome]
    return None


def _report_sweep(report: Any, lang: str) -> int:
    """Print how the sweep ended (one line on stderr if it stopped early); return the exit status."""
    where = _where(report, t("cli.sweep.stored", lang, done=report.stored, total=report.runs), lang)
    early = _stopped_early(report, where, lang)
    if early is not None:
        return early
    print(t("cli.sweep.done", lang, where=where, done=report.done, seconds=fixed(report.seconds, lang, 1)))
    if report.failures:
        failures = Path(report.out) / "failures.json"
        say(t("cli.sweep.failed", lang, n=len(report.failures), error=report.failures[0]["error"], file=failures))
        return EXIT_STATUS[report.outcome]
    print(t("cli.next", lang, out=report.out))
    return EXIT_STATUS[report.outcome]


def _print_largest(indices, column: str, cell) -> None:
    """One line per scenario and indicator: the three parameters with the largest ``column``."""
    for (scenario, indicator), group in indices.groupby(["scenario", "indicator"], sort=False):
        print(f"  {scenario}/{indicator}: " + ", ".join(cell(r) for r in group.nlargest(3, column).itertuples()))


def cmd_calibrate(args: argparse.Namespace) -> int:
    from sim.batch import calibrate as calibrations

    lang = args.lang
    calibration = calibrations.load(args.calibration)
    out = writable_folder(
        Path(args.out) if args.out else calibration.output, "--out" if args.out else f"{calibration.where}: output"
    )
    clock = {"start": 0.0, "next": 0}

    def start(info: dict[str, Any]) -> None:
        import time

        clock["start"], clock["next"] = time.perf_counter(), info["stored"]
        sizes = dict(priors=len(calibration.priors), targets=len(calibration.targets), seeds=calibration.seeds)
        fields = {k: info[k] for k in ("stored", "todo", "out")}
        scheduler = scheduler_text(info["scheduler"], lang)
        say(
            t(
                "cli.calibrate.start",
                lang,
                name=calibration.name,
                population=calibration.population,
                scheduler=scheduler,
                **sizes,
                **fields,
            )
        )
        if info.get("dashboard"):
            say(t("cli.dask_dashboard", lang, link=info["dashboard"]))

    def generation(what: str, g: Any) -> None:
        import time

        if args.no_progress:
            return
        elapsed = time.perf_counter() - clock["start"]
        if what == "start":
            say(t("cli.calibrate.sampling", lang, t=clock["next"], elapsed=_clock(elapsed)))
        else:
            clock["next"] = g.t + 1
            numbers = dict(epsilon=number(g.epsilon, lang), acceptance=percent(g.acceptance, lang))
            say(
                t(
                    "cli.calibrate.generation",
                    lang,
                    t=g.t,
                    particles=g.particles,
                    simulations=g.simulations,
                    elapsed=_clock(elapsed),
                    **numbers,
                )
            )

    report = calibrations.calibrate(
        calibration,
        out=out,
        workers=args.workers,
        scheduler=args.scheduler,
        timeout=args.timeout,
        on_wait=say,
        on_start=start,
        on_generation=generation,
    )
    return _report_calibration(report, lang)


def _clock(seconds: float) -> str:
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def _report_calibration(report: Any, lang: str) -> int:
    """Print how the calibration ended (one line on stderr if it stopped early); return the exit status."""
    where = _where(report, t("cli.calibrate.stored", lang, done=report.stored, total=report.planned), lang)
    early = _stopped_early(report, where, lang)
    if early is not None:
        return early
    stopped = t("cli.calibrate.stopped", lang, why=report.stopped) if report.stopped else ""
    print(t("cli.calibrate.done", lang, where=where, stopped=stopped, done=report.done, elapsed=_clock(report.seconds)))
    print(t("cli.next", lang, out=report.out))
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from sim.batch.analysis import analyze, folder_kind

    if folder_kind(args.folder) == "calibration":
        return _analyze_calibration(args)
    doc = None
    if args.doc:
        from sim.cli import writable_file

        doc = writable_file(Path(args.doc), "--doc", suffixes=(".md",))
    lang = args.lang
    report = analyze(args.folder, lang=lang)
    print(t("cli.analyze.runs", lang, found=report.runs_found, planned=report.runs_planned))

    def sobol(r: Any) -> str:
        return f"{r.parameter} {fixed(r.ST, lang, 2)}±{fixed(r.ST_conf, lang, 2)}"

    def morris(r: Any) -> str:
        return f"{r.parameter} {number(r.mu_star, lang)}"

    if report.sobol is not None:
        print(t("cli.analyze.sobol", lang))
        _print_largest(report.sobol, "ST", sobol)
    if report.morris is not None:
        print(t("cli.analyze.morris", lang))
        _print_largest(report.morris, "mu_star", morris)
    if report.differences is not None:
        if "ST" in report.differences:
            print(t("analysis.differences.header", lang))
            _print_largest(report.differences, "ST", sobol)
        else:
            print(t("analysis.differences.morris_header", lang))
            _print_largest(report.differences, "mu_star", morris)
    if report.advice is not None:
        print(t("cli.analyze.replicates", lang))
        for r in report.advice.itertuples():
            widths = dict(halfwidth=percent(r.worst_rel_halfwidth, lang), precision=percent(r.precision, lang, 0))
            print(
                t(
                    "cli.analyze.replicate_line",
                    lang,
                    indicator=r.indicator,
                    replicates=r.replicates,
                    needed=r.needed,
                    **widths,
                )
            )
    for note in report.notes:
        say(t("cli.note", lang, note=note))
    print(t("cli.wrote_in", lang, n=len(report.files), folder=report.folder))
    if doc is not None:
        from sim.batch.report import write_doc

        written = write_doc(report, doc)
        print(t("cli.wrote", args.lang, files=", ".join(map(str, written))))
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    import numpy as np

    from sim.discover import discover

    lang = args.lang
    out = writable_folder(Path(args.out), "--out") if args.out else None
    found = discover(
        args.folder,
        args.where,
        indicator=args.indicator,
        scenario=args.scenario,
        threshold=args.threshold,
        mass_min=args.mass_min,
        max_boxes=args.boxes,
        folder=out,
        lang=lang,
    )
    share_text = percent(found.cases / found.points, lang, 0)
    print(t("discover.header", lang, where=found.where, cases=found.cases, points=found.points, share=share_text))
    if not found.boxes:
        print("  " + t("discover.no_box", lang, threshold=percent(found.threshold, lang, 0)))
    for box in found.boxes:
        stats = {k: percent(getattr(box, k), lang, 0) for k in ("coverage", "density", "mass")}
        print(t("discover.box_title", lang, box=box.number, **stats))
        print("  " + t("discover.box_counts", lang, points=box.points, cases=box.cases))
        if box.limits.empty:
            print("  " + t("discover.unrestricted", lang))
        for row in box.limits.itertuples():
            worst = float(np.nanmax([row.qp_low, row.qp_high]))
            qp = number(worst, lang, 2) if worst >= 0.001 else "< " + number(0.001, lang)
            if row.values:
                print("  " + t("discover.values_line", lang, parameter=row.parameter, values=row.values, qp=qp))
            else:
                cells = {k: number(getattr(row, k), lang) for k in ("low", "high", "range_low", "range_high")}
                print("  " + t("discover.limit_line", lang, parameter=row.parameter, qp=qp, **cells))
    for note in found.notes:
        say(t("cli.note", lang, note=note))
    print(t("cli.wrote", lang, files=", ".join(map(str, found.files))))
    return 0


def _analyze_calibration(args: argparse.Namespace) -> int:

    from sim.batch.calibration_report import DRAWS, report

    bars: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        if args.no_progress:
            return
        if "runs" not in bars:
            bars["runs"] = progress_bar(total, args.lang, "cli.bar.predictive")
        bars["runs"].n = done
        bars["runs"].refresh()

    try:
        result = report(
            args.folder,
            draws=args.draws or DRAWS,
            docs=Path(args.doc) if args.doc else None,
            out=Path(args.out) if args.out else None,
            workers=args.workers,
            scheduler=args.scheduler,
            timeout=args.timeout,
            lang=args.lang,
            on_progress=progress,
        )
    finally:
        for bar in bars.values():
            bar.close()
    print(result.text)
    print(t("cli.wrote_in", args.lang, n=len(result.files), folder=result.folder))
    return 0
