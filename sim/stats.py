"""Summaries across replicates: means with 95% intervals, and what each interval covers.

Over seeds alone (``draw`` absent or a single draw), the interval is the
Student-t 95% confidence interval of the mean across replicates: it covers
the model's stochasticity. Over K posterior draws (a ``draw`` column with
several values), each draw is first averaged over its seeds, and the
interval is the 2.5th-97.5th percentiles of those K means: it covers the
calibrated parameters' uncertainty (with what is left of the seeds' noise
in an S-seed mean). The ``interval`` column of a summary names which.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from sim.constants import WEEKS_PER_YEAR


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): t-interval for the mean of independent replicates (NaN-free input)."""
    values = np.asarray(values, dtype=float)
    n = values.size
    mean = float(values.mean()) if n else float("nan")
    if n < 2:
        return mean, float("nan"), float("nan")
    half = stats.t.ppf(0.5 + level / 2, n - 1) * values.std(ddof=1) / np.sqrt(n)
    return mean, mean - half, mean + half


INTERVAL_SEEDS = "seeds"
INTERVAL_DRAWS = "posterior draws x seeds"


def draw_interval(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): the mean of per-draw means and their central ``level`` percentile range."""
    values = np.asarray(values, dtype=float)
    if values.size < 2:
        return (float(values.mean()) if values.size else float("nan")), float("nan"), float("nan")
    low, high = np.quantile(values, [0.5 - level / 2, 0.5 + level / 2])
    return float(values.mean()), float(low), float(high)


def interval(values: np.ndarray, draw: np.ndarray | None = None) -> tuple[float, float, float]:
    """(mean, low, high) of per-replicate ``values``: over seeds, or over draws when ``draw`` has several."""
    if draw is None or np.unique(draw).size < 2:
        return mean_ci(values)
    per_draw = pd.Series(np.asarray(values, dtype=float)).groupby(np.asarray(draw)).mean()
    return draw_interval(per_draw.to_numpy())


def covers(frame: pd.DataFrame) -> str:
    """Which uncertainty a summary of ``frame`` covers: :data:`INTERVAL_SEEDS` or :data:`INTERVAL_DRAWS`."""
    return INTERVAL_DRAWS if "draw" in frame and frame["draw"].nunique() > 1 else INTERVAL_SEEDS


def final_year(frame: pd.DataFrame, weeks: int | None = None) -> pd.DataFrame:
    """Rows of the last 52 recorded weeks (the horizon's final year)."""
    last = int(frame["week"].max()) if weeks is None else weeks
    return frame[frame["week"] > last - WEEKS_PER_YEAR]


def summary_table(frame: pd.DataFrame, indicators: Sequence[str], by: Sequence[str] = ("scenario",)) -> pd.DataFrame:
    """Mean and 95% interval of each indicator's final-year mean, per group (see the module for the interval).

    ``frame`` has columns ``by``, ``replicate``, ``week`` (and ``draw``) and
    the indicators. Returns one row per group and indicator: mean, ci_low,
    ci_high, replicates (runs), draws and interval (what it covers).
    """
    by = list(by)
    interval = covers(frame)
    per_replicate = final_year(frame).groupby([*by, "replicate"], sort=False)[list(indicators)].mean()
    if interval == INTERVAL_DRAWS:
        draw_of = final_year(frame).groupby([*by, "replicate"], sort=False)["draw"].first()
        units = per_replicate.groupby([*by, draw_of], sort=False).mean()
        summarise, draws = draw_interval, frame["draw"].nunique()
    else:
        units, summarise, draws = per_replicate, mean_ci, 1
    rows = []
    for key, group in units.groupby(level=by, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        runs = len(per_replicate.xs(key, level=by, drop_level=False)) if by else len(per_replicate)
        for name in indicators:
            mean, low, high = summarise(group[name].to_numpy())
            rows.append(
                {
                    **dict(zip(by, key, strict=True)),
                    "indicator": name,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "replicates": runs,
                    "draws": draws,
                    "interval": interval,
                }
            )
    return pd.DataFrame(rows)


def trajectory_bands(frame: pd.DataFrame, indicators: Sequence[str], by: Sequence[str] = ("scenario",)) -> pd.DataFrame:
    """Per group and week: mean and 95% CI across replicates (long form)."""
    by = list(by)
    long = frame.melt(id_vars=[*by, "replicate", "week"], value_vars=list(indicators), var_name="indicator")
    grouped = long.groupby([*by, "indicator", "week"], sort=False)["value"]
    out = grouped.agg(mean="mean", sd="std", n="count").reset_index()
    t = stats.t.ppf(0.975, np.maximum(out["n"] - 1, 1))
    half = np.where(out["n"] > 1, t * out["sd"] / np.sqrt(out["n"]), np.nan)
    out["ci_low"] = out["mean"] - half
    out["ci_high"] = out["mean"] + half
    return out.drop(columns="sd")
