"""The calibration (``centaure calibrate``, :mod:`sim.batch.calibrate`) and its shipped result.

* it recovers known parameters of a cheap noisy model (:mod:`sim.batch.toy`)
  and of Centaure itself on a target made from known values, within its posterior;
* an interrupted calibration (a real SIGINT to the command) resumes into one
  continuing history: generations 0, 1, 2, ... in one database, each epsilon
  the weighted median distance of the population before it, and it is the
  uninterrupted calibration on two Dask workers to the bit;
* a bad calibration file is one line naming the file and the field, exit 2;
* the shipped posterior exists, matches its manifest, and its weighted medians
  are the defaults of sim/params.py.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.batch import calibrate
from sim.batch.calibrate import Outcome, summarise, weighted_quantile
from sim.batch.storage import digest
from sim.cli import main
from sim.errors import ExperimentError
from sim.params import Params

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "sim" / "data" / "calibration" / "npm"
TRUTH = {"a": 0.3, "b": 0.6}


def toy_file(tmp_path: Path, generations: int = 5, population: int = 30, extra: str = "") -> Path:
    """A calibration of the toy model on targets made from TRUTH (bands +-0.05 around the noise-free values)."""
    from sim.batch.toy import evaluate

    rows = [f"{k},{v},{v - 0.05},{v + 0.05}" for k, v in evaluate(**TRUTH).items()]
    (tmp_path / "targets.csv").write_text("target,value,low,high\n" + "\n".join(rows) + "\n", encoding="utf-8")
    path = tmp_path / "toy.toml"
    path.write_text(
        'run = "sim.batch.toy:noisy"\ntargets = "targets.csv"\nweeks = 1\nevery = 1\nseed = 7\nseeds = 2\n'
        f"population = {population}\ngenerations = {generations}\nbatch = 10\n{extra}"
        '[priors]\na = "declared"\nb = [0.0, 1.0]\n',
        encoding="utf-8",
    )
    return path


def test_interrupted_calibration_resumes_into_one_history_and_recovers_the_toy_parameters(tmp_path: Path) -> None:
    path, out = toy_file(tmp_path), tmp_path / "out"
    command = [sys.executable, "-m", "sim", "calibrate", str(path), "--workers", "1", "--out", str(out)]
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # interrupt once a generation is stored, while the next one samples
        manifest = out / "manifest.json"
        if manifest.exists() and json.loads(manifest.read_text())["generations"]:
            break
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    stored = len(calibrate.generations(out))
    assert 1 <= stored < 5
    assert err.strip().splitlines()[-1].startswith(f"interrupted (SIGINT): {stored} of 5 generations stored in {out}")
    assert json.loads((out / "manifest.json").read_text())["status"]["outcome"] == "interrupted"

    report = calibrate.calibrate(calibrate.load(path), out=out, workers=1)
    assert report.outcome is Outcome.COMPLETE and report.done == 5 - stored
    gens = calibrate.generations(out)
    assert [g.t for g in gens] == [0, 1, 2, 3, 4]  # one continuing history, not a new run
    h = calibrate.history(out)
    for t in range(1, 5):  # each epsilon follows from the population before it, across the interruption too
        previous = h.get_weighted_distances(t=t - 1)
        median = weighted_quantile(previous["distance"].to_numpy(), previous["w"].to_numpy(), 0.5)
        assert gens[t].epsilon == pytest.approx(median, rel=0.05)
        assert gens[t].epsilon < gens[t - 1].epsilon
    assert gens[0].epsilon == np.inf and gens[0].simulations == gens[0].particles  # generation 0: the prior sample

    posterior = pd.read_parquet(out / "posterior.parquet")
    assert list(posterior.columns) == ["a", "b", "weight"] and posterior["weight"].sum() == pytest.approx(1)
    summary = summarise(posterior).set_index("parameter")
    for name, truth in TRUTH.items():
        row = summary.loc[name]
        assert row["low"] <= truth <= row["high"], (name, truth, row.to_dict())
        assert row["high"] - row["low"] < 0.5  # the prior's 95% interval is 0.95 wide
        assert abs(row["median"] - truth) < 0.12
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["files"]["posterior.parquet"] == digest(out / "posterior.parquet")
    assert manifest["status"]["complete"] and len(manifest["sessions"]) == 2
    assert {s["scheduler"] for s in manifest["sessions"]} == {calibrate.IN_PROCESS}

    once = tmp_path / "once"  # the same calibration, uninterrupted and on two Dask workers: the same to the bit
    assert calibrate.calibrate(calibrate.load(path), out=once, workers=2).outcome is Outcome.COMPLETE
    pd.testing.assert_frame_equal(pd.read_parquet(once / "posterior.parquet"), posterior)
    assert [g.epsilon for g in calibrate.generations(once)] == [g.epsilon for g in gens]
    assert manifest["epsilons"][1:] == sorted(manifest["epsilons"][1:], reverse=True)


def test_a_stop_that_the_database_layer_turns_into_its_own_error_is_still_an_interruption(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGINT inside pyABC's SQLAlchemy writes comes back as a database error (seen once in CI): interrupted, not
    'cannot write', and the stored generations are kept."""
    path, out = toy_file(tmp_path, generations=4), tmp_path / "out"
    assert calibrate.calibrate(calibrate.load(path), out=out, workers=1, stop_after=1).outcome is Outcome.COMPLETE
    real = calibrate._one_generation

    def interrupted_while_writing(*args: object) -> None:
        real(*args)
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)  # the handler raises here
        except KeyboardInterrupt:
            raise calibrate.StorageError(
                "history.db: cannot write (Can't reconnect until invalid transaction is rolled back)"
            ) from None

    monkeypatch.setattr(calibrate, "_one_generation", interrupted_while_writing)
    report = calibrate.calibrate(calibrate.load(path), out=out, workers=1)
    assert report.outcome is Outcome.INTERRUPTED and report.message == "interrupted (SIGINT)", report.message
    assert [g.t for g in calibrate.generations(out)] == [0, 1]
    assert json.loads((out / "manifest.json").read_text())["status"]["outcome"] == "interrupted"
    monkeypatch.undo()
    assert calibrate.calibrate(calibrate.load(path), out=out, workers=1).outcome is Outcome.COMPLETE


