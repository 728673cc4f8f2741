"""End-to-end tests of the `centaure` command on the shipped scenario files."""

import io
import signal
import subprocess
import sys

import pandas as pd
import pytest

from sim import scenarios
from sim.cli import main
from sim.i18n import indicator_label
from sim.run import run

SMALL_SET = ["--set", "n_users=300", "--set", "n_workers=12", "--set", "n_organisations=2"]


class ClosedPipe:
    """A stdout whose reader has gone (a pager or `head` that closed early): writing fails; flushing what was
    never written does not, as on a real pipe."""

    def write(self, text: str) -> int:
        raise BrokenPipeError

    def flush(self) -> None:
        pass


def test_scenarios_lists_every_shipped_scenario_with_its_title(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for name in scenarios.shipped():
        assert name in out
        assert scenarios.load(name).text("title", "en") in out
    assert main(["--lang", "fr", "scenarios"]) == 0
    assert scenarios.load("npm").text("title", "fr") in capsys.readouterr().out


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_run_prints_final_indicators_and_writes_the_weeks(tmp_path, capsys, suffix):
    out = tmp_path / f"run{suffix}"
    code = main(["run", "alliance", "--seed", "3", "--weeks", "20", *SMALL_SET, "--out", str(out)])
    assert code == 0
    text = capsys.readouterr().out
    assert "Non-recourse" in text and "week 20" in text
    frame = pd.read_csv(out) if suffix == ".csv" else pd.read_parquet(out)
    assert list(frame["week"]) == list(range(21))
    assert frame["non_recourse"].between(0, 1).all()


def test_run_by_organisation_prints_and_writes_each_organisations_indicators(tmp_path, capsys):
    """The natural reading of a lever set for one organisation: its own column, its own rows."""
    out = tmp_path / "organisations.csv"
    one = ["--set", "reporting_pressure@1=0.05"]
    assert main(["run", "npm", "--weeks", "3", *SMALL_SET, *one, "--by-organisation", "--out", str(out)]) == 0
    frame = pd.read_csv(out)
    scenario = scenarios.load("npm").with_changes(
        weeks=3, n_users=300, n_workers=12, n_organisations=2, **{"reporting_pressure@1": 0.05}
    )
    expected = run(scenario, seed=0, by_organisation=True)
    pd.testing.assert_frame_equal(frame, expected, check_dtype=False, rtol=1e-12)
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["Organisation", "0", "1"]
    final = expected[expected["week"] == 3].set_index("organisation")
    reporting = next(line for line in lines if line.lstrip().startswith(indicator_label("reporting_share", "en")))
    assert reporting.split()[-6:-4] == [f"{final.loc[j, 'reporting_share']:.3f}" for j in (0, 1)]


def test_results_are_written_before_a_closed_pipe_can_stop_the_printing(tmp_path, monkeypatch):
    """`centaure run ... | head -1`: the pager closes stdout after a line; the file is there, whole."""
    out = tmp_path / "run.csv"
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # the command closes it on a broken pipe, as a pager wants
    assert main(["run", "npm", "--weeks", "3", *SMALL_SET, "--out", str(out)]) == 0
    assert list(pd.read_csv(out)["week"]) == [0, 1, 2, 3]


def test_run_accepts_a_user_file(tmp_path, capsys):
    path = tmp_path / "mine.toml"
    path.write_text(
        'base = "npm"\n[levers]\noutreach_share = 0.25\nweeks = 8\nn_users = 300\nn_workers = 12\nn_organisations = 2\n'
    )
    assert main(["run", str(path)]) == 0
    assert "week 8" in capsys.readouterr().out


def test_set_overrides_and_rejects_bad_values(capsys):
    assert main(["run", "npm", "--weeks", "4", *SMALL_SET, "--set", "participation_level=9"]) == 2
    err = capsys.readouterr().err
    assert "participation_level" in err and "0 to 7" in err
    assert main(["run", "npm", "--set", "reporting_presure=0.2"]) == 2
    assert "did you mean 'reporting_pressure'" in capsys.readouterr().err
    assert main(["run", "npm", "--weeks", "0"]) == 2


def test_compare_writes_table_runs_and_plot(tmp_path, capsys):
    out = tmp_path / "cmp"
    code = main(
        [
            "compare",
            "npm",
            "alliance",
            "--replicates",
            "3",
            "--draws",
            "0",
            "--weeks",
            "60",
            *SMALL_SET,
            "--out",
            str(out),
        ]
    )
    assert code == 0
    text = capsys.readouterr().out
    assert "Non-recourse: unaware" in text and "alliance" in text
    header = next(line for line in text.splitlines() if "alliance" in line)
    assert header.index("npm") < header.index("alliance")  # columns in the order asked
    summary = pd.read_csv(out / "summary.csv")
    assert set(summary["scenario"]) == {"npm", "alliance"}
    assert (summary["ci_low"] <= summary["mean"]).all() and (summary["mean"] <= summary["ci_high"]).all()
    assert (summary["replicates"] == 3).all()
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 2 * 3 * 61
    assert (out / "trajectories.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_prints_intervals_of_shares_within_0_and_1(tmp_path, capsys):
    """Two replicates give a t interval wider than a small share: printed, it stops at 0 (summary.csv keeps it)."""
    out = tmp_path / "cmp"
    args = ["compare", "npm", "--replicates", "2", "--draws", "0", "--weeks", "8", *SMALL_SET, "--out", str(out)]
    assert main(args) == 0
    lines = capsys.readouterr().out.splitlines()
    summary = pd.read_csv(out / "summary.csv")
    assert (summary["ci_low"] < 0).any()  # the case this test is about
    for name in summary.loc[summary["ci_low"] < 0, "indicator"]:
        label = indicator_label(name, "en")
        line = next(line for line in lines if line.startswith(label))
        low = float(line.split("[")[1].split(",")[0])
        assert low == 0.0, line


def test_compare_columns_line_up_whatever_the_labels_length(tmp_path, capsys):
    """French labels run longer than English ones ("Épuisement professionnel (burnout)"): the columns still line up."""
    args = ["--lang", "fr", "compare", "npm", "--replicates", "2", "--draws", "0", "--weeks", "4", *SMALL_SET]
    assert main([*args, "--out", str(tmp_path / "cmp")]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line for line in lines if line.rstrip().endswith("]")]
    assert len(rows) >= 9 and len({len(line) for line in rows}) == 1, rows


def test_console_script_runs_in_a_subprocess():
    result = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", "npm", "--weeks", "3", *SMALL_SET],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "week 3" in result.stdout


def test_ctrl_c_in_compare_is_one_line_exit_130_and_writes_nothing(tmp_path):
    """A real SIGINT once the runs have started: no traceback, the interruption said in one line, no file."""
    out = tmp_path / "compare"
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "compare", "npm", "alliance", "--draws", "0", "--out", str(out)],
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    err = ""
    while "1/" not in err.rsplit("\r", 1)[-1]:  # the progress bar counts the first finished run
        char = proc.stderr.read(1)
        assert char, "compare ended before its first run"
        err += char
    proc.send_signal(signal.SIGINT)
    _, rest = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err + rest
    last = (err + rest).replace("\r", "\n").strip().splitlines()[-1]
    assert last == "centaure: interrupted (SIGINT) before the command finished; no file is left half-written"
    assert not out.exists()
