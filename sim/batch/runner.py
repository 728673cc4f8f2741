"""Run an experiment through Dask distributed, store each finished task at once, resume on re-run.

``sweep(experiment)`` plans every run (scenario x design point x replicate),
skips those whose id is already stored in the results folder, sends the rest
to Dask — an embedded ``LocalCluster`` (processes, one thread each: the model
is GIL-bound) or the scheduler at ``scheduler`` — and writes the rows of each
finished task atomically. A run that raises is recorded with its error and the
sweep goes on. Killing the sweep loses at most the runs in flight.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sim
from sim.batch import provenance, storage
from sim.batch.designs import problem
from sim.batch.experiment import Experiment, ExperimentError
from sim.batch.tasks import RunSpec, TaskResult, canonical, execute, resolve

FORMAT = "centaure-sweep/1"
log = logging.getLogger(__name__)


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
    """What a sweep did."""

    out: Path
    runs: int  # distinct runs in the experiment
    already: int  # of them, stored before this sweep
    planned: int = 0  # scenarios x design points x replicates (several may share one distinct run)
    done: int = 0  # stored by this sweep
    failures: list[dict[str, Any]] = field(default_factory=list)
    stale: int = 0  # stored runs that are not part of this experiment
    seconds: float = 0.0
    workers: int = 0
    scheduler: str = ""
    interrupted: bool = False

    @property
    def complete(self) -> bool:
        return self.already + self.done == self.runs


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
    on_start: Callable[[dict[str, Any]], None] | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> SweepReport:
    """Run (or resume) ``experiment``; results go to ``out`` (default: the experiment's ``output``)."""
    started = time.perf_counter()
    out = Path(out) if out is not None else experiment.output
    sample = experiment.sample()
    plan = experiment.plan(sample)
    unique = list({r.run_id: r for r in plan}.values())
    previous = _check_folder(out, experiment)
    storage.clean_temporary(out)
    stored = storage.stored_ids(out)
    wanted = {r.run_id for r in unique}
    todo = [r for r in unique if r.run_id not in stored]
    report = SweepReport(
        out=out, runs=len(unique), already=len(wanted & stored), stale=len(stored - wanted), planned=len(plan)
    )
    manifest = build_manifest(experiment, sample, plan, previous)
    storage.write_manifest(out, manifest)
    entry = {"started": provenance.now(), "machine": provenance.machine(), "runs_to_do": len(todo)}
    progress = Progress(total=len(todo))
    try:
        if todo:
            with _client(workers, scheduler) as (client, description, n_workers):
                report.workers, report.scheduler = n_workers, description
                _check_workers(client, experiment.run.path)
                if on_start:
                    on_start(_start_info(report, len(todo), client))
                _run_tasks(client, experiment, todo, out, progress, report, on_progress)
        elif on_start:
            on_start(_start_info(report, 0, None))
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        if not report.interrupted:
            storage.compact(out)
        report.seconds = time.perf_counter() - started
        entry.update(
            finished=provenance.now(),
            workers=report.workers,
            scheduler=report.scheduler,
            runs_done=report.done,
            runs_failed=len(report.failures),
            seconds=round(report.seconds, 3),
            interrupted=report.interrupted,
        )
        manifest["sweeps"].append(entry)
        manifest["status"] = {
            "runs": report.runs,
            "stored": report.already + report.done,
            "failed": len(report.failures),
            "complete": report.complete,
            "stale_runs_in_folder": report.stale,
        }
        manifest["failures"] = [{k: v for k, v in f.items() if k != "traceback"} for f in report.failures]
        storage.write_manifest(out, manifest)
    return report


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
            "experiment": {
                "name": experiment.name,
                "path": str(experiment.path) if experiment.path else None,
                "title": experiment.title,
                "text": experiment.text,
            },
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
            "status": {},
            "failures": [],
        }
    )


def _check_folder(out: Path, experiment: Experiment) -> dict[str, Any] | None:
    """The stored manifest if ``out`` may take this experiment's runs; else ExperimentError."""
    try:
        previous = storage.read_manifest(out)
    except storage.StorageError as err:
        raise ExperimentError(str(err)) from None
    if previous is None:
        if storage.data_files(out):
            raise ExperimentError(
                f"{out}: holds runs but no {storage.MANIFEST}; give another --out or delete the folder"
            )
        return None
    if previous.get("format") != FORMAT:
        raise ExperimentError(
            f"{out}: not a Centaure sweep folder (format {previous.get('format')!r}); give another --out"
        )
    mine, theirs = record_key(experiment), previous.get("record", {})
    for key, value in mine.items():
        if theirs.get(key) != value:
            raise ExperimentError(
                f"{out}: holds results of another experiment ({key}: {theirs.get(key)!r} there, {value!r} here);"
                " give another --out or delete the folder"
            )
    return previous


# ---------------------------------------------------------------------------- Dask
@contextmanager
def _client(workers: int | None, scheduler: str | None) -> Iterator[tuple[Any, str, int]]:
    """A Dask client on the embedded LocalCluster or on ``scheduler`` (address or scheduler file)."""
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            if scheduler.endswith(".json"):
                client = Client(scheduler_file=scheduler, timeout="30s")
            else:
                client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError, ValueError) as err:
            raise ExperimentError(f"--scheduler {scheduler}: cannot connect ({err})") from None
        try:
            yield client, scheduler, len(client.nthreads())
        finally:
            client.close()
        return
    n = workers or cpu_count()
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
        "stale": report.stale,
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
    progress: Progress,
    report: SweepReport,
    on_progress: Callable[[Progress], None] | None,
) -> None:
    """Submit tasks in a bounded window, store each result as it arrives, release its future."""
    from distributed import as_completed

    chunks = [list(todo[i : i + experiment.batch]) for i in range(0, len(todo), experiment.batch)]
    pending = iter(chunks)
    kwargs = dict(
        run=experiment.run.path,
        weeks=experiment.weeks,
        every=experiment.every,
        indicators=list(experiment.indicators),
        varied_columns=experiment.column_dtypes(),
    )
    runs_of: dict[str, list[RunSpec]] = {}
    queue = as_completed()
    threads = [1]

    def refill() -> None:
        threads[0] = max(1, sum(client.nthreads().values()))
        window = max(8, 4 * threads[0])
        block = [c for _, c in zip(range(window - len(runs_of)), pending, strict=False)]
        if block:
            futures = client.map(execute, block, pure=False, **kwargs)
            for future, chunk in zip(futures, block, strict=True):
                runs_of[future.key] = chunk
            queue.update(futures)

    refill()
    failures_changed = False
    for future in queue:
        chunk = runs_of.pop(future.key)
        if future.status == "finished":
            result: TaskResult = future.result()
            if result.frame is not None and len(result.frame):
                storage.write_task(out, result.frame)
            failures = result.failures
        elif future.status == "cancelled":
            raise ExperimentError(
                "the Dask scheduler cancelled the tasks (cluster lost?); re-run the same command to resume"
            )
        else:
            err = future.exception()
            message = f"task failed: {type(err).__name__}: {err}".splitlines()[0][:500]
            failures = [{"run_id": r.run_id, "error": message, "traceback": ""} for r in chunk]
        future.release()
        del future
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
        if len(runs_of) < max(4, 2 * threads[0]):
            refill()
    if not failures_changed:
        storage.write_failures(out, [])
