"""Run an experiment through Dask distributed, store each finished task at once, resume on re-run.

``sweep(experiment)`` plans every run (scenario x design point x replicate),
checks the results folder (its checksums, and that it holds no run this
experiment does not plan), skips the runs already stored, sends the rest to
Dask — an embedded ``LocalCluster`` (processes, one thread each: the model is
GIL-bound) or the scheduler at ``scheduler`` — and writes the rows of each
finished task atomically. A run that raises is recorded with its error and the
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
import json
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import resource_tracker
from pathlib import Path
from typing import Any

import sim
from sim.batch import provenance, storage
from sim.batch.designs import problem
from sim.batch.experiment import Experiment
from sim.batch.storage import FORMAT, StorageError
from sim.batch.tasks import RunSpec, TaskResult, canonical, execute, resolve
from sim.errors import ExperimentError, InputError

TIMEOUT = 600
"""Seconds a sweep waits for a scheduler file, a scheduler or a worker before it gives up (``--timeout``)."""
POLL_SECONDS = 1.0
"""How often a waiting sweep checks that its cluster still has workers."""
FETCH_SECONDS = 60.0
"""Longest wait for the result of a finished task (it is computed again if its worker left with it)."""
SCHEDULER_FILE_SECONDS = 2.0
"""How long a scheduler file that is not valid JSON yet may still be being written."""
NOISY_LOGGERS = ("distributed", "tornado", "asyncio")
"""Packages whose log records a sweep silences while it uses a cluster."""
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""Signals that stop a sweep (Ctrl-C; kill and SLURM), recording its status."""


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


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


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
    ``experiment.points`` x scenarios), ``on_wait(text)`` when the sweep starts
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
            _check_folder(out, experiment, previous, stored - {r.run_id for r in unique})
            todo = [r for r in unique if r.run_id not in stored]
            report.runs, report.already, report.planned = len(unique), len(stored), len(plan)
            manifest = build_manifest(experiment, sample, plan, previous)
            entry = {"started": provenance.now(), "machine": provenance.machine(), "runs_to_do": len(todo)}
            with _client(workers, scheduler, timeout, on_wait, needed=bool(todo)) as (client, description, n):
                report.workers, report.scheduler = n, description
                if client is not None:
                    _check_workers(client, experiment.run.path)
                report.wrote = True  # from here on, the folder changes
                storage.clean_temporary(out)
                _write_manifest(out, manifest, files)
                if on_start:
                    on_start(_start_info(report, len(todo), client))
                if todo:
                    _run_tasks(client, experiment, todo, out, files, report, timeout, on_progress, on_wait)
            storage.record(out, files, storage.compact(out))
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


def _write_manifest(out: Path, manifest: dict[str, Any], files: dict[str, str]) -> None:
    storage.record(out, files, [])
    manifest["files"] = dict(sorted(files.items()))
    storage.write_manifest(out, manifest)


