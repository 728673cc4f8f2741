"""Scenario discovery: in which region of a sweep's parameter space does a condition hold? PRIM boxes.

``centaure discover DIR --where "aller_vers - npm > 0" --indicator non_recourse``
reads a sweep's results (:func:`sim.batch.analysis.results`), evaluates the
condition at every design point and asks the Patient Rule Induction Method
(Friedman & Fisher 1999; scenario discovery after Bryant & Lempert 2010), as
the EMA Workbench implements it (:class:`ema_workbench.analysis.prim.Prim`),
for boxes — ranges of a few varied parameters — inside which the condition
holds at most points.

The condition is an expression of :mod:`sim.expression`. Its names are
outcomes at each design point, as means across replicates of the final-year
means (the convention of ``centaure analyze``):

* a scenario's name (``npm``) is the indicator given by ``indicator`` in that
  scenario, so ``aller_vers - npm > 0`` is the paired difference of the two
  (same design point, same seeds);
* an indicator's name (``non_recourse``) is that indicator in ``scenario``
  (which may be left out when the experiment has one scenario);
* ``scenario.indicator`` (``aller_vers.non_reception``) names both.

Each box is chosen on PRIM's peeling trajectory as the one with the largest
coverage among those whose density reaches ``threshold`` (the denser of near
ties, :data:`COVERAGE_TIE`); the points in it are
then set aside and the next box is searched in the rest, up to ``max_boxes``.
For each box: its coverage (share of all the points where the condition holds
that fall in the box), density (share of the box's points where it holds),
mass (share of all points in the box), and per restricted parameter its range
(or kept values) and quasi-p-values (Bryant & Lempert 2010: the chance that
the restriction is as good by luck; small is good).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim import expression as expressions
from sim.batch import analysis, designs, storage
from sim.batch.designs import Factor
from sim.errors import InputError
from sim.io import write_table
from sim.params import suggest

DEFAULT_THRESHOLD = 0.8
DEFAULT_MASS_MIN = 0.05
DEFAULT_PEEL_ALPHA = 0.05
DEFAULT_BOXES = 3
COVERAGE_TIE = 0.02
"""Steps whose coverage is this close to the largest count as ties, won by the denser box."""
FOLDER = "discover"
TABLE = "boxes.csv"
FIGURE = "boxes.png"
BOX_COLUMNS = ["box", "coverage", "density", "mass", "points", "cases"]
LIMIT_COLUMNS = ["parameter", "low", "high", "values", "range_low", "range_high", "qp_low", "qp_high"]


@dataclass
class Box:
    """One PRIM box: its statistics, its limits and the peeling trajectory it was chosen on."""

    number: int
    coverage: float
    density: float
    mass: float
    points: int  # design points in the box
    cases: int  # of them, points where the condition holds
    limits: pd.DataFrame  # one row per restricted parameter (LIMIT_COLUMNS)
    trajectory: pd.DataFrame  # coverage, density, mass, res_dim of every step of the peeling and pasting
    chosen: int  # the step of the trajectory this box is


@dataclass
class Discovery:
    """What :func:`discover` found and wrote."""

    where: str
    points: int  # design points where the condition could be evaluated
    cases: int  # of them, where it holds
    threshold: float
    boxes: list[Box] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------- the condition
def resolve(
    name: str, scenarios: Sequence[str], indicators: Sequence[str], indicator: str | None, scenario: str | None
) -> tuple[str, str]:
    """The (scenario, indicator) a name of the condition stands for (see the module's docstring)."""
    first, dot, second = name.partition(".")
    if dot:
        if first not in scenarios:
            raise _unknown(first, "scenario", scenarios)
        if second not in indicators:
            raise _unknown(second, "indicator", indicators)
        return first, second
    if name in scenarios and name in indicators:
        raise InputError(f"{name!r} is both a scenario and an indicator; write scenario.indicator", where="--where")
    if name in scenarios:
        if indicator is None:
            if len(indicators) > 1:
                raise InputError(
                    f"{name!r} is a scenario: say which indicator with --indicator ({', '.join(indicators)})"
                    f" or write {name}.INDICATOR",
                    where="--where",
                )
            indicator = indicators[0]
        return name, indicator
    if name in indicators:
        if scenario is None:
            if len(scenarios) > 1:
                raise InputError(
                    f"{name!r} is an indicator: say in which scenario with --scenario ({', '.join(scenarios)})"
                    f" or write SCENARIO.{name}",
                    where="--where",
                )
            scenario = scenarios[0]
        return scenario, name
    raise InputError(
        f"{name!r} is neither a scenario ({', '.join(scenarios)}) nor an indicator ({', '.join(indicators)})"
        f"{suggest(name, [*scenarios, *indicators])}",
        where="--where",
    )


def _unknown(name: str, what: str, known: Sequence[str]) -> InputError:
    return InputError(
        f"{name!r}: not a {what} of this sweep{suggest(name, known)}; {what}s: {', '.join(known)}",
        where="--where",
    )


def condition(
    out: str | Path, where: str, indicator: str | None = None, scenario: str | None = None
) -> tuple[pd.DataFrame, np.ndarray, list[Factor], list[str]]:
    """The varied parameters of every design point (x), whether the condition holds there (y), the factors, notes.

    Design points where a value the condition needs is missing (a run not
    stored yet) are left out, with a note.
    """
    parsed = expressions.parse(where)
    manifest, frame = analysis.results(out)
    scenarios = list(manifest["scenarios"])
    indicators = list(manifest["record"]["indicators"])
    if indicator is not None and indicator not in indicators:
        raise _unknown(indicator, "recorded indicator", indicators).located("--indicator")
    if scenario is not None and scenario not in scenarios:
        raise _unknown(scenario, "scenario", scenarios).located("--scenario")
    factors = [Factor.from_description(d) for d in manifest["design"]["factors"]]
    if not factors:
        raise InputError(f"{out}: the experiment varies no parameter; PRIM needs levers to restrict", where="DIR")
    if frame.empty:
        raise InputError(f"{out}: no stored runs yet; run the sweep first", where="DIR")
    sample = manifest["design"]["sample"]
    means = analysis.per_run(frame, indicators).groupby(["scenario", "point"])[indicators].mean()
    values = {}
    for name in parsed.names:
        s, i = resolve(name, scenarios, indicators, indicator, scenario)
        column = means[i].xs(s, level="scenario") if s in means.index.get_level_values(0) else pd.Series(dtype=float)
        values[name] = column.reindex(range(len(sample))).to_numpy(dtype=float)
    known = np.logical_and.reduce([np.isfinite(v) for v in values.values()]) if values else np.ones(len(sample), bool)
    notes = []
    if not known.any():
        raise InputError(f"{out}: no design point has the stored runs {where!r} needs; run the sweep", where="DIR")
    if not known.all():
        notes.append(f"{int((~known).sum())} of {len(sample)} design points lack a stored run the condition needs")
    holds = np.broadcast_to(expressions.evaluate(parsed, values), known.shape)[known]
    x = points_frame(factors, [row for row, ok in zip(sample, known, strict=True) if ok])
    return x, holds, factors, notes


def points_frame(factors: Sequence[Factor], sample: Sequence[Sequence[float]]) -> pd.DataFrame:
    """The varied parameters of design rows, typed for PRIM: reals, integers, and lists of values as categories."""
    x = pd.DataFrame([designs.values(factors, row) for row in sample], columns=[f.name for f in factors])
    for f in factors:
        if f.kind == "values":
            x[f.name] = pd.Categorical(x[f.name], categories=list(f.values))
        else:
            x[f.name] = x[f.name].astype("int64" if f.kind == "integer" else "float64")
    return x


# ---------------------------------------------------------------------------- PRIM
def prim_boxes(
    x: pd.DataFrame,
    y: np.ndarray,
    factors: Sequence[Factor] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    mass_min: float = DEFAULT_MASS_MIN,
    peel_alpha: float = DEFAULT_PEEL_ALPHA,
    max_boxes: int = DEFAULT_BOXES,
) -> list[Box]:
    """PRIM boxes where ``y`` holds, at most ``max_boxes``, each of density at least ``threshold``."""
    import logging

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the workbench warns that optional parallel back ends are missing
        from ema_workbench.analysis import prim

    logging.getLogger("EMA").setLevel(logging.WARNING)
    ranges = _ranges(x, factors)
    # integers go to PRIM as reals: the workbench's pasting writes midpoints into integer columns,
    # which pandas 3 refuses; a limit may then fall between two integers
    x = x.astype({name: "float64" for name in x.columns if pd.api.types.is_integer_dtype(x[name].dtype)})
    finder = prim.Prim(x, np.asarray(y, dtype=int), peel_alpha=peel_alpha, mass_min=mass_min)
    boxes: list[Box] = []
    while len(boxes) < max_boxes:
        found = finder.find_box()
        if found is None:
            break
        trajectory = found.peeling_trajectory.reset_index(drop=True)
        good = trajectory.index[trajectory["density"] >= threshold - 1e-12]
        if good.empty:
            break
        chosen = _choose(trajectory.loc[good])
        stats, limits = trajectory.loc[chosen], _restricted(found, chosen)
        found.select(chosen)
        boxes.append(
            Box(
                number=len(boxes) + 1,
                coverage=float(stats["coverage"]),
                density=float(stats["density"]),
                mass=float(stats["mass"]),
                points=int(stats["n"]),
                cases=int(stats["k"]),
                limits=_limits(limits, x, ranges),
                trajectory=trajectory[["coverage", "density", "mass", "res_dim"]].astype(float),
                chosen=chosen,
            )
        )
        if sum(b.cases for b in boxes) >= int(np.sum(y)):
            break  # every point where the condition holds is in a box
    return boxes


def _ranges(x: pd.DataFrame, factors: Sequence[Factor] | None) -> dict[str, tuple[Any, Any]]:
    """Each parameter's full range: the factor's declared bounds, else the data's."""
    declared = {f.name: (f.low, f.high) for f in factors or () if f.kind != "values"}
    return {
        name: declared.get(name, (x[name].min(), x[name].max()))
        for name in x.columns
        if not isinstance(x[name].dtype, pd.CategoricalDtype)
    }


def _choose(good: pd.DataFrame) -> int:
    """The step of largest coverage among ``good`` (those dense enough); within COVERAGE_TIE of it, the densest,
    then the one restricting fewest parameters (the earlier steps of a peeling are looser boxes)."""
    near = good[good["coverage"] >= good["coverage"].max() - COVERAGE_TIE]
    return int(near.sort_values(["density", "res_dim"], ascending=[False, True]).index[0])


def _restricted(found: Any, i: int) -> pd.DataFrame:
    """Step ``i``'s restricted parameters: min, max (for a list, the set kept) and both quasi-p-values.

    Read from the box's limits and p-values directly: the workbench's ``inspect(style="data")`` cannot
    hold the set of a categorical parameter in its float table under pandas 3.
    """
    lims, full = found.box_lims[i], found.box_lims[0]
    rows = {}
    for name in lims.columns:
        low, high = lims[name].iloc[0], lims[name].iloc[1]
        if (low, high) != (full[name].iloc[0], full[name].iloc[1]):
            qp = [np.nan if q == -1 else float(q) for q in found.p_values[i][name]]
            rows[name] = [low, high, *qp]
    return pd.DataFrame.from_dict(rows, orient="index", columns=["low", "high", "qp_low", "qp_high"])


def _limits(limits: pd.DataFrame, x: pd.DataFrame, ranges: Mapping[str, tuple[Any, Any]]) -> pd.DataFrame:
    """The workbench's limits table (min, max, two qp values per parameter) as LIMIT_COLUMNS rows."""
    rows = []
    for name, row in zip(limits.index, limits.to_numpy(), strict=True):
        low, high, qp_low, qp_high = row
        categorical = isinstance(x[name].dtype, pd.CategoricalDtype)
        kept = [v for v in x[name].cat.categories if v in low] if categorical else []
        rows.append(
            {
                "parameter": name,
                "low": np.nan if categorical else float(low),
                "high": np.nan if categorical else float(high),
                "values": ", ".join(str(v) for v in kept),
                "range_low": np.nan if categorical else float(ranges[name][0]),
                "range_high": np.nan if categorical else float(ranges[name][1]),
                "qp_low": float(qp_low),
                "qp_high": float(qp_high),
            }
        )
    return pd.DataFrame(rows, columns=LIMIT_COLUMNS)


def boxes_table(boxes: Sequence[Box], where: str) -> pd.DataFrame:
    """One row per box and restricted parameter (a box with no restriction has one row with no parameter)."""
    rows = []
    for box in boxes:
        stats = {k: getattr(box, "number" if k == "box" else k) for k in BOX_COLUMNS}
        limits = box.limits.to_dict("records") or [dict.fromkeys(LIMIT_COLUMNS, np.nan)]
        rows.extend({"where": where, **stats, **limit} for limit in limits)
    return pd.DataFrame(rows, columns=["where", *BOX_COLUMNS, *LIMIT_COLUMNS])


# ---------------------------------------------------------------------------- the folder
def discover(
    out: str | Path,
    where: str,
    indicator: str | None = None,
    scenario: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    mass_min: float = DEFAULT_MASS_MIN,
    peel_alpha: float = DEFAULT_PEEL_ALPHA,
    max_boxes: int = DEFAULT_BOXES,
    folder: str | Path | None = None,
    lang: str = "en",
) -> Discovery:
    """Find the boxes and write ``boxes.csv`` and ``boxes.png`` (atomically) into ``folder`` (default DIR/discover)."""
    from sim.batch import plots

    x, y, factors, notes = condition(out, where, indicator, scenario)
    found = Discovery(where=where, points=int(y.size), cases=int(y.sum()), threshold=threshold, notes=notes)
    if found.cases == 0 or found.cases == found.points:
        never = "at no" if found.cases == 0 else "at every"
        raise InputError(
            f"{where!r} holds {never} one of the {found.points} design points: there is no region to find;"
            " change the condition",
            where="--where",
        )
    found.boxes = prim_boxes(x, y, factors, threshold, mass_min, peel_alpha, max_boxes)
    target = Path(folder) if folder is not None else Path(out) / FOLDER
    with storage.writing(target):
        target.mkdir(parents=True, exist_ok=True)
    found.files.append(write_table(boxes_table(found.boxes, where), target / TABLE))
    found.files.append(plots.save_figure(plots.discover_figure(found, lang=lang), target / FIGURE))
    return found
