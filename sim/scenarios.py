"""Scenario files: read, validate, and their reform schedules.

A scenario is a TOML file (the shipped ones are in ``scenarios/``)::

    base = "npm"                       # optional: start from another scenario's values

    [title]
    fr = "..."
    en = "..."

    [shows]                            # what it shows (for lecturers)
    fr = "..."
    en = "..."

    [try]                              # things to try
    fr = "..."
    en = "..."

    [levers]                           # any parameter of sim.params
    reporting_pressure = 0.39

    [[reforms]]                        # optional: levers that change at a given week
    week = 156
    levers = { participation_level = 6 }

Every problem is reported as one line naming the file, the field and what is
allowed (:class:`ScenarioError`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.params import ParameterError, Params, levers

TEXT_KEYS = ("title", "shows", "try")
TOP_KEYS = ("base", "levers", "reforms", *TEXT_KEYS)
LANGS = ("fr", "en")


class ScenarioError(ValueError):
    """A scenario file is invalid; the message is one line: file, field, what is allowed."""


@dataclass(frozen=True)
class Reform:
    """Levers that take new values from ``week`` on (the week is simulated with them)."""

    week: int
    changes: dict[str, Any]

    def __post_init__(self) -> None:
        if isinstance(self.week, bool) or not isinstance(self.week, int):
            raise ScenarioError(f"week = {self.week!r}: expected an integer (weeks)")
        if not isinstance(self.changes, dict) or not self.changes:
            raise ScenarioError("levers: expected a non-empty table of lever = value")
        reformable = levers()
        for lever, value in self.changes.items():
            spec = reformable.get(lever)
            if spec is None:
                raise ScenarioError(
                    f"levers.{lever}: not a lever a reform can change; allowed: {', '.join(reformable)}"
                )
            try:
                spec.check(value)
            except ParameterError as err:
                raise ScenarioError(f"levers.{err}") from None


@dataclass(frozen=True)
class Scenario:
    """A named set of parameter values, texts for lecturers, and a reform schedule."""

    name: str
    params: Params
    reforms: tuple[Reform, ...] = ()
    title: dict[str, str] = field(default_factory=dict)
    shows: dict[str, str] = field(default_factory=dict)
    try_: dict[str, str] = field(default_factory=dict)
    levers: dict[str, Any] = field(default_factory=dict)  # values the file (and its base) set
    path: Path | None = None

    def __post_init__(self) -> None:
        check_reforms(self.reforms, self.params.weeks, str(self.path or self.name))

    def text(self, key: str, lang: str = "en") -> str:
        """A lecturer's text (title, shows, try) in ``lang``, falling back to the other language."""
        texts = {"title": self.title, "shows": self.shows, "try": self.try_}[key]
        return texts.get(lang) or next(iter(texts.values()), "")

    def with_changes(self, **changes: Any) -> Scenario:
        """The same scenario with validated parameter changes (e.g. from ``--set``)."""
        params = self.params.replace(**changes)
        return Scenario(
            self.name,
            params,
            self.reforms,
            self.title,
            self.shows,
            self.try_,
            {**self.levers, **changes},
            self.path,
        )


def scenario_dir() -> Path:
    """Folder of the shipped scenarios (packaged copy first, then the source tree)."""
    packaged = Path(__file__).parent / "scenarios_data"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "scenarios"


def shipped() -> dict[str, Path]:
    """Shipped scenario names and their files, in alphabetical order."""
    return {p.stem: p for p in sorted(scenario_dir().glob("*.toml"))}


def load(name_or_path: str | Path) -> Scenario:
    """Load a shipped scenario by name, or a user's TOML file by path."""
    return _load(name_or_path, chain=())


