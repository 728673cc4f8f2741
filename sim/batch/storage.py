"""A sweep's results folder: a Parquet dataset of runs, a manifest, the failures.

Layout::

    DIR/manifest.json         the experiment, every run (parameters, seed, id), versions, git commit
    DIR/failures.json         runs that raised in the last sweep, with their errors
    DIR/runs/task-*.parquet   rows of the runs of one finished task, written as soon as it ends
    DIR/runs/part-*.parquet   compacted rows (task files merged at the end of a sweep, sorted)
    DIR/analysis/             what ``centaure analyze`` writes

Every file is written atomically (temporary file + rename, with the permissions
the umask allows), so a killed sweep leaves complete files only and loses at
most the runs in flight. A run is stored when its ``run_id`` is in a Parquet
file; readers drop duplicates (a crash between writing a compacted part and
deleting its task files may leave a run twice).

The manifest records the sha256 of every data file (``files``), and readers
check them first (:func:`checksums`): a file changed or damaged since it was
written is named, with what to do, before anything reads it. A file the
manifest does not list yet (written by a sweep killed before it could record
it) is recorded by the next sweep.

A file that cannot be written (disk full, read-only folder) is one
:class:`StorageError` line naming it; so is a file that cannot be read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from sim.errors import StorageError
from sim.io import atomic_write_text, write_table, writing

FORMAT = "centaure-sweep/1"
MANIFEST = "manifest.json"
FAILURES = "failures.json"
RUNS = "runs"
SORT = ["scenario", "point", "replicate", "week"]
PART_ROWS = 2_000_000


def runs_dir(out: Path) -> Path:
    return Path(out) / RUNS


def data_files(out: Path) -> list[Path]:
    """Every Parquet file of the dataset, compacted parts first."""
    folder = runs_dir(out)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("part-*.parquet")) + sorted(folder.glob("task-*.parquet"))


def clean_temporary(out: Path) -> int:
    """Delete half-written temporary files a killed sweep left behind; return how many."""
    folder = runs_dir(out)
    stale = list(folder.glob(".*.tmp")) if folder.is_dir() else []
    for path in stale:
        with writing(path):
            path.unlink(missing_ok=True)
    return len(stale)


def stored_ids(out: Path) -> set[str]:
    """Ids of the runs stored in the dataset (reads only the ``run_id`` column)."""
    ids: set[str] = set()
    for path in data_files(out):
        ids.update(_read(path, ["run_id"]).column("run_id").unique().to_pylist())
    return ids


def _read(path: Path, columns: list[str] | None = None) -> pa.Table:
    try:
        return pq.read_table(path, columns=columns)
    except (OSError, pa.ArrowException) as err:
        raise StorageError(f"{path}: unreadable Parquet file ({err}); delete it and re-run the sweep") from None


def write_task(out: Path, frame: pd.DataFrame) -> Path:
    """Store the rows of one finished task (atomically); the name is a hash of its run ids."""
    ids = "\n".join(sorted(frame["run_id"].unique()))
    path = runs_dir(out) / f"task-{hashlib.sha256(ids.encode()).hexdigest()[:16]}.parquet"
    return write_table(frame, path)


def digest(path: Path) -> str:
    """sha256 of a file's bytes (hex)."""
    try:
        with open(path, "rb") as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except OSError as err:
        raise StorageError(f"{path}: cannot read ({err.strerror or err})") from None


def file_key(out: Path, path: Path) -> str:
    """How the manifest names a data file: its path inside the results folder (``runs/part-00000.parquet``)."""
    return Path(path).relative_to(out).as_posix()


