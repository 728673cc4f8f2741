"""Scenarios: named parameter values with lecturer texts and a schedule of reforms.

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

    [organisations.2]                  # optional: organisation 2's own values of per-organisation levers
    kind = "for_profit"
    caseload_cap = 45

    [[reforms]]                        # optional: levers that change at a given week
    week = 156
    levers = { participation_level = 6 }

    [[reforms]]                        # ... or those of one organisation only
    week = 208
    organisation = 2
    levers = { outreach_share = 0.1 }

A :class:`Scenario` or a :class:`Reform` that exists is valid: each checks
itself where it is made. Every problem in a file is one line naming the file,
the field and what is allowed (:class:`sim.errors.ScenarioError`). Shipped
scenarios are read once per process and cached.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim import schema
from sim.errors import CentaureError, ScenarioError
from sim.io import read_toml
from sim.organisation.form import FORM_SECTION
from sim.params import ORG_SEPARATOR, Params, levers, suggest

LANGS = ("fr", "en")
TEXT_KEYS = ("title", "shows", "try")


@dataclass(frozen=True)
class Texts:
    """A text in French and English (either may be empty)."""

    fr: str = ""
    en: str = ""

    def get(self, lang: str) -> str:
        """The text in ``lang``, else in the other language."""
        return getattr(self, lang, "") or self.fr or self.en

    def __bool__(self) -> bool:
        return bool(self.fr or self.en)


@dataclass(frozen=True)
class Reform:
    """Levers that take new values from ``week`` on (that week is simulated with them).

    ``changes`` are checked and converted by the lever declarations when the
    reform is made; only levers (and context) can change during a run. A
    reform of one organisation (``organisation=j``) changes that
    organisation's own values only; its ``changes`` then read ``lever@j``.
    """

    week: int
    changes: Mapping[str, Any]
    organisation: int | None = None

    def __post_init__(self) -> None:
        if isinstance(self.week, bool) or not isinstance(self.week, int) or self.week < 1:
            raise ScenarioError(
                f"week = {self.week!r}: expected an integer of at least 1 (weeks)", field="week", value=self.week
            )
        if not isinstance(self.changes, Mapping) or not self.changes:
            raise ScenarioError("levers: expected a non-empty table of lever = value", field="levers")
        j = self.organisation
        if j is not None and (isinstance(j, bool) or not isinstance(j, int) or j < 0):
            raise ScenarioError(
                f"organisation = {j!r}: expected an organisation number (0, 1, ...)", field="organisation"
            )
        reformable = levers()
        checked = {}
        for key, value in self.changes.items():
            name, _, own = key.partition(ORG_SEPARATOR)
            if name not in reformable:
                raise ScenarioError(
                    f"levers.{name}: not a lever a reform can change{suggest(name, reformable)};"
                    f" allowed: {', '.join(reformable)}",
                    field=f"levers.{name}",
                )
            if (j is not None or own) and not reformable[name].per_organisation:
                raise ScenarioError(
                    f"levers.{name}: not a lever an organisation sets for itself; those that are:"
                    f" {', '.join(n for n, s in reformable.items() if s.per_organisation)}",
                    field=f"levers.{name}",
                )
            try:
                value = reformable[name].check(value)
            except CentaureError as err:
                raise ScenarioError(f"levers.{err.detail}", field=f"levers.{name}", value=value) from None
            checked[f"{name}{ORG_SEPARATOR}{j}" if j is not None and not own else key] = value
        object.__setattr__(self, "changes", checked)

    def levers_changed(self) -> dict[str, Any]:
        """The changes by lever name (without the organisation)."""
        return {key.partition(ORG_SEPARATOR)[0]: value for key, value in self.changes.items()}


@dataclass(frozen=True)
class Scenario:
    """A named, valid set of parameter values, texts for lecturers, and a reform schedule."""

    name: str
    params: Params = field(default_factory=Params)
    reforms: tuple[Reform, ...] = ()
    title: Texts = Texts()
    shows: Texts = Texts()
    try_: Texts = Texts()
    path: Path | None = None

    def __post_init__(self) -> None:
        reforms = tuple(sorted(self.reforms, key=lambda r: r.week))
        object.__setattr__(self, "reforms", reforms)
        weeks = self.params.weeks
        params = self.params
        for n, reform in enumerate(reforms):
            if reform.week > weeks:
                raise ScenarioError(
                    f"reforms[{n}].week = {reform.week} is past the horizon: expected an integer from 1 to {weeks} (weeks)",
                    field=f"reforms[{n}].week",
                    value=reform.week,
                )
            try:  # every reform applies to the parameters it will meet (e.g. its organisation exists)
                params = params.replace(**reform.changes)
            except CentaureError as err:
                raise err.located(prefix=f"reforms[{n}].levers.", kind=ScenarioError) from None

    def text(self, key: str, lang: str = "en") -> str:
        """A lecturer's text (title, shows, try) in ``lang``, falling back to the other language."""
        return {"title": self.title, "shows": self.shows, "try": self.try_}[key].get(lang)

    def with_changes(self, **changes: Any) -> Scenario:
        """The same scenario with parameter changes (e.g. from ``--set``), checked as any Params."""
        return dataclasses.replace(self, params=self.params.replace(**changes)) if changes else self

    def with_reforms(self, *reforms: Reform, name: str | None = None) -> Scenario:
        """The same scenario with ``reforms`` added to its schedule."""
        return dataclasses.replace(self, name=name or self.name, reforms=(*self.reforms, *reforms))


