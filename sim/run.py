"""One run: ``(scenario or params, seed) -> tidy DataFrame``.

Studies (:mod:`sim.studies`), experiment tasks and the ``centaure run``
command call this; tasks ship a scenario and a seed, never a model object.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    by_organisation: bool = False,
    **levers: Any,
) -> pd.DataFrame:
    """Run one replicate; return one row per recorded week (``week`` column + every indicator).

    With ``by_organisation``, one row per recorded week and organisation
    (``week``, ``organisation`` + every indicator) instead: the natural way to
    read a reform of one organisation.
    """
    if weeks is not None:
        levers["weeks"] = weeks
    model = CentaureModel(scenario, rng=seed, collect_every=every, collect_organisations=by_organisation, **levers)
    model.run_for(model.params.weeks)
    frame = model.organisation_frame() if by_organisation else model.datacollector.get_model_vars_dataframe()
    return frame.astype({"week": np.int64}).reset_index(drop=True)
