"""Every user-facing word, in French and English, from one catalogue; numbers as each language writes them.

The catalogue is ``sim/data/catalogue.toml``: one table per message with its
``fr`` and ``en`` texts, keyed by the table's dotted id (``param.<name>.label``,
``param.<name>.help``, ``indicator.<name>.label``, ``unit.<unit>``,
``choice.<value>``, and the front ends' own ids such as ``explore.play``).
Parameters and indicators keep their numbers and sources in :mod:`sim.params`
and :mod:`sim.metrics`; their words live here. Scenario texts stay in the
scenario files, which carry both languages themselves.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Mapping
from importlib.resources import files
from types import MappingProxyType
from typing import Any

LANGS = ("fr", "en")
DEFAULT_LANG = "en"
NBSP = "\u00a0"  # before ':' and inside « »
NNBSP = "\u202f"  # before ';', '!', '?', '%' and between thousands


@functools.cache
def catalogue() -> Mapping[str, Mapping[str, str]]:
    """Message id -> {"fr": text, "en": text}, read once."""
    data = tomllib.loads((files("sim") / "data" / "catalogue.toml").read_text(encoding="utf-8"))
    messages: dict[str, Mapping[str, str]] = {}
    _flatten(data, "", messages)
    return MappingProxyType(messages)


def _flatten(table: Mapping[str, Any], prefix: str, out: dict[str, Mapping[str, str]]) -> None:
    if set(table) & set(LANGS):
        if set(table) - set(LANGS):
            raise ValueError(f"catalogue: {prefix.rstrip('.')}: a message holds only fr and en texts")
        out[prefix.rstrip(".")] = MappingProxyType(dict(table))
        return
    for key, value in table.items():
        if not isinstance(value, dict):
            raise ValueError(f"catalogue: {prefix}{key}: expected a table with fr and en texts")
        _flatten(value, f"{prefix}{key}.", out)


def has(key: str) -> bool:
    return key in catalogue()


def t(key: str, lang: str, **values: Any) -> str:
    """The message ``key`` in ``lang`` with ``{names}`` filled in (the key itself if the catalogue lacks it)."""
    message = catalogue().get(key)
    text = key if message is None else message.get(lang) or message[DEFAULT_LANG]
    return text.format(**values) if values else text


# ---------------------------------------------------------------------------- declared things
def label(spec: Any, lang: str) -> str:
    """A parameter's label (``spec``: its :class:`sim.params.Spec`)."""
    return t(f"param.{spec.name}.label", lang)


def help_text(spec: Any, lang: str) -> str:
    """A parameter's help text ('' if it has none)."""
    key = f"param.{spec.name}.help"
    return t(key, lang) if has(key) else ""


def unit(text: str, lang: str, count: float | None = None) -> str:
    """A unit (declared in English, which is its id) in ``lang``; singular (``unit_one.<id>``) for a ``count`` that takes it."""
    if count is not None and plural_form(count, lang) == "one" and has(f"unit_one.{text}"):
        return t(f"unit_one.{text}", lang)
    key = f"unit.{text}"
    return t(key, lang) if has(key) else text


def plural_form(count: float, lang: str) -> str:
    """``one`` or ``other``: French takes the singular below 2 (0, 1, 1,5), English for exactly 1."""
    size = abs(float(count))
    return "one" if (size < 2 if lang == "fr" else size == 1) else "other"


def plural(key: str, count: float, lang: str, **values: Any) -> str:
    """The message ``key.one`` or ``key.other`` for ``count`` (given to it as ``{n}``, written as ``lang`` writes it)."""
    return t(f"{key}.{plural_form(count, lang)}", lang, n=number(count, lang), **values)


def choice(value: str, lang: str) -> str:
    """A value of a rule parameter in plain words."""
    key = f"choice.{value}"
    return t(key, lang) if has(key) else value


def indicator_label(name: str, lang: str) -> str:
    key = f"indicator.{name}.label"
    return t(key, lang) if has(key) else name


def indicator_unit(name: str, lang: str) -> str:
    from sim.metrics import INDICATORS

    info = INDICATORS.get(name)
    return "" if info is None else unit(info.unit, lang)


def value_text(spec: Any, value: Any, lang: str) -> str:
    """A parameter's value in plain words, with its unit."""
    if spec.kind is bool:
        return t("yes" if value else "no", lang)
    if spec.choices:
        return choice(str(value), lang)
    return f"{number(value, lang)}{NBSP}{unit(spec.unit, lang, count=value)}"


# ---------------------------------------------------------------------------- numbers
def number(x: float | int | None, lang: str, digits: int = 3) -> str:
    """A number for people: up to ``digits`` significant digits; decimal comma and thin thousands in French."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    if isinstance(x, bool):
        return t("yes" if x else "no", lang)
    if isinstance(x, int) or float(x).is_integer() and abs(x) >= 1 or abs(x) >= 10**digits:
        return f"{int(round(x)):,}".replace(",", NNBSP if lang == "fr" else ",")
    text = f"{x:.{digits}g}"
    if "e" in text:
        text = f"{x:.{digits + 2}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "fr" else text


def fixed(x: float, lang: str, decimals: int = 3) -> str:
    """``x`` with a fixed number of decimals (tables), decimal comma in French."""
    if not math.isfinite(x):
        return "–"
    text = f"{x:.{decimals}f}"
    return text.replace(".", ",") if lang == "fr" else text


def interval(mean: float, low: float, high: float, lang: str, decimals: int = 3) -> str:
    """``mean [low, high]`` in the language's number format (``0,25 [0,21 ; 0,29]`` in French)."""
    return f"{fixed(mean, lang, decimals)} {bracket(fixed(low, lang, decimals), fixed(high, lang, decimals), lang)}"


def bracket(low: str, high: str, lang: str) -> str:
    """``[low, high]``, or ``[low ; high]`` in French, of two numbers already written."""
    return f"[{low}{NNBSP + '; ' if lang == 'fr' else ', '}{high}]"


def percent(share: float, lang: str, decimals: int = 1) -> str:
    """A share as a percentage: ``12,3 %`` in French, ``12.3%`` in English."""
    if share is None or not math.isfinite(share):
        return "–"
    return fixed(100.0 * share, lang, decimals) + (NNBSP + "%" if lang == "fr" else "%")


def signed(x: float, lang: str, decimals: int = 1) -> str:
    """``x`` with its sign: ``+1,2`` or ``−1,2`` (a true minus sign), ``0`` unsigned."""
    if x is None or not math.isfinite(x):
        return "–"
    text = fixed(abs(x), lang, decimals)
    return text if round(abs(x), decimals) == 0 else ("+" if x > 0 else "\u2212") + text


def points(share_difference: float, lang: str, decimals: int = 1) -> str:
    """A difference of two shares in percentage points: ``−8,9 points``, ``+0,5 point``, ``+12.0 points``."""
    if share_difference is None or not math.isfinite(share_difference):
        return "–"
    value = 100.0 * share_difference
    rounded = round(abs(value), decimals)
    return f"{signed(value, lang, decimals)}{NBSP}{t('points.' + plural_form(rounded, lang), lang)}"


def pick_language(accept_language: str | None) -> str:
    """``fr`` or ``en`` from an Accept-Language header (quality values respected)."""
    if not accept_language:
        return DEFAULT_LANG
    ranked = []
    for n, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, val = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(val)
                except ValueError:
                    q = 0.0
        primary = tag.strip().lower().split("-")[0]
        ranked.append((-q, n, primary))
    for _, _, primary in sorted(ranked):
        if primary in LANGS:
            return primary
    return DEFAULT_LANG