# ---------------------------------------------------------------------------- files
def _organisation_numbers(table: Mapping[str, Any], path: str) -> None:
    for key in table:
        if not key.isdigit():
            raise ScenarioError(
                f"{path}.{key}: expected an organisation number (0, 1, ...) as in [organisations.0]",
                field=f"{path}.{key}",
            )


SCENARIO_FILE = schema.Table(
    unknown="unknown section",
    fields={
        "base": schema.Text(allowed="the name of a shipped scenario or a path"),
        **{
            key: schema.Table(
                fields={lang: schema.Text() for lang in LANGS},
                unknown="unknown language",
                allowed="a table with fr and en texts",
                default={},
            )
            for key in TEXT_KEYS
        },
        "levers": schema.TableOf(allowed="a table of parameter = value", default={}),
        "organisations": schema.TableOf(
            item=schema.TableOf(allowed="a table of parameter = value"),
            keys=_organisation_numbers,
            allowed="tables [organisations.N] of parameter = value, N an organisation number",
            default={},
        ),
        "organisation": dataclasses.replace(FORM_SECTION, default=None),
        "reforms": schema.ListOf(
            item=schema.Table(
                fields={
                    "week": schema.Field(default=None),
                    "organisation": schema.Field(default=None),
                    "levers": schema.Field(default={}),
                },
                allowed="a table with week, levers and optionally organisation",
            ),
            allowed="an array of tables ([[reforms]])",
            default=[],
        ),
    },
)
"""The scenario file format; parameter values are checked by :mod:`sim.params`."""


def scenario_dir() -> Path:
    """Folder of the shipped scenarios (packaged copy first, then the source tree)."""
    packaged = Path(__file__).parent / "scenarios_data"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parent.parent / "scenarios"


@functools.cache
def shipped() -> dict[str, Path]:
    """Shipped scenario names and their files, in alphabetical order."""
    return {p.stem: p for p in sorted(scenario_dir().glob("*.toml"))}


def load(name_or_path: str | Path) -> Scenario:
    """A shipped scenario by name (read once, then cached), or a user's TOML file by path (read each time)."""
    text = str(name_or_path)
    if text in shipped():
        return _load_shipped(text)
    path = Path(text)
    if path.suffix != ".toml" and not path.exists():
        raise ScenarioError(f"{text}: unknown scenario; shipped ones are {', '.join(shipped())}, or give a .toml path")
    return _load(path, chain=())