@contextmanager
def _signals_stop(report: SweepReport) -> Iterator[Callable[[], None]]:
    """SIGINT (Ctrl-C) and SIGTERM (``kill``, SLURM) stop the sweep alike, as a KeyboardInterrupt, once.

    Yields ``ending()``: from the first signal, or from a call to ``ending()``,
    later signals are ignored while the sweep records its status and closes its
    cluster (SIGKILL still ends it at once). Only in the main thread, where
    Python runs signal handlers; a signal the caller ignores stays ignored.
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

    for number in saved:
        signal.signal(number, stop)
    try:
        yield ending
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


# ---------------------------------------------------------------------------- the manifest
def record_key(experiment: Experiment) -> dict[str, Any]:
    """What fixes the shape of the stored rows; a results folder holds one such shape."""
    return {
        "run": experiment.run.path,
        "weeks": experiment.weeks,
        "every": experiment.every,
        "indicators": list(experiment.indicators),
        "varied": list(experiment.column_dtypes()),
    }


def build_manifest(
    experiment: Experiment, sample: Any, plan: Sequence[RunSpec], previous: dict[str, Any] | None
) -> dict[str, Any]:
    """The experiment, its design, every run's parameters and seed, versions and git state."""
    bases = experiment.base_sets()
    return canonical(
        {
            "format": FORMAT,
            "created": (previous or {}).get("created", provenance.now()),
            "updated": provenance.now(),
            "experiment": _identity(experiment),
            "model_version": sim.__version__,
            "versions": provenance.versions(),
            "git": provenance.git_state(),
            "record": record_key(experiment),
            "design": {
                "method": experiment.design,
                "samples": experiment.samples,
                "options": experiment.options,
                "factors": [f.describe() for f in experiment.factors],
                "problem": problem(experiment.factors),
                "sample": sample.tolist(),
            },
            "replicates": experiment.replicates,
            "seed": {"entropy": experiment.seed, "mode": experiment.seeds},
            "analysis": experiment.analysis,
            "scenarios": {name: {"params": params, "reforms": reforms} for name, (params, reforms) in bases.items()},
            "runs_note": "a run's parameters are scenarios[scenario].params updated with its params",
            "runs": [
                {
                    "run_id": r.run_id,
                    "scenario": r.scenario,
                    "point": r.point,
                    "replicate": r.replicate,
                    "params": r.varied,
                    "seed": {"entropy": r.entropy, "spawn_key": list(r.spawn_key)},
                }
                for r in plan
            ],
            "sweeps": list((previous or {}).get("sweeps", [])),
            "files": {},
            "status": {},
            "failures": [],
        }
    )


def _identity(experiment: Experiment) -> dict[str, Any]:
    return {
        "name": experiment.name,
        "path": str(experiment.path) if experiment.path else None,
        "title": experiment.title,
        "text": experiment.text,
    }


def _described(identity: dict[str, Any]) -> str:
    return f"{identity.get('name')!r}" + (f" ({identity['path']})" if identity.get("path") else "")


def _check_folder(out: Path, experiment: Experiment, previous: dict[str, Any] | None, foreign: set[str]) -> None:
    """ExperimentError unless ``out`` may take this experiment's runs without losing or mixing others.

    ``foreign``: the ids of stored runs this experiment does not plan. Their
    parameters and seeds are recorded only in the folder's manifest, which this
    sweep would replace, so such a folder is refused.
    """
    if previous is None:
        if storage.data_files(out):
            raise ExperimentError(
                f"{out}: holds runs but no {storage.MANIFEST}; give another --out or delete the folder"
            )
        return
    mine, theirs = record_key(experiment), previous.get("record", {})
    for key, value in mine.items():
        if theirs.get(key) != value:
            raise ExperimentError(
                f"{out}: holds results of another experiment ({key}: {theirs.get(key)!r} there, {value!r} here);"
                " give another --out or delete the folder"
            )
    if foreign:
        old, new = previous.get("experiment", {}), _identity(experiment)
        same = (old.get("name"), old.get("path")) == (new["name"], new["path"])
        owner = f"an earlier version of experiment {_described(old)}" if same else f"experiment {_described(old)}"
        raise ExperimentError(
            f"{out}: holds {len(foreign):_} stored runs of {owner} that experiment {_described(new)} does not plan;"
            f" sweeping here would replace {storage.MANIFEST}, the only record of their parameters and seeds,"
            f" and mix their rows with these; give another --out for {new['name']!r} (or delete the folder)"
        )


# ---------------------------------------------------------------------------- Dask
@contextmanager
def _client(
    workers: int | None,
    scheduler: str | None,
    timeout: float,
    on_wait: Callable[[str], None] | None,
    needed: bool = True,
) -> Iterator[tuple[Any, str, int]]:
    """A Dask client on the embedded LocalCluster or on ``scheduler`` (address or scheduler file).

    Nothing (``None``) when no run is ``needed``. Waiting for the scheduler
    file, the scheduler or a first worker is said through ``on_wait`` and
    gives up after ``timeout`` seconds (TimeoutError).
    """
    if not needed:
        yield None, "", 0
        return
    with _quiet_dask():  # the sweep says what matters in its own words, once
        if scheduler:
            yield from _external(scheduler, timeout, on_wait or (lambda text: None))
        else:
            yield from _embedded(workers or cpu_count())


