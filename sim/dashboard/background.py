"""A batch of runs in a thread that belongs to one browser session, not to a page.

Compare and the Reform lab start their replicate runs here. The job lives in
the session (:mod:`sim.dashboard.session`), so leaving the page and coming
back finds it still running, or its result; it stops between two runs when
cancelled, when a new batch replaces it, and when the session's kernel closes
(the tab was closed or reloaded). Progress reaches the page at most four
times a second: a state change from a thread while the page renders makes
Solara render again, and a thread that changes state at every pass makes a
render loop that never ends.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import solara

from sim.errors import CentaureError

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.25
"""Seconds between two progress updates sent to the page."""
THREAD_PREFIX = "centaure-job"
"""Names of the jobs' threads (``centaure-job-compare-3``), so tests and operators can see them."""


class Cancelled(Exception):
    """The batch was cancelled between two runs."""


@dataclass(frozen=True)
class JobState:
    """What the page shows of a job: the batch under way or the last one, and the last result."""

    settings: Any = None  # of the batch under way or the last one
    total: int = 0
    done: int = 0
    running: bool = False
    outcome: str = ""  # "", "finished", "cancelled" or "failed"
    error: CentaureError | None = None  # a problem in what the person asked (phrased by the page)
    result: Any = None  # the last finished batch (kept while the next one runs)


class Job:
    """One kind of batch (``work(settings, tick) -> result``) run in the background for one session."""

    def __init__(self, name: str, work: Callable[[Any, Callable[[], None]], Any], state: solara.Reactive[JobState]):
        self.name = name
        self.work = work
        self.state = state
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._count = 0

    @property
    def thread(self) -> threading.Thread | None:
        return self._thread

    def start(self, settings: Any, total: int) -> None:
        """Run ``work(settings, tick)`` in a new thread; a batch under way is cancelled first."""
        with self._lock:
            self._stop.set()
            self._stop = stop = threading.Event()
            self._count += 1
            self.state.set(replace(self.state.value, settings=settings, total=total, done=0, running=True, outcome=""))
            thread = threading.Thread(
                target=self._run, args=(settings, stop), name=f"{THREAD_PREFIX}-{self.name}-{self._count}", daemon=True
            )
            self._thread = thread
        thread.start()

    def cancel(self) -> None:
        """Stop the batch under way after the run in progress."""
        self._stop.set()

    def close(self, timeout: float = 5.0) -> None:
        """Cancel and wait for the thread to end (the session is closing)."""
        self.cancel()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self, settings: Any, stop: threading.Event) -> None:
        done = 0
        last = time.monotonic()

        def tick() -> None:
            nonlocal done, last
            if stop.is_set():
                raise Cancelled
            done += 1
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY:
                last = now
                self._publish(stop, done=done)

        try:
            result = self.work(settings, tick)
        except Cancelled:
            self._publish(stop, running=False, outcome="cancelled", force=True)
        except CentaureError as err:
            self._publish(stop, running=False, outcome="failed", error=err)
        except Exception:
            logger.exception("%s: the batch failed", self.name)
            self._publish(stop, running=False, outcome="failed", error=None)
        else:
            self._publish(stop, done=done, running=False, outcome="finished", error=None, result=result)

    def _publish(self, stop: threading.Event, force: bool = False, **changes: Any) -> None:
        """Show ``changes`` unless a newer batch replaced this one (a cancelled batch reports that it stopped)."""
        with self._lock:
            if stop is not self._stop or (stop.is_set() and not force):
                return
            self.state.set(replace(self.state.value, **changes))
