"""The calibration targets (``sim/data/targets.csv``) and how the model's indicators are compared to them.

Each row is a French figure with a band (``low``-``high``) the settled baseline
of its ``scenario`` must reproduce: the mean over the final year of the horizon
(the last 52 weeks, as ``centaure compare``), averaged over replicates.
:data:`TARGET_INDICATOR` says which indicator of :mod:`sim.metrics` measures each
target (docs/ODD.md §7 says why). The behaviour test (``tests/test_behaviour.py``)
and the calibration (:mod:`sim.batch.calibrate`) both read the targets here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib.resources import files
from io import StringIO
from pathlib import Path

import pandas as pd

from sim.errors import InputError
from sim.io import read_text
from sim.stats import final_year

TARGET_INDICATOR = {
    "non_take_up_rate": "non_recourse",
    "persistent_non_take_up_rate": "persistent_non_recourse",
    "annual_departure_rate": "annual_turnover",
    "vacancy_rate": "vacancy_rate",
    "reporting_time_share": "reporting_share",
    "high_exhaustion_share": "high_exhaustion_share",
}
"""Target name -> the indicator that measures it (a target not listed is measured by the indicator of its name)."""
COLUMNS = ("target", "value", "low", "high")


def shipped_path() -> Path:
    return Path(str(files("sim") / "data" / "targets.csv"))


def load(path: str | Path | None = None, scenario: str | None = None) -> pd.DataFrame:
    """The targets (default: the shipped file), those of ``scenario`` if given, with an ``indicator`` column.

    A file that cannot be used (missing columns, numbers that are not numbers,
    a band that does not hold its value) is one InputError line naming it.
    """
    path = shipped_path() if path is None else Path(path)
    text = read_text(path, "targets CSV file")
    try:
        table = pd.read_csv(StringIO(text))
    except (ValueError, pd.errors.ParserError) as err:
        raise InputError(f"not a CSV table ({' '.join(str(err).split())})", where=str(path)) from None
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}", where=str(path))
    for column in ("value", "low", "high"):
        if not pd.api.types.is_numeric_dtype(table[column]) or table[column].isna().any():
            raise InputError(f"column {column}: expected a number on every row", where=str(path))
    bad = table[
        ~((table["low"] < table["high"]) & (table["low"] <= table["value"]) & (table["value"] <= table["high"]))
    ]
    if len(bad):
        raise InputError(
            f"target {bad['target'].iloc[0]}: expected low <= value <= high and low < high", where=str(path)
        )
    if table["target"].duplicated().any():
        raise InputError(
            f"target {table['target'][table['target'].duplicated()].iloc[0]} is listed twice", where=str(path)
        )
    if scenario is not None and "scenario" in table.columns:
        table = table[table["scenario"] == scenario]
        if table.empty:
            raise InputError(f"no target of scenario {scenario!r}", where=str(path))
    table = table.reset_index(drop=True)
    return table.assign(indicator=[TARGET_INDICATOR.get(t, t) for t in table["target"]])


def final_year_means(frames: Iterable[pd.DataFrame], indicators: Iterable[str]) -> pd.Series:
    """The mean over replicates of each indicator's final-year mean (one frame per replicate)."""
    indicators = list(dict.fromkeys(indicators))
    return pd.DataFrame([final_year(frame)[indicators].mean() for frame in frames]).mean()


def outside(means: Mapping[str, float], targets: pd.DataFrame) -> dict[str, tuple[float, float, float]]:
    """The targets whose indicator's mean is outside the band: ``{target: (mean, low, high)}``."""
    return {
        row.target: (round(float(means[row.indicator]), 3), row.low, row.high)
        for row in targets.itertuples()
        if not row.low <= means[row.indicator] <= row.high
    }
