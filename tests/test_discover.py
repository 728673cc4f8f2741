"""Where a condition holds (PRIM), the condition language, and the paired differences of `centaure analyze`.

The sweep folders are written by the real sweep code (experiment file, plan,
`execute`, storage) without Dask, with run functions whose answer is known:
``centaure_batch_helpers.planted`` plants an exact scenario difference
(10 x the outreach_share gap x promise_penalty on non_recourse, none on
engagement) under seed noise that common seeds cancel.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim import discover, expression
from sim.batch import analysis, storage
from sim.batch import experiment as experiments
from sim.batch.designs import Factor
from sim.batch.manifest import build_manifest
from sim.batch.tasks import execute
from sim.cli import main
from sim.errors import CentaureError, InputError

HELPERS = Path(__file__).parent / "data" / "batch"
PNG = b"\x89PNG\r\n\x1a\n"
GAP = 0.10 - 0.02  # outreach_share of aller_vers minus npm's (scenarios/*.toml)


@pytest.fixture(autouse=True)
def helpers_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(HELPERS))


def folder(tmp_path: Path, text: str) -> Path:
    """A complete results folder of the experiment ``text``, every run executed in this process."""
    path = tmp_path / "exp.toml"
    path.write_text(text, encoding="utf-8")
    exp = experiments.load(path)
    out = tmp_path / "out"
    plan = exp.plan()
    storage.write_manifest(out, build_manifest(exp, exp.sample(), plan, None))
    done = execute(plan, exp.run.path, exp.weeks, exp.every, exp.indicators, exp.column_dtypes())
    assert not done.failures, done.failures
    storage.write_task(out, done.frame)
    return out


PLANTED = (
    'run = "centaure_batch_helpers:planted"\nscenarios = ["npm", "aller_vers"]\nweeks = 1\n'
    'indicators = ["engagement", "non_recourse"]\n'
)
LHS = PLANTED + 'design = "lhs"\nsamples = 300\n[levers]\npromise_penalty = [0.0, 5.0]\nhours_per_case = [1.0, 2.6]\n'


# ---------------------------------------------------------------------------- PRIM
def uniform(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(rng.uniform(0.0, 1.0, (n, 3)), columns=["x1", "x2", "x3"])


def test_prim_finds_a_planted_box() -> None:
    x = uniform(1000, 1)
    y = ((x["x1"] > 0.6) & (x["x2"] < 0.3)).to_numpy()
    boxes = discover.prim_boxes(x, y, threshold=0.9)
    assert boxes, "no box found"
    box = boxes[0]
    limits = box.limits.set_index("parameter")
    assert set(limits.index) == {"x1", "x2"}  # x3 plays no part: it stays unrestricted
    assert limits.loc["x1", "low"] == pytest.approx(0.6, abs=0.03) and limits.loc["x1", "high"] == pytest.approx(
        1.0, abs=0.01
    )
    assert limits.loc["x2", "high"] == pytest.approx(0.3, abs=0.03) and limits.loc["x2", "low"] == pytest.approx(
        0.0, abs=0.01
    )
    assert box.density >= 0.9 and box.coverage >= 0.85 and box.mass == pytest.approx(y.mean(), abs=0.03)
    assert (limits[["qp_low", "qp_high"]].min(axis=1) < 0.01).all()  # each restriction is far from luck
    table = discover.boxes_table(boxes, "planted")
    assert list(table.columns[:7]) == ["where", *discover.BOX_COLUMNS]


def test_prim_misses_when_there_is_no_box() -> None:
    x = uniform(1000, 2)
    y = np.random.default_rng(3).uniform(size=1000) < 0.3  # holds at random, whatever x
    assert discover.prim_boxes(x, y, threshold=0.8) == []


def test_prim_keeps_the_values_of_a_list_parameter_and_bounds_an_integer_one() -> None:
    rng = np.random.default_rng(4)
    factors = [
        Factor("rule", "values", values=("a", "b", "c")),
        Factor("cap", "integer", 10, 40),
        Factor("z", "real", 0.0, 1.0),
    ]
    x = discover.points_frame(
        factors, [[float(rng.integers(0, 3)), float(rng.integers(10, 41)), rng.uniform()] for _ in range(800)]
    )
    y = ((x["rule"] == "b") & (x["cap"] >= 25)).to_numpy()
    box = discover.prim_boxes(x, y, factors, threshold=0.95)[0]
    limits = box.limits.set_index("parameter")
    assert set(limits.index) == {"rule", "cap"} and limits.loc["rule", "values"] == "b" and box.density >= 0.95
    assert 22 <= limits.loc["cap", "low"] <= 25 and limits.loc["cap", "range_high"] == 40


# ---------------------------------------------------------------------------- the condition language
def test_expression_names_arithmetic_and_chained_comparisons() -> None:
    parsed = expression.parse("0 < aller_vers.non_recourse - npm <= 0.5 and not (x / 2 > 1 or -x >= 3)")
    assert parsed.names == ("aller_vers.non_recourse", "npm", "x")
    values = {
        "aller_vers.non_recourse": np.array([0.3, 0.3, 0.9, 0.3]),
        "npm": np.array([0.1, 0.4, 0.1, 0.1]),
        "x": np.array([1.0, 1.0, 1.0, 4.0]),
    }
    assert expression.evaluate(parsed, values).tolist() == [True, False, False, False]
    nan = expression.evaluate(expression.parse("a > 0"), {"a": np.array([np.nan, 1.0])})
    assert nan.tolist() == [False, True]


BAD_EXPRESSIONS = [
    ("", "empty"),
    ("npm >", "not an expression"),
    ("npm - alliance", "is a number, not a condition"),
    ("__import__('os').system('true') > 0", "a call"),
    ("npm[0] > 0", "a subscript"),
    ("npm ** 2 > 0", "the operator **"),
    ("npm > 'a'", "a value other than a number"),
    ("npm > True", "a value other than a number"),
    ("a.b.c > 0", "an attribute"),
    ("(npm > 0) + 1 > 0", "is a condition where a number is expected"),
    ("npm and alliance", "is a number where a condition is expected"),
    ("npm if x else y", "an if-else"),
    ("x in y", "the operator in"),
    ("(" * 200 + "x" + ")" * 200 + " > 0", ""),  # nesting parses or is refused, one line either way
]


@pytest.mark.parametrize(("text", "problem"), BAD_EXPRESSIONS, ids=[f"bad{i}" for i in range(len(BAD_EXPRESSIONS))])
def test_a_bad_expression_is_one_line_naming_where_the_problem_and_what_is_allowed(text: str, problem: str) -> None:
    try:
        expression.parse(text)
    except InputError as err:
        message = str(err)
        assert message.startswith("--where: ") and "\n" not in message and problem in message
        if "not allowed" in message or "empty" in message or "not an expression" in message:
            assert "comparisons" in message  # what is allowed
    else:
        assert problem == ""  # only the deep nesting may parse


# ---------------------------------------------------------------------------- discover, end to end
def test_discover_finds_where_the_planted_difference_is_positive(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = folder(tmp_path, LHS)
    where = "aller_vers - npm > 1.2"  # 10 x GAP x promise_penalty > 1.2: promise_penalty > 1.5, whatever hours_per_case
    assert main(["discover", str(out), "--where", where, "--indicator", "non_recourse"]) == 0
    printed = capsys.readouterr().out
    assert "holds at" in printed and "Box 1" in printed and "promise_penalty: 1.5" in printed
    boxes = pd.read_csv(out / "discover" / "boxes.csv")
    first = boxes[boxes["box"] == 1].set_index("parameter")
    assert list(first.index) == ["promise_penalty"]  # hours_per_case plays no part
    assert first.loc["promise_penalty", "low"] == pytest.approx(1.5, abs=0.05)
    assert first.loc["promise_penalty", "density"] == 1.0 and first.loc["promise_penalty", "coverage"] > 0.95
    assert (out / "discover" / "boxes.png").read_bytes().startswith(PNG)
    # in French, to another folder; the same condition written with scenario.indicator
    other = tmp_path / "fr"
    where = "aller_vers.non_recourse - npm.non_recourse > 1.2"
    assert main(["--lang", "fr", "discover", str(out), "--where", where, "--out", str(other)]) == 0
    assert "Boîte 1" in capsys.readouterr().out and (other / "boxes.csv").exists()


def test_discover_errors_are_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = folder(tmp_path, LHS)
    cases = [
        (["--where", "aller_vers - npm > 0"], ["--where", "say which indicator with --indicator"]),
        (["--where", "aller_vers - npn > 0", "--indicator", "non_recourse"], ["'npn'", "did you mean 'npm'"]),
        (["--where", "open('x') > 0"], ["--where", "a call", "comparisons"]),
        (["--where", "npm.engagement > 1000"], ["--where", "holds at no one of the 300 design points"]),
        (["--where", "npm.engagement > 0", "--indicator", "waiting"], ["--indicator", "'waiting'"]),
        (["--where", "npm.engagement > 0", "--threshold", "nan"], ["--threshold"]),
        (["--where", "npm.engagement > 0", "--boxes", "0"], ["--boxes"]),
    ]
    for options, parts in cases:
        assert main(["discover", str(out), *options]) == 2, options
        err = capsys.readouterr().err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
        for part in parts:
            assert part in err, (part, err)
    assert main(["discover", str(tmp_path / "missing"), "--where", "npm > 0"]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert not (out / "discover").exists()  # nothing written by a refused command


# ---------------------------------------------------------------------------- paired differences
SOBOL = PLANTED + (
    'design = "sobol"\nsamples = 64\nreplicates = 2\n[sobol]\nsecond_order = false\n'
    "[levers]\npromise_penalty = [0.0, 5.0]\nhours_per_case = [1.0, 2.6]\nask_trust = [1.0, 5.0]\n"
    '[analysis]\ndifferences = [["aller_vers", "npm"]]\n'
)


def test_paired_differences_and_their_sobol_indices_are_exact_on_a_planted_difference(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = folder(tmp_path, SOBOL)
    doc = tmp_path / "docs" / "sensitivity.md"
    doc.parent.mkdir()
    doc.write_text("# Sensitivity\n\nHand-written intro.\n", encoding="utf-8")
    assert main(["analyze", str(out), "--doc", str(doc)]) == 0
    printed = capsys.readouterr().out
    assert "paired differences" in printed and "aller_vers - npm/non_recourse: promise_penalty 1.0" in printed
    diffs = pd.read_csv(out / "analysis" / "differences_per_run.csv")
    assert len(diffs) == 64 * 5 * 2 and set(diffs["scenario"]) == {"aller_vers - npm"}
    # the seed noise cancels: same design point, same seed in both scenarios
    assert diffs["non_recourse"].to_numpy() == pytest.approx(10 * GAP * diffs["promise_penalty"].to_numpy())
    assert np.abs(diffs["engagement"].to_numpy()).max() < 1e-12
    table = pd.read_csv(out / "analysis" / "sobol_differences.csv")
    nr = table[table["indicator"] == "non_recourse"].set_index("parameter")
    assert nr.loc["promise_penalty", ["S1", "ST"]].to_numpy() == pytest.approx([1.0, 1.0], abs=0.03)
    assert nr.loc[["hours_per_case", "ask_trust"], ["S1", "ST"]].abs().to_numpy().max() < 1e-9
    # the scenarios themselves keep their own drivers (hours_per_case moves npm's non_recourse)
    own = pd.read_csv(out / "analysis" / "sobol.csv")
    npm = own[(own["scenario"] == "npm") & (own["indicator"] == "non_recourse")].set_index("parameter")
    assert npm.loc["hours_per_case", "ST"] > 0.5
    assert (out / "analysis" / "sobol_differences.png").read_bytes().startswith(PNG)
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Sensitivity\n\nHand-written intro.\n")
    assert "**aller_vers - npm, non_recourse**" in text and "rests mainly on `promise_penalty`" in text
    assert "positive at every design point" in text and "**aller_vers - npm, engagement**" in text
    assert (
        "no difference at any design point" in text
        and (doc.parent / "img" / "sensitivity" / "sobol_differences.png").exists()
    )
    assert main(["analyze", str(out), "--doc", str(doc)]) == 0  # again: the section is replaced, not added
    again = doc.read_text(encoding="utf-8")
    assert again.count("<!-- BEGIN sensitivity -->") == 1 and again.startswith("# Sensitivity\n\nHand-written intro.")


def test_paired_differences_pair_runs_by_point_and_replicate() -> None:
    runs = pd.DataFrame(
        {
            "scenario": ["b", "a", "a", "b", "a"],
            "point": [1, 0, 1, 0, 2],
            "replicate": [0, 0, 0, 0, 0],
            "y": [10.0, 1.0, 2.0, 20.0, 5.0],
        }
    )
    diffs = analysis.paired_differences(runs, [["a", "b"]], ["y"])
    assert diffs[["point", "y"]].values.tolist() == [[0, -19.0], [1, -8.0]]  # point 2 has no pair
    assert diffs["scenario"].unique().tolist() == ["a - b"]


BAD_DIFFERENCES = [
    ('differences = [["aller_vers"]]', ["analysis.differences[0]", 'a pair ["scenario", "baseline"]']),
    ('differences = [["npm", "npm"]]', ["analysis.differences[0]", "two different scenarios"]),
    (
        'differences = [["aller_vers", "npn"]]',
        ["analysis.differences[0]", "'npn' is not a scenario", "did you mean 'npm'"],
    ),
    ('differences = [["aller_vers", "npm"], ["aller_vers", "npm"]]', ["analysis.differences[1]", "given twice"]),
    ('differences = "aller_vers - npm"', ["analysis.differences", "a list of pairs"]),
    ("differences = [[1, 2]]", ["analysis.differences[0]", "a scenario name"]),
]


@pytest.mark.parametrize(("line", "parts"), BAD_DIFFERENCES, ids=[f"bad{i}" for i in range(len(BAD_DIFFERENCES))])
def test_bad_differences_are_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture, line: str, parts: list[str]
) -> None:
    path = tmp_path / "exp.toml"
    path.write_text(PLANTED + f"[analysis]\n{line}\n", encoding="utf-8")
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for part in [str(path), *parts]:
        assert part in err, (part, err)
    assert not (tmp_path / "out").exists()


def test_differences_need_a_run_function_with_scenarios(tmp_path: Path) -> None:
    path = tmp_path / "exp.toml"
    path.write_text(
        'run = "sim.batch.ishigami:ishigami"\nweeks = 1\n[levers]\nx1 = [-1.0, 1.0]\n'
        '[analysis]\ndifferences = [["a", "b"]]\n',
        encoding="utf-8",
    )
    with pytest.raises(CentaureError, match=r"analysis\.differences: the run function .* takes no scenarios"):
        experiments.load(path)