@functools.cache
def _load_shipped(name: str) -> Scenario:
    return _load(shipped()[name], chain=())


def _load(path: Path, chain: tuple[str, ...]) -> Scenario:
    where = str(path)
    if where in chain:
        raise ScenarioError(f"{where}: base: circular reference through {' -> '.join(chain)}")
    try:
        data = read_toml(path, "scenario file")
    except CentaureError as err:
        raise err.located(kind=ScenarioError) from None
    return from_dict(data, where=where, name=path.stem, chain=(*chain, where), path=path)


def from_dict(
    data: Mapping[str, Any],
    where: str = "<scenario>",
    name: str = "custom",
    chain: tuple[str, ...] = (),
    path: Path | None = None,
) -> Scenario:
    """A Scenario from a parsed scenario document (``where`` names it in errors)."""
    doc = schema.read(SCENARIO_FILE, data, where, ScenarioError)
    base = _base(doc["base"], path, chain, where) if doc["base"] is not None else None
    try:
        params = Params.from_mapping(doc["levers"], base=base.params if base else None)
    except CentaureError as err:
        raise err.located(where, "levers.", ScenarioError) from None
    for j, own in doc["organisations"].items():
        try:
            params = params.with_organisation(int(j), **own)
        except CentaureError as err:
            raise ScenarioError(
                f"{where}: organisations.{j}.{err.detail.replace(f'@{j}', '')}", field=f"organisations.{j}"
            ) from None
    reforms = []
    for n, item in enumerate(doc["reforms"]):
        try:
            reforms.append(Reform(item["week"], item["levers"], item["organisation"]))
        except CentaureError as err:
            raise err.located(where, f"reforms[{n}].", ScenarioError) from None
    texts = {key: Texts(**doc[key]) for key in TEXT_KEYS}
    if base is not None:
        inherited = {"title": base.title, "shows": base.shows, "try": base.try_}
        texts = {key: text or inherited[key] for key, text in texts.items()}
        reforms = reforms or list(base.reforms)
    try:
        return Scenario(name, params, tuple(reforms), texts["title"], texts["shows"], texts["try"], path)
    except CentaureError as err:
        raise err.located(where, kind=ScenarioError) from None


def _base(base: str, path: Path | None, chain: tuple[str, ...], where: str) -> Scenario:
    if base in shipped():
        return _load(shipped()[base], chain)  # not the cache: the chain detects circular bases
    candidate = Path(base)
    if path is not None and not candidate.is_absolute():
        candidate = path.parent / candidate
    if candidate.suffix != ".toml" and not candidate.exists():
        raise ScenarioError(f"{where}: base: {base!r}: unknown scenario; shipped ones are {', '.join(shipped())}")
    return _load(candidate, chain)


def to_toml(scenario: Scenario) -> str:
    """Write a scenario back as TOML (every value that differs from the defaults)."""
    lines = []
    for key, texts in (("title", scenario.title), ("shows", scenario.shows), ("try", scenario.try_)):
        if texts:
            lines.append(f"[{key}]")
            lines += [f"{lang} = {_toml_value(getattr(texts, lang))}" for lang in LANGS if getattr(texts, lang)]
            lines.append("")
    params = scenario.params
    lines.append("[levers]")
    lines += [f"{k} = {_toml_value(v)}" for k, v in params.changed().items()]
    for j in sorted({j for j, _, _ in params.organisations}):
        lines += ["", f"[organisations.{j}]"]
        lines += [f"{k} = {_toml_value(v)}" for k, v in params.own_values(j).items()]
    for reform in scenario.reforms:
        lines += ["", "[[reforms]]", f"week = {reform.week}"]
        if reform.organisation is not None:
            lines.append(f"organisation = {reform.organisation}")
        lines.append("[reforms.levers]")
        changes = reform.levers_changed() if reform.organisation is not None else reform.changes
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in changes.items()]
    return "\n".join(lines) + "\n"


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").isalnum() else _toml_value(key)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        escaped = v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    return repr(v)
