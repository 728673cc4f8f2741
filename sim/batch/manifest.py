"""What a results folder records about its experiment (the manifest), and which experiment may use it.

The manifest holds the experiment, the design, every run's parameters and seed,
versions and git state, the checksums of the data files and how the last sweep
ended. It is the only record of the stored runs' parameters and seeds, so a
folder takes only the runs of an experiment that keeps every run it stores
(:func:`check_folder`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sim
from sim.batch import provenance, storage
from sim.batch.designs import problem
from sim.batch.experiment import Experiment
from sim.batch.storage import FORMAT
from sim.batch.tasks import RunSpec, canonical
from sim.errors import ExperimentError


def record_key(experiment: Experiment) -> dict[str, Any]:
    """What fixes the shape of the stored rows; a results folder holds one such shape."""
    return {
        "run": experiment.run.path,
        "weeks": experiment.weeks,
        "every": experiment.every,
        "indicators": list(experiment.indicators),
        "varied": list(experiment.column_dtypes()),
    }


def build_manifest(
    experiment: Experiment, sample: Any, plan: Sequence[RunSpec], previous: dict[str, Any] | None
) -> dict[str, Any]:
    """The experiment, its design, every run's parameters and seed, versions and git state."""
    bases = experiment.base_sets()
    return canonical(
        {
            "format": FORMAT,
            "created": (previous or {}).get("created", provenance.now()),
            "updated": provenance.now(),
            "experiment": _identity(experiment),
            "model_version": sim.__version__,
            "versions": provenance.versions(),
            "git": provenance.git_state(),
            "record": record_key(experiment),
            "design": {
                "method": experiment.design,
                "samples": experiment.samples,
                "options": experiment.options,
                "factors": [f.describe() for f in experiment.factors],
                "problem": problem(experiment.factors),
                "sample": sample.tolist(),
            },
            "replicates": experiment.replicates,
            "seed": {"entropy": experiment.seed, "mode": experiment.seeds},
            "analysis": experiment.analysis,
            "scenarios": {name: {"params": params, "reforms": reforms} for name, (params, reforms) in bases.items()},
            "posterior": _posterior(experiment),
            "runs_note": "a run's parameters are scenarios[scenario].params updated with posterior.draws[replicate]"
            " (the calibrated parameters the scenario and the design leave at their defaults), then with its params",
            "runs": [
                {
                    "run_id": r.run_id,
                    "scenario": r.scenario,
                    "point": r.point,
                    "replicate": r.replicate,
                    "params": r.varied,
                    "seed": {"entropy": r.entropy, "spawn_key": list(r.spawn_key)},
                }
                for r in plan
            ],
            "sweeps": list((previous or {}).get("sweeps", [])),
            "files": {},
            "status": {},
            "failures": [],
        }
    )


def _posterior(experiment: Experiment) -> dict[str, Any] | None:
    """The posterior whose draws the replicates run with: its file, checksum and one draw per replicate."""
    if not experiment.draws():
        return None
    path = experiment.posterior.path
    return {"file": str(path), "sha256": storage.digest(path), "draws": experiment.draws()}


def _identity(experiment: Experiment) -> dict[str, Any]:
    return {
        "name": experiment.name,
        "path": str(experiment.path) if experiment.path else None,
        "title": experiment.title,
        "text": experiment.text,
    }


def _described(identity: dict[str, Any]) -> str:
    return f"{identity.get('name')!r}" + (f" ({identity['path']})" if identity.get("path") else "")


def check_folder(out: Path, experiment: Experiment, previous: dict[str, Any] | None, foreign: set[str]) -> None:
    """ExperimentError unless ``out`` may take this experiment's runs without losing or mixing others.

    ``foreign``: the ids of stored runs this experiment does not plan. Their
    parameters and seeds are recorded only in the folder's manifest, which this
    sweep would replace, so such a folder is refused.
    """
    if previous is None:
        if storage.data_files(out):
            raise ExperimentError(
                f"{out}: holds runs but no {storage.MANIFEST}; give another --out or delete the folder"
            )
        return
    mine, theirs = record_key(experiment), previous.get("record", {})
    for key, value in mine.items():
        if theirs.get(key) != value:
            raise ExperimentError(
                f"{out}: holds results of another experiment ({key}: {theirs.get(key)!r} there, {value!r} here);"
                " give another --out or delete the folder"
            )
    if foreign:
        old, new = previous.get("experiment", {}), _identity(experiment)
        same = (old.get("name"), old.get("path")) == (new["name"], new["path"])
        owner = f"an earlier version of experiment {_described(old)}" if same else f"experiment {_described(old)}"
        raise ExperimentError(
            f"{out}: holds {len(foreign):_} stored runs of {owner} that experiment {_described(new)} does not plan;"
            f" sweeping here would replace {storage.MANIFEST}, the only record of their parameters and seeds,"
            f" and mix their rows with these; give another --out for {new['name']!r} (or delete the folder)"
        )
