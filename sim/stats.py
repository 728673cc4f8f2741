"""Summaries across replicates: means with 95% confidence intervals (Student t)."""

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


def final_year(frame: pd.DataFrame, weeks: int | None = None) -> pd.DataFrame:
    """Rows of the last 52 recorded weeks (the horizon's final year)."""
    last = int(frame["week"].max()) if weeks is None else weeks
    return frame[frame["week"] > last - WEEKS_PER_YEAR]


def summary_table(frame: pd.DataFrame, indicators: Sequence[str], by: Sequence[str] = ("scenario",)) -> pd.DataFrame:
    """Mean and 95% CI across replicates of each indicator's final-year mean.

    ``frame`` has columns ``by``, ``replicate``, ``week`` and the indicators.
    Returns one row per group and indicator: mean, ci_low, ci_high, replicates.
    """
    by = list(by)
    per_replicate = final_year(frame).groupby([*by, "replicate"], sort=False)[list(indicators)].mean()
    rows = []
    for key, group in per_replicate.groupby(level=by, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        for name in indicators:
            mean, low, high = mean_ci(group[name].to_numpy())
            rows.append(
                {
                    **dict(zip(by, key, strict=True)),
                    "indicator": name,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "replicates": len(group),
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
