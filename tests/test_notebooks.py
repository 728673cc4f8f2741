"""The tutorial notebooks agree with their scripts, run from top to bottom, and their key cells produce what they claim.

Each notebook of ``notebooks/`` is a Jupytext percent script (``NAME.py``, the
source of truth) paired with a notebook (``NAME.ipynb``, committed without
outputs); ``notebooks/README.md`` says how to sync them. The pairing tests read
both with jupytext and compare their cells.

Each script is executed with nbclient, in an empty temporary
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

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from sim.metrics import HEADLINE, INDICATORS

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = ["01_premiers_pas_lecturers", "02_director_reform", "03_researcher_mesa_and_experiments"]
PAIRING = "ipynb,py:percent"
KERNEL = "centaure-notebook-tests"
CELL_TIMEOUT = 120  # seconds per cell; every notebook runs in well under a minute
MARK = "@@centaure-notebook-check@@"


# ---------------------------------------------------------------------------- pairing
def read_pair(name: str) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode]:
    """The percent script and the notebook of ``name``, both read by jupytext."""
    return jupytext.read(NOTEBOOKS / f"{name}.py", fmt="py:percent"), jupytext.read(NOTEBOOKS / f"{name}.ipynb")


def disagreements(script: nbformat.NotebookNode, notebook: nbformat.NotebookNode) -> list[str]:
    """Where a script and its notebook differ, cell by cell (type and source); empty when they agree."""
    found = []
    if len(script.cells) != len(notebook.cells):
        found.append(f"{len(script.cells)} cells in the script, {len(notebook.cells)} in the notebook")
    for n, (a, b) in enumerate(zip(script.cells, notebook.cells, strict=False)):  # the common cells
        if a.cell_type != b.cell_type:
            found.append(f"cell {n}: {a.cell_type} in the script, {b.cell_type} in the notebook")
        elif a.source != b.source:
            first = a.source.splitlines()[0] if a.source else ""
            found.append(f"cell {n} ({a.cell_type}, {first[:60]!r}...): sources differ")
    return found


def test_every_notebook_is_a_pair() -> None:
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.py")) == NAMES
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_script_and_notebook_agree(name: str) -> None:
    script, notebook = read_pair(name)
    assert script.metadata["jupytext"]["formats"] == PAIRING
    assert notebook.metadata["jupytext"]["formats"] == PAIRING
    assert script.metadata["jupytext"]["text_representation"]["format_name"] == "percent"
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code), f"{name}.ipynb has outputs"
    found = disagreements(script, notebook)
    assert not found, f"{name}.py and {name}.ipynb disagree (run `jupytext --sync notebooks/{name}.py`): {found}"


def test_disagreements_name_the_cell() -> None:
    script, notebook = read_pair(NAMES[0])
    assert disagreements(script, notebook) == []
    code = next(n for n, c in enumerate(notebook.cells) if c.cell_type == "code")

    edited = nbformat.from_dict(notebook)
    edited.cells[code].source += "\nprint('edited in Jupyter only')"
    assert [d.split(" (")[0] for d in disagreements(script, edited)] == [f"cell {code}"]

    retyped = nbformat.from_dict(notebook)
    retyped.cells[code].cell_type = "markdown"
    assert disagreements(script, retyped) == [f"cell {code}: code in the script, markdown in the notebook"]

    shorter = nbformat.from_dict(notebook)
    del shorter.cells[-1]
    assert (
        disagreements(script, shorter)[0]
        == f"{len(script.cells)} cells in the script, {len(script.cells) - 1} in the notebook"
    )


# ---------------------------------------------------------------------------- execution
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
    """Run the script of ``name`` plus a cell printing ``json.dumps(checks)``; return it executed and the checks."""
    nb = jupytext.read(NOTEBOOKS / f"{name}.py", fmt="py:percent")
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


@pytest.mark.slow
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
        "arbitrage_replicates": sorted(etude.summary["replicates"].unique().tolist()),
    }"""
    nb, got = execute("01_premiers_pas_lecturers", checks, jupyter_dir, tmp_path, monkeypatch)

    assert got["columns"][:3] == ["scenario", "replicate", "week"]
    assert set(INDICATORS) <= set(got["columns"])
    assert got["scenarios"] == ["alliance", "npm"] and got["replicates"] == 4 and got["last_week"] == 156
    assert {"indicator", "week", "mean", "ci_low", "ci_high"} <= set(got["bands_columns"]) and got["bands_complete"]
    assert got["summary_indicators"] == sorted(HEADLINE)
    title_fr, title_en, shows_fr = got["titles"]
    assert title_fr and shows_fr and title_fr != title_en  # the French texts are read
    assert images(nb) >= 2  # trajectories with bands, and the stacked bars, shown inline

    # the aller-vers trade-off the notebook asks the class to look for, as the model behaves today
    # (the notebook's text states no result: these assertions say what the model does)
    rows = {(r["scenario"], r["outreach_share"]): r for r in got["arbitrage"]}
    assert set(rows) == {(s, x) for s in ("npm", "alliance") for x in (0.0, 0.1, 0.2, 0.3)}
    assert got["arbitrage_replicates"] == [3]
    npm_none, npm_most = rows["npm", 0.0], rows["npm", 0.3]
    assert npm_most["non_connaissance"] < npm_none["non_connaissance"]  # outreach informs ...
    assert npm_most["non_reception"] > npm_none["non_reception"]  # ... and moves people to the queue
    assert npm_most["non_recourse"] > min(rows["npm", x]["non_recourse"] for x in (0.0, 0.1, 0.2))  # it rises again
    assert rows["alliance", 0.3]["non_connaissance"] < rows["alliance", 0.0]["non_connaissance"]
    assert rows["alliance", 0.3]["waiting_list"] < npm_most["waiting_list"]  # with capacity, no queue
    assert rows["alliance", 0.3]["non_reception"] < npm_most["non_reception"]
    assert not any(tmp_path.iterdir()), "the notebook wrote into its working directory"


