"""Experimental designs: full grid, Latin hypercube, Sobol (Saltelli) and Morris, as numpy arrays.

SALib-style: a *problem* (names and bounds) and ``sample(...) -> X`` with one
row per design point. Each varied lever is a :class:`Factor`: a real range, an
integer range or a list of values. Samples live in a *raw* space that SALib
understands (a real range as is; an integer range as ``[low, high + 1)``,
floored; a list of ``k`` values as an index in ``[0, k)``, floored — the way
EMA Workbench treats integer and categorical parameters), and
:func:`values` turns a row into lever values.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

DESIGNS = ("grid", "lhs", "sobol", "morris")


@dataclass(frozen=True)
class Factor:
    """One varied lever: ``kind`` is ``"real"``, ``"integer"`` or ``"values"``."""

    name: str
    kind: str
    low: float | None = None
    high: float | None = None
    values: tuple[Any, ...] = ()
    levels: int | None = None  # grid levels of a range (None: the design's default)

    def bounds(self) -> tuple[float, float]:
        """Bounds in the raw sampling space."""
        if self.kind == "real":
            return float(self.low), float(self.high)
        if self.kind == "integer":
            return float(self.low), float(self.high) + 1.0
        return 0.0, float(len(self.values))

    def value(self, raw: float) -> Any:
        """The lever value of a raw sample coordinate."""
        if self.kind == "real":
            return float(min(max(raw, self.low), self.high))
        if self.kind == "integer":
            return int(min(max(math.floor(raw), self.low), self.high))
        return self.values[min(max(int(math.floor(raw)), 0), len(self.values) - 1)]

    def grid(self, default_levels: int) -> list[float]:
        """Raw coordinates of this factor's grid levels."""
        if self.kind == "values":
            return [float(i) for i in range(len(self.values))]
        levels = self.levels or default_levels
        points = np.linspace(self.low, self.high, levels)
        if self.kind == "integer":
            return [float(v) for v in sorted(set(np.rint(points).astype(int).tolist()))]
        return [float(f"{v:.12g}") for v in points]  # 0.3, not 0.30000000000000004

    def describe(self) -> dict[str, Any]:
        """JSON-able description (for manifests)."""
        out: dict[str, Any] = {"name": self.name, "kind": self.kind}
        if self.kind == "values":
            out["values"] = list(self.values)
        else:
            out.update(low=self.low, high=self.high)
            if self.levels:
                out["levels"] = self.levels
        return out

    @classmethod
    def from_description(cls, d: dict[str, Any]) -> Factor:
        return cls(
            name=d["name"],
            kind=d["kind"],
            low=d.get("low"),
            high=d.get("high"),
            values=tuple(d.get("values", ())),
            levels=d.get("levels"),
        )


def problem(factors: Sequence[Factor]) -> dict[str, Any]:
    """The SALib problem dictionary (raw-space bounds)."""
    return {
        "num_vars": len(factors),
        "names": [f.name for f in factors],
        "bounds": [list(f.bounds()) for f in factors],
    }


def grid(factors: Sequence[Factor], levels: int = 3) -> np.ndarray:
    """Full factorial: every combination, the first factor varying slowest."""
    if not factors:
        return np.zeros((1, 0))
    axes = [f.grid(levels) for f in factors]
    return np.array(list(itertools.product(*axes)), dtype=float)


def lhs(factors: Sequence[Factor], n: int, seed: int) -> np.ndarray:
    """Latin hypercube of ``n`` points (SALib ``latin``)."""
    from SALib.sample import latin

    return latin.sample(problem(factors), n, seed=seed)


def sobol(factors: Sequence[Factor], n: int, seed: int, second_order: bool = True) -> np.ndarray:
    """Saltelli's scheme on a scrambled Sobol' sequence: ``n (D + 2)`` rows (``n (2D + 2)`` with 2nd order).

    ``n`` must be a power of two. The first ``n`` base points of ``2n`` are the
    same, so doubling ``n`` reuses every stored run.
    """
    from SALib.sample import sobol as sobol_sample

    if n < 1 or n & (n - 1):
        raise ValueError(f"Sobol sample size {n} is not a power of two")
    return sobol_sample.sample(problem(factors), n, calc_second_order=second_order, scramble=True, seed=seed)


def morris(factors: Sequence[Factor], n: int, seed: int, levels: int = 4) -> np.ndarray:
    """``n`` Morris trajectories on a ``levels``-level grid: ``n (D + 1)`` rows."""
    from SALib.sample import morris as morris_sample

    return morris_sample.sample(problem(factors), n, num_levels=levels, seed=seed)


def sample(method: str, factors: Sequence[Factor], n: int | None, seed: int, options: dict[str, Any]) -> np.ndarray:
    """Dispatch on the design name (``grid``, ``lhs``, ``sobol``, ``morris``)."""
    if method == "grid":
        return grid(factors, options.get("levels", 3))
    if method == "lhs":
        return lhs(factors, n, seed)
    if method == "sobol":
        return sobol(factors, n, seed, options.get("second_order", True))
    if method == "morris":
        return morris(factors, n, seed, options.get("levels", 4))
    raise ValueError(f"unknown design {method!r}; expected one of {', '.join(DESIGNS)}")


def size(method: str, factors: Sequence[Factor], n: int | None, options: dict[str, Any]) -> int:
    """Rows of the design :func:`sample` would build, from its arithmetic alone (nothing is built)."""
    d = len(factors)
    if method == "grid":
        return math.prod(len(f.grid(options.get("levels", 3))) for f in factors)
    if method == "lhs":
        return n
    if method == "sobol":
        return n * (2 * d + 2 if options.get("second_order", True) else d + 2)
    if method == "morris":
        return n * (d + 1)
    raise ValueError(f"unknown design {method!r}; expected one of {', '.join(DESIGNS)}")


def values(factors: Sequence[Factor], row: Sequence[float]) -> dict[str, Any]:
    """Lever values of one design row."""
    return {f.name: f.value(float(x)) for f, x in zip(factors, row, strict=True)}