def test_centaure_recovers_a_known_parameter_from_a_synthetic_target(tmp_path: Path) -> None:
    """A tiny territory: the non-take-up made with need_arrival_rate = 0.0025 gives it back.

    Every evaluation is seeded: the calibration is the same at every run and on any number of workers (ratio of
    the posterior's sd to the prior's 0.365 at seed 11, on one worker and on two). Over calibration seeds 11-14
    it is 0.36-0.45, the made value inside the 95% interval each time; one seed per particle gave 0.35-0.61."""
    fixed = "[fixed]\nn_users = 400\nn_workers = 16\nn_organisations = 2\nspinup_weeks = 78\n"
    truth = 0.0025
    placeholder = tmp_path / "targets.csv"
    placeholder.write_text("target,value,low,high\nnon_take_up_rate,0.4,0.3,0.5\n", encoding="utf-8")
    text = (
        'scenario = "npm"\ntargets = "targets.csv"\nweeks = 52\nevery = 4\nseed = 11\nseeds = 2\n'
        "population = 24\ngenerations = 4\n" + fixed + "[priors]\nneed_arrival_rate = [0.001, 0.005]\n"
    )
    path = tmp_path / "centaure.toml"
    path.write_text(text, encoding="utf-8")
    simulator = calibrate.load(path).simulator()
    made = simulator.statistics(simulator.runs({"need_arrival_rate": truth}, [(99, s) for s in range(4)]))
    value = made["non_take_up_rate"]
    placeholder.write_text(
        f"target,value,low,high\nnon_take_up_rate,{value},{value - 0.015},{value + 0.015}\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    report = calibrate.calibrate(calibrate.load(path), out=out, workers=2)
    assert report.outcome is Outcome.COMPLETE, report.message
    posterior = pd.read_parquet(out / "posterior.parquet")
    row = summarise(posterior).set_index("parameter").loc["need_arrival_rate"]
    assert row["low"] <= truth <= row["high"], row.to_dict()
    w = posterior["weight"].to_numpy()
    v = posterior["need_arrival_rate"].to_numpy()
    sd = np.sqrt(np.average((v - np.average(v, weights=w)) ** 2, weights=w))
    prior_sd = 0.004 / np.sqrt(12)
    assert sd < 0.6 * prior_sd, (
        sd / prior_sd
    )  # the target narrows the prior (a parameter that did not reach the model would not)


# ---------------------------------------------------------------------------- bad files
BASE = "weeks = 52\n[priors]\nhire_rate = [0.2, 0.5]\n"

BAD = [
    # (document, substrings of the one line after the file's path)
    ("weks = 52\n[priors]\nhire_rate = [0.2, 0.5]\n", ["weks: unknown key", "did you mean 'weeks'"]),
    ("[priors]\nhire_rate = [0.2, 0.5]\n", ["weeks: missing"]),
    ("weeks = 52\n", ["priors: missing"]),
    ("weeks = 52\n[priors]\n", ["priors: no parameter to calibrate"]),
    (
        "weeks = 52\n[priors]\nhire_rat = [0.2, 0.5]\n",
        ["priors.hire_rat: unknown parameter", "did you mean 'hire_rate'"],
    ),
    ("weeks = 52\n[priors]\nhire_rate = [0.2, 1.5]\n", ["priors.hire_rate: high 1.5 is invalid", "from 0 to 1"]),
    ("weeks = 52\n[priors]\nhire_rate = [0.5, 0.2]\n", ["priors.hire_rate", "low < high"]),
    ("weeks = 52\n[priors]\nhire_rate = 0.3\n", ["priors.hire_rate: 0.3: expected [low, high]", '"declared"']),
    ("weeks = 52\n[priors]\nn_users = [100, 200]\n", ["priors.n_users: n_users is a structure parameter"]),
    ("weeks = 52\n[priors]\nintake_priority = [0, 1]\n", ["priors.intake_priority", "not a number"]),
    (BASE + "seeds = 2\n", ["priors.seeds: unknown parameter"]),  # a top-level key written after [priors]
    ("seeds = 0\n" + BASE, ["seeds: 0: expected an integer from 1 to 1000"]),
    ("population = 5\n" + BASE, ["population: 5: expected an integer from 10"]),
    ("generations = 0\n" + BASE, ["generations: 0"]),
    ("min_acceptance = 2.0\n" + BASE, ["min_acceptance: 2.0: expected a number from 0 to 1"]),
    ("min_epsilon = nan\n" + BASE, ["min_epsilon: nan"]),
    ("weeks = 0\n[priors]\nhire_rate = [0.2, 0.5]\n", ["weeks = 0", "expected an integer"]),
    ("every = 60\n" + BASE, ["every: 60: expected an integer from 1 to weeks = 52"]),
    ('scenario = "nmp"\n' + BASE, ["scenario:", "nmp"]),
    ('targets = "nowhere.csv"\n' + BASE, ["targets:", "nowhere.csv", "no such targets CSV file"]),
    ('run = "sim.batch.toy:nope"\n' + BASE, ["run:", "has no function 'nope'"]),
    (BASE + "[fixed]\nhire_rate = 0.3\n", ["fixed.hire_rate: hire_rate is also in [priors]"]),
    (BASE + "[fixed]\nn_user = 300\n", ["fixed.n_user: unknown parameter", "did you mean 'n_users'"]),
    (BASE + "[fixed]\nn_users = -3\n", ["fixed.n_users: -3: expected an integer from 20"]),
    (BASE + "[fixed]\nn_workers = 3\nn_organisations = 4\n", ["scenario: npm:", "n_organisations"]),
    ("weeks = 52\nweeks = 53\n", ["not valid TOML"]),
]


@pytest.mark.parametrize(("text", "expected"), BAD, ids=[f"bad{i}" for i in range(len(BAD))])
def test_a_bad_calibration_file_is_one_line_naming_the_file_and_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture, text: str, expected: list[str]
) -> None:
    path = tmp_path / "cal.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExperimentError) as info:
        calibrate.load(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{path}: "), message
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"
    assert main(["calibrate", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.strip().splitlines() == [f"centaure: error: {message}"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: None, "no such calibration file; shipped calibrations: calibrate_npm"),
        (lambda p: p.mkdir(), "is a folder; expected a TOML calibration file"),
        (lambda p: p.write_text("", encoding="utf-8"), "the TOML calibration file is empty"),
        (lambda p: p.write_bytes(b"weeks = 52 # \xe9\n"), "not UTF-8 text (byte 0xe9 on line 1)"),
    ],
    ids=["missing", "folder", "empty", "latin-1"],
)
def test_an_unusable_calibration_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture, make, expected
) -> None:
    path = tmp_path / "cal.toml"
    make(path)
    assert main(["calibrate", str(path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"centaure: error: {path}: {expected}"), lines


def test_a_folder_of_another_calibration_or_of_a_sweep_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps({"format": "centaure-sweep/1"}), encoding="utf-8")
    path = toy_file(tmp_path)
    assert main(["calibrate", str(path), "--out", str(out)]) == 2
    assert "not a results folder of centaure calibrate" in capsys.readouterr().err
    (out / "manifest.json").write_text(json.dumps({"format": calibrate.FORMAT, "key": {"seeds": 3}}), encoding="utf-8")
    assert main(["calibrate", str(path), "--out", str(out)]) == 2
    line = capsys.readouterr().err.strip()
    assert re.search(r"holds the history of another calibration \(\w+: .* there, .* here\)", line), line


# ---------------------------------------------------------------------------- the shipped calibration
def test_shipped_calibration_file_is_valid() -> None:
    cal = calibrate.load("calibrate_npm")
    assert cal.scenario.name == "npm" and len(cal.targets) == 6
    assert 5 <= len(cal.priors) <= 8
    for prior in cal.priors:
        assert prior.spec.low <= prior.low < prior.high <= prior.spec.high


def test_shipped_posterior_matches_its_manifest_and_the_defaults_are_its_medians() -> None:
    """The defaults of the calibrated parameters are the posterior's weighted medians (3 significant digits,
    scripts/set_calibrated_defaults.py), each with the calibration as its declared source."""
    manifest = json.loads((SHIPPED / "manifest.json").read_text(encoding="utf-8"))
    posterior = pd.read_parquet(SHIPPED / "posterior.parquet")
    assert manifest["format"] == calibrate.FORMAT
    assert manifest["files"]["posterior.parquet"] == digest(SHIPPED / "posterior.parquet")
    names = [p["name"] for p in manifest["priors"]]
    assert list(posterior.columns) == [*names, "weight"]
    assert len(posterior) == manifest["population"] and posterior["weight"].sum() == pytest.approx(1)
    assert manifest["status"]["complete"] and manifest["git"]["commit"]
    assert manifest["wall_seconds"] <= 3600  # the shipped calibration ran within the hour
    for key in ("pyabc", "numpy", "mesa"):
        assert manifest["versions"][key]
    specs = Params.specs()
    w = posterior["weight"].to_numpy()
    for prior in manifest["priors"]:
        name = prior["name"]
        spec = specs[name]
        assert prior["low"] <= posterior[name].min() and posterior[name].max() <= prior["high"]
        median = weighted_quantile(posterior[name].to_numpy(), w, 0.5)
        assert spec.default == float(f"{median:.3g}"), name
        assert spec.source.startswith("calibrated: pyABC ABC-SMC"), name


def test_calibrate_is_on_the_command_line() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "sim", "calibrate", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert out.returncode == 0
    for part in ("--workers", "--scheduler", "--out", "--timeout", "130", "143", "75", "74"):
        assert part in out.stdout


def test_identifiability_says_which_parameters_are_pinned_which_are_not_and_which_trade_off() -> None:
    from sim.batch.calibration_report import correlations, identifiability, posterior_table

    rng = np.random.default_rng(3)
    x = rng.uniform(0, 1, 400)  # free: as wide as its prior
    y = 0.5 + 0.02 * rng.normal(size=400)  # pinned
    z = 1 - x + 0.05 * rng.normal(size=400)  # trades off against x
    table = pd.DataFrame({"x": x, "y": y, "z": np.clip(z, 0, 1), "weight": np.full(400, 1 / 400)})
    manifest = {"priors": [{"name": n, "low": 0.0, "high": 1.0, "declared": {"default": 0.5}} for n in "xyz"]}
    post = posterior_table(manifest, table).set_index("parameter")
    assert post.loc["y", "sd_ratio"] < 0.1 and post.loc["x", "sd_ratio"] > 0.9
    text = "\n".join(identifiability(post.reset_index(), correlations(table)))
    assert "**Pinned down**" in text and "`y`" in text.split("**Pinned down**")[1].split("\n")[0]
    assert "`x`" in text.split("**Not pinned down**")[1].split("\n")[0]
    assert "`z` and `x` (r = -" in text and "**At the edge of the prior**" in text


def test_calibrate_speaks_the_language_asked(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path, out = toy_file(tmp_path, generations=2), tmp_path / "out"
    assert main(["--lang", "fr", "calibrate", str(path), "--workers", "1", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert (
        "toy\u00a0: 2 paramètres, 3 cibles, 30 particules × 2 graines par génération\u202f; 0 générations"
        in captured.err
    )
    assert "à faire sur ce processus (sans Dask)" in captured.err
    assert re.search(r"génération 1\u00a0: epsilon \d+,\d+, acceptation \d+,\d\u202f%", captured.err), captured.err
    assert f"2 générations sur 2 enregistrées dans {out} (2 cette fois" in captured.out
    for english in ("generation", "particles", "stored", "this time", "next:"):
        assert english not in captured.out + captured.err, english


def test_the_printed_fit_and_posterior_speak_the_language_asked() -> None:
    from sim.batch.calibration_report import _summary_text

    fit = pd.DataFrame(
        {"target": ["vacancy_rate"], "low": [0.03], "high": [0.07], "mean": [0.08], "p2_5": [0.06], "p97_5": [0.1]}
    ).assign(in_band=False)
    post = pd.DataFrame({"parameter": ["hire_rate"], "median": [0.431], "low": [0.284], "high": [0.481]})
    post = post.assign(sd_ratio=0.67)
    en = _summary_text(fit, post, "en").splitlines()
    assert en[1].split() == [
        "vacancy_rate",
        "band",
        "0.03-0.07:",
        "0.080",
        "[0.060,",
        "0.100]",
        "OUTSIDE",
        "the",
        "band",
    ]
    assert en[3].split() == ["hire_rate", "0.431", "[0.284,", "0.481]", "sd", "ratio", "0.67"]
    fr = _summary_text(fit, post, "fr").splitlines()
    assert fr[0].startswith("Ajustement") and fr[2].startswith("Loi a posteriori")
    assert "bande 0,03–0,07\u00a0: 0,080 [0,060\u202f; 0,100]  HORS de la bande" in fr[1]
    assert "0,431 [0,284\u202f; 0,481]  rapport des é.-t. 0,67" in fr[3]
