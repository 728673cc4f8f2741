"""Experiments at scale: experiment files, designs, Dask sweeps, resumable Parquet results, analysis.

from sim.batch import load, sweep, analyze
report = sweep(load("experiments/grid_reporting_participation_outreach.toml"), workers=2)
analyze(report.out)
"""

from sim.batch.experiment import Experiment, ExperimentError, load, loads

__all__ = ["Experiment", "ExperimentError", "analyze", "load", "loads", "sweep"]


def __getattr__(name: str):
    """Import the heavy parts (Dask, SALib, matplotlib) only when used."""
    if name == "sweep":
        from sim.batch.runner import sweep

        return sweep
    if name == "analyze":
        from sim.batch.analysis import analyze

        return analyze
    raise AttributeError(name)
