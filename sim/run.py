"""Plain run functions: ``(scenario or params, seed) -> tidy DataFrame``.

These are what experiments, the ``centaure`` command and the dashboard call;
tasks ship a scenario and a seed, never a model object.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.model import CentaureModel
from sim.params import Params
from sim.scenarios import Scenario

SeedLike = int | np.random.SeedSequence | Sequence[int]


def run(
    scenario: str | Path | Scenario | Params = "npm",
    seed: SeedLike = 0,
    weeks: int | None = None,
    every: int = 1,
    **levers: Any,
) -> pd.DataFrame:
    """Run one replicate; return one row per recorded week (``week`` column + every indicator)."""
    if weeks is not None:
        levers["weeks"] = weeks
    model = CentaureModel(scenario, rng=seed, collect_every=every, collect_organisations=False, **levers)
    model.run_for(model.params.weeks)
    frame = model.datacollector.get_model_vars_dataframe()
    return frame.astype({"week": np.int64}).reset_index(drop=True)


def replicate_seeds(n: int, entropy: int = 20251114) -> list[np.random.SeedSequence]:
    """``n`` independent seeds spawned from one SeedSequence (reproducible anywhere)."""
    return np.random.SeedSequence(entropy).spawn(n)


def run_replicates(
    scenario: str | Path | Scenario | Params,
    replicates: int,
    weeks: int | None = None,
    entropy: int = 20251114,
    every: int = 1,
    progress: Callable[[], None] | None = None,
    **levers: Any,
) -> pd.DataFrame:
    """Run ``replicates`` seeds of one scenario; a ``replicate`` column tells them apart.

    The same ``entropy`` gives the same seeds to every scenario (common random
    numbers), which sharpens comparisons between scenarios.
    """
    frames = []
    for n, seed in enumerate(replicate_seeds(replicates, entropy)):
        frame = run(scenario, seed, weeks=weeks, every=every, **levers)
        frame.insert(0, "replicate", n)
        frames.append(frame)
        if progress is not None:
            progress()
    return pd.concat(frames, ignore_index=True)