def checksums(out: Path, recorded: Mapping[str, str]) -> dict[str, str]:
    """The sha256 of every data file in ``out``, each checked against ``recorded`` (a manifest's ``files``).

    A file whose digest differs from the recorded one raises StorageError naming
    it and what to do; a file not recorded yet is taken as it is.
    """
    out = Path(out)
    found = {}
    for path in data_files(out):
        key, value = file_key(out, path), digest(path)
        if recorded.get(key, value) != value:
            raise StorageError(
                f"{path}: changed or damaged since the sweep wrote it (its sha256 differs from the one in"
                f" {MANIFEST}); delete it and re-run the sweep to recompute its runs"
            )
        found[key] = value
    return found


def record(out: Path, files: dict[str, str]) -> None:
    """Add to ``files`` the checksum of every data file it lacks (written since); forget the files that are gone."""
    for path in data_files(out):
        files.setdefault(file_key(out, path), digest(path))
    for key in [k for k in files if not (Path(out) / k).exists()]:
        del files[key]


def compact(out: Path) -> list[Path]:
    """Merge the task files into sorted ``part-*.parquet`` files, then delete them.

    Runs already in a part are not copied again. Returns the new part files.
    """
    folder = runs_dir(out)
    tasks = sorted(folder.glob("task-*.parquet")) if folder.is_dir() else []
    if not tasks:
        return []
    parts = sorted(folder.glob("part-*.parquet"))
    in_parts: set[str] = set()
    for path in parts:
        in_parts.update(_read(path, ["run_id"]).column("run_id").unique().to_pylist())
    frame = _concat(tasks)
    frame = frame[~frame["run_id"].isin(in_parts)].drop_duplicates(["run_id", "week"])
    frame = frame.sort_values(SORT, kind="stable").reset_index(drop=True)
    written = []
    next_index = 1 + max((int(p.stem.split("-")[1]) for p in parts), default=-1)
    for start in range(0, len(frame), PART_ROWS):
        path = folder / f"part-{next_index:05d}.parquet"
        rows = frame.iloc[start : start + PART_ROWS].reset_index(drop=True)
        written.append(write_table(rows, path))
        next_index += 1
    for path in tasks:
        with writing(path):
            path.unlink(missing_ok=True)
    return written


def _concat(files: Iterable[Path]) -> pd.DataFrame:
    files = [str(f) for f in files]
    try:
        table = ds.dataset(files, format="parquet").to_table()
    except (OSError, pa.ArrowException) as err:
        raise StorageError(f"{Path(files[0]).parent}: cannot read the stored runs together ({err})") from None
    return table.to_pandas()


def load(out: Path, run_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """The stored rows (each run once), optionally only the runs in ``run_ids``, sorted."""
    files = data_files(out)
    if not files:
        return pd.DataFrame()
    frame = _concat(files).drop_duplicates(["run_id", "week"])
    if run_ids is not None:
        frame = frame[frame["run_id"].isin(set(run_ids))]
    return frame.sort_values(SORT, kind="stable").reset_index(drop=True)


def read_json(path: Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise StorageError(f"{path}: cannot read: {err.strerror}") from None
    except json.JSONDecodeError as err:
        raise StorageError(f"{path}: not valid JSON ({err})") from None


def write_json(path: Path, data: Any) -> Path:
    return atomic_write_text(path, json.dumps(data, indent=1, allow_nan=True) + "\n")


def read_manifest(out: Path) -> dict[str, Any] | None:
    """The manifest of a results folder written by ``centaure sweep``, or None if there is none yet."""
    path = Path(out) / MANIFEST
    if not path.exists():
        return None
    manifest = read_json(path)
    found = manifest.get("format") if isinstance(manifest, dict) else None
    if found != FORMAT:
        raise StorageError(
            f"{out}: not a results folder of centaure sweep ({MANIFEST} has format {found!r}, expected"
            f" {FORMAT!r}); give a folder centaure sweep wrote, or another folder"
        )
    return manifest


def write_manifest(out: Path, manifest: dict[str, Any]) -> Path:
    return write_json(Path(out) / MANIFEST, manifest)


def write_failures(out: Path, failures: list[dict[str, Any]]) -> Path:
    return write_json(Path(out) / FAILURES, failures)
