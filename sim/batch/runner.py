"""Run an experiment through Dask distributed, store each finished task at once, resume on re-run.

``sweep(experiment)`` plans every run (scenario x design point x replicate),
checks the results folder (its checksums, and that it holds no run this
experiment does not plan: :mod:`sim.batch.manifest`), skips the runs already
stored, sends the rest to Dask (:mod:`sim.batch.cluster`) and writes the rows
of each finished task atomically. A run that raises is recorded with its error and the
sweep goes on. Killing the sweep loses at most the runs in flight.

A problem with the experiment or the folder raises a CentaureError before
anything is written. Once the sweep writes, it always returns a
:class:`SweepReport` whose ``outcome`` says how it ended — complete, runs
failed, interrupted (SIGINT or SIGTERM), cannot write (disk full, read-only
folder), or no cluster (no scheduler or no worker within ``timeout``
seconds) — and records that outcome in the manifest when it can be written.
"""

from __future__ import annotations

import enum
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.batch import cluster, provenance, storage
from sim.batch.cluster import STOP_SIGNALS, TIMEOUT
from sim.batch.experiment import Experiment
from sim.batch.manifest import build_manifest, check_folder
from sim.batch.storage import StorageError
from sim.batch.tasks import RunSpec, TaskResult, execute

POLL_SECONDS = 1.0
"""How often a sweep waiting for results checks that its cluster still has workers."""
FETCH_SECONDS = 60.0
"""Longest wait for the result of a finished task (it is computed again if its worker left with it)."""


class Outcome(enum.StrEnum):
    """How a sweep ended (recorded in the manifest's ``status``)."""

    COMPLETE = "complete"
    RUNS_FAILED = "runs_failed"
    INTERRUPTED = "interrupted"
    CANNOT_WRITE = "cannot_write"
    NO_CLUSTER = "no_cluster"


@dataclass
class Progress:
    """Counts of the runs this sweep has to do."""

    total: int
    done: int = 0
    failed: int = 0

    @property
    def remaining(self) -> int:
        return self.total - self.done - self.failed


@dataclass
class SweepReport:
    """What a sweep did, and how it ended."""

    out: Path
    runs: int  # distinct runs in the experiment
    already: int  # of them, stored before this sweep
    planned: int = 0  # scenarios x design points x replicates (several may share one distinct run)
    done: int = 0  # stored by this sweep
    failures: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    workers: int = 0
    scheduler: str = ""
    outcome: Outcome = Outcome.COMPLETE
    message: str = ""  # why the sweep stopped before its end (one line)
    signal: int = 0  # the signal that interrupted it
    wrote: bool = False  # the sweep changed the folder (it had connected, checked and started)
    recorded: bool = False  # the outcome is in the manifest

    @property
    def stored(self) -> int:
        return self.already + self.done

    @property
    def complete(self) -> bool:
        return self.stored == self.runs

    def stop(self, outcome: Outcome, message: str) -> None:
        self.outcome, self.message = outcome, " ".join(message.split())


