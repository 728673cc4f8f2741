"""The tutorial notebooks run from top to bottom, and their key cells produce what they claim.

Each notebook of ``notebooks/`` is executed with nbclient, in an empty temporary
working directory, by a kernel that runs *this* interpreter: a kernelspec
written by ``ipykernel.kernelspec.install`` into a temporary prefix (its argv is
``sys.executable``) and found through ``JUPYTER_PATH``. The venv's own
``python3`` spec is never used: its argv is a bare ``python``, which resolves
through ``PATH`` to whatever interpreter comes first.

A check cell appended to the notebook prints, as JSON, the variables the
notebook defines; the tests assert on them. Together the three notebooks take
about 30 s on 2 cores.
"""

from __future__ import annotations

import json
import math
import os
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from sim.metrics import HEADLINE, INDICATORS

pytestmark = pytest.mark.slow

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
KERNEL = "centaure-notebook-tests"
CELL_TIMEOUT = 120  # seconds per cell; every notebook runs in well under a minute
MARK = "@@centaure-notebook-check@@"


@pytest.fixture(scope="session")
def jupyter_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Jupyter data folder holding one kernelspec that runs ``sys.executable``."""
    from ipykernel.kernelspec import install

    prefix = tmp_path_factory.mktemp("jupyter-prefix")
    install(prefix=str(prefix), kernel_name=KERNEL, display_name="Centaure (tests)")
    data_dir = prefix / "share" / "jupyter"
    spec = json.loads((data_dir / "kernels" / KERNEL / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable
    return data_dir


def execute(
    name: str, checks: str, jupyter_dir: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
    """Run notebook ``name`` plus a cell printing ``json.dumps(checks)``; return it executed and the checks."""
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), f"{name} is committed with outputs"
    nb.cells.append(
        nbformat.v4.new_code_cell(f"import json as _json\nprint({MARK!r}, _json.dumps({checks}, default=str))")
    )
    paths = [str(jupyter_dir), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))]
    monkeypatch.setenv("JUPYTER_PATH", os.pathsep.join(paths))
    client = NotebookClient(
        nb, kernel_name=KERNEL, timeout=CELL_TIMEOUT, resources={"metadata": {"path": str(workdir)}}
    )
    client.execute()  # raises CellExecutionError, with the cell's traceback, if a cell fails
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    assert MARK in text, f"the check cell printed nothing: {nb.cells[-1].outputs}"
    return nb, json.loads(text.split(MARK, 1)[1])


def images(nb: nbformat.NotebookNode) -> int:
    """Number of PNG figures displayed inline."""
    return sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def in_temp_folder(path: str) -> bool:
    return Path(path).resolve().is_relative_to(Path(tempfile.gettempdir()).resolve())


def test_lecturers_notebook(jupyter_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checks = """{
        "columns": list(simulations.columns),
        "scenarios": sorted(simulations["scenario"].unique()),
        "replicates": int(simulations["replicate"].nunique()),
        "last_week": int(simulations["week"].max()),
        "bands_columns": list(bandes.columns),
        "bands_complete": bool(bandes[["mean", "ci_low", "ci_high"]].notna().all().all()),
        "summary_indicators": sorted(resume["indicator"].unique()),
        "titles": [npm.text("title", "fr"), npm.text("title", "en"), alliance.text("shows", "fr")],
        "arbitrage": arbitrage.to_dict(orient="records"),
    }"""
    nb, got = execute("01_premiers_pas_lecturers.ipynb", checks, jupyter_dir, tmp_path, monkeypatch)

    assert got["columns"][:3] == ["scenario", "replicate", "week"]
    assert set(INDICATORS) <= set(got["columns"])
    assert got["scenarios"] == ["alliance", "npm"] and got["replicates"] == 4 and got["last_week"] == 156
    assert {"indicator", "week", "mean", "ci_low", "ci_high"} <= set(got["bands_columns"]) and got["bands_complete"]
    assert got["summary_indicators"] == sorted(HEADLINE)
    title_fr, title_en, shows_fr = got["titles"]
    assert title_fr and shows_fr and title_fr != title_en  # the French texts are read
    assert images(nb) >= 2  # trajectories with bands, and the stacked bars, shown inline

    # the aller-vers trade-off, as the notebook states it
    rows = {(r["scenario"], r["outreach_share"]): r for r in got["arbitrage"]}
    assert set(rows) == {(s, x) for s in ("npm", "alliance") for x in (0.0, 0.1, 0.2, 0.3)}
    npm_none, npm_most = rows["npm", 0.0], rows["npm", 0.3]
    assert npm_most["non_connaissance"] < npm_none["non_connaissance"]  # outreach informs ...
    assert npm_most["non_reception"] > npm_none["non_reception"]  # ... and moves people to the queue
    assert npm_most["non_recourse"] > min(rows["npm", x]["non_recourse"] for x in (0.0, 0.1, 0.2))  # it rises again
    assert rows["alliance", 0.3]["non_connaissance"] < rows["alliance", 0.0]["non_connaissance"]
    assert rows["alliance", 0.3]["waiting_list"] < npm_most["waiting_list"]  # with capacity, no queue
    assert rows["alliance", 0.3]["non_reception"] < npm_most["non_reception"]
    assert not any(tmp_path.iterdir()), "the notebook wrote into its working directory"


def test_director_notebook(jupyter_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checks = """{
        "effect_columns": list(effect.columns),
        "effect": effect.to_dict(orient="records"),
        "identical_before_reform": identical_before_reform,
        "roundtrip": reloaded.params == reform.params and reloaded.reforms == reform.reforms,
        "reforms": [(r.week, r.changes) for r in reform.reforms],
        "replicates": int(runs["replicate"].nunique()),
        "last_week": int(runs["week"].max()),
        "file": str(reform_file),
        "toml": reform_file.read_text(encoding="utf-8"),
        "cli": [cli.returncode, cli.stdout, cli.stderr],
    }"""
    nb, got = execute("02_director_reform.ipynb", checks, jupyter_dir, tmp_path, monkeypatch)

    assert got["identical_before_reform"] is True  # common random numbers: same seeds, same runs until the reform
    assert got["roundtrip"] is True
    assert got["reforms"] and got["reforms"][0][0] == 156
    assert got["replicates"] == 5 and got["last_week"] == 260

    assert {"indicator", "no reform", "reform", "difference", "ci_low", "ci_high"} <= set(got["effect_columns"])
    effect = {r["indicator"]: r for r in got["effect"]}
    assert {"Engagement", "Annual turnover", "Non-recourse"} <= set(effect)
    for name, row in effect.items():
        low, diff, high = row["ci_low"], row["difference"], row["ci_high"]
        assert all(math.isfinite(v) for v in (low, diff, high)), f"{name}: CI of the paired difference not finite"
        assert low <= diff <= high
        assert math.isclose(diff, row["reform"] - row["no reform"], abs_tol=1e-9)

    # the exported scenario: valid TOML with the reform, in a temporary folder, accepted by `centaure run`
    assert in_temp_folder(got["file"])
    data = tomllib.loads(got["toml"])
    assert data["reforms"][0]["week"] == 156 and data["reforms"][0]["levers"] == got["reforms"][0][1]
    returncode, stdout, stderr = got["cli"]
    assert returncode == 0, stderr
    assert "Director's reform from year 3" in stdout and "week 260" in stdout
    assert images(nb) >= 1
    assert not any(tmp_path.iterdir()), "the notebook wrote into its working directory"


def test_researcher_notebook(jupyter_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checks = """{
        "n_users": len(users),
        "status_counts": status_counts,
        "waiting": len(waiting),
        "user_frame_columns": list(user_frame.columns),
        "model_vars_columns": list(model_vars.columns),
        "model_vars_rows": len(model_vars),
        "organisation_columns": list(organisations.columns),
        "organisation_rows": len(organisations),
        "batch_columns": list(batch.columns),
        "batch_rows": len(batch),
        "report": [report.runs, report.done, len(report.failures), report.complete],
        "again": [again.already, again.done],
        "out": str(out),
        "tidy_columns": list(tidy.columns),
        "morris_columns": list(morris.columns),
        "morris": morris.to_dict(orient="records"),
        "analysis_files": sorted(p.name for p in analysis.files),
    }"""
    nb, got = execute("03_researcher_mesa_and_experiments.ipynb", checks, jupyter_dir, tmp_path, monkeypatch)

    # Mesa API: agents, AgentSet queries, DataCollector, batch_run
    assert got["n_users"] == 400 and sum(got["status_counts"].values()) == 400
    assert got["waiting"] == got["status_counts"].get("waiting", 0)
    assert got["user_frame_columns"] == ["status", "need", "trust", "power_to_act", "organisation"]
    assert set(INDICATORS) <= set(got["model_vars_columns"]) and got["model_vars_rows"] == 53  # weeks 0..52
    assert {"week", "organisation", "engagement"} <= set(got["organisation_columns"])
    assert got["organisation_rows"] == 53 * 3
    assert {"scenario", "rng", "Step", "engagement", "non_recourse"} <= set(got["batch_columns"])
    assert got["batch_rows"] == 2 * 2 * 3  # scenarios x seeds x (weeks 0, 52, 104)

    # the batch API: a complete sweep, resumed without rerunning, analysed with Morris indices
    runs, done, failures, complete = got["report"]
    assert complete is True and failures == 0 and done == runs > 0
    assert got["again"] == [runs, 0]
    assert in_temp_folder(got["out"])
    levers = {"reporting_pressure", "outreach_share"}
    assert {"run_id", "scenario", "point", "replicate", "week", *levers} <= set(got["tidy_columns"])
    assert {"parameter", "indicator", "mu", "mu_star", "sigma", "mu_star_conf"} <= set(got["morris_columns"])
    morris = {(r["indicator"], r["parameter"]): r for r in got["morris"]}
    assert {p for _, p in morris} == levers
    assert all(math.isfinite(r["mu_star"]) and r["mu_star"] >= 0 for r in morris.values())
    assert morris["non_connaissance", "outreach_share"]["mu"] < 0  # the sign the notebook reads
    assert morris["non_reception", "outreach_share"]["mu"] > 0
    assert {"morris.csv", "morris.png", "effects.png", "summary.csv"} <= set(got["analysis_files"])
    assert images(nb) >= 3
    assert not any(tmp_path.iterdir()), "the notebook wrote into its working directory"
