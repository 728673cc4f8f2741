"""Files in and out: reading a user's TOML file safely, and atomic writes.

Reading: every way a file can be wrong (missing, a folder, unreadable,
empty, binary, not UTF-8, not TOML, duplicate keys) gives one
:class:`sim.errors.InputError` line naming the file and what to do.

Writing: to a temporary file in the same folder, then a rename, so a crash
leaves the old file or the new one, never half a file; a write that fails
(disk full, a folder that refuses files) is one
:class:`sim.errors.StorageError` line naming the file. Files get the
permissions the umask allows (as any file the user creates), so a team can
share results.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from sim.errors import InputError, StorageError

TABLE_SUFFIXES = (".csv", ".parquet")


def read_text(path: str | Path, what: str = "file") -> str:
    """The UTF-8 text of a user's file, or InputError naming the file and the problem."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such {what}", where=str(path))
    if path.is_dir():
        raise InputError(f"is a folder; expected a {what}", where=str(path))
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read: {err.strerror}", where=str(path)) from None
    if not data.strip():
        raise InputError(f"the {what} is empty", where=str(path))
    if b"\x00" in data:
        raise InputError(f"not a text file (binary content); expected a {what} in UTF-8", where=str(path))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{data[err.start]:02x} on line {line}); save the file as UTF-8",
            where=str(path),
        ) from None


def read_toml(path: str | Path, what: str = "TOML file") -> dict[str, Any]:
    """Parse a user's TOML file; every problem is one InputError line naming the file."""
    text = read_text(path, what)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"not valid TOML: {err}", where=str(path)) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()


@contextmanager
def writing(path: str | Path) -> Iterator[None]:
    """An OSError while writing ``path`` (disk full, read-only folder, ...) becomes one StorageError line."""
    try:
        yield
    except OSError as err:
        raise StorageError(f"{path}: cannot write ({err.strerror or err})") from None


def atomic_write(path: str | Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)``, then atomically move the result to ``path``.

    A crash leaves either the old file or the new one, never half a file; an
    OSError on the way is a StorageError naming ``path``.
    """
    path = Path(path)
    with writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
        tmp_path = Path(tmp)
        try:
            write(tmp_path)
            os.chmod(tmp_path, _FILE_MODE)  # mkstemp makes 0600 files; the user's umask decides, as for any file
            os.replace(tmp_path, path)
        finally:
            tmp_path.unlink(missing_ok=True)
    return path


def atomic_write_text(path: str | Path, text: str) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write a DataFrame as CSV or Parquet, chosen by the file's suffix, atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False))
    if suffix == ".parquet":
        return atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))
    raise InputError(f"unsupported output format {suffix or '(none)'}; use .csv or .parquet", where=str(path))
