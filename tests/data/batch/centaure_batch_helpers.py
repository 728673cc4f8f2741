"""Run functions for the batch tests (importable by Dask workers once this folder is on sys.path)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.batch.ishigami import SPECS, ishigami
from sim.batch.tasks import centaure_run, run_function
from sim.metrics import HEADLINE, INDICATORS
from sim.params import Params


@run_function(specs=SPECS, indicators=("y",))
def flaky(
    params: Mapping[str, Any],
    entropy: int,
    spawn_key: Sequence[int],
    weeks: int,
    every: int,
    indicators: Sequence[str],
) -> pd.DataFrame:
    """Ishigami, except that it raises for x1 > 0 (a run that fails)."""
    if params["x1"] > 0:
        raise ValueError(f"x1 = {params['x1']} > 0 is refused by this test function")
    return ishigami(params, entropy, spawn_key, weeks, every, indicators)


@run_function(specs=Params.specs, indicators=tuple(INDICATORS), headline=HEADLINE, scenarios=True)
def slow_centaure(
    params: Mapping[str, Any],
    entropy: int,
    spawn_key: Sequence[int],
    weeks: int,
    every: int,
    indicators: Sequence[str],
    reforms: Sequence[Mapping[str, Any]] = (),
) -> pd.DataFrame:
    """The real Centaure run, after a pause: keeps a sweep long enough to be killed mid-way."""
    time.sleep(0.15)
    return centaure_run(params, entropy, spawn_key, weeks, every, indicators, reforms=reforms)


@run_function(specs=SPECS, indicators=("y",))
def slow_ishigami(
    params: Mapping[str, Any],
    entropy: int,
    spawn_key: Sequence[int],
    weeks: int,
    every: int,
    indicators: Sequence[str],
) -> pd.DataFrame:
    """Ishigami after a pause: keeps a cheap sweep running long enough to be stopped mid-way."""
    time.sleep(0.1)
    return ishigami(params, entropy, spawn_key, weeks, every, indicators)


PLANTED_SLOPE = 10.0
"""``planted``: non_recourse = 3 hours_per_case + PLANTED_SLOPE outreach_share promise_penalty + seed noise."""


@run_function(specs=Params.specs, indicators=("engagement", "non_recourse"), scenarios=True)
def planted(
    params: Mapping[str, Any],
    entropy: int,
    spawn_key: Sequence[int],
    weeks: int,
    every: int,
    indicators: Sequence[str],
    reforms: Sequence[Mapping[str, Any]] = (),
) -> pd.DataFrame:
    """A run in microseconds whose scenario differences are known: a difference of outreach_share between two
    scenarios gives a non_recourse difference of PLANTED_SLOPE x (their gap) x promise_penalty, exactly, at
    every seed (the noise depends on the seed only, as common random numbers do); engagement does not depend
    on the scenario at all. One row, at the horizon."""
    noise = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=tuple(spawn_key))).normal(0.0, 0.5)
    values = {
        "engagement": params["ask_trust"] + noise,
        "non_recourse": 3.0 * params["hours_per_case"]
        + PLANTED_SLOPE * params["outreach_share"] * params["promise_penalty"]
        + noise,
    }
    return pd.DataFrame({"week": [weeks], **{name: [values[name]] for name in indicators}})