def _external(scheduler: str, timeout: float, say: Callable[[str], None]) -> Iterator[tuple[Any, str, int]]:
    from distributed import Client

    address = _scheduler_address(scheduler, timeout, say)
    say(f"connecting to the Dask scheduler at {address} (up to {timeout:g} s, see --timeout)")
    try:
        client = Client(address, timeout=f"{timeout}s")
    except OSError as err:  # TimeoutError included
        raise TimeoutError(
            f"--scheduler {scheduler}: no Dask scheduler answered at {address} within {timeout:g} s ({err});"
            " check the address or start the scheduler, then run the same command"
        ) from None
    try:
        _wait_for_workers(client, scheduler, timeout, say)
        yield client, scheduler, len(client.nthreads())
    finally:
        client.close()


def _embedded(n: int) -> Iterator[tuple[Any, str, int]]:
    from distributed import Client, LocalCluster

    resource_tracker.ensure_running()  # now, from this thread: see _workers_deaf
    with _workers_deaf():
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # a free port: several sweeps (or tests) may run at once
            silence_logs=logging.ERROR,
        )
    client = Client(cluster)
    try:
        yield client, f"LocalCluster({n} workers)", n
    finally:
        client.close()
        cluster.close()


@contextmanager
def _workers_deaf() -> Iterator[None]:
    """Start the embedded cluster with SIGINT and SIGTERM blocked: its processes never receive them.

    Ctrl-C in a terminal sends SIGINT to every process of the foreground group,
    and SLURM (a time limit, ``scancel``) SIGTERM to every process of the job;
    each worker would die with a traceback while the driver stops the sweep
    anyway. A signal mask is inherited by the threads started meanwhile (Dask's
    event loop, which spawns the workers) and by the processes they spawn
    (CPython's own resource tracker uses the same technique, bpo-33613), so the
    driver alone handles the signal; a signal that comes meanwhile waits and
    is delivered to it when the mask is restored. The driver's cluster then
    closes its workers (a worker that does not stop is killed, SIGKILL; one
    whose driver died exits by itself). The resource tracker must be running
    before: starting it unblocks both signals in the thread that starts it.
    """
    saved = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, saved)


@contextmanager
def _quiet_dask() -> Iterator[None]:
    """Silence Dask's loggers: starting, losing and closing a cluster (above all after an interruption) is noisy.

    Dask's configuration gives some of them their own level (``distributed.client``),
    so every logger of these packages is silenced, not only the packages' own.
    """
    import distributed  # noqa: F401 - its loggers exist, with their configured levels

    names = [n for n in list(logging.root.manager.loggerDict) if n.split(".")[0] in NOISY_LOGGERS]
    loggers = [logging.getLogger(name) for name in {*NOISY_LOGGERS, *names}]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _scheduler_address(scheduler: str, timeout: float, say: Callable[[str], None]) -> str:
    """The scheduler's address: ``scheduler`` itself, or read from a scheduler file once it exists."""
    if not scheduler.endswith(".json"):
        return scheduler
    path = Path(scheduler)
    start = time.monotonic()
    if not path.exists():
        say(
            f"waiting for the scheduler file {path} (the Dask scheduler writes it when it starts;"
            f" up to {timeout:g} s, see --timeout)"
        )
    while True:
        waited = time.monotonic() - start
        if path.exists():
            try:
                return json.loads(path.read_text(encoding="utf-8"))["address"]
            except (OSError, ValueError, KeyError, TypeError):
                if path.is_dir() or waited > min(timeout, SCHEDULER_FILE_SECONDS):  # not being written
                    raise InputError(
                        f"{path}: not a Dask scheduler file (JSON with the scheduler's address)", where="--scheduler"
                    ) from None
        elif waited > timeout:
            raise TimeoutError(
                f"--scheduler {path}: no scheduler file after {timeout:g} s; start the scheduler"
                f" (dask scheduler --scheduler-file {path}) or give its address, then run the same command"
            )
        time.sleep(0.2)