def sweep(
    experiment: Experiment,
    out: str | Path | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float = TIMEOUT,
    on_plan: Callable[[int], None] | None = None,
    on_wait: Callable[[str], None] | None = None,
    on_start: Callable[[dict[str, Any]], None] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> SweepReport:
    """Run (or resume) ``experiment``; results go to ``out`` (default: the experiment's ``output``).

    Callbacks: ``on_plan(1)`` after each design point planned (out of
    ``experiment.n_points`` x scenarios), ``on_wait(text)`` when the sweep starts
    waiting for something (a scheduler file, a scheduler, a worker),
    ``on_start(info)`` when the runs start, ``on_progress(progress)`` after
    each task. SIGINT and SIGTERM stop the sweep the same way (``outcome``
    interrupted, ``signal`` tells which).
    """
    started = time.perf_counter()
    out = Path(out) if out is not None else experiment.output
    report = SweepReport(out=out, runs=0, already=0)
    with _signals_stop(report) as ending:
        try:
            sample = experiment.sample()
            plan = experiment.plan(sample, on_plan)
            unique = list({r.run_id: r for r in plan}.values())
            previous = storage.read_manifest(out)
            files = storage.checksums(out, (previous or {}).get("files", {}))
            stored = storage.stored_ids(out)
            check_folder(out, experiment, previous, stored - {r.run_id for r in unique})
            todo = [r for r in unique if r.run_id not in stored]
            report.runs, report.already, report.planned = len(unique), len(stored), len(plan)
            manifest = build_manifest(experiment, sample, plan, previous)
            entry = {"started": provenance.now(), "machine": provenance.machine(), "runs_to_do": len(todo)}
            with cluster.client(workers, scheduler, timeout, on_wait, needed=bool(todo)) as (client, description, n):
                report.workers, report.scheduler = n, description
                if client is not None:
                    cluster.check_workers(client, experiment.run.path)
                report.wrote = True  # from here on, the folder changes
                storage.clean_temporary(out)
                _write_manifest(out, manifest, files)
                if on_start:
                    on_start(_start_info(report, len(todo), client))
                if todo:
                    _run_tasks(client, experiment, todo, out, report, timeout, on_progress, on_wait)
            storage.compact(out)
        except KeyboardInterrupt:
            name = signal.Signals(report.signal).name if report.signal else "SIGINT"
            report.stop(Outcome.INTERRUPTED, f"interrupted ({name})")
        except StorageError as err:
            if not report.wrote:
                raise  # a folder that cannot be read as it is: a problem with what was given
            report.stop(Outcome.CANNOT_WRITE, str(err))
        except OSError as err:  # the cluster: a timeout, a lost connection (the storage raises StorageError)
            report.stop(Outcome.NO_CLUSTER, str(err) or type(err).__name__)
        except CancelledError:  # Dask cancels every task of a client that lost its scheduler
            report.stop(Outcome.NO_CLUSTER, f"lost the Dask scheduler ({report.scheduler}): it cancelled the tasks")
        ending()
        report.seconds = time.perf_counter() - started
        if report.wrote and report.outcome is not Outcome.COMPLETE:
            _recount(report, out, {r.run_id for r in unique}, stored)
        if report.outcome is Outcome.COMPLETE and report.failures:
            report.outcome = Outcome.RUNS_FAILED
        if report.wrote:
            _finish(out, manifest, files, entry, report)
    return report


def _finish(
    out: Path, manifest: dict[str, Any], files: dict[str, str], entry: dict[str, Any], report: SweepReport
) -> None:
    """Record how the sweep ended in the manifest, if it can still be written."""
    entry.update(
        finished=provenance.now(),
        workers=report.workers,
        scheduler=report.scheduler,
        runs_done=report.done,
        runs_failed=len(report.failures),
        seconds=round(report.seconds, 3),
        outcome=report.outcome.value,
    )
    manifest["sweeps"].append({**entry, "message": report.message} if report.message else entry)
    manifest["status"] = {
        "outcome": report.outcome.value,
        "runs": report.runs,
        "stored": report.stored,
        "failed": len(report.failures),
        "complete": report.complete,
        **({"message": report.message} if report.message else {}),
    }
    manifest["failures"] = [{k: v for k, v in f.items() if k != "traceback"} for f in report.failures]
    try:
        _write_manifest(out, manifest, files)
    except StorageError as err:
        if report.outcome is not Outcome.CANNOT_WRITE:
            report.stop(Outcome.CANNOT_WRITE, str(err))
        return
    report.recorded = True


def _recount(report: SweepReport, out: Path, wanted: set[str], before: set[str]) -> None:
    """Count the runs this sweep stored from the folder itself: a stop may come between a write and its count."""
    try:
        report.done = len((storage.stored_ids(out) & wanted) - before)
    except StorageError:  # the folder cannot be read either: keep the count kept on the way
        pass


def _write_manifest(out: Path, manifest: dict[str, Any], files: dict[str, str]) -> None:
    storage.record(out, files)
    manifest["files"] = dict(sorted(files.items()))
    storage.write_manifest(out, manifest)


@contextmanager
def _signals_stop(report: SweepReport) -> Iterator[Callable[[], None]]:
    """SIGINT (Ctrl-C) and SIGTERM (``kill``, SLURM) stop the sweep alike, as a KeyboardInterrupt, once.

    Yields ``ending()``: from the first signal, or from a call to ``ending()``,
    later signals are ignored while the sweep records its status and closes its
    cluster (SIGKILL still ends it at once). Only in the main thread, where
    Python runs signal handlers; a signal the caller ignores stays ignored.
    A KeyboardInterrupt that lands in a finaliser or a weakref callback is
    swallowed by Python (an "unraisable" exception): it is kept quiet here, and
    the loops stop at their next look at ``report.signal`` (:func:`stop_if_signalled`).
    """
    saved = {}
    if threading.current_thread() is threading.main_thread():
        for number in STOP_SIGNALS:
            handler = signal.getsignal(number)
            if handler is not signal.SIG_IGN:
                saved[number] = signal.SIG_DFL if handler is None else handler

    def ending() -> None:
        for number in saved:
            signal.signal(number, signal.SIG_IGN)

    def stop(number: int, frame: Any) -> None:
        ending()
        report.signal = number
        raise KeyboardInterrupt

    hook = sys.unraisablehook

    def unraisable(info: Any) -> None:
        if not (report.signal and isinstance(info.exc_value, KeyboardInterrupt)):
            hook(info)

    for number in saved:
        signal.signal(number, stop)
    sys.unraisablehook = unraisable
    try:
        yield ending
    finally:
        sys.unraisablehook = hook
        for number, handler in saved.items():
            signal.signal(number, handler)


def stop_if_signalled(report: Any) -> None:
    """Raise the KeyboardInterrupt of a stop signal that Python swallowed (see :func:`_signals_stop`)."""
    if report.signal:
        raise KeyboardInterrupt


def _start_info(report: SweepReport, todo: int, client: Any) -> dict[str, Any]:
    return {
        "runs": report.runs,
        "planned": report.planned,
        "stored": report.already,
        "todo": todo,
        "workers": report.workers,
        "scheduler": report.scheduler,
        "dashboard": cluster.dashboard_link(client) if client is not None else None,
        "out": str(report.out),
    }


def _run_tasks(
    client: Any,
    experiment: Experiment,
    todo: Sequence[RunSpec],
    out: Path,
    report: SweepReport,
    timeout: float,
    on_progress: Callable[[Progress], None] | None,
    on_wait: Callable[[str], None] | None,
) -> None:
    """Submit tasks in a bounded window, store each result as it arrives, release its future.

    Waits at most ``timeout`` seconds without any worker (TimeoutError).
    """
    from distributed import wait

    chunks = iter([list(todo[i : i + experiment.batch]) for i in range(0, len(todo), experiment.batch)])
    kwargs = dict(
        run=experiment.run.path,
        weeks=experiment.weeks,
        every=experiment.every,
        indicators=list(experiment.indicators),
        varied_columns=experiment.column_dtypes(),
    )
    progress = Progress(total=len(todo))
    in_flight: dict[Any, list[RunSpec]] = {}
    threads = 1

    def refill() -> None:
        nonlocal threads
        threads = max(1, sum(client.nthreads().values()))
        block = [c for _, c in zip(range(max(8, 4 * threads) - len(in_flight)), chunks, strict=False)]
        if block:
            in_flight.update(zip(client.map(execute, block, pure=False, **kwargs), block, strict=True))

    refill()
    idle = cluster.IdleWatch(client, report.scheduler, timeout, on_wait)
    failures_changed = False
    while in_flight:
        stop_if_signalled(report)
        try:
            done = wait(list(in_flight), timeout=POLL_SECONDS, return_when="FIRST_COMPLETED").done
        except TimeoutError:
            idle.check()
            continue
        for future in done:
            try:
                failures = _store(future, in_flight[future], out, min(timeout, FETCH_SECONDS))
            except TimeoutError:  # its result left with its worker: Dask computes it again
                idle.check()
                continue
            chunk = in_flight.pop(future)
            if failures:
                where = {r.run_id: r for r in chunk}
                for f in failures:
                    r = where[f["run_id"]]
                    report.failures.append({**f, "scenario": r.scenario, "point": r.point, "replicate": r.replicate})
                report.failures.sort(key=lambda f: (f["scenario"], f["point"], f["replicate"]))  # design order
                failures_changed = True
                storage.write_failures(out, report.failures)
            progress.failed += len(failures)
            progress.done += len(chunk) - len(failures)
            report.done = progress.done
            if on_progress:
                on_progress(progress)
        if len(in_flight) < max(4, 2 * threads):
            refill()
    if not failures_changed:
        storage.write_failures(out, [])


def _store(future: Any, chunk: list[RunSpec], out: Path, timeout: float) -> list[dict[str, str]]:
    """Write a finished task's rows; return its failed runs.

    TimeoutError if its result does not come within ``timeout`` seconds (or
    is no longer there): its worker left with it, and Dask computes it again.
    """
    if future.status not in ("finished", "error", "cancelled"):
        raise TimeoutError(future.key)
    if future.status == "finished":
        result: TaskResult = future.result(timeout=timeout)
        if result.frame is not None and len(result.frame):
            storage.write_task(out, result.frame)
        failures = result.failures
    elif future.status == "cancelled":
        raise CancelledError(future.key)
    else:
        err = future.exception(timeout=timeout)
        message = f"task failed: {type(err).__name__}: {err}".splitlines()[0][:500]
        failures = [{"run_id": r.run_id, "error": message, "traceback": ""} for r in chunk]
    future.release()
    return failures
