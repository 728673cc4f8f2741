"""Declarative readers for TOML documents: one schema per file format, one-line errors.

A schema is a :class:`Table` of named fields; reading a parsed document
checks every key against it, fills defaults, and raises :class:`SchemaError`
for the first problem, naming the field's path (``reforms[0].week``), the value
and what is allowed. The scenario and experiment file formats are each one
such schema (:mod:`sim.scenarios`, :mod:`sim.batch.experiment`); parameter
values inside them are checked by the parameter declarations of
:mod:`sim.params`, not here.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sim.errors import CentaureError
from sim.params import suggest

MISSING = object()
"""Default of a required field."""


class SchemaError(CentaureError):
    """A document does not follow its schema (the location is added by the reader)."""


@dataclass(frozen=True, kw_only=True)
class Field:
    """One field: what it holds, in words, and how to read it."""

    allowed: str = "a value"
    default: Any = None

    def read(self, value: Any, path: str) -> Any:
        return value

    def fail(self, value: Any, path: str) -> SchemaError:
        return SchemaError(f"{path}: {value!r}: expected {self.allowed}", field=path, value=value, allowed=self.allowed)


@dataclass(frozen=True, kw_only=True)
class Text(Field):
    allowed: str = "a string"
    nonempty: bool = False

    def read(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or (self.nonempty and not value.strip()):
            raise self.fail(value, path)
        return value


@dataclass(frozen=True, kw_only=True)
class Boolean(Field):
    allowed: str = "true or false"

    def read(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(value, path)
        return value


@dataclass(frozen=True, kw_only=True)
class Integer(Field):
    low: int | None = None
    high: int | None = None
    allowed: str = ""

    def __post_init__(self) -> None:
        if not self.allowed:
            if self.high is None:
                words = f"an integer of at least {self.low}" if self.low is not None else "an integer"
            else:
                words = f"an integer from {self.low} to {self.high}"
            object.__setattr__(self, "allowed", words)

    def read(self, value: Any, path: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(value, path)
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise self.fail(value, path)
        return value


@dataclass(frozen=True, kw_only=True)
class Number(Field):
    """A finite number strictly inside (low, high) when ``open``, else within [low, high]."""

    low: float = -math.inf
    high: float = math.inf
    open: bool = False
    allowed: str = "a number"

    def read(self, value: Any, path: str) -> float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise self.fail(value, path)
        inside = self.low < value < self.high if self.open else self.low <= value <= self.high
        if not inside:
            raise self.fail(value, path)
        return float(value)


@dataclass(frozen=True, kw_only=True)
class Choice(Field):
    options: tuple[str, ...] = ()
    allowed: str = ""

    def read(self, value: Any, path: str) -> str:
        if value not in self.options:
            raise SchemaError(
                f"{path}: {value!r}: unknown{_hint(value, self.options)}; allowed: {', '.join(self.options)}",
                field=path,
                value=value,
                allowed=", ".join(self.options),
            )
        return value


@dataclass(frozen=True, kw_only=True)
class ListOf(Field):
    item: Field = field(default_factory=Field)
    min_items: int = 0
    allowed: str = ""

    def __post_init__(self) -> None:
        if not self.allowed:  # as for Integer, a given ``allowed`` is the whole description
            at_least = f" with at least {self.min_items} item(s)" if self.min_items else ""
            object.__setattr__(self, "allowed", f"an array{at_least}")

    def read(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list) or len(value) < self.min_items:
            raise SchemaError(f"{path}: expected {self.allowed}", field=path, value=value, allowed=self.allowed)
        return [self.item.read(v, f"{path}[{n}]") for n, v in enumerate(value)]


@dataclass(frozen=True, kw_only=True)
class TableOf(Field):
    """A table whose keys are free (checked by ``keys`` if given) and whose values all follow ``item``."""

    item: Field = field(default_factory=Field)
    keys: Callable[[Mapping[str, Any], str], None] | None = None
    allowed: str = "a table"

    def read(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise SchemaError(f"{path}: expected {self.allowed}", field=path, value=value, allowed=self.allowed)
        if self.keys is not None:
            self.keys(value, path)
        return {k: self.item.read(v, f"{path}.{k}") for k, v in value.items()}


@dataclass(frozen=True, kw_only=True)
class Table(Field):
    """A table with declared keys; unknown keys are refused, missing ones take their default."""

    fields: Mapping[str, Field] = field(default_factory=dict)
    unknown: str = "unknown key"
    allowed: str = "a table"

    def read(self, value: Any, path: str = "") -> dict[str, Any]:
        if not isinstance(value, dict):
            raise SchemaError(f"{path}: expected {self.allowed}", field=path, value=value, allowed=self.allowed)
        prefix = f"{path}." if path else ""
        for key in value:
            if key not in self.fields:
                raise SchemaError(
                    f"{prefix}{key}: {self.unknown}{_hint(key, self.fields)}; allowed: {', '.join(self.fields) or 'none'}",
                    field=f"{prefix}{key}",
                    allowed=", ".join(self.fields) or "none",
                )
        out = {}
        for key, spec in self.fields.items():
            if key in value:
                out[key] = spec.read(value[key], f"{prefix}{key}")
            elif spec.default is MISSING:
                raise SchemaError(f"{prefix}{key}: missing; expected {spec.allowed}", field=f"{prefix}{key}")
            else:
                out[key] = spec.default
        return out


def _hint(name: Any, known: Any) -> str:
    return suggest(name, known) if isinstance(name, str) else ""


def read(schema: Table, data: Mapping[str, Any], where: str, kind: type[CentaureError]) -> dict[str, Any]:
    """Read a parsed document with ``schema``; errors are ``kind`` and name ``where`` (the file) and the field."""
    try:
        return schema.read(dict(data))
    except CentaureError as err:
        raise err.located(where, kind=kind) from None
