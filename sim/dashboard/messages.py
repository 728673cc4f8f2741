"""Errors in the page's language: a :class:`CentaureError` phrased from its parts, never its English text.

The library's errors carry ``field``, ``value`` and ``allowed``; here they
become a sentence with the parameter's label (``«Nombre de personnes»``), the
value as the reader writes numbers and what is allowed, from the parameter's
declaration. A rule between fields names every parameter its message
mentions, by label and value. No code name reaches the page.
"""

from __future__ import annotations

import re
from typing import Any

from sim.errors import CentaureError
from sim.i18n import NBSP, choice, has, label, number, t, unit
from sim.params import Params, Spec

PAGE_FIELDS = (
    "scenario",
    "scenarios",
    "seed",
    "replicates",
    "draws",
    "years",
    "week",
    "step",
    "change",
    "reform",
    "example",
    "seeds",
    "rounds",
)
"""Keys of the address that are not parameters; their words are ``field.<key>`` in the catalogue (and, for an
error whose ``allowed`` names a case, ``error.<key>.<case>``)."""

_ASSIGNED = re.compile(r"\b([a-z][a-z0-9_]*) = (-?[0-9][0-9_.]*)")


def quoted(text: str, lang: str) -> str:
    return f"«{NBSP}{text}{NBSP}»" if lang == "fr" else f"“{text}”"


def shown_value(value: Any, lang: str) -> str:
    """A value as typed (quoted), a parameter by its label, or a number in the reader's format."""
    if isinstance(value, bool) or value is None:
        return t("yes" if value else "no", lang) if isinstance(value, bool) else "–"
    if isinstance(value, int | float):
        return number(value, lang, digits=6)
    specs = Params.specs()
    return quoted(label(specs[value], lang) if value in specs else str(value), lang)


def allowed_text(spec: Spec, lang: str, limit: int | None = None) -> str:
    """What a parameter accepts (up to ``limit`` if lower), in words: ``un nombre de 0 à 0,7 (part du temps de travail)``."""
    if spec.kind is bool:
        return t("allowed.bool", lang)
    if spec.choices:
        return t("allowed.choice", lang, values=", ".join(quoted(choice(c, lang), lang) for c in spec.choices))
    key = "allowed.int" if spec.kind is int else "allowed.float"
    high = spec.high if limit is None else min(spec.high, limit)
    return t(key, lang, low=number(spec.low, lang), high=number(high, lang), unit=unit(spec.unit, lang))


def field_name(field: str | None) -> str | None:
    """The parameter or page key an error's field names (``levers.x`` and ``reform.x`` give ``x``)."""
    if not field:
        return None
    return re.split(r"[.\]]", field)[-1] or None


def error_text(err: CentaureError, lang: str, limits: dict[str, int] | None = None) -> str:
    """``err`` as one sentence in ``lang``, with labels and the reader's number format."""
    specs = Params.specs()
    name = field_name(err.field)
    if name in specs:
        spec = specs[name]
        limit = (limits or {}).get(name)
        if limit is not None and isinstance(err.value, int | float) and err.value > limit:
            return t("error.limit_value", lang, label=quoted(label(spec, lang), lang), limit=number(limit, lang))
        try:
            spec.check(err.value)
        except CentaureError:
            return t(
                "error.value",
                lang,
                label=quoted(label(spec, lang), lang),
                value=shown_value(err.value, lang),
                allowed=allowed_text(spec, lang, limit),
            )
        return t("error.together", lang, what=together(err, lang))
    if name in PAGE_FIELDS:
        key = f"error.{name}.{err.allowed}"
        return t(
            key if err.allowed and has(key) else "error.page_value",
            lang,
            label=quoted(t(f"field.{name}", lang), lang),
            value=shown_value(err.value, lang),
        )
    return t("error.unknown_setting", lang, value=shown_value(err.value if err.value is not None else name, lang))


def together(err: CentaureError, lang: str) -> str:
    """The parameters a rule between fields names, as ``label = value`` in the reader's words."""
    specs = Params.specs()
    values = {n: float(v.replace("_", "")) for n, v in _ASSIGNED.findall(err.detail) if n in specs}
    named = [n for n in specs if re.search(rf"\b{n}\b", err.detail)]
    parts = []
    for n in named:
        value = values.get(n, err.value if n == field_name(err.field) else None)
        text = quoted(label(specs[n], lang), lang)
        parts.append(f"{text} = {shown_value(value, lang)}" if value is not None else text)
    return ", ".join(parts)