def _wait_for_workers(client: Any, scheduler: str, timeout: float, say: Callable[[str], None]) -> None:
    if client.nthreads():
        return
    say(f"the Dask scheduler at {scheduler} has no worker yet: waiting for one (up to {timeout:g} s, see --timeout)")
    try:
        client.wait_for_workers(1, timeout=timeout)
    except TimeoutError:
        raise TimeoutError(
            f"--scheduler {scheduler}: no worker joined the scheduler within {timeout:g} s;"
            " start workers (dask worker ...), then run the same command"
        ) from None


def _has_bokeh() -> bool:
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return False
    return True


def worker_info(run: str) -> dict[str, str]:
    """Run on each worker: the model version and whether the run function imports."""
    try:
        resolve(run)
        ok = ""
    except Exception as err:  # noqa: BLE001 - reported to the user
        ok = str(err)
    return {"sim": sim.__version__, "error": ok}


def _check_workers(client: Any, run: str) -> None:
    for address, info in client.run(worker_info, run).items():
        if info["sim"] != sim.__version__:
            raise ExperimentError(
                f"worker {address} runs Centaure {info['sim']}, this command {sim.__version__};"
                " install the same version on the cluster"
            )
        if info["error"]:
            raise ExperimentError(f"worker {address} cannot use the run function: {info['error']}")


def _start_info(report: SweepReport, todo: int, client: Any) -> dict[str, Any]:
    link = None
    if client is not None and _has_bokeh():  # without bokeh the dashboard only says "install bokeh"
        try:
            link = client.dashboard_link if client.scheduler_info().get("services", {}).get("dashboard") else None
        except Exception:  # noqa: BLE001 - the link is a nicety
            link = None
    return {
        "runs": report.runs,
        "planned": report.planned,
        "stored": report.already,
        "todo": todo,
        "workers": report.workers,
        "scheduler": report.scheduler,
        "dashboard": link,
        "out": str(report.out),
    }


def _run_tasks(
    client: Any,
    experiment: Experiment,
    todo: Sequence[RunSpec],
    out: Path,
    files: dict[str, str],
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
    idle = _Idle(client, report.scheduler, timeout, on_wait)
    failures_changed = False
    while in_flight:
        try:
            done = wait(list(in_flight), timeout=POLL_SECONDS, return_when="FIRST_COMPLETED").done
        except TimeoutError:
            idle.check()
            continue
        for future in done:
            try:
                failures = _store(future, in_flight[future], out, files, min(timeout, FETCH_SECONDS))
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


def _store(future: Any, chunk: list[RunSpec], out: Path, files: dict[str, str], timeout: float) -> list[dict[str, str]]:
    """Write a finished task's rows (and record their checksum); return its failed runs.

    TimeoutError if its result does not come within ``timeout`` seconds (or
    is no longer there): its worker left with it, and Dask computes it again.
    """
    if future.status not in ("finished", "error", "cancelled"):
        raise TimeoutError(future.key)
    if future.status == "finished":
        result: TaskResult = future.result(timeout=timeout)
        if result.frame is not None and len(result.frame):
            storage.record(out, files, [storage.write_task(out, result.frame)])
        failures = result.failures
    elif future.status == "cancelled":
        raise CancelledError(future.key)
    else:
        err = future.exception(timeout=timeout)
        message = f"task failed: {type(err).__name__}: {err}".splitlines()[0][:500]
        failures = [{"run_id": r.run_id, "error": message, "traceback": ""} for r in chunk]
    future.release()
    return failures


class _Idle:
    """Watches that the cluster has workers; TimeoutError after ``timeout`` seconds without any."""

    def __init__(self, client: Any, scheduler: str, timeout: float, on_wait: Callable[[str], None] | None) -> None:
        self.client, self.scheduler, self.timeout, self.on_wait = client, scheduler, timeout, on_wait
        self.since: float | None = None

    def check(self) -> None:
        if self.client.nthreads():
            self.since = None
            return
        now = time.monotonic()
        if self.since is None:
            self.since = now
            if self.on_wait:
                self.on_wait(
                    f"no worker is left on {self.scheduler}: waiting for one (up to {self.timeout:g} s, see --timeout)"
                )
        elif now - self.since > self.timeout:
            raise TimeoutError(f"no worker on {self.scheduler} for {self.timeout:g} s")
