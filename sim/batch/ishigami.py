"""The Ishigami function as a run function, to verify sweeps and Sobol analysis end to end.

``y = sin(x1) + a sin(x2)^2 + b x3^4 sin(x1)``, ``x_i`` uniform on [-pi, pi]
(Ishigami & Homma 1990). With a = 7, b = 0.1 the Sobol indices are known
analytically: S1 = (0.314, 0.442, 0), ST = (0.558, 0.442, 0.244)
(Saltelli et al. 2008, *Global Sensitivity Analysis: The Primer*, §4.5).
It goes through exactly the same code path as the model: experiment file,
design, Dask tasks, Parquet storage, ``centaure analyze``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from sim.batch.tasks import run_function
from sim.params import Spec

A = 7.0
B = 0.1


def _spec(name: str, default: float, low: float, high: float) -> Spec:
    return Spec(
        name=name,
        kind=float,
        default=default,
        low=low,
        high=high,
        unit="dimensionless",
        group="input",
        source="Ishigami & Homma 1990",
    )


SPECS: dict[str, Spec] = {
    "x1": _spec("x1", 0.0, -math.pi, math.pi),
    "x2": _spec("x2", 0.0, -math.pi, math.pi),
    "x3": _spec("x3", 0.0, -math.pi, math.pi),
    "a": _spec("a", A, 0.0, 100.0),
    "b": _spec("b", B, 0.0, 10.0),
}

S1 = (
    0.5 * (1 + B * math.pi**4 / 5) ** 2 / (A**2 / 8 + B * math.pi**4 / 5 + B**2 * math.pi**8 / 18 + 0.5),
    (A**2 / 8) / (A**2 / 8 + B * math.pi**4 / 5 + B**2 * math.pi**8 / 18 + 0.5),
    0.0,
)
"""Analytical first-order indices for a = 7, b = 0.1."""

_V = A**2 / 8 + B * math.pi**4 / 5 + B**2 * math.pi**8 / 18 + 0.5
ST = (
    S1[0] + (8 * B**2 * math.pi**8 / 225) / _V,
    S1[1],
    (8 * B**2 * math.pi**8 / 225) / _V,
)
"""Analytical total indices for a = 7, b = 0.1."""


def evaluate(x1: Any, x2: Any, x3: Any, a: float = A, b: float = B) -> Any:
    """The Ishigami function (works on scalars and numpy arrays)."""
    return np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1)


@run_function(specs=SPECS, indicators=("y",))
def ishigami(
    params: Mapping[str, Any],
    entropy: int,
    spawn_key: Sequence[int],
    weeks: int,
    every: int,
    indicators: Sequence[str],
) -> pd.DataFrame:
    """One 'run': a single row at week ``weeks`` with ``y`` (the seed is unused: deterministic)."""
    y = float(evaluate(params["x1"], params["x2"], params["x3"], params["a"], params["b"]))
    return pd.DataFrame({"week": [weeks], "y": [y]})