def _load(name_or_path: str | Path, chain: tuple[str, ...]) -> Scenario:
    path = _resolve(name_or_path)
    where = str(path)
    if where in chain:
        raise ScenarioError(f"{where}: base: circular reference through {' -> '.join(chain)}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ScenarioError(f"{where}: not valid TOML: {err}") from None
    except OSError as err:
        raise ScenarioError(f"{where}: cannot read: {err.strerror}") from None
    return from_dict(data, where=where, name=path.stem, chain=(*chain, where), path=path)


def _resolve(name_or_path: str | Path) -> Path:
    text = str(name_or_path)
    if text in shipped():
        return shipped()[text]
    path = Path(text)
    if path.suffix == ".toml" or path.exists():
        if not path.exists():
            raise ScenarioError(f"{text}: no such file")
        return path
    raise ScenarioError(f"{text}: unknown scenario; shipped ones are {', '.join(shipped())}, or give a .toml path")


def from_dict(
    data: dict[str, Any],
    where: str = "<scenario>",
    name: str = "custom",
    chain: tuple[str, ...] = (),
    path: Path | None = None,
) -> Scenario:
    """Validate a parsed scenario document."""
    for key in data:
        if key not in TOP_KEYS:
            raise ScenarioError(f"{where}: {key}: unknown section; allowed: {', '.join(TOP_KEYS)}")
    base = None
    if "base" in data:
        if not isinstance(data["base"], str):
            raise ScenarioError(f"{where}: base: expected the name of a shipped scenario or a path")
        base_path = data["base"]
        if path is not None and base_path not in shipped() and not Path(base_path).is_absolute():
            base_path = str(path.parent / base_path)
        base = _load(base_path, chain)
    texts = {key: _texts(data.get(key, {}), key, where) for key in TEXT_KEYS}
    raw = data.get("levers", {})
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: levers: expected a table of parameter = value")
    start = base.params if base else Params()
    try:
        params = Params.from_mapping(raw, base=start)
    except ParameterError as err:
        raise ScenarioError(f"{where}: levers.{err}") from None
    reforms = _reforms(data.get("reforms", []), where, params.weeks)
    if base is not None:
        texts = {k: v or getattr(base, "try_" if k == "try" else k) for k, v in texts.items()}
        reforms = reforms or base.reforms
    return Scenario(
        name=name,
        params=params,
        reforms=reforms,
        title=texts["title"],
        shows=texts["shows"],
        try_=texts["try"],
        levers={**(base.levers if base else {}), **raw},
        path=path,
    )


def _texts(value: Any, key: str, where: str) -> dict[str, str]:
    if isinstance(value, str):
        return {"en": value}
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: {key}: expected a table with fr and en texts")
    for lang, text in value.items():
        if lang not in LANGS:
            raise ScenarioError(f"{where}: {key}.{lang}: unknown language; allowed: {', '.join(LANGS)}")
        if not isinstance(text, str):
            raise ScenarioError(f"{where}: {key}.{lang}: expected a string")
    return dict(value)


def _reforms(value: Any, where: str, weeks: int) -> tuple[Reform, ...]:
    if not isinstance(value, list):
        raise ScenarioError(f"{where}: reforms: expected an array of tables ([[reforms]])")
    out = []
    for n, item in enumerate(value):
        if not isinstance(item, dict):
            raise ScenarioError(f"{where}: reforms[{n}]: expected a table with week and levers")
        unknown = set(item) - {"week", "levers"}
        if unknown:
            raise ScenarioError(f"{where}: reforms[{n}].{sorted(unknown)[0]}: unknown key; allowed: week, levers")
        try:
            out.append(Reform(item.get("week"), item.get("levers", {})))
        except ScenarioError as err:
            raise ScenarioError(f"{where}: reforms[{n}].{err}") from None
    check_reforms(tuple(out), weeks, where)  # indices as in the file
    return tuple(sorted(out, key=lambda r: r.week))


def check_reforms(reforms: tuple[Reform, ...], weeks: int, where: str) -> None:
    """Every reform week must fall within the horizon."""
    for n, reform in enumerate(reforms):
        if not 1 <= reform.week <= weeks:
            raise ScenarioError(
                f"{where}: reforms[{n}].week = {reform.week} is past the horizon: expected an integer from 1 to {weeks} (weeks)"
            )


def to_toml(scenario: Scenario) -> str:
    """Write a scenario back as TOML (every value that differs from the defaults)."""
    defaults = Params().as_dict()
    values = {k: v for k, v in scenario.params.as_dict().items() if v != defaults[k]}
    lines = []
    for key, texts in (("title", scenario.title), ("shows", scenario.shows), ("try", scenario.try_)):
        if texts:
            lines.append(f"[{key}]")
            lines += [f"{lang} = {_toml_value(text)}" for lang, text in texts.items()]
            lines.append("")
    lines.append("[levers]")
    lines += [f"{k} = {_toml_value(v)}" for k, v in values.items()]
    for reform in scenario.reforms:
        lines += ["", "[[reforms]]", f"week = {reform.week}", "[reforms.levers]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in reform.changes.items()]
    return "\n".join(lines) + "\n"


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        escaped = v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    return repr(v)
