"""A cheap noisy model with known parameters, to verify the calibration end to end.

``y1 = a + e1``, ``y2 = a * b + e2``, ``y3 = b - a / 2 + e3``, with
``e_i ~ Normal(0, NOISE)`` drawn from the run's seed: two parameters, three
statistics, a unique solution. ``tests/test_calibration.py`` makes targets
from known values of ``a`` and ``b`` and checks that the calibration, through
the same path as the model's (calibration file, pyABC, history,
posterior), recovers them within its posterior.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.batch.tasks import run_function
from sim.params import Spec

NOISE = 0.02


def _spec(name: str, default: float, low: float, high: float) -> Spec:
    return Spec(
        name=name,
        kind=float,
        default=default,
        low=low,
        high=high,
        unit="dimensionless",
        group="behaviour",
        source="assumption (a test model)",
    )


SPECS: dict[str, Spec] = {"a": _spec("a", 0.5, 0.0, 1.0), "b": _spec("b", 0.5, 0.0, 1.0)}


def evaluate(a: float, b: float) -> dict[str, float]:
    """The noise-free statistics."""
    return {"y1": a, "y2": a * b, "y3": b - a / 2}


@run_function(specs=SPECS, indicators=("y1", "y2", "y3"))
def noisy(
    params: Mapping[str, Any],
    entropy: int,
    spawn_key: Sequence[int],
    weeks: int,
    every: int,
    indicators: Sequence[str],
) -> pd.DataFrame:
    """One 'run': a single row at week ``weeks``, the statistics with noise from the seed."""
    rng = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=tuple(spawn_key)))
    clean = evaluate(params["a"], params["b"])
    return pd.DataFrame({"week": [weeks], **{k: [v + rng.normal(0, NOISE)] for k, v in clean.items()}})
