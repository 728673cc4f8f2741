"""The Dask cluster of a sweep, a calibration or a study: an embedded LocalCluster or an existing scheduler,
waited for with a timeout.

:func:`client` starts the embedded cluster (one single-threaded worker process
per core: the model is GIL-bound) or connects to ``scheduler`` (an address or
a scheduler file). Every wait — for the scheduler file to appear, the
scheduler to answer, a first worker, and (:class:`IdleWatch`) a worker again
after the cluster lost them all — is said through a callback and gives up
after ``timeout`` seconds with a one-line TimeoutError. The embedded cluster's
workers never receive SIGINT or SIGTERM (the driver stops the sweep), and
Dask's loggers stay quiet while the cluster is in use.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing import resource_tracker
from pathlib import Path
from typing import Any

import sim
from sim.batch.tasks import resolve
from sim.errors import ExperimentError, InputError

TIMEOUT = 600
"""Seconds a sweep waits for a scheduler file, a scheduler or a worker before it gives up (``--timeout``)."""
SCHEDULER_FILE_SECONDS = 2.0
"""How long a scheduler file that is not valid JSON yet may still be being written."""
NOISY_LOGGERS = ("distributed", "tornado", "asyncio")
"""Packages whose log records are silenced while a sweep uses a cluster."""
WORKERS_PER_CORE = 4
"""The embedded cluster takes at most this many worker processes per core (more only use memory)."""
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
"""Signals that stop a sweep (Ctrl-C; kill and SLURM): the driver's, never the embedded workers'."""


def cpu_count() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


@contextmanager
def client(
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
    cluster = None
    try:
        with _workers_deaf():  # a signal that came meanwhile is raised on leaving: the cluster is closed below
            cluster = LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # a free port: several sweeps (or tests) may run at once
                silence_logs=logging.CRITICAL,  # the workers' own loggers (their errors reach the sweep as failed runs)
            )
        client = Client(cluster)
        try:
            yield client, f"LocalCluster({n} workers)", n
        finally:
            client.close()
    finally:
        if cluster is not None:
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


def dashboard_link(client: Any) -> str | None:
    """The Dask dashboard's address, if it serves one (without bokeh it only says "install bokeh")."""
    try:
        import bokeh  # noqa: F401
    except ImportError:
        return None
    try:
        return client.dashboard_link if client.scheduler_info().get("services", {}).get("dashboard") else None
    except Exception:  # noqa: BLE001 - the link is a nicety
        return None


def worker_info(run: str) -> dict[str, str]:
    """Run on each worker: the model version and whether the run function imports."""
    try:
        resolve(run)
        ok = ""
    except Exception as err:  # noqa: BLE001 - reported to the user
        ok = str(err)
    return {"sim": sim.__version__, "error": ok}


def check_workers(client: Any, run: str) -> None:
    for address, info in client.run(worker_info, run).items():
        if info["sim"] != sim.__version__:
            raise ExperimentError(
                f"worker {address} runs Centaure {info['sim']}, this command {sim.__version__};"
                " install the same version on the cluster"
            )
        if info["error"]:
            raise ExperimentError(f"worker {address} cannot use the run function: {info['error']}")


class IdleWatch:
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
