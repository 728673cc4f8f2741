"""Options of `centaure run`, `compare` and `decompose`: a bad one is one line, exit 2, before anything runs or is written."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pandas as pd
import pytest
from test_batch_experiment import one_line_error, snapshot

from sim.cli import main

CASES = [
    # (command, what the one line says)
    (["run", "npm", "--seed", "-1"], "argument --seed: -1: expected an integer from 0 to 9_223_372_036_854_775_807"),
    (["run", "npm", "--seed", "abc"], "argument --seed: 'abc': expected an integer from 0 to"),
    (["run", "npm", "--seed", str(2**63)], "argument --seed: 9_223_372_036_854_775_808: expected an integer from 0 to"),
    (
        ["run", "npm", "--weeks", "0"],
        "argument --weeks: 0 is out of range: expected an integer from 1 to 5_200 (weeks)",
    ),
    (["run", "npm", "--weeks", "nan"], "argument --weeks: nan: expected an integer from 1 to 5_200 (weeks)"),
    (
        ["run", "npm", "--out", "{existing}"],
        "--out: {existing}: is a folder; expected a file ending in .csv or .parquet",
    ),
    (
        ["run", "npm", "--out", "{existing}/runs.txt"],
        "--out: {existing}/runs.txt: expected a file ending in .csv or .parquet",
    ),
    (["run", "{existing}/none.toml"], "{existing}/none.toml: no such scenario file"),
    (["compare", "npm", "--replicates", "0"], "argument --replicates: 0: expected an integer from 1 to 10_000"),
    (
        ["compare", "npm", "--out", "{existing}/kept.csv"],
        "--out: {existing}/kept.csv: {existing}/kept.csv is a file, not a folder",
    ),
    (["compare", "npm", "npm", "--out", "{existing}"], "scenarios: a scenario is named twice"),
    (["decompose", "npm", "--against", "npm", "--out", "{existing}"], "npm: no parameter differs from npm"),
    (["compare", "npm", "--workers", "0"], "argument --workers: 0: expected an integer from 1 to"),
    (["decompose", "alliance", "--workers", "x"], "argument --workers: 'x': expected an integer from 1 to"),
]


@pytest.mark.parametrize(("command", "expected"), CASES, ids=[" ".join(c) for c, _ in CASES])
def test_a_bad_option_is_one_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture, command: list[str], expected: str
) -> None:
    existing = tmp_path / "existing.csv"  # a folder with a file's name, holding a result
    existing.mkdir()
    (existing / "kept.csv").write_text("week,engagement\n0,0.5\n")
    before = snapshot(tmp_path)
    assert main([part.format(existing=existing) for part in command]) == 2
    assert one_line_error(capsys, expected.format(existing=existing)).startswith(
        (f"centaure {command[0]}: error: ", "centaure: error: ")
    )
    assert snapshot(tmp_path) == before


def test_a_write_that_fails_after_the_run_is_one_line_and_leaves_no_temporary_file(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder passed the check before the run, then the disk filled: one line naming the file, exit 2."""

    def disk_full(frame: pd.DataFrame, path: str | Path, **options: object) -> None:
        Path(path).write_text("week,engage")  # half a file, as a full disk leaves it
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(pd.DataFrame, "to_csv", disk_full)
    out = tmp_path / "weeks.csv"
    assert main(["run", "npm", "--weeks", "3", "--out", str(out)]) == 2
    one_line_error(capsys, f"centaure: error: {out}: cannot write (No space left on device)")
    assert list(tmp_path.iterdir()) == []
