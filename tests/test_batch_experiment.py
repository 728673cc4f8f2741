# ruff: noqa: E501  (the table of bad inputs reads best one case per line)
"""Experiment files and sweep options: strict validation (one line: file, field, what is allowed), planning, run ids, seeds."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.batch import experiment as experiments
from sim.batch.experiment import ExperimentError
from sim.batch.tasks import run_id
from sim.cli import main
from sim.errors import CentaureError

SMALL = "[fixed]\nn_users = 300\nn_workers = 12\nn_organisations = 2\n"
BASE = 'scenarios = ["npm"]\ndesign = "grid"\nweeks = 52\n'
ISHIGAMI = 'run = "sim.batch.ishigami:ishigami"\nweeks = 1\nreplicates = 2\n[levers]\nx1 = { values = [-1.0, 1.0] }\n'


def write(tmp_path: Path, text: str, name: str = "exp.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ExperimentError) as info:
        experiments.load(path).plan()
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(str(path) + ": ") or message.startswith(str(path))
    return message


BAD = [
    # (document, substrings the one-line message must contain)
    ("desing = 'grid'\nweeks = 52\n", ["desing", "did you mean 'design'", "allowed:"]),
    (
        BASE + "[levers]\nreporting_presure = [0.1, 0.3]\n",
        ["levers.reporting_presure", "did you mean 'reporting_pressure'"],
    ),
    (BASE + "[levers]\nreporting_pressure = [0.1, 0.9]\n", ["levers.reporting_pressure", "0.9", "from 0 to 0.7"]),
    (BASE + "[levers]\nreporting_pressure = [0.5, 0.2]\n", ["levers.reporting_pressure", "low < high"]),
    (BASE + "[levers]\nreporting_pressure = [0.3, 0.3]\n", ["levers.reporting_pressure", "low < high"]),
    (
        BASE + "[levers]\nreporting_pressure = ['a', 'b']\n",
        ["levers.reporting_pressure", "'a'", "a number from 0 to 0.7"],
    ),
    (BASE + "[levers]\nparticipation_level = [0.5, 3]\n", ["levers.participation_level", "an integer from 0 to 7"]),
    (BASE + "[levers]\noutreach_share = 0.2\n", ["levers.outreach_share", "[low, high]", "[fixed]"]),
    (BASE + "[levers]\noutreach_share = [0.2]\n", ["levers.outreach_share", "at least two values"]),
    (BASE + "[levers]\noutreach_share = { values = [0.1, 0.1] }\n", ["levers.outreach_share", "must differ"]),
    (BASE + "[levers]\noutreach_share = { low = 0.1 }\n", ["levers.outreach_share", "both low and high"]),
    (
        BASE + "[levers]\noutreach_share = { low = 0.1, high = 0.2, step = 1 }\n",
        ["levers.outreach_share.step", "allowed"],
    ),
    (
        BASE + "[levers]\nintake_priority = ['greatest_need', 'whoever']\n",
        ["levers.intake_priority", "'whoever'", "one of"],
    ),
    (BASE + "[levers]\nintake_priority = ['a', 'b', 'c'][0:0]\n", ["not valid TOML"]),
    (BASE + "[levers]\npeer_worker_programme = [0, 1]\n", ["levers.peer_worker_programme", "true or false"]),
    (BASE + "[levers]\nweeks = [52, 104]\n", ["levers.weeks", "top-level key weeks"]),
    ('scenarios = ["npm"]\ndesign = "factorial"\nweeks = 52\n', ["design", "'factorial'", "grid, lhs, sobol, morris"]),
    (
        'design = "sobol"\nsamples = 300\nweeks = 52\n[levers]\noutreach_share = [0.0, 0.3]\n',
        ["samples", "300 is not a power of two", "256 or 512"],
    ),
    ('design = "sobol"\nweeks = 52\n[levers]\noutreach_share = [0.0, 0.3]\n', ["samples", "missing", "power of two"]),
    ('design = "sobol"\nsamples = 8\nweeks = 52\n', ["levers", "at least one lever"]),
    (BASE + "samples = 8\n", ["samples", "grid design has no sample size"]),
    (
        'design = "sobol"\nsamples = 8\nweeks = 52\n[levers]\noutreach_share = [0.0, 0.3]\n[morris]\nlevels = 4\n',
        ["morris", "design = 'sobol'"],
    ),
    (
        'design = "morris"\nsamples = 4\nweeks = 52\n[levers]\noutreach_share = [0.0, 0.3]\n[morris]\nlevels = 5\n',
        ["morris.levels", "even integer"],
    ),
    (
        'design = "sobol"\nsamples = 8\nweeks = 52\n[levers]\noutreach_share = [0.0, 0.3]\n[sobol]\nsecond_order = "yes"\n',
        ["sobol.second_order", "true or false"],
    ),
    (
        'design = "lhs"\nsamples = 8\nweeks = 52\n[levers]\noutreach_share = { low = 0.0, high = 0.3, levels = 3 }\n',
        ["levers.outreach_share.levels", "lhs"],
    ),
    ('scenarios = ["npm"]\n', ["weeks", "missing"]),
    ('scenarios = ["npm"]\nweeks = 0\n', ["weeks", "from 1 to 5_200"]),
    ('scenarios = ["npm"]\nweeks = 9000\n', ["weeks", "from 1 to 5_200"]),
    (BASE + "every = 0\n", ["every", "from 1 to weeks = 52"]),
    (BASE + "every = 60\n", ["every", "from 1 to weeks = 52"]),
    (BASE + "replicates = 0\n", ["replicates", "from 1"]),
    (BASE + "seed = -1\n", ["seed", "non-negative"]),
    (BASE + "seeds = 'same'\n", ["seeds", "common, independent"]),
    (BASE + "batch = 0\n", ["batch"]),
    (BASE + "indicators = ['engagment']\n", ["indicators", "did you mean 'engagement'", "non_recourse"]),
    (BASE + "indicators = []\n", ["indicators", "non-empty"]),
    (BASE + "indicators = ['engagement', 'engagement']\n", ["indicators", "only once"]),
    ('scenarios = ["npmm"]\nweeks = 52\n', ["scenarios", "npmm", "npm"]),
    ("scenarios = []\nweeks = 52\n", ["scenarios", "expected a list"]),
    ('scenarios = ["npm", "npm"]\nweeks = 52\n', ["scenarios", "names must differ"]),
    (BASE + 'run = "no_such_module:f"\n', ["run", "cannot import module 'no_such_module'"]),
    (BASE + 'run = "sim.batch.tasks:nope"\n', ["run", "no function 'nope'"]),
    (BASE + 'run = "sim.run:run"\n', ["run", "does not declare its parameters"]),
    (BASE + 'run = "sim.run"\n', ["run", "module:function"]),
    ('run = "sim.batch.ishigami:ishigami"\nscenarios = ["npm"]\nweeks = 1\n', ["scenarios", "takes no scenarios"]),
    (BASE + "[fixed]\nn_userz = 300\n", ["fixed.n_userz", "did you mean 'n_users'"]),
    (BASE + "[fixed]\nn_users = 3.5\n", ["fixed.n_users", "an integer"]),
    (BASE + "[fixed]\nweeks = 10\n", ["fixed.weeks", "top-level key weeks"]),
    (
        BASE + "[levers]\noutreach_share = [0.0, 0.3]\n[fixed]\noutreach_share = 0.1\n",
        ["fixed.outreach_share", "either varied or fixed"],
    ),
    (BASE + "[analysis]\nprecision = 2\n", ["analysis.precision", "below 1"]),
    (BASE + "[analysis]\nlevel = 0.9\n", ["analysis.level", "precision"]),
    (BASE + "title = 3\n", ["title", "expected a string"]),
    # numbers TOML allows but a field does not: nan, inf, negative, huge
    (BASE + "replicates = nan\n", ["replicates", "nan", "an integer from 1 to 100000"]),
    (BASE + "replicates = inf\n", ["replicates", "inf", "an integer from 1 to 100000"]),
    (BASE + "replicates = -3\n", ["replicates", "-3", "an integer from 1 to 100000"]),
    (BASE + "replicates = 100000000000000000000\n", ["replicates", "100000000000000000000", "from 1 to 100000"]),
    (BASE + "seed = 18446744073709551616\n", ["seed", "non-negative"]),
    (BASE + "batch = 1e3\n", ["batch", "1000.0", "an integer"]),
    ('scenarios = ["npm"]\nweeks = nan\n', ["weeks", "nan", "from 1 to 5_200"]),
    ('scenarios = ["npm"]\nweeks = inf\n', ["weeks", "inf", "from 1 to 5_200"]),
    (BASE + "every = nan\n", ["every", "nan", "from 1 to weeks = 52"]),
    (BASE + "[levers]\nreporting_pressure = [0.1, nan]\n", ["levers.reporting_pressure", "nan", "from 0 to 0.7"]),
    (BASE + "[levers]\nreporting_pressure = [-inf, 0.5]\n", ["levers.reporting_pressure", "-inf", "from 0 to 0.7"]),
    (
        BASE + "[levers]\noutreach_share = { low = 0.0, high = 0.3, levels = 1000 }\n",
        ["levers.outreach_share.levels", "from 2 to 101"],
    ),
    (BASE + "[fixed]\nn_users = inf\n", ["fixed.n_users", "inf", "an integer from 20"]),
    (BASE + "[fixed]\nn_users = -300\n", ["fixed.n_users", "-300", "an integer from 20"]),
    (BASE + "[fixed]\nn_users = 100000000000000000000\n", ["fixed.n_users", "to 5_000_000"]),
    (BASE + "[analysis]\nprecision = nan\n", ["analysis.precision", "nan", "above 0 and below 1"]),
    (BASE + "[analysis]\nprecision = -0.1\n", ["analysis.precision", "-0.1", "above 0 and below 1"]),
    ('design = "sobol"\nsamples = 1\nweeks = 52\n[levers]\noutreach_share = [0.0, 0.3]\n', ["samples", "at least 2"]),
    (
        'design = "lhs"\nsamples = 2000000\nweeks = 52\n[levers]\noutreach_share = [0.0, 0.3]\n',
        ["samples", "from 1 to 1000000"],
    ),
    (BASE + 'output = ""\n', ["output", "a folder path"]),
    (
        BASE + "[grid]\nlevels = 3\nsamples = 4\n",
        ["grid.samples", "unknown option of a grid design", "allowed: levels"],
    ),
    (
        'design = "lhs"\nsamples = 4\nweeks = 52\n[levers]\noutreach_share = [0.0, 0.3]\n[lhs]\nlevels = 3\n',
        ["lhs.levels", "allowed: none"],
    ),
    # the size of a design, from its arithmetic, before it is built (101^4 points would exhaust memory)
    (
        BASE
        + "[levers]\n"
        + "".join(
            f"{n} = {{ low = 0.0, high = 0.03, levels = 101 }}\n"
            for n in ("outreach_share", "standardisation", "budget_growth", "reporting_pressure")
        ),
        ["design", "104_060_401 design points", "104_060_401 runs", "at most 1_000_000"],
    ),
    (
        'design = "lhs"\nsamples = 500000\nreplicates = 3\nweeks = 52\n[levers]\noutreach_share = [0.0, 0.3]\n',
        ["design", "500_000 design points x 1 scenario(s) x 3 replicate(s) = 1_500_000 runs"],
    ),
    (
        'design = "sobol"\nsamples = 262144\nweeks = 52\n[levers]\noutreach_share = [0.0, 0.3]\n',
        ["design", "1_048_576 design points", "at most 1_000_000"],
    ),
    # a design point whose parameters contradict each other: caught before any run
    (BASE + "[levers]\nn_workers = { values = [1, 12] }\n", ["levers.n_workers", "from 2"]),
    (
        BASE + "[levers]\nn_workers = { values = [3, 12] }\n[fixed]\nn_organisations = 4\nn_users = 300\n",
        ["levers: design point 0", "n_workers=3", "n_organisations"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_bad_experiment_is_one_line_naming_file_field_and_allowed(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    message = error_of(tmp_path, text)
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_error_is_a_user_error_and_the_cli_prints_one_line(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = write(tmp_path, BASE + "[levers]\nreporting_pressure = [0.1, 0.9]\n")
    assert issubclass(ExperimentError, CentaureError)
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"centaure: error: {path}: levers.reporting_pressure: high 0.9 is invalid: expected a number from 0 to 0.7 (share of work time)"
    ]
    assert not (tmp_path / "out").exists()


def one_line_error(capsys: pytest.CaptureFixture, *parts: str) -> str:
    """The command printed one line on stderr, with no traceback, holding every part."""
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for part in parts:
        assert part in lines[0], f"{part!r} not in {lines[0]!r}"
    return lines[0]


def _unreadable(path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("running as root: a file with mode 000 is still readable")
    path.write_text(BASE, encoding="utf-8")
    path.chmod(0o000)


BAD_FILES = [
    # (name, how to make the file, what the one line says after the file's path)
    ("missing", lambda path: None, "no such experiment file; shipped experiments: "),
    ("folder", lambda path: path.mkdir(), "is a folder; expected a TOML experiment file"),
    ("unreadable", _unreadable, "cannot read: Permission denied"),
    ("empty", lambda path: path.write_text(" \n\n", encoding="utf-8"), "the TOML experiment file is empty"),
    ("binary", lambda path: path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00"), "not a text file (binary content)"),
    (
        "latin-1",
        lambda path: path.write_bytes((BASE + "title = 'Réforme'\n").encode("latin-1")),
        "not UTF-8 text (byte 0xe9 on line 4)",
    ),
    ("malformed", lambda path: path.write_text(BASE + "replicates = = 3\n", encoding="utf-8"), "not valid TOML"),
    (
        "duplicate key",
        lambda path: path.write_text(BASE + "weeks = 104\n", encoding="utf-8"),
        "not valid TOML: Cannot overwrite a value (at line 4",
    ),
    (
        "unknown field",
        lambda path: path.write_text(BASE + "replicate = 3\n", encoding="utf-8"),
        "replicate: unknown key (did you mean 'replicates'?)",
    ),
    (
        "out of range",
        lambda path: path.write_text(BASE + "replicates = 0\n", encoding="utf-8"),
        "replicates: 0: expected an integer from 1 to 100000",
    ),
]


@pytest.mark.parametrize(("make", "expected"), [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_a_bad_experiment_file_is_one_line_and_changes_nothing(
    tmp_path: Path, results: Path, capsys: pytest.CaptureFixture, make, expected: str
) -> None:
    path = tmp_path / "exp.toml"
    make(path)
    before = snapshot(results)
    for out in (results, tmp_path / "new"):
        assert main(["sweep", str(path), "--out", str(out)]) == 2
        one_line_error(capsys, f"centaure: error: {path}: {expected}")
    assert snapshot(results) == before and not (tmp_path / "new").exists()
    with pytest.raises(ExperimentError, match="^" + re.escape(f"{path}: {expected}")):
        experiments.load(path)


@pytest.fixture
def results(tmp_path: Path) -> Path:
    """A results folder with one stored run (written without Dask), to check that bad options change nothing."""
    from sim.batch import storage
    from sim.batch.manifest import build_manifest
    from sim.batch.tasks import execute

    exp = experiments.load(write(tmp_path, ISHIGAMI, "ishigami.toml"))
    out = tmp_path / "results"
    plan = exp.plan()
    storage.write_manifest(out, build_manifest(exp, exp.sample(), plan, None))
    storage.write_task(
        out, execute(plan[:1], exp.run.path, exp.weeks, exp.every, exp.indicators, exp.column_dtypes()).frame
    )
    return out


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


BAD_OPTIONS = [
    (["--workers", "0"], "argument --workers: 0: expected an integer from 1 to"),
    (["--workers", "-1"], "argument --workers: -1: expected an integer from 1 to"),
    (["--workers", "abc"], "argument --workers: 'abc': expected an integer from 1 to"),
    (["--workers", str(10**9)], "argument --workers: 1_000_000_000: expected an integer from 1 to"),
    (
        ["--workers", "2", "--scheduler", "tcp://127.0.0.1:1"],
        "argument --scheduler: not allowed with argument --workers",
    ),
    (
        ["--scheduler", "tcp://127.0.0.1:1", "--workers", "2"],
        "argument --workers: not allowed with argument --scheduler",
    ),
    (["--timeout", "0"], "argument --timeout: 0: expected an integer from 1 to"),
    (["--timeout", "nan"], "argument --timeout: 'nan': expected an integer from 1 to"),
    (["--nope"], "unrecognized arguments: --nope"),
]


@pytest.mark.parametrize(("options", "expected"), BAD_OPTIONS, ids=[" ".join(o) for o, _ in BAD_OPTIONS])
def test_a_bad_sweep_option_is_one_line_and_changes_no_result(
    tmp_path: Path, results: Path, capsys: pytest.CaptureFixture, options: list[str], expected: str
) -> None:
    before = snapshot(results)
    assert main(["sweep", str(tmp_path / "ishigami.toml"), "--out", str(results), *options]) == 2
    assert one_line_error(capsys, expected).startswith(("centaure sweep: error: ", "centaure: error: "))
    assert snapshot(results) == before


def test_sweep_out_must_be_a_folder_and_analyze_a_sweep_folder(
    tmp_path: Path, results: Path, capsys: pytest.CaptureFixture
) -> None:
    taken = results / "manifest.json"
    before = snapshot(results)
    assert main(["sweep", str(tmp_path / "ishigami.toml"), "--out", str(taken)]) == 2
    one_line_error(capsys, f"centaure: error: --out: {taken}: {taken} is a file, not a folder")
    assert main(["sweep", str(tmp_path / "ishigami.toml"), "--out", str(tmp_path / "ishigami.toml" / "out")]) == 2
    one_line_error(capsys, "centaure: error: --out: ", "is a file, not a folder")
    assert snapshot(results) == before
    assert main(["analyze", str(tmp_path)]) == 2
    one_line_error(capsys, f"centaure: error: {tmp_path}: no manifest.json")


def test_reform_past_the_horizon_and_relative_scenario_paths(tmp_path: Path) -> None:
    (tmp_path / "sc").mkdir()
    (tmp_path / "sc" / "mine.toml").write_text(
        'base = "npm"\n[levers]\noutreach_share = 0.1\n[[reforms]]\nweek = 100\nlevers = { participation_level = 6 }\n'
    )
    ok = experiments.load(write(tmp_path, 'scenarios = ["sc/mine.toml"]\nweeks = 104\n'))
    assert ok.scenario_names == ("mine",)
    ((base, reforms),) = ok.base_sets().values()
    assert base["outreach_share"] == 0.1 and base["weeks"] == 104
    assert reforms == [{"week": 100, "levers": {"participation_level": 6}}]
    message = error_of(tmp_path, 'scenarios = ["sc/mine.toml"]\nweeks = 52\n')
    assert "scenarios: mine:" in message and "past the horizon" in message


@pytest.mark.parametrize(
    ("name", "design", "runs"),
    [
        ("sobol_levers", "sobol", 256 * (10 + 2)),
        ("grid_reporting_participation_outreach", "grid", 3 * 4 * 3 * 5),
        ("replicates_check", "grid", 3 * 30),
        ("ishigami", "sobol", 1024 * (3 + 2)),
        ("sobol_differences", "sobol", 128 * (10 + 2) * 5),
        ("outreach_failure", "lhs", 200 * 3),
    ],
)
def test_shipped_experiments_are_valid(name: str, design: str, runs: int) -> None:
    exp = experiments.load(name)
    assert exp.design == design
    plan = exp.plan()
    assert len(plan) == runs
    # two design points share a run only when their parameters and seed are identical
    # (e.g. a Sobol cross-sample A_Bi that floors to A's value of an integer lever): run once, used twice
    by_id: dict[str, tuple] = {}
    for r in plan:
        key = (sorted(r.params.items()), r.spawn_key, r.scenario)
        assert by_id.setdefault(r.run_id, key) == key
    assert exp.title
    assert str(exp.output).startswith("results/")


def test_sobol_differences_varies_behaviour_coefficients_and_subtracts_npm_from_each_strategy() -> None:
    from sim.params import Params

    exp = experiments.load("sobol_differences")
    specs = Params.specs()
    for f in exp.factors:  # behaviour coefficients, inside their declared bounds, around their defaults
        spec = specs[f.name]
        assert spec.group == "behaviour" and spec.low <= f.low < spec.default < f.high <= spec.high
    assert exp.analysis["differences"] == [[s, "npm"] for s in ("alliance", "aller_vers", "centaure", "austerity")]
    assert exp.seeds == "common" and set(exp.indicators) == {"engagement", "annual_turnover", "non_recourse"}


def test_sobol_levers_varies_about_ten_levers_on_the_three_outcomes() -> None:
    exp = experiments.load("sobol_levers")
    assert 9 <= len(exp.factors) <= 11
    assert exp.samples == 256
    assert set(exp.indicators) == {"engagement", "annual_turnover", "non_recourse"}
    assert {"reporting_pressure", "participation_level", "outreach_share"} <= {f.name for f in exp.factors}


def test_plan_crosses_scenarios_points_replicates_with_full_parameters(tmp_path: Path) -> None:
    text = (
        'scenarios = ["npm", "alliance"]\nweeks = 52\nreplicates = 3\n'
        "[levers]\nreporting_pressure = [0.1, 0.5]\nintake_priority = ['greatest_need', 'easiest_first']\n"
        "[grid]\nlevels = 3\n" + SMALL
    )
    exp = experiments.load(write(tmp_path, text))
    plan = exp.plan()
    assert len(plan) == 2 * (3 * 2) * 3
    first = plan[0]
    assert first.scenario == "npm" and first.point == 0 and first.replicate == 0
    assert first.varied == {"reporting_pressure": 0.1, "intake_priority": "greatest_need"}
    assert first.params["reporting_pressure"] == 0.1 and first.params["n_users"] == 300 and first.params["weeks"] == 52
    assert set(first.params) == set(sim.Params.specs())
    assert [r.varied["reporting_pressure"] for r in plan[:18:3]] == [0.1, 0.1, 0.3, 0.3, 0.5, 0.5]
    # common random numbers: replicate r has the same seed at every point and in every scenario
    assert {r.spawn_key for r in plan if r.replicate == 1} == {(1,)}
    assert all(r.entropy == experiments.DEFAULT_SEED for r in plan)
    # the seed is the same SeedSequence child that sim.studies.replicate_seeds gives
    from sim.studies import replicate_seeds

    child = replicate_seeds(3, experiments.DEFAULT_SEED)[2]
    mine = np.random.SeedSequence(plan[2].entropy, spawn_key=plan[2].spawn_key)
    assert np.array_equal(child.generate_state(4), mine.generate_state(4))


def test_independent_seeds_and_run_ids(tmp_path: Path) -> None:
    common = experiments.load(write(tmp_path, BASE + "replicates = 2\n[levers]\noutreach_share = [0.0, 0.2]\n" + SMALL))
    indep = experiments.load(
        write(
            tmp_path,
            BASE + "replicates = 2\nseeds = 'independent'\n[levers]\noutreach_share = [0.0, 0.2]\n" + SMALL,
            "b.toml",
        )
    )
    assert [r.spawn_key for r in indep.plan()][:4] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    a, b = common.plan(), indep.plan()
    assert a[0].params == b[0].params and a[0].spawn_key != b[0].spawn_key
    assert a[0].run_id != b[0].run_id  # same parameters, another seed
    assert len({r.run_id for r in a}) == len({r.run_id for r in b}) == 3 * 2  # 3 grid levels x 2 replicates
    # the id is a pure function of parameters, seed, model version and what is recorded
    r = a[0]
    kwargs = dict(weeks=52, every=1, indicators=common.indicators)
    assert run_id(r.params, r.entropy, r.spawn_key, sim.__version__, **kwargs) == r.run_id
    assert run_id(r.params, r.entropy, r.spawn_key, "9.9.9", **kwargs) != r.run_id
    assert run_id(r.params, r.entropy + 1, r.spawn_key, sim.__version__, **kwargs) != r.run_id
    assert run_id({**r.params, "outreach_share": 0.05}, r.entropy, r.spawn_key, sim.__version__, **kwargs) != r.run_id
    assert run_id(r.params, r.entropy, r.spawn_key, sim.__version__, **{**kwargs, "every": 4}) != r.run_id


def test_grid_without_levers_is_one_point_per_scenario(tmp_path: Path) -> None:
    exp = experiments.load(write(tmp_path, 'scenarios = ["npm", "alliance"]\nweeks = 52\nreplicates = 4\n'))
    plan = exp.plan()
    assert len(plan) == 8 and {r.point for r in plan} == {0} and {r.varied == {} for r in plan} == {True}


def test_defaults(tmp_path: Path) -> None:
    exp = experiments.load(write(tmp_path, "weeks = 10\n"))
    assert exp.scenario_names == ("npm",)
    assert exp.design == "grid" and exp.replicates == 1 and exp.every == 1 and exp.batch == 1
    assert exp.indicators == sim.metrics.HEADLINE
    assert exp.output == Path("results/exp")
    assert exp.run.path == "sim.batch.tasks:centaure_run"
