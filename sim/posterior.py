"""Posterior draws: the calibration's parameter uncertainty, carried into every comparison.

``centaure calibrate`` writes the last ABC-SMC generation as
``posterior.parquet`` — one column per calibrated parameter and a ``weight``
column — and the shipped one lives in ``sim/data/calibration/npm/``.
:func:`draws` picks K particles from it by systematic resampling on their
weights, reproducibly from ``entropy``; :func:`apply` sets a scenario's
calibrated parameters to one draw, leaving alone every parameter the
scenario sets to a value of its own (a deliberate choice of the scenario is
not an uncertainty).

Studies run each scenario over the same K draws × the same seeds, so the
draws, like the seeds, are common random numbers across scenarios.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.constants import DEFAULT_ENTROPY
from sim.errors import InputError
from sim.params import Params
from sim.scenarios import Scenario

SHIPPED = Path(__file__).parent / "data" / "calibration" / "npm" / "posterior.parquet"
WEIGHT = "weight"
DEFAULT_DRAWS = 10
"""Posterior draws per scenario in the CLI and the dashboard when a calibration is shipped."""
SEEDS_PER_DRAW = 2
"""Seeds per draw by default: K x 2 runs per scenario (the seeds' noise left in a 2-seed mean is part of
the interval over draws)."""

Draw = Mapping[str, Any]


@dataclasses.dataclass(frozen=True)
class Posterior:
    """Weighted particles over the calibrated parameters."""

    particles: pd.DataFrame  # one column per parameter
    weights: np.ndarray  # sum to 1
    path: Path

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(self.particles.columns)


def read(path: Path | str) -> Posterior:
    """A posterior file, checked: every column but ``weight`` a declared parameter, values in range."""
    path = Path(path)
    try:
        frame = pd.read_parquet(path)
    except (OSError, ValueError) as err:
        raise InputError(
            f"{path}: not a readable posterior file ({err.__class__.__name__})", field="posterior"
        ) from None
    if WEIGHT not in frame or len(frame) == 0:
        raise InputError(f"{path}: expected a '{WEIGHT}' column and at least one particle", field=WEIGHT)
    specs = Params.specs()
    unknown = [name for name in frame.columns if name != WEIGHT and name not in specs]
    if unknown:
        raise InputError(f"{path}: {unknown[0]!r} is not a parameter of the model", field=unknown[0])
    weights = frame.pop(WEIGHT).to_numpy(dtype=float)
    if not np.all(np.isfinite(weights)) or np.any(weights < 0) or weights.sum() <= 0:
        raise InputError(f"{path}: weights must be finite, non-negative and not all zero", field=WEIGHT)
    for name in frame.columns:  # out-of-range particles fail here, with the parameter's message
        for value in (frame[name].min(), frame[name].max()):
            Params(**{name: specs[name].kind(value)})
    return Posterior(frame.reset_index(drop=True), weights / weights.sum(), path)


@functools.cache
def shipped() -> Posterior | None:
    """The shipped calibration of the ``npm`` baseline, or None when none is shipped."""
    return read(SHIPPED) if SHIPPED.exists() else None


def draws(posterior: Posterior, k: int, entropy: int = DEFAULT_ENTROPY) -> list[dict[str, Any]]:
    """K parameter sets drawn from ``posterior`` by systematic resampling (reproducible from ``entropy``)."""
    if k < 1:
        raise InputError(f"draws = {k}: expected an integer of at least 1", field="draws", value=k)
    offset = np.random.default_rng(np.random.SeedSequence([entropy, k])).random()
    picks = np.searchsorted(np.cumsum(posterior.weights), (offset + np.arange(k)) / k, side="right")
    picks = np.minimum(picks, len(posterior.weights) - 1)
    specs = Params.specs()
    rows = posterior.particles.iloc[picks]
    return [{name: specs[name].kind(row[name]) for name in posterior.parameters} for _, row in rows.iterrows()]


def apply(scenario: Scenario, draw: Draw) -> Scenario:
    """``scenario`` with ``draw``'s values for the calibrated parameters it leaves at their defaults."""
    defaults = Params()
    changes = {name: value for name, value in draw.items() if getattr(scenario.params, name) == getattr(defaults, name)}
    return scenario.with_changes(**changes)