@pytest.mark.slow
def test_director_notebook(jupyter_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    checks = """{
        "summary_columns": list(effect.summary.columns),
        "summary": effect.summary.to_dict(orient="records"),
        "identical_before_reform": identical_before_reform,
        "difference_weeks": [int(effect.difference["week"].min()), int(effect.difference["week"].max())],
        "roundtrip": reloaded.params == director_reform.params and reloaded.reforms == director_reform.reforms,
        "studied": effect.reformed.reforms == reloaded.reforms and effect.counterfactual.params == baseline.params,
        "reforms": [(r.week, r.changes) for r in effect.reformed.reforms],
        "arms": sorted(effect.runs["arm"].unique()),
        "replicates": int(effect.runs["replicate"].nunique()),
        "last_week": int(effect.runs["week"].max()),
        "widths_columns": list(widths.columns),
        "file": str(reform_file),
        "toml": reform_file.read_text(encoding="utf-8"),
        "cli": [cli.returncode, cli.stdout, cli.stderr],
    }"""
    nb, got = execute("02_director_reform", checks, jupyter_dir, tmp_path, monkeypatch)

    assert got["identical_before_reform"] is True  # common random numbers: same seeds, same runs until the reform
    assert got["difference_weeks"] == [0, 260]  # the check above covered weeks 0-155
    assert got["roundtrip"] is True and got["studied"] is True
    assert got["reforms"] and got["reforms"][0][0] == 156
    assert got["arms"] == ["counterfactual", "reform"]
    assert got["replicates"] == 5 and got["last_week"] == 260

    assert ["indicator", "counterfactual", "reform", "mean", "ci_low", "ci_high", "replicates"] == got[
        "summary_columns"
    ][:7]
    effect = {r["indicator"]: r for r in got["summary"]}
    assert {"engagement", "annual_turnover", "non_recourse"} <= set(effect)
    for name, row in effect.items():
        low, diff, high = row["ci_low"], row["mean"], row["ci_high"]
        assert all(math.isfinite(v) for v in (low, diff, high)), f"{name}: CI of the paired difference not finite"
        assert low <= diff <= high
        assert math.isclose(diff, row["reform"] - row["counterfactual"], abs_tol=1e-9)
        assert row["replicates"] == 5
    assert {"counterfactual", "reform", "difference, paired"} <= set(got["widths_columns"])

    # the exported scenario: valid TOML with the reform, in a temporary folder, accepted by `centaure run`
    assert in_temp_folder(got["file"])
    data = tomllib.loads(got["toml"])
    assert data["reforms"][0]["week"] == 156 and data["reforms"][0]["levers"] == got["reforms"][0][1]
    returncode, stdout, stderr = got["cli"]
    assert returncode == 0, stderr
    assert "Director's reform from year 3" in stdout and "week 260" in stdout
    assert images(nb) >= 2  # the two arms, and their paired difference
    assert not any(tmp_path.iterdir()), "the notebook wrote into its working directory"


@pytest.mark.slow
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
        "comparison": [comparison.scenarios, list(comparison.summary.columns), len(comparison.summary)],
        "comparison_runs": [int(comparison.runs["replicate"].nunique()), int(comparison.runs["week"].max())],
        "reform": [list(effect.summary.columns), [(r.week, r.changes) for r in effect.reformed.reforms]],
        "reform_replicates": sorted(effect.summary["replicates"].unique().tolist()),
        "report": [report.runs, report.done, len(report.failures), report.complete],
        "again": [again.already, again.done],
        "out": str(out),
        "tidy_columns": list(tidy.columns),
        "morris_columns": list(morris.columns),
        "morris": morris.to_dict(orient="records"),
        "analysis_files": sorted(p.name for p in analysis.files),
    }"""
    nb, got = execute("03_researcher_mesa_and_experiments", checks, jupyter_dir, tmp_path, monkeypatch)

    # Mesa API: agents, AgentSet queries, DataCollector, batch_run
    assert got["n_users"] == 400 and sum(got["status_counts"].values()) == 400
    assert got["waiting"] == got["status_counts"].get("waiting", 0)
    assert got["user_frame_columns"] == ["status", "need", "trust", "power_to_act", "organisation"]
    assert set(INDICATORS) <= set(got["model_vars_columns"]) and got["model_vars_rows"] == 53  # weeks 0..52
    assert {"week", "organisation", "engagement"} <= set(got["organisation_columns"])
    assert got["organisation_rows"] == 53 * 3
    assert {"scenario", "rng", "Step", "engagement", "non_recourse"} <= set(got["batch_columns"])
    assert got["batch_rows"] == 2 * 2 * 3  # scenarios x seeds x (weeks 0, 52, 104)

    # the study functions: a comparison and a reform, summarised as documented
    scenarios, columns, rows = got["comparison"]
    assert scenarios == ["npm", "alliance"] and rows == 2 * 4  # scenarios x indicators
    assert columns == ["scenario", "indicator", "mean", "ci_low", "ci_high", "replicates", "draws", "interval"]
    assert got["comparison_runs"] == [3, 104]
    reform_columns, reforms = got["reform"]
    assert reform_columns == [
        *["indicator", "counterfactual", "reform", "mean", "ci_low", "ci_high"],
        *["replicates", "draws", "interval"],
    ]
    assert reforms == [[52, {"participation_level": 6}]] and got["reform_replicates"] == [3]  # JSON: lists

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
    # the signs the notebook asks the reader to look at, as the model behaves today
    assert morris["non_connaissance", "outreach_share"]["mu"] < 0
    assert morris["non_reception", "outreach_share"]["mu"] > 0
    assert {"morris.csv", "morris.png", "effects.png", "summary.csv"} <= set(got["analysis_files"])
    assert images(nb) >= 4  # DataCollector panels, study trajectories, Morris and effects figures
    assert not any(tmp_path.iterdir()), "the notebook wrote into its working directory"
