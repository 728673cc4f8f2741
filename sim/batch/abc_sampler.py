"""pyABC's Dask sampler with every evaluation seeded by its job number: the same posterior on 1, 2 or 100 workers.

pyABC's ``DaskDistributedSampler`` numbers its evaluations (job ids 0, 1, 2,
...), keeps their results in job order, and takes every evaluation up to the
n-th accepted one in that order; the evaluations it started later are
cancelled or dropped. Which particles a generation accepts is then fixed by
what each job id draws, not by which worker answers first — except that pyABC
reseeds every task from the operating system's entropy. Here the client it
submits to runs each evaluation with numpy's and Python's generators seeded
from ``SeedSequence(entropy, spawn_key=(SAMPLER_KEY, t, job_id))``: the
generation, and so the calibration, is the same whatever the number of
workers, and in this process without any (:class:`InProcessClient`). Only
the count of evaluations started (pyABC's ``nr_samples``) depends on timing.
(A module of its own: pyABC is imported only when a calibration runs.)
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

import cloudpickle
import numpy as np
from pyabc.sampler import DaskDistributedSampler

SAMPLER_KEY = 0x5A4D
"""First spawn key of the sampler's seeds, apart from the model runs' ``(h, s)`` keys."""


def seed_generators(entropy: int, *key: int) -> None:
    """Seed the global generators pyABC draws its particles from."""
    state = np.random.SeedSequence(entropy, spawn_key=(SAMPLER_KEY, *key)).generate_state(2)
    np.random.seed(int(state[0]))
    random.seed(int(state[1]))


def seeded_batch(simulate_one: bytes, job_ids: Sequence[int], entropy: int, t: int) -> list:
    """pyABC's batch of evaluations (its ``_global_full_submit_function_pickle``), each seeded by its job id."""
    simulate = cloudpickle.loads(simulate_one)
    results = []
    for job_id in job_ids:
        seed_generators(entropy, t, job_id)
        result = simulate()
        results.append((result, result.accepted, job_id))
    return results


class SeededClient:
    """What pyABC's sampler submits to: ``client``'s workers (or this process), each evaluation seeded."""

    def __init__(self, client: Any, entropy: int, t: int) -> None:
        self.client, self.entropy, self.t = client, entropy, t

    def submit(self, _: Callable, simulate_one: bytes, _batch_size: int, job_ids: Sequence[int]) -> Any:
        """Instead of pyABC's batch function (the first argument), the seeded one, on the same evaluations."""
        return self.client.submit(seeded_batch, simulate_one, job_ids, self.entropy, self.t, pure=False)

    def ncores(self) -> dict[str, int]:
        return self.client.ncores()

    def close(self) -> None:
        """The Dask client belongs to the calibration, which closes it."""


class Done:
    """A finished evaluation, as a Dask future shows one."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def done(self) -> bool:
        return True

    def result(self) -> Any:
        return self.value

    def cancel(self) -> None:
        """Nothing runs any more."""


class InProcessClient:
    """A Dask-like client that runs each submitted task at once, in this process."""

    def submit(self, function: Callable, *args: Any, pure: bool = False) -> Done:  # noqa: ARG002 - Dask's signature
        return Done(function(*args))

    def ncores(self) -> dict[str, int]:
        return {"this process": 1}


def sampler(client: Any, entropy: int, t: int, workers: int, batch: int) -> DaskDistributedSampler:
    """pyABC's Dask sampler for generation ``t``, seeded, on ``client`` (``None``: in this process)."""
    seeded = SeededClient(client if client is not None else InProcessClient(), entropy, t)
    return DaskDistributedSampler(
        dask_client=seeded, client_max_jobs=max(workers, 1), default_pickle=True, batch_size=batch
    )
